/** Merchant scorecards and merchant-week statistics (tables order_shipping, judgements, merchant_weeks), as of `now`. */
import {
  isOneOf,
  isoWeekOf,
  merchantWeekStream,
  parseRulesVersion,
  VIOLATIONS,
  weekBounds,
  weeklyPenaltyPoints,
  type MerchantWeek,
  type RulesVersion,
  type Violation,
} from '@app/domain';
import type { SqlExecutor } from '@app/event-store';
import { instantArg, isoOf } from './cursor';
import { nonEmptyString, type QueryOptions } from './keyset';
import { settledWeek } from './merchant-week.projection';
import { shippingSql, weekStatsColumnsSql } from './order-shipping.projection';
import { IN_IDS } from './support';

// ------------------------------------------------------------------------------------------- scorecard

export interface WeekShippingStats {
  /** Assessed orders whose 48 h pickup deadline falls in the week and whose outcome is known as of `now`. */
  ordersDue48h: number;
  /** Of those, picked up within 48 h (first pickup scan ≤ pickup due time). */
  pickedUpWithin48h: number;
  /** Assessed orders whose pickup deadline falls in the week and that are late as of `now` (waybill > 24 h or pickup > 48 h). */
  lateOrders: number;
  /** Late orders left out of `lateOrders`: a standing judgement holds the merchant not liable for their late shipment. */
  excusedLateOrders: number;
  /** Orders due in the week whose outcome is not known yet (due time still ahead of `now`, no pickup scan yet). */
  pendingOrders: number;
  /** Orders due in the week excused by a full refund on or before their pickup due time (in no count above). */
  refundedBeforeDue: number;
}

/** The week statistics of a row of the week-statistics columns (weekStatsColumnsSql), as numbers. */
export function weekStatsOf(r: Record<keyof WeekShippingStats, unknown>): WeekShippingStats {
  return {
    ordersDue48h: Number(r.ordersDue48h),
    pickedUpWithin48h: Number(r.pickedUpWithin48h),
    lateOrders: Number(r.lateOrders),
    excusedLateOrders: Number(r.excusedLateOrders),
    pendingOrders: Number(r.pendingOrders),
    refundedBeforeDue: Number(r.refundedBeforeDue),
  };
}

/**
 * Aggregates a merchant's orders whose pickup due time lies in [start, end), as of `now`:
 *  - the week of an order is the calendar week (business timezone) of its 48 h pickup due time;
 *  - only orders assessed for late shipment (as of `now`) with a started clock count;
 *  - an order fully refunded on or before its pickup due time has no pickup obligation: it counts neither
 *    in the 48 h rate nor as late (as in assessShipping);
 *  - the rate's denominator holds the orders whose outcome is known: picked up already, or due time passed;
 *  - lateness as in assessShipping as of `now`; for an order due in a week that has ended this is the same
 *    as "as of the end of the week" (once an order is late it stays late).
 */
export async function weekShippingStats(
  db: SqlExecutor,
  merchantId: string,
  bounds: { start: string; end: string },
  now: string,
  opts: QueryOptions = {},
): Promise<WeekShippingStats> {
  const s = shippingSql('$4::timestamptz', 'o');
  const { rows } = await db.query<Record<keyof WeekShippingStats, number>>(
    `SELECT ${weekStatsColumnsSql('$4::timestamptz', 'o', opts.prefix ?? '')}
     FROM ${opts.prefix ?? ''}order_shipping o
     WHERE o.merchant_id = $1 AND o.pickup_due_at >= $2::timestamptz AND o.pickup_due_at < $3::timestamptz
       AND ${s.assessed} AND ${s.clock}`,
    [merchantId, bounds.start, bounds.end, now],
  );
  return weekStatsOf(rows[0]);
}

export interface WeekLateOrderRow {
  orderId: string;
  waybillDueAt: string;
  pickupDueAt: string;
  waybillUploadedAt: string | null;
  pickupScannedAt: string | null;
  fullyRefundedAt: string | null;
}

/** Every order of the merchant due in the week and late as of `asOf` (excused or not), with the facts lateness rests on. */
export async function weekLateOrders(db: SqlExecutor, merchantId: string, bounds: { start: string; end: string }, asOf: string, opts: QueryOptions = {}): Promise<WeekLateOrderRow[]> {
  const s = shippingSql('$4::timestamptz', 'o');
  const { rows } = await db.query<Record<string, unknown>>(
    `SELECT o.order_id, o.waybill_due_at, o.pickup_due_at, o.first_waybill_at, o.first_pickup_at, o.fully_refunded_at
     FROM ${opts.prefix ?? ''}order_shipping o
     WHERE o.merchant_id = $1 AND o.pickup_due_at >= $2::timestamptz AND o.pickup_due_at < $3::timestamptz AND ${s.late}
     ORDER BY o.pickup_due_at, o.order_id`,
    [merchantId, bounds.start, bounds.end, asOf],
  );
  return rows.map((r) => ({
    orderId: String(r.order_id),
    waybillDueAt: isoOf(r.waybill_due_at as string)!,
    pickupDueAt: isoOf(r.pickup_due_at as string)!,
    waybillUploadedAt: isoOf(r.first_waybill_at as string | null) ?? null,
    pickupScannedAt: isoOf(r.first_pickup_at as string | null) ?? null,
    fullyRefundedAt: isoOf(r.fully_refunded_at as string | null) ?? null,
  }));
}

/** The standing judgements of these orders: late-shipment excuses and late-shipment liabilities (for the week's assessment). */
export async function lateShipmentJudgements(db: SqlExecutor, orderIds: string[], opts: QueryOptions = {}) {
  if (orderIds.length === 0) return { excuses: [], liabilities: [] };
  const { rows } = await db.query<{ order_id: string; dispute_id: string; outcome: string; violation: string | null; late_excused: boolean; basis: string | null; decided_at: Date | string }>(
    `SELECT order_id, dispute_id, outcome, violation, late_excused, basis, decided_at FROM ${opts.prefix ?? ''}judgements
     WHERE ${IN_IDS('order_id', '$1')} AND kind = 'JUDGEMENT' ORDER BY decided_at, dispute_id`,
    [JSON.stringify(orderIds)],
  );
  const excuses = rows.filter((r) => r.late_excused).map((r) => ({ orderId: r.order_id, disputeId: r.dispute_id, basis: r.basis ?? 'NOT_LIABLE', decidedAt: isoOf(r.decided_at)! }));
  const liabilities = rows.filter((r) => r.outcome === 'MERCHANT_LIABLE' && r.violation === 'LATE_SHIPMENT').map((r) => ({ orderId: r.order_id, disputeId: r.dispute_id }));
  return { excuses, liabilities };
}

/**
 * Merchant-weeks (ISO week of the pickup due time in `timezone`) with an assessed order due before `before`
 * (the end of the newest week whose close is due) that have no settled assessment yet, oldest first. One scan
 * of order_shipping against merchant_weeks: late-registered orders of an old week are found too.
 */
export async function openMerchantWeeksDue(db: SqlExecutor, timezone: string, before: string, opts: QueryOptions = {}): Promise<{ merchantId: string; week: string }[]> {
  const p = opts.prefix ?? '';
  const week = `to_char(o.pickup_due_at AT TIME ZONE $1, 'IYYY-"W"IW')`;
  const { rows } = await db.query<{ merchant_id: string; week: string }>(
    `SELECT DISTINCT o.merchant_id, ${week} AS week FROM ${p}order_shipping o
     WHERE o.pickup_due_at < $2::timestamptz AND o.kind_assessed
       AND NOT EXISTS (SELECT 1 FROM ${p}merchant_weeks w WHERE w.merchant_id = o.merchant_id AND w.week = ${week})
     ORDER BY 2, 1 LIMIT 1000`,
    [timezone, before],
  );
  return rows.map((r) => ({ merchantId: r.merchant_id, week: r.week }));
}

/**
 * JudgeContext.merchantWeek for judging a case of `merchantId` whose week contains `instant`: the merchant's
 * shipping stats for that calendar week (in `timezone`), as of `now` — the time of asking, never an instant
 * inside the week (v2 points depend on the whole week; until it closes they are provisional).
 */
export async function merchantWeekStats(
  db: SqlExecutor,
  merchantId: string,
  instant: string | Date,
  timezone: string,
  now: string | Date,
  opts: QueryOptions = {},
): Promise<MerchantWeek> {
  const week = isoWeekOf(instantArg(instant, 'instant'), timezone);
  const stats = await weekShippingStats(db, nonEmptyString(merchantId, 'merchantId'), weekBounds(week, timezone), instantArg(now, 'now'), opts);
  return { week, ordersDue48h: stats.ordersDue48h, pickedUpWithin48h: stats.pickedUpWithin48h, lateOrders: stats.lateOrders };
}

export interface Scorecard extends WeekShippingStats {
  merchantId: string;
  week: string;
  rulesVersion: RulesVersion;
  timezone: string;
  /** Monday 00:00 (inclusive) and next Monday 00:00 (exclusive) in `timezone`, as UTC instants. */
  weekStart: string;
  weekEnd: string;
  /** The instant the time-dependent counts are computed as of (the query's `now`). */
  asOf: string;
  /** pickedUpWithin48h / ordersDue48h, null when no order was due (not applicable). */
  pickupRate48h: number | null;
  /** Late-shipment points for the week under `rulesVersion` (the domain's weeklyPenaltyPoints). */
  points: number;
  pointsBasis: string;
  /** MERCHANT_LIABLE judgements decided in the week, by violation. */
  violations: Record<Violation, number>;
  /** Judgements (any outcome) and settlements decided in the week. */
  judged: number;
  settled: number;
  /**
   * True once the week's assessment was recorded (WEEK_CLOSE_DELAY after its end): the statistics and points
   * are the settled ones (after any correction), not the time of asking.
   */
  final: boolean;
  /** When the week's assessment was recorded (final weeks only). */
  closedAt?: string;
  /** The settled assessment: its stream, the rules version it was recorded under, its points then and now. */
  assessment?: { stream: string; rulesVersion: RulesVersion; assessedPoints: number; points: number; corrections: number; closeDueAt: string };
}

export interface ScorecardArgs extends QueryOptions {
  merchantId: string;
  /** ISO week 'YYYY-Www' in `timezone`. */
  week: string;
  rulesVersion: string;
  now: string | Date;
  timezone: string;
}

/** GET /merchants/{merchantId}/scorecard: one merchant's calendar week under a rules version. */
export async function scorecard(db: SqlExecutor, args: ScorecardArgs): Promise<Scorecard> {
  const merchantId = nonEmptyString(args.merchantId, 'merchantId');
  const rulesVersion = parseRulesVersion(args.rulesVersion);
  const bounds = weekBounds(args.week, args.timezone);
  const now = instantArg(args.now, 'now');
  const settledState = await settledWeek(db, merchantId, args.week, args);
  // A closed week is judged by its statistics at the close (as settled, corrections included); an open one as of now.
  const asOf = settledState ? settledState.closeDueAt : now;
  const live = await weekShippingStats(db, merchantId, bounds, asOf, args);
  const stats: WeekShippingStats = settledState
    ? {
        ...live,
        ordersDue48h: settledState.stats.ordersDue48h,
        pickedUpWithin48h: settledState.stats.pickedUpWithin48h,
        lateOrders: settledState.stats.lateOrders,
        excusedLateOrders: settledState.excusedOrders.length,
        pendingOrders: 0,
      }
    : live;
  const penalty = weeklyPenaltyPoints(rulesVersion, stats);
  const { rows } = await db.query<{ kind: string; outcome: string; violation: Violation | null; n: number }>(
    `SELECT kind, outcome, violation, count(*)::int AS n FROM ${args.prefix ?? ''}judgements
     WHERE merchant_id = $1 AND decided_at >= $2::timestamptz AND decided_at < $3::timestamptz
     GROUP BY kind, outcome, violation`,
    [merchantId, bounds.start, bounds.end],
  );
  const violations = Object.fromEntries(VIOLATIONS.map((v) => [v, 0])) as Record<Violation, number>;
  let judged = 0;
  let settled = 0;
  for (const r of rows) {
    const n = Number(r.n);
    if (r.kind === 'SETTLEMENT') settled += n;
    else judged += n;
    if (r.outcome === 'MERCHANT_LIABLE' && r.violation && isOneOf(VIOLATIONS, r.violation)) violations[r.violation] += n;
  }
  const card: Scorecard = {
    merchantId,
    week: args.week,
    rulesVersion,
    timezone: args.timezone,
    weekStart: bounds.start,
    weekEnd: bounds.end,
    asOf,
    ...stats,
    pickupRate48h: penalty.pickupRate48h,
    points: penalty.points,
    pointsBasis: penalty.basis,
    violations,
    judged,
    settled,
    final: settledState !== null,
  };
  if (settledState) {
    card.closedAt = settledState.closedAt;
    card.assessment = {
      stream: merchantWeekStream(merchantId, args.week),
      rulesVersion: settledState.rulesVersion!,
      assessedPoints: settledState.assessedPoints,
      points: settledState.points,
      corrections: settledState.corrections.length,
      closeDueAt: settledState.closeDueAt,
    };
  }
  return card;
}
