import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Answers } from '../openapi/decorators';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { contextFrom } from '../app/command-context';
import { setPosition } from '../app/position-header';
import { type Actor, CurrentActor, Roles } from '../auth/auth';
import { ChoiceDto, ConsumerResponseDto, ContestDto, JudgementDto, OpenDisputeDto, ReplayDto } from '../dto/disputes.dto';
import { DisputeIdParam } from '../dto/params';
import { AtQuery, TimelineQuery } from '../dto/queries';
import { DisputesService } from './disputes.service';
import { CommandBus } from '@nestjs/cqrs';
import type { DisputeState } from '@app/domain';
import type { Handled } from '../app/aggregate-repository';
import { ChooseOptionCommand, ConsumerRespondCommand, ContestSettlementCommand, JudgeDisputeCommand, OpenDisputeCommand } from '../app/commands';

@ApiTags('disputes')
@ApiBearerAuth()
@ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Retry-safe writes: same key + same body → the first answer' })
@Controller('disputes')
export class DisputesController {
  constructor(
    private readonly disputes: DisputesService,
    private readonly commands: CommandBus,
  ) {}

  private run(command: object): Promise<Handled<DisputeState>> {
    return this.commands.execute(command as any);
  }

  @Post()
  @HttpCode(201)
  @Roles('platform')
  @ApiOperation({ summary: 'Open a rush-order dispute (409 while another one on the order is not final)' })
  @Answers(201, 'DisputeView', 'The opened dispute')
  async open(@Body() dto: OpenDisputeDto, @CurrentActor() actor: Actor, @Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const r = await this.run(new OpenDisputeCommand(dto, contextFrom(req, actor)));
    setPosition(reply, r.position);
    return this.disputes.view(r.state, r.revision);
  }

  @Get(':id')
  @Roles('platform', 'merchant', 'consumer', 'adjudicator', 'auditor')
  @ApiOperation({ summary: 'A dispute; with ?at=<revision|ISO time> the state as it stood then' })
  @Answers(200, 'DisputeView', 'The dispute (with ?at=: as it stood then, with asOf)')
  get(@Param() p: DisputeIdParam, @Query() q: AtQuery, @CurrentActor() actor: Actor) {
    return this.disputes.get(p.id, actor, q.at);
  }

  @Get(':id/options')
  @Roles('merchant', 'platform', 'adjudicator')
  @ApiOperation({ summary: 'Which options the system accepts now, with the missing facts and what each requires' })
  @Answers(200, 'DisputeOptions', 'Every option with its availability')
  options(@Param() p: DisputeIdParam, @CurrentActor() actor: Actor) {
    return this.disputes.options(p.id, actor);
  }

  @Post(':id/choice')
  @HttpCode(200)
  @Roles('merchant')
  @ApiOperation({ summary: "The merchant's one settlement or no-fault defense (409 once a choice stands; 422 when preconditions fail)" })
  @Answers(200, 'DisputeView', 'The dispute after the choice')
  async choose(@Param() p: DisputeIdParam, @Body() dto: ChoiceDto, @CurrentActor() actor: Actor, @Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const r = await this.run(new ChooseOptionCommand(p.id, dto, actor, contextFrom(req, actor)));
    setPosition(reply, r.position);
    return this.disputes.view(r.state, r.revision);
  }

  @Post(':id/consumer-response')
  @HttpCode(200)
  @Roles('consumer')
  @ApiOperation({ summary: "The consumer accepts or rejects the merchant's out-of-stock refund" })
  @Answers(200, 'DisputeView', 'The dispute after the answer')
  async respond(
    @Param() p: DisputeIdParam,
    @Body() dto: ConsumerResponseDto,
    @CurrentActor() actor: Actor,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const r = await this.run(new ConsumerRespondCommand(p.id, dto, actor, contextFrom(req, actor)));
    setPosition(reply, r.position);
    return this.disputes.view(r.state, r.revision);
  }

  @Post(':id/contest')
  @HttpCode(200)
  @Roles('consumer')
  @ApiOperation({ summary: 'The consumer says the claimed settlement was never agreed (within CONTEST_WINDOW)' })
  @Answers(200, 'DisputeView', 'The dispute after the contest')
  async contest(@Param() p: DisputeIdParam, @Body() dto: ContestDto, @CurrentActor() actor: Actor, @Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const r = await this.run(new ContestSettlementCommand(p.id, dto, actor, contextFrom(req, actor)));
    setPosition(reply, r.position);
    return this.disputes.view(r.state, r.revision);
  }

  @Post(':id/judgement')
  @HttpCode(200)
  @Roles('adjudicator')
  @ApiOperation({ summary: 'An adjudicator judges a case under review' })
  @Answers(200, 'DisputeView', 'The judged dispute')
  async judge(@Param() p: DisputeIdParam, @Body() dto: JudgementDto, @CurrentActor() actor: Actor, @Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const r = await this.run(new JudgeDisputeCommand(p.id, dto, actor, contextFrom(req, actor)));
    setPosition(reply, r.position);
    return this.disputes.view(r.state, r.revision);
  }

  @Get(':id/timeline')
  @Roles('adjudicator', 'auditor')
  @ApiOperation({ summary: 'Every event of the case in order, with the actor and the case state after it (with ?states=changed: only where it changed)' })
  @Answers(200, 'DisputeTimeline', 'The case history')
  timeline(@Param() p: DisputeIdParam, @Query() q: TimelineQuery, @CurrentActor() actor: Actor) {
    return this.disputes.timeline(p.id, actor, q.states ?? 'all');
  }

  @Post(':id/replay')
  @HttpCode(200)
  @Roles('adjudicator')
  @ApiOperation({ summary: 'Re-judge the recorded case under another rules version (reads only; never writes)' })
  @Answers(200, 'DisputeReplay', 'Recorded vs replayed outcome')
  replay(@Param() p: DisputeIdParam, @Body() dto: ReplayDto, @CurrentActor() actor: Actor) {
    return this.disputes.replay(p.id, dto.rulesVersion, actor);
  }
}
