import { Body, Controller, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CommandBus } from '@nestjs/cqrs';
import { contextFrom } from '../platform/commands/command-context';
import { setPosition } from '../platform/http/position-header';
import { type Actor, CurrentActor, Roles } from '../platform/auth/auth';
import { DisputeIdParam } from '../platform/validation/params';
import { Answers } from '../platform/openapi/decorators';
import { disputeResponse } from '../disputes/dispute-view';
import { AppealDto } from './appeals.dto';
import { AppealDisputeCommand } from './commands/appeal-dispute.handler';

@ApiTags('disputes')
@ApiBearerAuth()
@ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Retry-safe writes: same key + same body → the first answer' })
@Controller('disputes')
export class AppealsController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':id/appeal')
  @HttpCode(200)
  @Roles('merchant')
  @ApiOperation({
    summary: "The merchant appeals the case's MERCHANT_LIABLE judgement (申诉): once, within APPEAL_WINDOW of decidedAt, with a statement and ≥ 1 evidence item",
    description:
      '→ 200 with the dispute, status UNDER_REVIEW (queue reason APPEAL, overdue after APPEAL_REVIEW_WINDOW). 409 APPEAL_ALREADY_FILED / NOT_APPEALABLE ' +
      '(not judged, or not MERCHANT_LIABLE); 422 APPEAL_WINDOW_CLOSED / APPEAL_EVIDENCE_REQUIRED; 404 another merchant’s case; 403 other roles. ' +
      'Decided with POST /disputes/{id}/judgement by an adjudicator other than the one who rendered the appealed judgement (same sub → 403 FOUR_EYES_REQUIRED).',
  })
  @Answers(200, 'DisputeView', 'The dispute after the appeal, status UNDER_REVIEW')
  async appeal(@Param() p: DisputeIdParam, @Body() dto: AppealDto, @CurrentActor() actor: Actor, @Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const r = await this.commands.execute(new AppealDisputeCommand(p.id, dto, contextFrom(req, actor)));
    setPosition(reply, r.position);
    return disputeResponse(r.state, r.revision);
  }
}
