/** The SQL texts of SqlEventStore and the append statements built from them (see event-store-schema.ts). */
import type { ExpectedRevision, RecordedEvent } from '../event-store.port';
import { chainEvents, type PreparedEvent, type StreamHead } from '../append-support';
import type { SqlDatabase } from './sql-database';
import type { AppendRow } from './event-rows';

export const APPEND_BATCH_SQL = `SELECT r_index, r_code, r_revision, r_hash, r_tx, r_gp FROM es_append_batch($1::text::jsonb)`;
export const READ_HEAD_SQL = `SELECT revision, last_hash FROM es_streams WHERE stream_id = $1`;

export const EVENT_COLUMNS = `stream_id, stream_revision, transaction_id::text AS tx, global_position::text AS gp, event_id::text AS event_id,
  event_type, data, metadata, to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS recorded_at, hash, prev_hash`;

/** SQL of the global-order read: only events of transactions below the snapshot's xmin (see class doc). */
export const READ_ALL_SQL = `SELECT ${EVENT_COLUMNS} FROM es_events
 WHERE (transaction_id, global_position) > ($1::xid8, $2::bigint)
   AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
 ORDER BY transaction_id, global_position
 LIMIT $3`;

export const HEAD_POSITION_SQL = `SELECT transaction_id::text AS tx, global_position::text AS gp FROM es_events
 WHERE transaction_id < pg_snapshot_xmin(pg_current_snapshot())
 ORDER BY transaction_id DESC, global_position DESC LIMIT 1`;

/**
 * Are there committed events that readers may not see yet (an older transaction is still open)? Asked of the
 * newest row only, an index read (an EXISTS over `transaction_id >= xmin` made the planner pick a sequential
 * scan at scale).
 */
export const PENDING_SQL = `SELECT COALESCE(
   (SELECT transaction_id FROM es_events ORDER BY transaction_id DESC, global_position DESC LIMIT 1)
     >= pg_snapshot_xmin(pg_current_snapshot()), false) AS pending`;

export const APPEND_SQL = `SELECT * FROM es_append($1::text, $2::text, $3::bigint, $4::bigint, $5::text, $6::boolean, $7::timestamptz, $8::text::jsonb)`;
export const READ_FORWARD_SQL = `SELECT ${EVENT_COLUMNS} FROM es_events WHERE stream_id = $1 AND stream_revision >= $2::bigint
  ORDER BY stream_revision LIMIT $3::bigint`;
export const READ_BACKWARD_SQL = `SELECT ${EVENT_COLUMNS} FROM es_events WHERE stream_id = $1 AND stream_revision <= $2::bigint
  ORDER BY stream_revision DESC LIMIT $3::bigint`;

/**
 * The one statement that appends (see event-store-schema.ts): exported so that tests (and tools) can run
 * the very same SQL path on their own connection, e.g. inside a transaction they hold open.
 */
export function buildAppendStatement(
  stream: string,
  chained: ReadonlyArray<Omit<RecordedEvent, 'position'>>,
  expected: ExpectedRevision,
  head: StreamHead,
  checkIds: boolean,
): { sql: string; params: unknown[] } {
  const kind = typeof expected === 'number' ? 'exact' : expected;
  const payload = chained.map((e) => ({ id: e.eventId, type: e.type, data: e.data, metadata: e.metadata, hash: e.hash, prevHash: e.prevHash }));
  return {
    sql: APPEND_SQL,
    params: [
      stream,
      kind,
      typeof expected === 'number' ? expected : null,
      head.revision,
      head.hash,
      checkIds,
      chained[0]?.recordedAt ?? new Date().toISOString(),
      JSON.stringify(payload),
    ],
  };
}

/** Append in a transaction that locks the stream row first and chains onto the head read under the lock. */
export function appendLocked(
  db: SqlDatabase,
  stream: string,
  prepared: PreparedEvent[],
  expected: ExpectedRevision,
  recordedAt: string,
  checkIds: boolean,
): Promise<{ chained: Array<Omit<RecordedEvent, 'position'>>; rows: AppendRow[] }> {
  return db.transaction(async (tx) => {
    const lockSql = `SELECT revision, last_hash FROM es_streams WHERE stream_id = $1 FOR UPDATE`;
    let { rows: heads } = await tx.query<{ revision: number | string; last_hash: string | null }>(lockSql, [stream]);
    if (!heads[0]) {
      await tx.query(`INSERT INTO es_streams (stream_id) VALUES ($1) ON CONFLICT (stream_id) DO NOTHING`, [stream]);
      ({ rows: heads } = await tx.query<{ revision: number | string; last_hash: string | null }>(lockSql, [stream]));
    }
    const head: StreamHead = { revision: Number(heads[0].revision), hash: heads[0].last_hash };
    const chained = chainEvents(stream, prepared, head, recordedAt);
    const { sql, params } = buildAppendStatement(stream, chained, expected, head, checkIds);
    const { rows } = await tx.query<AppendRow>(sql, params);
    return { chained, rows };
  });
}
