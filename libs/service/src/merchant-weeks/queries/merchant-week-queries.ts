import { Inject, Injectable } from '@nestjs/common';
import {
  casePenalty,
  isoWeekOf,
  merchantWeekDecider,
  merchantWeekStream,
  settledMerchantWeek,
  toMerchantWeekView,
  weekBounds,
  type MerchantWeekView,
  type Penalty,
} from '@app/domain';
import { merchantWeekStats } from '@app/projections';
import type { SqlDatabase } from '@app/event-store';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { SQL_DB } from '../../platform/persistence/tokens';
import { AggregateRepository } from '../../platform/commands/aggregate-repository';
import type { WeekContext } from '../../disputes/ports';

/** How a late-shipment judgement's points were settled by its week (for the dispute views). */
export interface PenaltySettlement extends Penalty {
  week: string;
  stream: string;
  closedAt: string;
  /** Whether the week's assessment counts this order (false: excused, or corrected away after an appeal). */
  counted: boolean;
  rulesVersion: string;
}

/**
 * Reads of a merchant-week, from its own stream (consistent: read from the event store, not the read model):
 * GET /merchants/{id}/weeks/{week}, and the week statistics and settled points the dispute feature asks for
 * through its MERCHANT_WEEKS port.
 */
@Injectable()
export class MerchantWeekQueries {
  constructor(
    private readonly repo: AggregateRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(SQL_DB) private readonly db: SqlDatabase,
  ) {}

  async view(merchantId: string, week: string): Promise<MerchantWeekView> {
    weekBounds(week, this.config.BUSINESS_TIMEZONE); // INVALID_WEEK
    const stream = merchantWeekStream(merchantId, week);
    const { state } = await this.repo.load(stream, merchantWeekDecider);
    return toMerchantWeekView(state, { merchantId, week, stream });
  }

  /** JudgeContext week statistics: settled for a closed week, as of `now` for an open one. */
  async weekContext(merchantId: string, weekInstant: string, now: string): Promise<WeekContext> {
    const timezone = this.config.BUSINESS_TIMEZONE;
    const { state } = await this.repo.load(merchantWeekStream(merchantId, isoWeekOf(weekInstant, timezone)), merchantWeekDecider);
    if (state.status === 'CLOSED') return { merchantWeek: settledMerchantWeek(state), weekFinal: true };
    return { merchantWeek: await merchantWeekStats(this.db, merchantId, weekInstant, timezone, now), weekFinal: false };
  }

  /**
   * How the points of a late-shipment liability of `orderId` stood settled as of `asOf` (null while its week
   * was open then): the week's assessment and the corrections recorded by then.
   */
  async settlementOf(merchantId: string, orderId: string, week: string, asOf?: string): Promise<PenaltySettlement | null> {
    const stream = merchantWeekStream(merchantId, week);
    const t = asOf === undefined ? Infinity : Date.parse(asOf);
    const { state } = await this.repo.load(stream, merchantWeekDecider, (e) => Date.parse(e.recordedAt) <= t);
    if (state.status !== 'CLOSED') return null;
    const counted = state.lateOrders.find((o) => o.orderId === orderId);
    const penalty = counted
      ? casePenalty(state.rulesVersion!, 'MERCHANT_LIABLE', 'LATE_SHIPMENT', settledMerchantWeek(state))
      : { points: 0, basis: `${week} settled: the order is not counted (${state.excusedOrders.find((x) => x.orderId === orderId)?.basis ?? 'not late by the facts at the close'})` };
    return { ...penalty, provisional: false, week, stream, closedAt: state.closedAt, counted: counted !== undefined, rulesVersion: state.rulesVersion! };
  }
}
