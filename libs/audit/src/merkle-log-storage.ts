/**
 * Storage of the Merkle log (merkle-log.ts): the leaf and subtree rows, appending events to them, and reading
 * them back (the log's size, any set of complete subtrees).
 */
import type { RecordedEvent, SqlExecutor } from '@app/event-store';
import { eventLeafHash } from './event-leaf';
import { MerkleFrontier, subtreeKey, subtreesForRoot, type SubtreeRef } from './merkle';
import { MERKLE_LOG_LOCK_KEY } from './merkle-log-schema';

export type MerkleLogErrorCode = 'event-not-found' | 'invalid-range' | 'conflict' | 'corrupt';

export class MerkleLogError extends Error {
  constructor(
    readonly code: MerkleLogErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'MerkleLogError';
  }
}

/** The fields of a RecordedEvent the log needs. */
export type LoggableEvent = Pick<RecordedEvent, 'stream' | 'revision' | 'position' | 'eventId' | 'hash'>;

export interface LogLeaf {
  leafIndex: number;
  position: string;
  stream: string;
  revision: number;
  eventId: string;
  eventHash: string;
  leafHash: string;
}

export interface AppendResult {
  appended: number;
  /** Events already in the log (same position, same event). */
  skipped: number;
  /** Log size after the append. */
  size: number;
}

const HEX64 = /^[0-9a-f]{64}$/;
export const toNum = (v: unknown): number => Number(v);

export interface LeafRow {
  leaf_index: unknown;
  position: string;
  stream_id: string;
  stream_revision: unknown;
  event_id: string;
  event_hash: string;
  leaf_hash: string;
}
export const LEAF_COLUMNS = `leaf_index, position, stream_id, stream_revision, event_id, event_hash, encode(leaf_hash, 'hex') AS leaf_hash`;
export const toLeaf = (r: LeafRow): LogLeaf => ({
  leafIndex: toNum(r.leaf_index),
  position: r.position,
  stream: r.stream_id,
  revision: toNum(r.stream_revision),
  eventId: r.event_id,
  eventHash: r.event_hash,
  leafHash: r.leaf_hash,
});

const CHUNK = 500;

/** MerkleLog.appendEvents (see there): takes the appenders' advisory lock, skips events already logged, writes leaves and completed subtrees. */
export async function appendToLog(tx: SqlExecutor, events: readonly LoggableEvent[]): Promise<AppendResult> {
  await tx.query(`SELECT pg_advisory_xact_lock(${MERKLE_LOG_LOCK_KEY})`);
  let size = await logSize(tx);
  if (events.length === 0) return { appended: 0, skipped: 0, size };

  for (const e of events) {
    if (!HEX64.test(e.hash)) throw new MerkleLogError('conflict', `event ${e.eventId} has a malformed hash ${JSON.stringify(e.hash)}`);
  }
  const existing = await tx.query<LeafRow>(
    // Two indexed lookups (an OR of the two IN lists is planned as a sequential scan that grows with the log).
    `SELECT ${LEAF_COLUMNS} FROM audit_merkle_leaves WHERE position IN (SELECT jsonb_array_elements_text($1::jsonb))
     UNION
     SELECT ${LEAF_COLUMNS} FROM audit_merkle_leaves WHERE event_id IN (SELECT jsonb_array_elements_text($2::jsonb))`,
    [JSON.stringify(events.map((e) => e.position)), JSON.stringify(events.map((e) => e.eventId))],
  );
  const byPosition = new Map<string, LogLeaf>();
  const byEventId = new Map<string, LogLeaf>();
  for (const l of existing.rows.map(toLeaf)) {
    byPosition.set(l.position, l);
    byEventId.set(l.eventId, l);
  }
  const same = (l: LogLeaf, e: LoggableEvent) => l.eventId === e.eventId && l.eventHash === e.hash && l.stream === e.stream && l.revision === e.revision;

  const fresh: LoggableEvent[] = [];
  let skipped = 0;
  for (const e of events) {
    const at = byPosition.get(e.position);
    if (at) {
      if (!same(at, e)) throw new MerkleLogError('conflict', `position ${e.position} is leaf ${at.leafIndex} for event ${at.eventId} (${at.eventHash}), not event ${e.eventId} (${e.hash})`);
      skipped++;
      continue;
    }
    const other = byEventId.get(e.eventId);
    if (other) throw new MerkleLogError('conflict', `event ${e.eventId} is already leaf ${other.leafIndex} at position ${other.position}, not ${e.position}`);
    const leaf: LogLeaf = { leafIndex: size + fresh.length, position: e.position, stream: e.stream, revision: e.revision, eventId: e.eventId, eventHash: e.hash, leafHash: '' };
    byPosition.set(e.position, leaf);
    byEventId.set(e.eventId, leaf);
    fresh.push(e);
  }
  if (fresh.length === 0) return { appended: 0, skipped, size };

  const frontierRefs = subtreesForRoot(size);
  const stored = await fetchSubtrees(tx, frontierRefs);
  const frontier = new MerkleFrontier(
    size,
    frontierRefs.map((ref) => ({ ref, hash: stored.get(subtreeKey(ref)) as Uint8Array })),
  );
  const leafRows: Array<Record<string, unknown>> = [];
  const nodeRows: Array<Record<string, unknown>> = [];
  for (const e of fresh) {
    const leaf = eventLeafHash(e);
    leafRows.push({ leaf_index: frontier.size, position: e.position, stream_id: e.stream, stream_revision: e.revision, event_id: e.eventId, event_hash: e.hash, leaf_hash: leaf.toString('hex') });
    for (const n of frontier.append(leaf)) nodeRows.push({ level: n.ref.level, node_index: n.ref.index, hash: n.hash.toString('hex') });
  }
  for (let i = 0; i < leafRows.length; i += CHUNK) {
    await tx.query(
      `INSERT INTO audit_merkle_leaves (leaf_index, position, stream_id, stream_revision, event_id, event_hash, leaf_hash)
       SELECT r.leaf_index, r.position, r.stream_id, r.stream_revision, r.event_id, r.event_hash, decode(r.leaf_hash, 'hex')
         FROM jsonb_to_recordset($1::jsonb) AS r(leaf_index bigint, position text, stream_id text, stream_revision bigint, event_id text, event_hash text, leaf_hash text)`,
      [JSON.stringify(leafRows.slice(i, i + CHUNK))],
    );
  }
  for (let i = 0; i < nodeRows.length; i += CHUNK) {
    await tx.query(
      `INSERT INTO audit_merkle_nodes (level, node_index, hash)
       SELECT r.level, r.node_index, decode(r.hash, 'hex') FROM jsonb_to_recordset($1::jsonb) AS r(level smallint, node_index bigint, hash text)`,
      [JSON.stringify(nodeRows.slice(i, i + CHUNK))],
    );
  }
  size = frontier.size;
  return { appended: fresh.length, skipped, size };
}

/** Number of leaves. */
export async function logSize(tx: SqlExecutor): Promise<number> {
  const r = await tx.query<{ size: unknown }>(`SELECT COALESCE(MAX(leaf_index) + 1, 0) AS size FROM audit_merkle_leaves`);
  return toNum(r.rows[0]?.size ?? 0);
}

/** One query for any set of complete subtrees (level 0 from the leaves, level ≥ 1 from the nodes). */
export async function fetchSubtrees(tx: SqlExecutor, refs: readonly SubtreeRef[], opts: { allowMissing?: boolean } = {}): Promise<Map<string, Uint8Array>> {
  const out = new Map<string, Uint8Array>();
  if (refs.length === 0) return out;
  const r = await tx.query<{ level: unknown; idx: unknown; hash: string | null }>(
    `SELECT r.level, r.idx, encode(COALESCE(n.hash, l.leaf_hash), 'hex') AS hash
       FROM jsonb_to_recordset($1::jsonb) AS r(level int, idx bigint)
       LEFT JOIN audit_merkle_nodes n ON r.level > 0 AND n.level = r.level AND n.node_index = r.idx
       LEFT JOIN audit_merkle_leaves l ON r.level = 0 AND l.leaf_index = r.idx`,
    [JSON.stringify(refs.map((x) => ({ level: x.level, idx: x.index })))],
  );
  for (const row of r.rows) if (row.hash) out.set(subtreeKey({ level: toNum(row.level), index: toNum(row.idx) }), Buffer.from(row.hash, 'hex'));
  if (!opts.allowMissing) {
    const missing = refs.filter((x) => !out.has(subtreeKey(x)));
    if (missing.length > 0) throw new MerkleLogError('corrupt', `the Merkle log storage lacks subtree(s) ${missing.map(subtreeKey).join(', ')}`);
  }
  return out;
}
