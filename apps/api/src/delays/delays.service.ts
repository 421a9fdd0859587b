import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { v5 as uuidv5 } from 'uuid';
import {
  delayCardDecider,
  delayCardStream,
  delayExcusesFor,
  delayIndexDecider,
  delayIndexStream,
  delayReportDecider,
  delayReportStream,
  isDomainError,
  orderDecider,
  orderSnapshot,
  orderStream,
  toDelayCardView,
  indexedReportsFor,
  indexEntryOf,
  toDelayReportView,
  type DelayCardState,
  type DelayReportFiled,
  type FileDelayReport,
  type DelayCardView,
  type DelayExcuse,
  type DelayReportState,
  type DelayReportView,
  type OrderSnapshot,
} from '@app/domain';
import { EVENT_STORE, type EventStore, type SqlDatabase } from '@app/event-store';
import { DELAYS_PROJECTION, delayReviewQueue, listDelayCards, listDelayReports } from '@app/projections';
import { AggregateRepository, type Handled } from '../platform/commands/aggregate-repository';
import type { CommandContext } from '../platform/commands/command-context';
import { canSee, listScope, notFound } from '../platform/auth/tenancy';
import type { Actor } from '../platform/auth/auth';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { toUtcIso } from '../platform/validation/validators';
import { ProblemException } from '../platform/http/problem';
import { SQL_DB } from '../platform/persistence/tokens';
import { ProjectionsService } from '../read-models/projections.service';
import { loadDelaySettings, type DelaySettings } from './delay-settings';
import type { DelayCardListQuery, DelayCardResponseDto, DelayPageQuery, DelayReportListQuery, FileDelayReportDto, ReviewDelayReportDto, SendDelayCardDto } from './delays.dto';

const ID_NAMESPACE = 'a3d8c0e2-54b1-4f4e-8f0c-2b7d6e9c1f35';

export type DelayReportResponse = DelayReportView & { revision: number; stream: string };
export type DelayCardResponse = DelayCardView & { answerable: boolean; revision: number; stream: string };

/**
 * Delay reports (pre-report 预报备, emergency report 紧急报备) and delay cards (延迟发货卡片): the commands over
 * their streams, the tenancy rules, the read-model lists, and the excuse lookup the dispute's no-fault
 * defense uses (provided as DELAY_EXCUSES by DelaysModule).
 */
@Injectable()
export class DelaysService {
  readonly settings: DelaySettings;

  constructor(
    private readonly repo: AggregateRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(SQL_DB) readonly db: SqlDatabase,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly projections: ProjectionsService,
  ) {
    this.settings = loadDelaySettings();
  }

  /** Waits (bounded) until the delays read model applied `position` (default: the head of the log). */
  async waitForReadModel(position?: string, timeoutMs = this.config.READ_WAIT_MAX.ms): Promise<boolean> {
    const target = position ?? (await this.store.headPosition());
    return this.projections.runner.waitFor(target, this.config.RUN_BACKGROUND ? timeoutMs : 0, [DELAYS_PROJECTION]);
  }

  private newId(ctx: CommandContext, what: string): string {
    return ctx.idempotencyKey ? uuidv5(`${what}|${ctx.actor.role}:${ctx.actor.sub}|${ctx.idempotencyKey}`, ID_NAMESPACE) : randomUUID();
  }

  /** Domain INVALID_INPUT → a 400 listing the bad field, like request validation. */
  private async translate<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (e) {
      if (isDomainError(e) && e.code === 'INVALID_INPUT') {
        const field = typeof e.details?.field === 'string' ? e.details.field : 'body';
        throw new ProblemException(400, 'INVALID_INPUT', e.message, { ...(e.details ?? {}), errors: [{ field, messages: [e.message] }] });
      }
      throw e;
    }
  }

  private async loadOrder(orderId: string, actor: Actor): Promise<OrderSnapshot> {
    const { state } = await this.repo.load(orderStream(orderId), orderDecider);
    if (!state.order || !canSee(actor, state.order)) throw new ProblemException(404, 'ORDER_NOT_FOUND', `Order ${orderId} was not found.`);
    return orderSnapshot(state);
  }

  // ----------------------------------------------------------------------------------------- reports

  reportView(state: DelayReportState, revision: number | null): DelayReportResponse {
    return { ...toDelayReportView(state), revision: revision ?? -1, stream: delayReportStream(state.reportId) };
  }

  private canSeeReport(actor: Actor, state: DelayReportState): boolean {
    if (state.status === 'NONE') return false;
    if (actor.role === 'merchant') return actor.merchantId === state.merchantId;
    return actor.role === 'platform' || actor.role === 'adjudicator' || actor.role === 'auditor';
  }

  private async loadReport(id: string, actor: Actor) {
    const loaded = await this.repo.load(delayReportStream(id), delayReportDecider);
    if (loaded.revision === null || !this.canSeeReport(actor, loaded.state)) throw notFound('Delay report', id);
    return loaded;
  }

  async getReport(id: string, actor: Actor): Promise<DelayReportResponse> {
    const { state, revision } = await this.loadReport(id, actor);
    return this.reportView(state, revision);
  }

  fileReport(dto: FileDelayReportDto, actor: Actor, ctx: CommandContext): Promise<Handled<DelayReportState>> {
    return this.translate(async () => {
      let order: OrderSnapshot | undefined;
      if (dto.kind === 'EMERGENCY_REPORT') {
        if (!dto.orderId) {
          throw new ProblemException(400, 'VALIDATION_FAILED', 'An emergency report needs the orderId of the order it is about.', {
            errors: [{ field: 'orderId', messages: ['is required for an EMERGENCY_REPORT'] }],
          });
        }
        order = await this.loadOrder(dto.orderId, actor);
      } else if (dto.orderId !== undefined) {
        throw new ProblemException(400, 'VALIDATION_FAILED', 'A pre-report covers a time window, not one order: leave orderId out.', {
          errors: [{ field: 'orderId', messages: ['only applies to an EMERGENCY_REPORT'] }],
        });
      }
      const reportId = this.newId(ctx, 'delay-report');
      const merchantId = actor.merchantId!;
      const now = new Date().toISOString();
      const command: FileDelayReport = {
        type: 'FileDelayReport' as const,
        reportId,
        kind: dto.kind,
        merchantId,
        filedBy: actor.sub,
        ...(dto.reason !== undefined ? { reason: dto.reason } : {}),
        ...(dto.note !== undefined ? { note: dto.note } : {}),
        evidence: (dto.evidence ?? []).map((e) => ({ kind: e.kind, ref: e.ref, ...(e.description !== undefined ? { description: e.description } : {}) })),
        ...(dto.windowStart !== undefined ? { windowStart: toUtcIso(dto.windowStart) } : {}),
        ...(dto.windowEnd !== undefined ? { windowEnd: toUtcIso(dto.windowEnd) } : {}),
        ...(order ? { order, timezone: this.config.BUSINESS_TIMEZONE } : {}),
        ...(dto.promisedShipAt !== undefined ? { promisedShipAt: toUtcIso(dto.promisedShipAt) } : {}),
        reviewWindowMs: this.settings.reviewWindowMs,
        now,
      };
      // Decide first (refusals write nothing), then index the report under its merchant, then record it. The
      // index entry comes first so that a recorded report is always findable; a dangling entry (crash in
      // between) is ignored by readers.
      const existing = ctx.idempotencyKey ? await this.repo.load(delayReportStream(reportId), delayReportDecider) : null;
      if (existing?.revision != null) {
        // A retry of a filing that was recorded: the repository answers with the recorded report.
        return this.repo.handle(delayReportStream(reportId), delayReportDecider, () => command, ctx, 'FileDelayReport');
      }
      const [filed] = delayReportDecider.decide(command, delayReportDecider.initialState()) as [DelayReportFiled];
      await this.repo.handle(
        delayIndexStream(merchantId),
        delayIndexDecider,
        () => ({ type: 'IndexDelayReport' as const, merchantId, entry: indexEntryOf(filed.data), now }),
        ctx,
        'IndexDelayReport',
      );
      return this.repo.handle(delayReportStream(reportId), delayReportDecider, () => command, ctx, 'FileDelayReport');
    });
  }

  async withdrawReport(id: string, actor: Actor, ctx: CommandContext): Promise<Handled<DelayReportState>> {
    await this.loadReport(id, actor);
    return this.translate(() =>
      this.repo.handle(
        delayReportStream(id),
        delayReportDecider,
        () => ({ type: 'WithdrawDelayReport' as const, merchantId: actor.merchantId!, now: new Date().toISOString() }),
        ctx,
        'WithdrawDelayReport',
      ),
    );
  }

  async reviewReport(id: string, dto: ReviewDelayReportDto, actor: Actor, ctx: CommandContext): Promise<Handled<DelayReportState>> {
    await this.loadReport(id, actor);
    return this.translate(() =>
      this.repo.handle(
        delayReportStream(id),
        delayReportDecider,
        () => ({
          type: 'ReviewDelayReport' as const,
          approved: dto.approved,
          ...(dto.reason !== undefined ? { reason: dto.reason } : {}),
          reviewer: actor.sub,
          now: new Date().toISOString(),
        }),
        ctx,
        'ReviewDelayReport',
      ),
    );
  }

  /** Flags a report still unreviewed at its review due time; returns whether anything was recorded. */
  async flagOverdue(reportId: string, ctx: CommandContext): Promise<boolean> {
    const r = await this.repo.handle(
      delayReportStream(reportId),
      delayReportDecider,
      () => ({ type: 'FlagDelayReportOverdue' as const, now: new Date().toISOString() }),
      ctx,
      'FlagDelayReportOverdue',
    );
    return r.appended.length > 0;
  }

  listReports(q: DelayReportListQuery, actor: Actor) {
    const scope = listScope(actor, { merchantId: q.merchantId });
    if (!scope) return Promise.resolve({ items: [] });
    return this.translate(() =>
      listDelayReports(this.db, {
        merchantId: scope.merchantId,
        status: q.status,
        kind: q.kind,
        orderId: q.orderId,
        cursor: q.cursor,
        limit: q.limit,
        order: q.order,
      }),
    );
  }

  reviewQueue(q: DelayPageQuery) {
    return this.translate(() => delayReviewQueue(this.db, { now: new Date().toISOString(), cursor: q.cursor, limit: q.limit }));
  }

  // ------------------------------------------------------------------------------------------- cards

  cardView(state: DelayCardState, revision: number | null, now = new Date().toISOString()): DelayCardResponse {
    return {
      ...toDelayCardView(state),
      answerable: state.status === 'PENDING' && Date.parse(now) <= Date.parse(state.expiresAt!),
      revision: revision ?? -1,
      stream: delayCardStream(state.orderId),
    };
  }

  async getCard(orderId: string, actor: Actor): Promise<DelayCardResponse> {
    await this.loadOrder(orderId, actor);
    const { state, revision } = await this.repo.load(delayCardStream(orderId), delayCardDecider);
    if (revision === null) throw new ProblemException(404, 'DELAY_CARD_NOT_FOUND', `No delay card was sent for order ${orderId}.`);
    return this.cardView(state, revision);
  }

  async sendCard(orderId: string, dto: SendDelayCardDto, actor: Actor, ctx: CommandContext): Promise<Handled<DelayCardState>> {
    const order = await this.loadOrder(orderId, actor);
    const cardId = this.newId(ctx, `delay-card|${orderId}`);
    return this.translate(() =>
      this.repo.handle(
        delayCardStream(orderId),
        delayCardDecider,
        () => ({
          type: 'SendDelayCard' as const,
          cardId,
          order,
          merchantId: actor.merchantId!,
          sentBy: actor.sub,
          ...(dto.message !== undefined ? { message: dto.message } : {}),
          ...(dto.promisedShipAt !== undefined ? { promisedShipAt: toUtcIso(dto.promisedShipAt) } : {}),
          responseWindowMs: this.settings.cardResponseWindowMs,
          now: new Date().toISOString(),
        }),
        ctx,
        'SendDelayCard',
      ),
    );
  }

  async respondCard(orderId: string, dto: DelayCardResponseDto, actor: Actor, ctx: CommandContext): Promise<Handled<DelayCardState>> {
    await this.loadOrder(orderId, actor);
    return this.translate(() =>
      this.repo.handle(
        delayCardStream(orderId),
        delayCardDecider,
        () => ({
          type: 'RespondToDelayCard' as const,
          consumerId: actor.consumerId!,
          accepted: dto.accepted,
          ...(dto.comment !== undefined ? { comment: dto.comment } : {}),
          now: new Date().toISOString(),
        }),
        ctx,
        'RespondToDelayCard',
      ),
    );
  }

  /** Cancels a card unanswered at its expiry; returns whether anything was recorded. */
  async expireCard(orderId: string, ctx: CommandContext): Promise<boolean> {
    const r = await this.repo.handle(
      delayCardStream(orderId),
      delayCardDecider,
      () => ({ type: 'ExpireDelayCard' as const, now: new Date().toISOString() }),
      ctx,
      'ExpireDelayCard',
    );
    return r.appended.length > 0;
  }

  listCards(q: DelayCardListQuery, actor: Actor) {
    const scope = listScope(actor, { merchantId: q.merchantId, consumerId: q.consumerId });
    if (!scope) return Promise.resolve({ items: [] });
    return this.translate(() =>
      listDelayCards(this.db, {
        ...scope,
        status: q.status,
        cursor: q.cursor,
        limit: q.limit,
        order: q.order,
      }),
    );
  }

  // ----------------------------------------------------------------------------------------- excuses

  /**
   * The reports and cards bearing on an order, for the merchant's no-fault defense, read from the streams
   * (consistent: a report filed or reviewed a moment ago counts): the merchant's report index
   * (`delay-index-{merchantId}`) names the candidate reports, each report's stream gives its current
   * status, and the order's card stream its card.
   */
  async excusesFor(order: OrderSnapshot, now: string): Promise<DelayExcuse[]> {
    const index = (await this.repo.load(delayIndexStream(order.merchantId), delayIndexDecider)).state;
    const ids = indexedReportsFor(index, order);
    const reports = await Promise.all(ids.map(async (id) => (await this.repo.load(delayReportStream(id), delayReportDecider)).state));
    const card = (await this.repo.load(delayCardStream(order.orderId), delayCardDecider)).state;
    return delayExcusesFor(order, reports, card.status === 'NONE' ? [] : [card], now);
  }
}
