import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { type Command, CommandBus } from '@nestjs/cqrs';
import type { Handled } from '../platform/commands/aggregate-repository';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { contextFrom } from '../platform/commands/command-context';
import { Answers } from '../platform/openapi/decorators';
import { MIN_POSITION_HEADER, awaitMinPosition, setPosition } from '../platform/http/position-header';
import { type Actor, CurrentActor, Roles } from '../platform/auth/auth';
import {
  DelayCardListQuery,
  DelayCardResponseDto,
  DelayPageQuery,
  DelayReportListQuery,
  FileDelayReportDto,
  OrderIdParam,
  ReportIdParam,
  ReviewDelayReportDto,
  SendDelayCardDto,
} from './delays.dto';
import { DelayQueries } from './queries/delay-queries';
import { delayCardResponse, delayReportResponse } from './delay-view';
import { FileDelayReportCommand } from './commands/file-delay-report.handler';
import { WithdrawDelayReportCommand } from './commands/withdraw-delay-report.handler';
import { ReviewDelayReportCommand } from './commands/review-delay-report.handler';
import { SendDelayCardCommand } from './commands/send-delay-card.handler';
import { RespondToDelayCardCommand } from './commands/respond-to-delay-card.handler';

const IDEMPOTENCY = { name: 'Idempotency-Key', required: false, description: 'Retry-safe writes: same key + same body → the first answer' };
const MIN_POSITION = {
  name: 'X-Min-Position',
  required: false,
  description: 'Read-your-writes for lists: wait (bounded) until the read model applied this position (from a write’s X-Event-Position)',
};

/** A write's answer: the report or card after it (`view`), and the log position it reached (`X-Event-Position`). */
async function answer<S, V>(commands: CommandBus, command: Command<Handled<S>>, reply: FastifyReply, view: (state: S, revision: number | null) => V): Promise<V> {
  const r = await commands.execute(command);
  setPosition(reply, r.position);
  return view(r.state, r.revision);
}

function consistent(queries: DelayQueries, minPosition: string | undefined, reply: FastifyReply): Promise<void> {
  return awaitMinPosition(minPosition, reply, (p) => queries.waitForReadModel(p));
}

@ApiTags('delay reports')
@ApiBearerAuth()
@ApiHeader(IDEMPOTENCY)
@Controller('delay-reports')
export class DelayReportsController {
  constructor(
    private readonly queries: DelayQueries,
    private readonly commands: CommandBus,
  ) {}

  @Post()
  @HttpCode(201)
  @Roles('merchant')
  @ApiOperation({
    summary: 'File a delay report: a pre-report (预报备) for a window, or an emergency report (紧急报备) for one order',
    description:
      'PRE_REPORT: `reason` (WEATHER, MAJOR_NATIONAL_EVENT, WAREHOUSE_MAINTENANCE, OTHER), `windowEnd` (and optionally `windowStart`, default now): ' +
      'the window may not start before now (422 WINDOW_STARTS_IN_PAST) and must end within 7 days (422 WINDOW_TOO_FAR_AHEAD); at least one evidence item. ' +
      "EMERGENCY_REPORT: `orderId` of one of the merchant's orders, `promisedShipAt`, evidence with a CHAT_LOG, SMS or CALL_RECORD; refused for orders not " +
      'assessed for late shipment (422 ORDER_NOT_ASSESSED) and after the end of the Sunday following the week the order was placed in, in BUSINESS_TIMEZONE ' +
      '(422 EMERGENCY_REPORT_TOO_LATE). Missing inputs: 422 PRECONDITIONS_NOT_MET naming them. The platform reviews the report; unreviewed after ' +
      'DELAY_REPORT_REVIEW_WINDOW (24 h) it is flagged overdue.',
  })
  @Answers(201, 'DelayReport', 'The report (status PENDING), with its revision and stream')
  @ApiNotFoundResponse({ description: "Emergency report: unknown order or another merchant's order" })
  @ApiUnprocessableEntityResponse({ description: 'Refused by the rules (window limits, cut-off, order not assessed, missing evidence)' })
  file(@Body() dto: FileDelayReportDto, @CurrentActor() actor: Actor, @Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return answer(this.commands, new FileDelayReportCommand(dto, contextFrom(req, actor)), reply, delayReportResponse);
  }

  @Get()
  @Roles('merchant', 'platform', 'adjudicator', 'auditor')
  @ApiHeader(MIN_POSITION)
  @ApiOperation({ summary: "Delay reports with their status (merchants: their own), keyset pages by filing time: {items, nextCursor}" })
  @Answers(200, 'DelayReportList', 'A page of reports')
  async list(@Query() q: DelayReportListQuery, @CurrentActor() actor: Actor, @Headers(MIN_POSITION_HEADER) min: string | undefined, @Res({ passthrough: true }) reply: FastifyReply) {
    await consistent(this.queries, min, reply);
    return this.queries.listReports(q, actor);
  }

  @Get('review-queue')
  @Roles('platform')
  @ApiHeader(MIN_POSITION)
  @ApiOperation({ summary: 'The platform review queue: pending reports, oldest first, with waitingSeconds; overdue ones marked (overdue, overdueNow)' })
  @Answers(200, 'DelayReportList', 'A page of pending reports')
  async queue(@Query() q: DelayPageQuery, @Headers(MIN_POSITION_HEADER) min: string | undefined, @Res({ passthrough: true }) reply: FastifyReply) {
    await consistent(this.queries, min, reply);
    return this.queries.reviewQueue(q);
  }

  @Get(':id')
  @Roles('merchant', 'platform', 'adjudicator', 'auditor')
  @ApiOperation({ summary: "One delay report (merchants: their own; another merchant's answers 404)" })
  @Answers(200, 'DelayReport', 'The report')
  @ApiNotFoundResponse({ description: 'Unknown report or another tenant’s' })
  get(@Param() p: ReportIdParam, @CurrentActor() actor: Actor) {
    return this.queries.getReport(p.id, actor);
  }

  @Post(':id/withdraw')
  @HttpCode(200)
  @Roles('merchant')
  @ApiOperation({ summary: 'The merchant withdraws (撤销) its report before it is reviewed (409 DELAY_REPORT_NOT_PENDING afterwards)' })
  @Answers(200, 'DelayReport', 'The report (status WITHDRAWN)')
  @ApiConflictResponse({ description: 'Already reviewed or withdrawn' })
  withdraw(@Param() p: ReportIdParam, @CurrentActor() actor: Actor, @Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return answer(this.commands, new WithdrawDelayReportCommand(p.id, contextFrom(req, actor)), reply, delayReportResponse);
  }

  @Post(':id/review')
  @HttpCode(200)
  @Roles('platform')
  @ApiOperation({ summary: 'The platform approves or rejects (with a reason) a pending report (409 DELAY_REPORT_NOT_PENDING once reviewed or withdrawn)' })
  @Answers(200, 'DelayReport', 'The report (status APPROVED or REJECTED)')
  @ApiConflictResponse({ description: 'Already reviewed or withdrawn' })
  review(
    @Param() p: ReportIdParam,
    @Body() dto: ReviewDelayReportDto,
    @CurrentActor() actor: Actor,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return answer(this.commands, new ReviewDelayReportCommand(p.id, dto, contextFrom(req, actor)), reply, delayReportResponse);
  }
}

@ApiTags('delay cards')
@ApiBearerAuth()
@ApiHeader(IDEMPOTENCY)
@Controller()
export class DelayCardsController {
  constructor(
    private readonly queries: DelayQueries,
    private readonly commands: CommandBus,
  ) {}

  @Post('orders/:orderId/delay-card')
  @HttpCode(201)
  @Roles('merchant')
  @ApiOperation({
    summary: "The order's merchant sends the delay card (延迟发货卡片) to its consumer: once per order, ever",
    description:
      'A second card for the same order is refused with 409 DELAY_CARD_ALREADY_SENT whatever became of the first (accepted, rejected, cancelled). ' +
      'Orders not assessed for late shipment: 422 ORDER_NOT_ASSESSED. Unanswered after DELAY_CARD_RESPONSE_WINDOW (48 h) the card is cancelled.',
  })
  @Answers(201, 'DelayCard', 'The card (status PENDING, expiresAt)')
  @ApiConflictResponse({ description: 'A card was already sent for this order' })
  @ApiNotFoundResponse({ description: 'Unknown order or another merchant’s' })
  send(
    @Param() p: OrderIdParam,
    @Body() dto: SendDelayCardDto,
    @CurrentActor() actor: Actor,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return answer(this.commands, new SendDelayCardCommand(p.orderId, dto, contextFrom(req, actor)), reply, delayCardResponse);
  }

  @Post('orders/:orderId/delay-card/response')
  @HttpCode(200)
  @Roles('consumer')
  @ApiOperation({
    summary: "The order's consumer accepts (the delay is excused) or rejects the delay card, within 48 h of its sending",
    description: 'After the expiry: 422 DELAY_CARD_RESPONSE_WINDOW_CLOSED; a second answer: 409 DELAY_CARD_ALREADY_ANSWERED.',
  })
  @Answers(200, 'DelayCard', 'The card (status ACCEPTED or REJECTED)')
  respond(
    @Param() p: OrderIdParam,
    @Body() dto: DelayCardResponseDto,
    @CurrentActor() actor: Actor,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return answer(this.commands, new RespondToDelayCardCommand(p.orderId, dto, contextFrom(req, actor)), reply, delayCardResponse);
  }

  @Get('orders/:orderId/delay-card')
  @Roles('merchant', 'consumer', 'platform', 'adjudicator', 'auditor')
  @ApiOperation({ summary: "The order's delay card (merchants and consumers: their own orders only); 404 DELAY_CARD_NOT_FOUND when none was sent" })
  @Answers(200, 'DelayCard', 'The card, with `answerable` (pending and not yet expired)')
  get(@Param() p: OrderIdParam, @CurrentActor() actor: Actor) {
    return this.queries.getCard(p.orderId, actor);
  }

  @Get('delay-cards')
  @Roles('merchant', 'consumer', 'platform', 'adjudicator', 'auditor')
  @ApiHeader(MIN_POSITION)
  @ApiOperation({ summary: 'Delay cards with their status (merchants / consumers: their own), keyset pages by sending time: {items, nextCursor}' })
  @Answers(200, 'DelayCardList', 'A page of cards')
  async list(@Query() q: DelayCardListQuery, @CurrentActor() actor: Actor, @Headers(MIN_POSITION_HEADER) min: string | undefined, @Res({ passthrough: true }) reply: FastifyReply) {
    await consistent(this.queries, min, reply);
    return this.queries.listCards(q, actor);
  }
}
