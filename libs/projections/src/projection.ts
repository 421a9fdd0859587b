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
  /** Applies a batch in global order. `prefix` is '' for live tables, e.g. 'rebuild_' while rebuilding. */
  apply(tx: SqlExecutor, events: readonly RecordedEvent[], prefix: string): Promise<void>;
}

export function withPrefix(sql: string, prefix: string): string {
  return sql.replace(/\{prefix\}/g, prefix);
}
