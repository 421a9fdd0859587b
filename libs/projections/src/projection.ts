import type { RecordedEvent, SqlExecutor } from '@app/event-store';

/**
 * A projection turns events into read-model rows. `apply` runs inside the transaction that also moves
 * the projection's checkpoint, so a crash can neither lose nor double-apply an event; handlers must still
 * be idempotent (upserts keyed by ids, guarded by revision) so that a rebuild or a replayed batch is safe.
 */
export interface Projection {
  /** Stable name; the checkpoint is kept under it. */
  readonly name: string;
  /** Tables this projection owns (rebuild copies, compares and swaps exactly these). */
  readonly tables: readonly string[];
  /** CREATE TABLE/INDEX statements with `{prefix}` in front of every owned table name (rebuilds use another prefix). */
  readonly ddl: readonly string[];
  /**
   * Commit each batch synchronously (wait for the WAL flush) even on PostgreSQL. By default a batch commits
   * asynchronously, which is safe for derived rows (a lost batch is lost with its checkpoint and applied again);
   * a projection whose rows are acted upon outside the database at once (the webhook outbox) sets this.
   */
  readonly synchronousCommit?: boolean;
  /**
   * Every row of this projection follows the events of one stream only (a per-stream fold, as foldBatch does),
   * so a rebuild may apply the events of different streams in parallel transactions (each stream's events
   * still in order, in one of them) and get the same tables.
   */
  readonly perStream?: boolean;
  /**
   * Optional: reads what `apply` needs from outside the transaction (e.g. other streams of the event store,
   * which on the embedded store cannot be read while its single connection holds the batch's transaction).
   * The runner passes its result to `apply` as `prepared`.
   */
  prepare?(events: readonly RecordedEvent[]): Promise<unknown>;
  /** Applies a batch in global order. `prefix` is '' for live tables, e.g. 'rebuild_' while rebuilding. */
  apply(tx: SqlExecutor, events: readonly RecordedEvent[], prefix: string, prepared?: unknown): Promise<void>;
}

export function withPrefix(sql: string, prefix: string): string {
  return sql.replace(/\{prefix\}/g, prefix);
}
