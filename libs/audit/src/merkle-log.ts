/**
 * The global append-only Merkle log over all events, stored in SQL (PostgreSQL or PGlite through
 * SqlExecutor; plain PostgreSQL SQL only).
 *
 * Storage (tables, appends, subtree reads) is in merkle-log-storage.ts, the schema in merkle-log-schema.ts,
 * stored checkpoints and the whole-log integrity check in merkle-log-checkpoints.ts; this class answers
 * roots, proofs, checkpoints and stream heads over them.
 *
 * Concurrency: appendEvents takes a transaction-level advisory lock, so call it inside a transaction
 * (SqlDatabase.transaction); appenders are serialized and leaf indexes stay dense.
 */
import type { SqlExecutor } from '@app/event-store';
import type { StreamHead } from './chain-verify';
import { CHECKPOINT_ORIGIN, signCheckpoint, type Checkpoint, type CheckpointSigner } from './checkpoint';
import type { KeyObject } from 'node:crypto';
import { computeRoot, generateConsistencyProof, generateInclusionProof } from './merkle';
import { CHECKPOINT_COLUMNS, toCheckpoint, verifyLogTables, type CheckpointRow, type LogIntegrityResult } from './merkle-log-checkpoints';
import { AUDIT_MIGRATIONS } from './merkle-log-schema';
import { appendToLog, fetchSubtrees, LEAF_COLUMNS, logSize, MerkleLogError, toLeaf, toNum, type AppendResult, type LeafRow, type LoggableEvent, type LogLeaf } from './merkle-log-storage';
import type { ConsistencyProof, InclusionProof } from './proof-format';

export { AUDIT_MIGRATIONS, MERKLE_LOG_LOCK_KEY } from './merkle-log-schema';
export { MerkleLogError, type AppendResult, type LoggableEvent, type LogLeaf, type MerkleLogErrorCode } from './merkle-log-storage';
export type { LogIntegrityProblem, LogIntegrityResult } from './merkle-log-checkpoints';

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
    return appendToLog(tx, events);
  }

  /** Number of leaves. */
  async size(tx: SqlExecutor = this.db): Promise<number> {
    return logSize(tx);
  }

  /** Root (hex) of the tree of the first `size` leaves (default: all). */
  async root(size?: number, tx: SqlExecutor = this.db): Promise<string> {
    const n = await this.checkedSize(tx, size);
    return (await computeRoot(n, (refs) => fetchSubtrees(tx, refs))).toString('hex');
  }

  /** Inclusion proof for an event (by id) or a leaf index, in the tree of `treeSize` leaves (default: all). */
  async inclusionProof(target: string | number, treeSize?: number, tx: SqlExecutor = this.db): Promise<InclusionProof> {
    const leaf = typeof target === 'string' ? await this.leafByEventId(target, tx) : await this.leafByIndex(target, tx);
    if (!leaf) throw new MerkleLogError('event-not-found', typeof target === 'string' ? `event ${target} is not in the Merkle log` : `leaf ${target} is not in the Merkle log`);
    const n = await this.checkedSize(tx, treeSize);
    if (leaf.leafIndex >= n) throw new MerkleLogError('invalid-range', `leaf ${leaf.leafIndex} (event ${leaf.eventId}) is not in the tree of size ${n}`);
    const path = await generateInclusionProof(leaf.leafIndex, n, (refs) => fetchSubtrees(tx, refs));
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
    const path = await generateConsistencyProof(oldSize, n, (refs) => fetchSubtrees(tx, refs));
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
    return verifyLogTables(tx, opts);
  }

  // -------------------------------------------------------------------------------------------

  private async checkedSize(tx: SqlExecutor, size: number | undefined): Promise<number> {
    const current = await this.size(tx);
    if (size === undefined) return current;
    if (!Number.isSafeInteger(size) || size < 0 || size > current) throw new MerkleLogError('invalid-range', `tree size must be between 0 and ${current}, got ${size}`);
    return size;
  }
}
