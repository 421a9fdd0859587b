import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type Command, CommandBus } from '@nestjs/cqrs';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Answers } from '../platform/openapi/decorators';
import { contextFrom } from '../platform/commands/command-context';
import { setPosition } from '../platform/http/position-header';
import { type Actor, CurrentActor, Roles } from '../platform/auth/auth';
import { DisputeIdParam } from '../platform/validation/params';
import { AtQuery, TimelineQuery, ChoiceDto, ConsumerResponseDto, ContestDto, JudgementDto, OpenDisputeDto, ReplayDto } from './disputes.dto';
import type { DisputeState } from '@app/domain';
import type { Handled } from '../platform/commands/aggregate-repository';
import { disputeResponse, type DisputeResponse } from './dispute-view';
import { DisputeQueries } from './queries/dispute-queries';
import { OpenDisputeCommand } from './commands/open-dispute.handler';
import { ChooseOptionCommand } from './commands/choose-option.handler';
import { ConsumerRespondCommand } from './commands/consumer-respond.handler';
import { ContestSettlementCommand } from './commands/contest-settlement.handler';
import { JudgeDisputeCommand } from './commands/judge-dispute.handler';

@ApiTags('disputes')
@ApiBearerAuth()
@ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Retry-safe writes: same key + same body → the first answer' })
@Controller('disputes')
export class DisputesController {
  constructor(
    private readonly queries: DisputeQueries,
    private readonly commands: CommandBus,
  ) {}

  /** A write's answer: the dispute after it, and the log position it reached (`X-Event-Position`). */
  private async answer(command: Command<Handled<DisputeState>>, reply: FastifyReply): Promise<DisputeResponse> {
    const r = await this.commands.execute(command);
    setPosition(reply, r.position);
    return disputeResponse(r.state, r.revision);
  }

  @Post()
  @HttpCode(201)
  @Roles('platform')
  @ApiOperation({ summary: 'Open a rush-order dispute (409 while another one on the order is not final)' })
  @Answers(201, 'DisputeView', 'The opened dispute')
  open(@Body() dto: OpenDisputeDto, @CurrentActor() actor: Actor, @Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.answer(new OpenDisputeCommand(dto, contextFrom(req, actor)), reply);
  }

  @Get(':id')
  @Roles('platform', 'merchant', 'consumer', 'adjudicator', 'auditor')
  @ApiOperation({ summary: 'A dispute; with ?at=<revision|ISO time> the state as it stood then' })
  @Answers(200, 'DisputeView', 'The dispute (with ?at=: as it stood then, with asOf)')
  get(@Param() p: DisputeIdParam, @Query() q: AtQuery, @CurrentActor() actor: Actor) {
    return this.queries.get(p.id, actor, q.at);
  }

  @Get(':id/options')
  @Roles('merchant', 'platform', 'adjudicator')
  @ApiOperation({ summary: 'Which options the system accepts now, with the missing facts and what each requires' })
  @Answers(200, 'DisputeOptions', 'Every option with its availability')
  options(@Param() p: DisputeIdParam, @CurrentActor() actor: Actor) {
    return this.queries.options(p.id, actor);
  }

  @Post(':id/choice')
  @HttpCode(200)
  @Roles('merchant')
  @ApiOperation({ summary: "The merchant's one settlement or no-fault defense (409 once a choice stands; 422 when preconditions fail)" })
  @Answers(200, 'DisputeView', 'The dispute after the choice')
  choose(@Param() p: DisputeIdParam, @Body() dto: ChoiceDto, @CurrentActor() actor: Actor, @Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.answer(new ChooseOptionCommand(p.id, dto, contextFrom(req, actor)), reply);
  }

  @Post(':id/consumer-response')
  @HttpCode(200)
  @Roles('consumer')
  @ApiOperation({ summary: "The consumer accepts or rejects the merchant's out-of-stock refund" })
  @Answers(200, 'DisputeView', 'The dispute after the answer')
  respond(
    @Param() p: DisputeIdParam,
    @Body() dto: ConsumerResponseDto,
    @CurrentActor() actor: Actor,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.answer(new ConsumerRespondCommand(p.id, dto, contextFrom(req, actor)), reply);
  }

  @Post(':id/contest')
  @HttpCode(200)
  @Roles('consumer')
  @ApiOperation({ summary: 'The consumer says the claimed settlement was never agreed (within CONTEST_WINDOW)' })
  @Answers(200, 'DisputeView', 'The dispute after the contest')
  contest(@Param() p: DisputeIdParam, @Body() dto: ContestDto, @CurrentActor() actor: Actor, @Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.answer(new ContestSettlementCommand(p.id, dto, contextFrom(req, actor)), reply);
  }

  @Post(':id/judgement')
  @HttpCode(200)
  @Roles('adjudicator')
  @ApiOperation({ summary: 'An adjudicator judges a case under review' })
  @Answers(200, 'DisputeView', 'The judged dispute')
  judge(@Param() p: DisputeIdParam, @Body() dto: JudgementDto, @CurrentActor() actor: Actor, @Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.answer(new JudgeDisputeCommand(p.id, dto, contextFrom(req, actor)), reply);
  }

  @Get(':id/timeline')
  @Roles('adjudicator', 'auditor')
  @ApiOperation({ summary: 'Every event of the case in order, with the actor and the case state after it (with ?states=changed: only where it changed)' })
  @Answers(200, 'DisputeTimeline', 'The case history')
  timeline(@Param() p: DisputeIdParam, @Query() q: TimelineQuery, @CurrentActor() actor: Actor) {
    return this.queries.timeline(p.id, actor, q.states ?? 'all');
  }

  @Post(':id/replay')
  @HttpCode(200)
  @Roles('adjudicator')
  @ApiOperation({ summary: 'Re-judge the recorded case under another rules version (reads only; never writes)' })
  @Answers(200, 'DisputeReplay', 'Recorded vs replayed outcome')
  replay(@Param() p: DisputeIdParam, @Body() dto: ReplayDto, @CurrentActor() actor: Actor) {
    return this.queries.replay(p.id, dto.rulesVersion, actor);
  }
}
