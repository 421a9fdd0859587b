import { Controller, Get, Headers, Inject, Param, Query, Res } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/config';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import type { FastifyReply } from 'fastify';
import { adjudicationQueue, listCases, listJudgements } from '@app/projections';
import { type Actor, CurrentActor, Roles } from '../auth/auth';
import { awaitMinPosition, MIN_POSITION_HEADER } from '../app/position-header';
import { STATUSES } from '../dto/disputes.dto';
import { ID_MESSAGE, ID_PATTERN, IsIsoInstant, toUtcIso } from '../dto/validators';
import { IdParam } from '../dto/params';
import { notFound } from '../app/tenancy';
import { ProjectionsService } from './projections.service';

class PageQuery {
  @IsOptional() @IsString() @MaxLength(512) cursor?: string;
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500) limit?: number;
}
class CaseListQuery extends PageQuery {
  @IsOptional() @IsIn(STATUSES) status?: (typeof STATUSES)[number];
  @IsOptional() @IsString() @Matches(ID_PATTERN, { message: `merchantId ${ID_MESSAGE}` }) merchantId?: string;
}
class JudgementQuery extends PageQuery {
  @IsOptional() @IsString() @Matches(ID_PATTERN, { message: `merchantId ${ID_MESSAGE}` }) merchantId?: string;
  @IsOptional() @IsIsoInstant() from?: string;
  @IsOptional() @IsIsoInstant() to?: string;
}
class QueueQuery extends PageQuery {
  @IsOptional() @IsString() @Matches(ID_PATTERN, { message: `merchantId ${ID_MESSAGE}` }) merchantId?: string;
}
class ScorecardQuery {
  @IsString() @Matches(/^\d{4}-W\d{2}$/, { message: 'week must look like 2026-W47' }) week!: string;
  @IsOptional() @IsIn(['v1', 'v2']) rulesVersion?: 'v1' | 'v2';
}
class WeekQuery {
  @IsString() @Matches(/^\d{4}-W\d{2}$/, { message: 'week must look like 2026-W47' }) week!: string;
}

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
  async list(@Query() q: CaseListQuery, @CurrentActor() actor: Actor, @Headers(MIN_POSITION_HEADER) min: string | undefined, @Res({ passthrough: true }) reply: FastifyReply) {
    await this.consistent(min, reply);
    if (actor.role === 'merchant' && q.merchantId && q.merchantId !== actor.merchantId) return { items: [] };
    return listCases(this.projections.db, {
      status: q.status,
      merchantId: actor.role === 'merchant' ? actor.merchantId : q.merchantId,
      consumerId: actor.role === 'consumer' ? actor.consumerId : undefined,
      cursor: q.cursor,
      limit: q.limit,
    });
  }

  @Get('judgements')
  @Roles('platform', 'merchant', 'adjudicator', 'auditor')
  @ApiOperation({ summary: 'Judgement outcomes (judged and settled cases), filterable by merchant and decision time [from, to)' })
  async judgements(@Query() q: JudgementQuery, @CurrentActor() actor: Actor, @Headers(MIN_POSITION_HEADER) min: string | undefined, @Res({ passthrough: true }) reply: FastifyReply) {
    await this.consistent(min, reply);
    if (actor.role === 'merchant' && q.merchantId && q.merchantId !== actor.merchantId) return { items: [] };
    return listJudgements(this.projections.db, {
      merchantId: actor.role === 'merchant' ? actor.merchantId : q.merchantId,
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
  @ApiQuery({ name: 'merchantId', required: false, description: "Only this merchant's cases" })
  @ApiQuery({ name: 'cursor', required: false, description: 'nextCursor of the previous page' })
  @ApiQuery({ name: 'limit', required: false, description: '1–500 (default 50)' })
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
  async scorecard(
    @Param() p: IdParam,
    @Query() q: ScorecardQuery,
    @CurrentActor() actor: Actor,
    @Headers(MIN_POSITION_HEADER) min: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    if (actor.role === 'merchant' && actor.merchantId !== p.merchantId) throw notFound('Merchant', p.merchantId!);
    await this.consistent(min, reply);
    return this.projections.read.scorecard(this.projections.db, {
      merchantId: p.merchantId!,
      week: q.week,
      rulesVersion: q.rulesVersion ?? this.projections.defaultRulesVersion,
      now: new Date().toISOString(),
    });
  }

  @Get('merchants/:merchantId/scorecard/compare')
  @Roles('platform', 'adjudicator', 'auditor')
  @ApiOperation({ summary: 'The same week recomputed under every rules version, side by side' })
  async compare(@Param() p: IdParam, @Query() q: WeekQuery) {
    const now = new Date().toISOString();
    const [v1, v2] = await Promise.all(
      (['v1', 'v2'] as const).map((rulesVersion) => this.projections.read.scorecard(this.projections.db, { merchantId: p.merchantId!, week: q.week, rulesVersion, now })),
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
