import { Inject, Injectable } from '@nestjs/common';
import { delayCardDecider, delayCardStream } from '@app/domain';
import { EVENT_STORE, type EventStore, type SqlDatabase } from '@app/event-store';
import { DELAYS_PROJECTION, delayReviewQueue, dueDelayDeadlines, listDelayCards, listDelayReports } from '@app/projections';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { AggregateRepository } from '../../platform/commands/aggregate-repository';
import type { Actor } from '../../platform/auth/auth';
import { listScope } from '../../platform/auth/tenancy';
import { ProblemException } from '../../platform/http/problem';
import { SQL_DB } from '../../platform/persistence/tokens';
import { ProjectionsService } from '../../read-models/projections.service';
import type { DelayCardListQuery, DelayPageQuery, DelayReportListQuery } from '../delays.dto';
import { DelayInputs, invalidInputAs400 } from '../delay-inputs';
import { delayCardResponse, delayReportResponse, type DelayCardResponse, type DelayReportResponse } from '../delay-view';

/**
 * The delay feature's reads: one report or one card folded from its stream (tenancy: another tenant's answers
 * 404), the lists and the platform's review queue from the `delays` read model (tenant-scoped), the delay
 * deadlines due for the scheduler, and the read-your-writes wait on that read model.
 */
@Injectable()
export class DelayQueries {
  constructor(
    private readonly repo: AggregateRepository,
    private readonly inputs: DelayInputs,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(SQL_DB) private readonly db: SqlDatabase,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly projections: ProjectionsService,
  ) {}

  /** Waits (bounded) until the delays read model applied `position` (default: the head of the log). */
  async waitForReadModel(position?: string, timeoutMs = this.config.READ_WAIT_MAX.ms): Promise<boolean> {
    const target = position ?? (await this.store.headPosition());
    // The checkpoints are shared: this waits as well when a worker process runs the projections.
    return this.projections.runner.waitFor(target, timeoutMs, [DELAYS_PROJECTION]);
  }

  /** Card expiries and report review due times passed at `now` (the deadline scheduler fires them). */
  dueDeadlines(now: string, limit: number) {
    return dueDelayDeadlines(this.db, now, limit);
  }

  async getReport(id: string, actor: Actor): Promise<DelayReportResponse> {
    const { state, revision } = await this.inputs.report(id, actor);
    return delayReportResponse(state, revision);
  }

  listReports(q: DelayReportListQuery, actor: Actor) {
    const scope = listScope(actor, { merchantId: q.merchantId });
    if (!scope) return Promise.resolve({ items: [] });
    return invalidInputAs400(() =>
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
    return invalidInputAs400(() => delayReviewQueue(this.db, { now: new Date().toISOString(), cursor: q.cursor, limit: q.limit }));
  }

  async getCard(orderId: string, actor: Actor): Promise<DelayCardResponse> {
    await this.inputs.order(orderId, actor);
    const { state, revision } = await this.repo.load(delayCardStream(orderId), delayCardDecider);
    if (revision === null) throw new ProblemException(404, 'DELAY_CARD_NOT_FOUND', `No delay card was sent for order ${orderId}.`);
    return delayCardResponse(state, revision);
  }

  listCards(q: DelayCardListQuery, actor: Actor) {
    const scope = listScope(actor, { merchantId: q.merchantId, consumerId: q.consumerId });
    if (!scope) return Promise.resolve({ items: [] });
    return invalidInputAs400(() =>
      listDelayCards(this.db, {
        ...scope,
        status: q.status,
        cursor: q.cursor,
        limit: q.limit,
        order: q.order,
      }),
    );
  }
}
