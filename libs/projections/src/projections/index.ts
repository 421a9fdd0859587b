/**
 * The service's read models (projections) and their queries.
 *
 * Projections (each runs from its own checkpoint; both are deterministic and idempotent):
 *  - `dispute_state` → tables dispute_state (case list, adjudication queue), deadlines, judgements;
 *  - `order_shipping` → table order_shipping (per-order shipping inputs for the merchant scorecard);
 *  - `merchant_weeks` → table merchant_weeks (settled merchant-weeks: assessment and corrections).
 *
 * The tables do not depend on the business timezone (they hold instants); weeks are cut at query time.
 * `createProjections({timezone})` validates the timezone and binds it into the week-based queries, so a
 * change of BUSINESS_TIMEZONE needs no rebuild.
 */
import { isoWeekOf, type MerchantWeek } from '@app/domain';
import type { SqlExecutor } from '@app/event-store';
import type { Projection } from '../projection';
import { disputeStateProjection } from './dispute-state.projection';
import { orderShippingProjection } from './order-shipping.projection';
import { merchantWeekStats, scorecard, type QueryOptions, type Scorecard, type ScorecardArgs } from './queries';
import { delaysProjection } from '../delays.projection';
import { merchantWeeksProjection } from './merchant-week.projection';

export * from './cursor';
export * from './support';
export * from './dispute-state.projection';
export * from './order-shipping.projection';
export * from './queries';
export * from './simulation-queries';
export * from './merchant-week.projection';

export const DEFAULT_BUSINESS_TIMEZONE = 'Asia/Shanghai';

export interface ProjectionOptions {
  /** IANA zone where calendar weeks begin and end (BUSINESS_TIMEZONE); default Asia/Shanghai. */
  timezone?: string;
}

export interface ServiceProjections {
  timezone: string;
  /** For ProjectionRunner and rebuildProjections. */
  projections: readonly Projection[];
  /** scorecard() with the business timezone. */
  scorecard(db: SqlExecutor, args: Omit<ScorecardArgs, 'timezone'>): Promise<Scorecard>;
  /** merchantWeekStats() with the business timezone. */
  merchantWeekStats(db: SqlExecutor, merchantId: string, instant: string | Date, now: string | Date, opts?: QueryOptions): Promise<MerchantWeek>;
}

export function createProjections(opts: ProjectionOptions = {}): ServiceProjections {
  const timezone = opts.timezone ?? DEFAULT_BUSINESS_TIMEZONE;
  isoWeekOf('2000-01-01T00:00:00Z', timezone); // throws INVALID_INPUT on an unknown zone
  return {
    timezone,
    projections: [disputeStateProjection, orderShippingProjection, delaysProjection, merchantWeeksProjection],
    scorecard: (db, args) => scorecard(db, { ...args, timezone }),
    merchantWeekStats: (db, merchantId, instant, now, o) => merchantWeekStats(db, merchantId, instant, timezone, now, o),
  };
}

/** The list for the runner and the rebuild. */
export function allProjections(opts: ProjectionOptions = {}): readonly Projection[] {
  return createProjections(opts).projections;
}
