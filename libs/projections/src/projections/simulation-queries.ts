/**
 * Set-based week statistics for a what-if simulation: every merchant-week of a list of calendar weeks in one
 * query over `order_shipping`, each week as of its own instant (its close, or the time of asking for an open
 * week). The columns are the scorecard's own ({@link weekStatsColumnsSql}), so a merchant-week's figures equal
 * weekShippingStats for the same week and instant.
 */
import type { SqlExecutor } from '@app/event-store';
import { shippingSql, weekStatsColumnsSql } from './order-shipping.projection';
import { weekStatsOf, type QueryOptions, type WeekShippingStats } from './queries';

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
    `SELECT o.merchant_id AS "merchantId", w.week AS week, ${weekStatsColumnsSql(t, 'o', opts.prefix ?? '')}
       FROM jsonb_to_recordset($1::jsonb) AS w(week text, ws timestamptz, we timestamptz, as_of timestamptz)
       JOIN ${opts.prefix ?? ''}order_shipping o ON o.pickup_due_at >= w.ws AND o.pickup_due_at < w.we
      WHERE ${s.assessed} AND ${s.clock} ${merchantFilter}
      GROUP BY o.merchant_id, w.week
      ORDER BY o.merchant_id, w.week`,
    params,
  );
  return rows.map((r) => ({ merchantId: String(r.merchantId), week: String(r.week), ...weekStatsOf(r) }));
}

export interface SettledWeekRow {
  merchantId: string;
  week: string;
  /** The week's statistics as its assessment settled them (after any correction). */
  stats: { ordersDue48h: number; pickedUpWithin48h: number; lateOrders: number };
  /** The points the assessment recorded (after corrections), under `rulesVersion`. */
  points: number;
  rulesVersion: string;
  closeDueAt: string;
}

/**
 * The settled merchant-weeks (week settlement's `merchant_weeks` read model) among `weeks`: a closed week is judged
 * by its assessment's statistics, as the scorecard and compare do. Empty where that read model does not exist.
 */
export async function settledWeeksIn(db: SqlExecutor, weeks: readonly string[], merchantId?: string, opts: QueryOptions = {}): Promise<SettledWeekRow[]> {
  if (weeks.length === 0) return [];
  const table = `${opts.prefix ?? ''}merchant_weeks`;
  const { rows: exists } = await db.query<{ t: string | null }>(`SELECT to_regclass($1)::text AS t`, [table]);
  if (!exists[0]?.t) return [];
  const params: unknown[] = [JSON.stringify(weeks)];
  let filter = '';
  if (merchantId !== undefined) {
    params.push(merchantId);
    filter = `AND merchant_id = $${params.length}`;
  }
  const { rows } = await db.query<{ merchant_id: string; week: string; state: Record<string, any> }>(
    `SELECT merchant_id, week, state FROM ${table} WHERE week IN (SELECT jsonb_array_elements_text($1::jsonb)) ${filter} ORDER BY merchant_id, week`,
    params,
  );
  return rows
    .filter((r) => r.state && r.state.stats && r.state.rulesVersion)
    .map((r) => ({
      merchantId: r.merchant_id,
      week: r.week,
      stats: { ordersDue48h: Number(r.state.stats.ordersDue48h), pickedUpWithin48h: Number(r.state.stats.pickedUpWithin48h), lateOrders: Number(r.state.stats.lateOrders) },
      points: Number(r.state.points),
      rulesVersion: String(r.state.rulesVersion),
      closeDueAt: new Date(r.state.closeDueAt).toISOString(),
    }));
}
