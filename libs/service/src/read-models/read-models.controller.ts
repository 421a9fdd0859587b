import { Controller, Get, Headers, Inject, Param, Query, Res } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Answers } from '../platform/openapi/decorators';
import type { FastifyReply } from 'fastify';
import { adjudicationQueue, listCases, listJudgements } from '@app/projections';
import { type Actor, CurrentActor, Roles } from '../platform/auth/auth';
import { awaitMinPosition, MIN_POSITION_HEADER } from '../platform/http/position-header';
import { toUtcIso } from '../platform/validation/validators';
import { WeekQuery } from '../platform/validation/queries';
import { CaseListQuery, JudgementQuery, QueueQuery, ScorecardQuery } from './read-models.dto';
import { MerchantIdParam } from '../platform/validation/params';
import { listScope, notFound } from '../platform/auth/tenancy';
import { ProjectionsService } from './projections.service';

@ApiTags('read models')
@ApiBearerAuth()
@ApiHeader({ name: 'X-Min-Position', required: false, description: 'Read-your-writes: wait (bounded) until the read models applied this position (from a write’s X-Event-Position)' })
@Controller()
export class ReadModelsController {
  constructor(
    private readonly projections: ProjectionsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private consistent(minPosition: string | undefined, reply: FastifyReply): Promise<void> {
    return awaitMinPosition(minPosition, reply, (p) => this.projections.waitFor(p));
  }

  @Get('disputes')
  @Roles('platform', 'merchant', 'consumer', 'adjudicator', 'auditor')
  @ApiOperation({ summary: 'Case list: every dispute with its status and deadlines (keyset pages; merchants/consumers see their own)' })
  @Answers(200, 'CaseList', 'A page of cases')
  async list(@Query() q: CaseListQuery, @CurrentActor() actor: Actor, @Headers(MIN_POSITION_HEADER) min: string | undefined, @Res({ passthrough: true }) reply: FastifyReply) {
    await this.consistent(min, reply);
    const scope = listScope(actor, { merchantId: q.merchantId });
    if (!scope) return { items: [] };
    return listCases(this.projections.db, {
      status: q.status,
      ...scope,
      cursor: q.cursor,
      limit: q.limit,
    });
  }

  @Get('judgements')
  @Roles('platform', 'merchant', 'adjudicator', 'auditor')
  @ApiOperation({ summary: 'Judgement outcomes (judged and settled cases), filterable by merchant and decision time [from, to)' })
  @Answers(200, 'JudgementList', 'A page of judgement outcomes')
  async judgements(@Query() q: JudgementQuery, @CurrentActor() actor: Actor, @Headers(MIN_POSITION_HEADER) min: string | undefined, @Res({ passthrough: true }) reply: FastifyReply) {
    await this.consistent(min, reply);
    const scope = listScope(actor, { merchantId: q.merchantId });
    if (!scope) return { items: [] };
    return listJudgements(this.projections.db, {
      merchantId: scope.merchantId,
      from: q.from ? toUtcIso(q.from) : undefined,
      to: q.to ? toUtcIso(q.to) : undefined,
      cursor: q.cursor,
      limit: q.limit,
    });
  }

  @Get('adjudication/queue')
  @Roles('adjudicator')
  @ApiOperation({
    summary: 'Cases under review, oldest first, with how long each has waited and whether it is overdue (ADJUDICATION_REVIEW_WINDOW); filterable by merchant',
    description:
      'Each item: disputeId, orderId, merchantId, consumerId, flow, openedAt, reviewReason (DEFENSE, SETTLEMENT_CONTESTED, CONSUMER_NO_RESPONSE, SETTLEMENT_FAILED, APPEAL, …), ' +
      'underReviewSince, waitingMs, waitingSeconds, reviewDueAt (underReviewSince + ADJUDICATION_REVIEW_WINDOW, default PT24H), overdue (waited past reviewDueAt), choice?, defenseOnFile, allowedViolations, findings, revision.',
  })
  @Answers(200, 'AdjudicationQueue', 'A page of the queue')
  async queue(@Query() q: QueueQuery, @Headers(MIN_POSITION_HEADER) min: string | undefined, @Res({ passthrough: true }) reply: FastifyReply) {
    await this.consistent(min, reply);
    return adjudicationQueue(this.projections.db, {
      now: new Date().toISOString(),
      merchantId: q.merchantId,
      reviewWindowMs: this.config.ADJUDICATION_REVIEW_WINDOW.ms,
      cursor: q.cursor,
      limit: q.limit,
    });
  }

  @Get('merchants/:merchantId/scorecard')
  @Roles('platform', 'merchant', 'adjudicator', 'auditor')
  @ApiOperation({ summary: "A merchant's calendar week (BUSINESS_TIMEZONE): late orders, 48 h pickup rate, violations, points under a rules version" })
  @Answers(200, 'Scorecard', 'The scorecard')
  async scorecard(
    @Param() p: MerchantIdParam,
    @Query() q: ScorecardQuery,
    @CurrentActor() actor: Actor,
    @Headers(MIN_POSITION_HEADER) min: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    if (actor.role === 'merchant' && actor.merchantId !== p.merchantId) throw notFound('Merchant', p.merchantId);
    await this.consistent(min, reply);
    return this.projections.read.scorecard(this.projections.db, {
      merchantId: p.merchantId,
      week: q.week,
      rulesVersion: q.rulesVersion ?? this.projections.defaultRulesVersion,
      now: new Date().toISOString(),
    });
  }

  @Get('merchants/:merchantId/scorecard/compare')
  @Roles('platform', 'adjudicator', 'auditor')
  @ApiOperation({ summary: 'The same week recomputed under every rules version, side by side' })
  @Answers(200, 'ScorecardComparison', 'v1 and v2 side by side')
  async compare(@Param() p: MerchantIdParam, @Query() q: WeekQuery) {
    const now = new Date().toISOString();
    const [v1, v2] = await Promise.all(
      (['v1', 'v2'] as const).map((rulesVersion) => this.projections.read.scorecard(this.projections.db, { merchantId: p.merchantId, week: q.week, rulesVersion, now })),
    );
    // A closed week compares its settled statistics (both versions from the same assessment); an open one the time of asking.
    return {
      merchantId: p.merchantId,
      week: q.week,
      final: v1.final,
      ...(v1.closedAt ? { closedAt: v1.closedAt } : {}),
      asOf: v1.asOf,
      v1,
      v2,
      differs: v1.points !== v2.points,
      pointsDifference: v2.points - v1.points,
    };
  }
}
