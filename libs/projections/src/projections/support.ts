import type { RecordedEvent, SqlExecutor } from '@app/event-store';

/**
 * A stream's events reached a projection out of sequence (a revision was skipped). Projections apply every
 * event of their streams in global order, so this means the log or the read model is damaged; the batch is
 * rolled back (the checkpoint does not move) rather than writing a wrong row.
 */
export class ProjectionGapError extends Error {
  constructor(
    readonly projection: string,
    readonly stream: string,
    readonly expectedRevision: number,
    readonly actualRevision: number,
  ) {
    super(`${projection}: stream ${stream} skipped from revision ${expectedRevision - 1} to ${actualRevision}`);
    this.name = 'ProjectionGapError';
  }
}

/** The id an aggregate stream is about: `dispute-D1` → `D1` (the stream name is the source of truth). */
export function streamEntityId(stream: string, prefix: string): string {
  return stream.slice(prefix.length);
}

/** Selects rows whose key is one of `ids` (passed as one jsonb array: the same SQL on pg and PGlite). */
// `= ANY(ARRAY(…))` keeps this an index lookup; `IN (SELECT jsonb_array_elements_text(…))` let the planner pick
// sequential scans on large tables (e.g. ≈ 5 ms per DELETE FROM deadlines in the benchmark's statement profile).
export const IN_IDS = (column: string, param: string) => `${column} = ANY (ARRAY(SELECT jsonb_array_elements_text(${param}::jsonb)))`;

/**
 * Folds the events of one batch per stream, starting from the state stored for each stream, and returns
 * only the streams that changed. Events at or below the stored revision are skipped (re-applying a batch is a
 * no-op); a skipped revision throws {@link ProjectionGapError}.
 */
export async function foldBatch<S>(args: {
  projection: string;
  tx: SqlExecutor;
  events: readonly RecordedEvent[];
  streamPrefix: string;
  /** Loads stored {id, revision, state} rows for these ids. */
  load: (tx: SqlExecutor, ids: string[]) => Promise<{ id: string; revision: number; state: S }[]>;
  initial: () => S;
  evolve: (state: S, event: { type: string; data: unknown }) => S;
}): Promise<Map<string, { id: string; stream: string; revision: number; state: S; updatedAt: string }>> {
  const mine = args.events.filter((e) => e.stream.startsWith(args.streamPrefix));
  const changed = new Map<string, { id: string; stream: string; revision: number; state: S; updatedAt: string }>();
  if (mine.length === 0) return changed;
  const ids = [...new Set(mine.map((e) => streamEntityId(e.stream, args.streamPrefix)))];
  const stored = new Map((await args.load(args.tx, ids)).map((r) => [r.id, r]));
  const current = new Map<string, { revision: number; state: S }>();
  for (const e of mine) {
    const id = streamEntityId(e.stream, args.streamPrefix);
    const cur = current.get(id) ?? stored.get(id) ?? { revision: -1, state: args.initial() };
    if (e.revision <= cur.revision) continue;
    if (e.revision !== cur.revision + 1) throw new ProjectionGapError(args.projection, e.stream, cur.revision + 1, e.revision);
    const next = { revision: e.revision, state: args.evolve(cur.state, { type: e.type, data: e.data }) };
    current.set(id, next);
    changed.set(id, { id, stream: e.stream, revision: e.revision, state: next.state, updatedAt: e.recordedAt });
  }
  return changed;
}

/** Canonical ISO of a stored/recorded instant string (null/empty → null). */
export function isoOrNull(v: string | null | undefined): string | null {
  if (v === null || v === undefined || v === '') return null;
  return new Date(Date.parse(v)).toISOString();
}

/** Upsert of many rows in one statement via jsonb_to_recordset (keeps a batch to a handful of round trips). */
export async function upsertRows(
  tx: SqlExecutor,
  table: string,
  columns: readonly (readonly [name: string, type: string])[],
  key: readonly string[],
  rows: readonly Record<string, unknown>[],
  guard?: string,
): Promise<void> {
  if (rows.length === 0) return;
  const names = columns.map(([n]) => n);
  const spec = columns.map(([n, t]) => `${n} ${t}`).join(', ');
  const updates = names.filter((n) => !key.includes(n)).map((n) => `${n} = EXCLUDED.${n}`);
  const conflict = updates.length ? `DO UPDATE SET ${updates.join(', ')}${guard ? ` WHERE ${guard}` : ''}` : 'DO NOTHING';
  await tx.query(
    `INSERT INTO ${table} (${names.join(', ')}) SELECT ${names.join(', ')} FROM jsonb_to_recordset($1::jsonb) AS x(${spec})
     ON CONFLICT (${key.join(', ')}) ${conflict}`,
    [JSON.stringify(rows)],
  );
}
