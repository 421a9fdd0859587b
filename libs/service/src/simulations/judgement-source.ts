/**
 * The standing judgements of a simulation, read from the recorded events (es_events of the SQL event stores,
 * embedded and PostgreSQL).
 *
 * At the start (in the WEEKS phase's transaction) the set is fixed in one set-based statement: for each dispute
 * stream its last `DisputeJudged` event at or before the head position the simulation started at, decided no
 * earlier than the period's first week (a judgement's week never starts after its decision), with the merchant
 * named by the stream's `DisputeOpened` — stored as (seq, event position, dispute, merchant) in `sim_todo`.
 * The CASES phase then pages through `sim_todo` by `seq` and fetches each event's data (as JSON text, parsed by
 * the re-judging worker) by the event table's primary key; the cursor is the last `seq` committed. One scan of
 * the event table per simulation, primary-key lookups after it: plans that do not depend on fresh statistics.
 */
import { parsePosition, type SqlExecutor } from '@app/event-store';

export interface JudgementRowText {
  seq: number;
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

export const SIM_TODO_DDL = `
CREATE TABLE IF NOT EXISTS sim_todo (
  simulation_id text NOT NULL,
  seq integer NOT NULL,
  transaction_id xid8 NOT NULL,
  global_position bigint NOT NULL,
  dispute_id text NOT NULL,
  merchant_id text NOT NULL,
  PRIMARY KEY (simulation_id, seq)
);`;

/** Fixes the simulation's judgements in `sim_todo` (replacing any earlier attempt); returns how many. */
export async function snapshotJudgements(tx: SqlExecutor, simulationId: string, q: JudgementQuery): Promise<number> {
  await tx.query(`DELETE FROM sim_todo WHERE simulation_id = $1`, [simulationId]);
  const [htx, hgp] = parsePosition(q.head);
  const params: unknown[] = [simulationId, htx.toString(), hgp.toString(), q.decidedFrom];
  let merchant = '';
  if (q.merchantId) {
    params.push(q.merchantId);
    merchant = `AND o.data->>'merchantId' = $${params.length}`;
  }
  await tx.query(
    `INSERT INTO sim_todo (simulation_id, seq, transaction_id, global_position, dispute_id, merchant_id)
     SELECT $1, row_number() OVER (ORDER BY j.transaction_id, j.global_position), j.transaction_id, j.global_position, j.data->>'disputeId', o.data->>'merchantId'
       FROM (SELECT DISTINCT ON (stream_id) stream_id, transaction_id, global_position, data
               FROM es_events
              WHERE event_type = 'DisputeJudged' AND (transaction_id, global_position) <= ($2::xid8, $3::bigint)
              ORDER BY stream_id, stream_revision DESC) j
       JOIN es_events o ON o.stream_id = j.stream_id AND o.stream_revision = 0
      WHERE o.event_type = 'DisputeOpened'
        AND (j.data->'judgement'->>'decidedAt')::timestamptz >= $4::timestamptz ${merchant}`,
    params,
  );
  const { rows } = await tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM sim_todo WHERE simulation_id = $1`, [simulationId]);
  return Number(rows[0]?.n ?? 0);
}

/** The next `limit` judgements after `afterSeq`, with their event data as JSON text. */
export async function judgementPage(db: SqlExecutor, simulationId: string, afterSeq: number, limit: number): Promise<JudgementRowText[]> {
  const { rows } = await db.query<{ seq: number; dispute_id: string; merchant_id: string; data: string }>(
    `SELECT t.seq, t.dispute_id, t.merchant_id, e.data::text AS data
       FROM sim_todo t JOIN es_events e ON e.transaction_id = t.transaction_id AND e.global_position = t.global_position
      WHERE t.simulation_id = $1 AND t.seq > $2
      ORDER BY t.seq
      LIMIT $3`,
    [simulationId, afterSeq, limit],
  );
  return rows.map((r) => ({ seq: Number(r.seq), disputeId: r.dispute_id, merchantId: r.merchant_id, data: r.data }));
}

/** Drops the simulation's work list (once it is DONE or FAILED). */
export async function clearJudgements(tx: SqlExecutor, simulationId: string): Promise<void> {
  await tx.query(`DELETE FROM sim_todo WHERE simulation_id = $1`, [simulationId]);
}
