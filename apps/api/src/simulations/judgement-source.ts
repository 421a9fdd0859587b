/**
 * The standing judgements of a simulation, read from the recorded events (es_events of the SQL event stores,
 * embedded and PostgreSQL): for each dispute stream its last `DisputeJudged` event at or before the head
 * position the simulation started at, with the merchant named by the stream's `DisputeOpened`. Pages in
 * global order (transaction id, global position), so the cursor is an event position; the event data comes as
 * JSON text, parsed by the re-judging worker. A lower bound on `decidedAt` keeps judgements that cannot belong
 * to the period out (a judgement's week never starts after its decision).
 */
import { parsePosition, START, type SqlExecutor } from '@app/event-store';

export interface JudgementRowText {
  position: string;
  disputeId: string;
  merchantId: string;
  /** DisputeJudged.data as JSON text. */
  data: string;
}

export interface JudgementQuery {
  head: string;
  /** Judgements decided before this instant are left out. */
  decidedFrom: string;
  merchantId?: string | null;
}

function where(q: JudgementQuery, params: unknown[]): string {
  const [htx, hgp] = parsePosition(q.head);
  params.push(htx.toString(), hgp.toString(), q.decidedFrom);
  const h = `($${params.length - 2}::xid8, $${params.length - 1}::bigint)`;
  const parts = [
    `e.event_type = 'DisputeJudged'`,
    `(e.transaction_id, e.global_position) <= ${h}`,
    `(e.data->'judgement'->>'decidedAt')::timestamptz >= $${params.length}::timestamptz`,
    `NOT EXISTS (SELECT 1 FROM es_events n WHERE n.stream_id = e.stream_id AND n.stream_revision > e.stream_revision
                  AND n.event_type = 'DisputeJudged' AND (n.transaction_id, n.global_position) <= ${h})`,
  ];
  if (q.merchantId) {
    params.push(q.merchantId);
    parts.push(`o.data->>'merchantId' = $${params.length}`);
  }
  return parts.join(' AND ');
}

const FROM = `es_events e JOIN es_events o ON o.stream_id = e.stream_id AND o.stream_revision = 0 AND o.event_type = 'DisputeOpened'`;

export async function countJudgements(db: SqlExecutor, q: JudgementQuery): Promise<number> {
  if (q.head === START) return 0;
  const params: unknown[] = [];
  const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${FROM} WHERE ${where(q, params)}`, params);
  return Number(rows[0]?.n ?? 0);
}

export async function judgementPage(db: SqlExecutor, q: JudgementQuery, after: string, limit: number): Promise<JudgementRowText[]> {
  if (q.head === START) return [];
  const params: unknown[] = [];
  const w = where(q, params);
  const [atx, agp] = parsePosition(after);
  params.push(atx.toString(), agp.toString(), limit);
  const { rows } = await db.query<{ tx: string; gp: string; dispute_id: string; merchant_id: string; data: string }>(
    `SELECT e.transaction_id::text AS tx, e.global_position::text AS gp, e.data->>'disputeId' AS dispute_id, o.data->>'merchantId' AS merchant_id, e.data::text AS data
       FROM ${FROM}
      WHERE ${w} AND (e.transaction_id, e.global_position) > ($${params.length - 2}::xid8, $${params.length - 1}::bigint)
      ORDER BY e.transaction_id, e.global_position
      LIMIT $${params.length}`,
    params,
  );
  return rows.map((r) => ({ position: `${r.tx}/${r.gp}`, disputeId: r.dispute_id, merchantId: r.merchant_id, data: r.data }));
}
