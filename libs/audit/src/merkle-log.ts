/**
 * The global append-only Merkle log over all events, stored in SQL (PostgreSQL or PGlite through
 * SqlExecutor; plain PostgreSQL SQL only).
 *
 * Tables (see {@link AUDIT_MIGRATIONS}):
 *  - audit_merkle_leaves: one row per event, leaf_index = its place in the log (global commit order);
 *    leaf_hash = eventLeafHash({stream, revision, eventId, hash}) (event-leaf.ts).
 *  - audit_merkle_nodes: the hash of every complete, aligned subtree of ≥ 2 leaves (level ≥ 1),
 *    written when its last leaf is appended, so roots and proofs need O(log n) rows in ONE query.
 *  - audit_checkpoints: every signed checkpoint issued.
 * Leaves and nodes are append-only (a trigger rejects UPDATE, DELETE and TRUNCATE); that is a guard
 * against accidents, not the security boundary — checkpoints held by auditors are.
 *
 * Concurrency: appendEvents takes a transaction-level advisory lock, so call it inside a transaction
 * (SqlDatabase.transaction); appenders are serialized and leaf indexes stay dense.
 */
import type { RecordedEvent, SqlExecutor } from '@app/event-store';
import type { StreamHead } from './chain-verify';
import { CHECKPOINT_ORIGIN, signCheckpoint, verifyCheckpoint, type Checkpoint, type CheckpointSigner } from './checkpoint';
import type { KeyObject } from 'node:crypto';
import { eventLeafHash } from './event-leaf';
import { MerkleFrontier, computeRoot, generateConsistencyProof, generateInclusionProof, subtreeKey, subtreesForRoot, type SubtreeRef } from './merkle';
import type { ConsistencyProof, InclusionProof } from './proof-format';

export const AUDIT_MIGRATIONS: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS audit_merkle_leaves (
  leaf_index      bigint      PRIMARY KEY CHECK (leaf_index >= 0),
  position        text        NOT NULL UNIQUE,
  stream_id       text        NOT NULL,
  stream_revision bigint      NOT NULL CHECK (stream_revision >= 0),
  event_id        text        NOT NULL UNIQUE,
  event_hash      text        NOT NULL,
  leaf_hash       bytea       NOT NULL CHECK (octet_length(leaf_hash) = 32),
  appended_at     timestamptz NOT NULL DEFAULT now(),
  UNIQUE (stream_id, stream_revision)
)`,
  `CREATE TABLE IF NOT EXISTS audit_merkle_nodes (
  level      smallint NOT NULL CHECK (level >= 1),
  node_index bigint   NOT NULL CHECK (node_index >= 0),
  hash       bytea    NOT NULL CHECK (octet_length(hash) = 32),
  PRIMARY KEY (level, node_index)
)`,
  `CREATE TABLE IF NOT EXISTS audit_checkpoints (
  checkpoint_id bigserial   PRIMARY KEY,
  origin        text        NOT NULL,
  tree_size     bigint      NOT NULL CHECK (tree_size >= 0),
  root_hash     text        NOT NULL,
  issued_at     text        NOT NULL,
  key_id        text        NOT NULL,
  signature     text        NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now()
)`,
  `CREATE INDEX IF NOT EXISTS audit_checkpoints_tree_size_idx ON audit_checkpoints (tree_size)`,
  `CREATE OR REPLACE FUNCTION audit_merkle_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit Merkle log table % is append-only (% rejected)', TG_TABLE_NAME, TG_OP USING ERRCODE = '55000';
END
$$`,
  `DROP TRIGGER IF EXISTS audit_merkle_leaves_append_only ON audit_merkle_leaves`,
  `CREATE TRIGGER audit_merkle_leaves_append_only BEFORE UPDATE OR DELETE ON audit_merkle_leaves FOR EACH ROW EXECUTE FUNCTION audit_merkle_append_only()`,
  `DROP TRIGGER IF EXISTS audit_merkle_leaves_no_truncate ON audit_merkle_leaves`,
  `CREATE TRIGGER audit_merkle_leaves_no_truncate BEFORE TRUNCATE ON audit_merkle_leaves FOR EACH STATEMENT EXECUTE FUNCTION audit_merkle_append_only()`,
  `DROP TRIGGER IF EXISTS audit_merkle_nodes_append_only ON audit_merkle_nodes`,
  `CREATE TRIGGER audit_merkle_nodes_append_only BEFORE UPDATE OR DELETE ON audit_merkle_nodes FOR EACH ROW EXECUTE FUNCTION audit_merkle_append_only()`,
  `DROP TRIGGER IF EXISTS audit_merkle_nodes_no_truncate ON audit_merkle_nodes`,
  `CREATE TRIGGER audit_merkle_nodes_no_truncate BEFORE TRUNCATE ON audit_merkle_nodes FOR EACH STATEMENT EXECUTE FUNCTION audit_merkle_append_only()`,
];

/** Key of the transaction-level advisory lock serializing appenders ("audit" in ASCII). */
export const MERKLE_LOG_LOCK_KEY = '418581342580';

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

export interface LogIntegrityProblem {
  kind: 'leaf-hash-mismatch' | 'leaf-gap' | 'node-mismatch' | 'node-missing' | 'checkpoint-root-mismatch' | 'checkpoint-beyond-log' | 'checkpoint-signature';
  /** Leaf index, or checkpoint size. */
  at: number;
  detail: string;
}

export interface LogIntegrityResult {
  valid: boolean;
  size: number;
  checkedLeaves: number;
  checkedCheckpoints: number;
  problems: LogIntegrityProblem[];
}

const HEX64 = /^[0-9a-f]{64}$/;
const toNum = (v: unknown): number => Number(v);

interface LeafRow {
  leaf_index: unknown;
  position: string;
  stream_id: string;
  stream_revision: unknown;
  event_id: string;
  event_hash: string;
  leaf_hash: string;
}
const LEAF_COLUMNS = `leaf_index, position, stream_id, stream_revision, event_id, event_hash, encode(leaf_hash, 'hex') AS leaf_hash`;
const toLeaf = (r: LeafRow): LogLeaf => ({
  leafIndex: toNum(r.leaf_index),
  position: r.position,
  stream: r.stream_id,
  revision: toNum(r.stream_revision),
  eventId: r.event_id,
  eventHash: r.event_hash,
  leafHash: r.leaf_hash,
});

interface CheckpointRow {
  origin: string;
  tree_size: unknown;
  root_hash: string;
  issued_at: string;
  key_id: string;
  signature: string;
}
const CHECKPOINT_COLUMNS = 'origin, tree_size, root_hash, issued_at, key_id, signature';
const toCheckpoint = (r: CheckpointRow): Checkpoint => ({
  origin: r.origin,
  size: toNum(r.tree_size),
  root: r.root_hash,
  issuedAt: r.issued_at,
  keyId: r.key_id,
  signature: r.signature,
});

const CHUNK = 500;

export class MerkleLog {
  constructor(
    private readonly db: SqlExecutor,
    private readonly opts: { origin?: string } = {},
  ) {}

  static readonly migrations = AUDIT_MIGRATIONS;

  /** Runs {@link AUDIT_MIGRATIONS} (idempotent). */
  async migrate(tx: SqlExecutor = this.db): Promise<void> {
    for (const sql of AUDIT_MIGRATIONS) await tx.query(sql);
  }

  get origin(): string {
    return this.opts.origin ?? CHECKPOINT_ORIGIN;
  }

  /**
   * Appends events in the order given (= global commit order). Idempotent: an event whose position
   * is already in the log is skipped (it must be the same event — same id and hash — or this throws
   * a 'conflict'). Call inside a transaction.
   */
  async appendEvents(tx: SqlExecutor, events: readonly LoggableEvent[]): Promise<AppendResult> {
    await tx.query(`SELECT pg_advisory_xact_lock(${MERKLE_LOG_LOCK_KEY})`);
    let size = await this.size(tx);
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
    const stored = await this.fetchSubtrees(tx, frontierRefs);
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
  async size(tx: SqlExecutor = this.db): Promise<number> {
    const r = await tx.query<{ size: unknown }>(`SELECT COALESCE(MAX(leaf_index) + 1, 0) AS size FROM audit_merkle_leaves`);
    return toNum(r.rows[0]?.size ?? 0);
  }

  /** Root (hex) of the tree of the first `size` leaves (default: all). */
  async root(size?: number, tx: SqlExecutor = this.db): Promise<string> {
    const n = await this.checkedSize(tx, size);
    return (await computeRoot(n, (refs) => this.fetchSubtrees(tx, refs))).toString('hex');
  }

  /** Inclusion proof for an event (by id) or a leaf index, in the tree of `treeSize` leaves (default: all). */
  async inclusionProof(target: string | number, treeSize?: number, tx: SqlExecutor = this.db): Promise<InclusionProof> {
    const leaf = typeof target === 'string' ? await this.leafByEventId(target, tx) : await this.leafByIndex(target, tx);
    if (!leaf) throw new MerkleLogError('event-not-found', typeof target === 'string' ? `event ${target} is not in the Merkle log` : `leaf ${target} is not in the Merkle log`);
    const n = await this.checkedSize(tx, treeSize);
    if (leaf.leafIndex >= n) throw new MerkleLogError('invalid-range', `leaf ${leaf.leafIndex} (event ${leaf.eventId}) is not in the tree of size ${n}`);
    const path = await generateInclusionProof(leaf.leafIndex, n, (refs) => this.fetchSubtrees(tx, refs));
    return {
      eventId: leaf.eventId,
      stream: leaf.stream,
      revision: leaf.revision,
      eventHash: leaf.eventHash,
      leafIndex: leaf.leafIndex,
      treeSize: n,
      leafHash: leaf.leafHash,
      path: path.map((h) => h.toString('hex')),
    };
  }

  /** Consistency proof from `oldSize` to `newSize` (default: all). */
  async consistencyProof(oldSize: number, newSize?: number, tx: SqlExecutor = this.db): Promise<ConsistencyProof> {
    const n = await this.checkedSize(tx, newSize);
    if (!Number.isSafeInteger(oldSize) || oldSize < 0 || oldSize > n) throw new MerkleLogError('invalid-range', `from must be between 0 and ${n}, got ${oldSize}`);
    const path = await generateConsistencyProof(oldSize, n, (refs) => this.fetchSubtrees(tx, refs));
    return { fromSize: oldSize, toSize: n, path: path.map((h) => h.toString('hex')) };
  }

  /**
   * Signs the current size and root and stores the checkpoint. With `onlyIfGrown`, returns the latest
   * checkpoint instead when it already covers the current size with the same key.
   */
  async checkpoint(signer: CheckpointSigner, opts: { issuedAt?: string; onlyIfGrown?: boolean } = {}, tx: SqlExecutor = this.db): Promise<Checkpoint> {
    const size = await this.size(tx);
    const root = await this.root(size, tx);
    if (opts.onlyIfGrown) {
      const latest = await this.latestCheckpoint(tx);
      if (latest && latest.size === size && latest.root === root && latest.keyId === signer.keyId && latest.origin === this.origin) return latest;
    }
    const cp = signCheckpoint(signer, { size, root, issuedAt: opts.issuedAt, origin: this.origin });
    await tx.query(`INSERT INTO audit_checkpoints (origin, tree_size, root_hash, issued_at, key_id, signature) VALUES ($1, $2, $3, $4, $5, $6)`, [
      cp.origin,
      cp.size,
      cp.root,
      cp.issuedAt,
      cp.keyId,
      cp.signature,
    ]);
    return cp;
  }

  async latestCheckpoint(tx: SqlExecutor = this.db): Promise<Checkpoint | null> {
    const r = await tx.query<CheckpointRow>(`SELECT ${CHECKPOINT_COLUMNS} FROM audit_checkpoints ORDER BY checkpoint_id DESC LIMIT 1`);
    return r.rows[0] ? toCheckpoint(r.rows[0]) : null;
  }

  /** The newest checkpoint for exactly this size, if one was issued. */
  async checkpointForSize(size: number, tx: SqlExecutor = this.db): Promise<Checkpoint | null> {
    const r = await tx.query<CheckpointRow>(`SELECT ${CHECKPOINT_COLUMNS} FROM audit_checkpoints WHERE tree_size = $1 ORDER BY checkpoint_id DESC LIMIT 1`, [size]);
    return r.rows[0] ? toCheckpoint(r.rows[0]) : null;
  }

  async leafByEventId(eventId: string, tx: SqlExecutor = this.db): Promise<LogLeaf | null> {
    const r = await tx.query<LeafRow>(`SELECT ${LEAF_COLUMNS} FROM audit_merkle_leaves WHERE event_id = $1`, [eventId]);
    return r.rows[0] ? toLeaf(r.rows[0]) : null;
  }

  async leafByIndex(leafIndex: number, tx: SqlExecutor = this.db): Promise<LogLeaf | null> {
    if (!Number.isSafeInteger(leafIndex) || leafIndex < 0) throw new MerkleLogError('invalid-range', `bad leaf index ${leafIndex}`);
    const r = await tx.query<LeafRow>(`SELECT ${LEAF_COLUMNS} FROM audit_merkle_leaves WHERE leaf_index = $1`, [leafIndex]);
    return r.rows[0] ? toLeaf(r.rows[0]) : null;
  }

  /** The stream's last event according to the log: the `expectedHead` for verifyStreamChain. */
  async streamHead(stream: string, tx: SqlExecutor = this.db): Promise<StreamHead | null> {
    const r = await tx.query<{ stream_revision: unknown; event_hash: string }>(
      `SELECT stream_revision, event_hash FROM audit_merkle_leaves WHERE stream_id = $1 ORDER BY stream_revision DESC LIMIT 1`,
      [stream],
    );
    return r.rows[0] ? { revision: toNum(r.rows[0].stream_revision), hash: r.rows[0].event_hash } : null;
  }

  /** Every stream's head according to the log (for AllStreamsVerifier's expectedHeads). */
  async streamHeads(tx: SqlExecutor = this.db): Promise<Map<string, StreamHead>> {
    const r = await tx.query<{ stream_id: string; stream_revision: unknown; event_hash: string }>(
      `SELECT DISTINCT ON (stream_id) stream_id, stream_revision, event_hash FROM audit_merkle_leaves ORDER BY stream_id, stream_revision DESC`,
    );
    return new Map(r.rows.map((row) => [row.stream_id, { revision: toNum(row.stream_revision), hash: row.event_hash }]));
  }

  /** The event hashes the log committed to for a stream, by revision (verifyStreamChain's `logged`). */
  async streamHashes(stream: string, tx: SqlExecutor = this.db): Promise<Map<number, string>> {
    const r = await tx.query<{ stream_revision: unknown; event_hash: string }>(
      `SELECT stream_revision, event_hash FROM audit_merkle_leaves WHERE stream_id = $1 ORDER BY stream_revision`,
      [stream],
    );
    return new Map(r.rows.map((row) => [toNum(row.stream_revision), row.event_hash]));
  }

  /**
   * Recomputes the whole log from its leaf rows (O(n), paged): each leaf hash from its identity
   * columns, every stored subtree hash, and the root of every stored checkpoint (and, given pinned
   * keys, its signature). Detects edits of the log tables themselves; to prove the log only grew to
   * an outside party, use consistency proofs against checkpoints they kept.
   */
  async verifyLog(opts: { publicKeys?: readonly KeyObject[]; pageSize?: number; maxProblems?: number } = {}, tx: SqlExecutor = this.db): Promise<LogIntegrityResult> {
    const pageSize = opts.pageSize ?? 5000;
    const maxProblems = opts.maxProblems ?? 100;
    const problems: LogIntegrityProblem[] = [];
    const report = (p: LogIntegrityProblem) => {
      if (problems.length < maxProblems) problems.push(p);
    };
    const cps = (await tx.query<CheckpointRow>(`SELECT ${CHECKPOINT_COLUMNS} FROM audit_checkpoints ORDER BY tree_size, checkpoint_id`)).rows.map(toCheckpoint);
    let cpAt = 0;
    let checkedCheckpoints = 0;
    const checkCheckpointsAt = (size: number, root: string) => {
      while (cpAt < cps.length && cps[cpAt].size === size) {
        const cp = cps[cpAt++];
        checkedCheckpoints++;
        if (cp.root !== root) report({ kind: 'checkpoint-root-mismatch', at: size, detail: `checkpoint of ${cp.issuedAt} has root ${cp.root}, the log's root at size ${size} is ${root}` });
        if (opts.publicKeys) {
          const v = verifyCheckpoint(cp, opts.publicKeys, { origin: cp.origin });
          if (!v.valid) report({ kind: 'checkpoint-signature', at: size, detail: `checkpoint of ${cp.issuedAt}: ${v.reason}` });
        }
      }
    };

    const frontier = new MerkleFrontier();
    checkCheckpointsAt(0, frontier.root().toString('hex'));
    let next = 0;
    for (;;) {
      const page = (await tx.query<LeafRow>(`SELECT ${LEAF_COLUMNS} FROM audit_merkle_leaves WHERE leaf_index >= $1 ORDER BY leaf_index LIMIT $2`, [next, pageSize])).rows.map(toLeaf);
      if (page.length === 0) break;
      const created: Array<{ ref: SubtreeRef; hash: Buffer }> = [];
      for (const l of page) {
        if (l.leafIndex !== frontier.size) {
          report({ kind: 'leaf-gap', at: frontier.size, detail: `leaf ${frontier.size} is missing (next stored leaf is ${l.leafIndex})` });
          return { valid: false, size: frontier.size, checkedLeaves: frontier.size, checkedCheckpoints, problems };
        }
        const recomputed = eventLeafHash({ stream: l.stream, revision: l.revision, eventId: l.eventId, hash: l.eventHash });
        if (recomputed.toString('hex') !== l.leafHash) report({ kind: 'leaf-hash-mismatch', at: l.leafIndex, detail: `leaf ${l.leafIndex} (event ${l.eventId}) stores ${l.leafHash}, its columns hash to ${recomputed.toString('hex')}` });
        created.push(...frontier.append(recomputed));
        checkCheckpointsAt(frontier.size, frontier.root().toString('hex'));
      }
      const storedNodes = await this.fetchSubtrees(tx, created.map((c) => c.ref), { allowMissing: true });
      for (const c of created) {
        const s = storedNodes.get(subtreeKey(c.ref));
        const at = c.ref.index * 2 ** c.ref.level;
        if (!s) report({ kind: 'node-missing', at, detail: `subtree ${subtreeKey(c.ref)} is not stored` });
        else if (Buffer.compare(Buffer.from(s), c.hash) !== 0) report({ kind: 'node-mismatch', at, detail: `subtree ${subtreeKey(c.ref)} (leaves ${at}..${at + 2 ** c.ref.level - 1}) is stored as ${Buffer.from(s).toString('hex')}, recomputed ${c.hash.toString('hex')}` });
      }
      next = frontier.size;
    }
    for (; cpAt < cps.length; cpAt++) {
      checkedCheckpoints++;
      report({ kind: 'checkpoint-beyond-log', at: cps[cpAt].size, detail: `a checkpoint of size ${cps[cpAt].size} (${cps[cpAt].issuedAt}) exists, but the log has only ${frontier.size} leaves: the log was truncated` });
    }
    return { valid: problems.length === 0, size: frontier.size, checkedLeaves: frontier.size, checkedCheckpoints, problems };
  }

  // -------------------------------------------------------------------------------------------

  private async checkedSize(tx: SqlExecutor, size: number | undefined): Promise<number> {
    const current = await this.size(tx);
    if (size === undefined) return current;
    if (!Number.isSafeInteger(size) || size < 0 || size > current) throw new MerkleLogError('invalid-range', `tree size must be between 0 and ${current}, got ${size}`);
    return size;
  }

  /** One query for any set of complete subtrees (level 0 from the leaves, level ≥ 1 from the nodes). */
  private async fetchSubtrees(tx: SqlExecutor, refs: readonly SubtreeRef[], opts: { allowMissing?: boolean } = {}): Promise<Map<string, Uint8Array>> {
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
}
