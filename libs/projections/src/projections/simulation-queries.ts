/**
 * Set-based week statistics for a what-if simulation: every merchant-week of a list of calendar weeks in one
 * query over `order_shipping`, each week as of its own instant (its close, or the time of asking for an open
 * week). The columns are the scorecard's own ({@link weekStatsColumnsSql}), so a merchant-week's figures equal
 * weekShippingStats for the same week and instant.
 */
import type { SqlExecutor } from '@app/event-store';
import { shippingSql, weekStatsColumnsSql } from './order-shipping.projection';
import type { QueryOptions, WeekShippingStats } from './queries';

export interface StatsWeek {
  week: string;
  /** UTC ISO instants: [start, end) and the instant the statistics are taken as of. */
  start: string;
  end: string;
  asOf: string;
}

export interface MerchantWeekStatsRow extends WeekShippingStats {
  merchantId: string;
  week: string;
}

/**
 * The statistics of every merchant-week with at least one assessed order (clock started as of the week's
 * instant) whose 48 h pickup deadline falls in one of `weeks`; optionally one merchant only. Ordered by
 * (merchantId, week).
 */
export async function periodWeekStats(db: SqlExecutor, weeks: readonly StatsWeek[], merchantId?: string, opts: QueryOptions = {}): Promise<MerchantWeekStatsRow[]> {
  if (weeks.length === 0) return [];
  const t = 'w.as_of';
  const s = shippingSql(t, 'o');
  const params: unknown[] = [JSON.stringify(weeks.map((w) => ({ week: w.week, ws: w.start, we: w.end, as_of: w.asOf })))];
  let merchantFilter = '';
  if (merchantId !== undefined) {
    params.push(merchantId);
    merchantFilter = `AND o.merchant_id = $${params.length}`;
  }
  const { rows } = await db.query<Record<string, unknown>>(
    `SELECT o.merchant_id AS "merchantId", w.week AS week, ${weekStatsColumnsSql(t, 'o')}
       FROM jsonb_to_recordset($1::jsonb) AS w(week text, ws timestamptz, we timestamptz, as_of timestamptz)
       JOIN ${opts.prefix ?? ''}order_shipping o ON o.pickup_due_at >= w.ws AND o.pickup_due_at < w.we
      WHERE ${s.assessed} AND ${s.clock} ${merchantFilter}
      GROUP BY o.merchant_id, w.week
      ORDER BY o.merchant_id, w.week`,
    params,
  );
  return rows.map((r) => ({
    merchantId: String(r.merchantId),
    week: String(r.week),
    ordersDue48h: Number(r.ordersDue48h),
    pickedUpWithin48h: Number(r.pickedUpWithin48h),
    lateOrders: Number(r.lateOrders),
    pendingOrders: Number(r.pendingOrders),
    refundedBeforeDue: Number(r.refundedBeforeDue),
  }));
}
