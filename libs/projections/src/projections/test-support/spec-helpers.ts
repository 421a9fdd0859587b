/** Shared helpers of the projection specs (test-only; not exported from the barrel). */
import { PgliteDatabase, type RecordedEvent, type SqlDatabase } from '@app/event-store';
import { type Projection, withPrefix } from '../../projection';
import { tableDigest } from '../../rebuild';
import { batches } from '../testing';

export async function memoryDb(): Promise<PgliteDatabase> {
  return PgliteDatabase.create();
}

/** Drops and recreates the projections' tables under `prefix`. */
export async function resetTables(db: SqlDatabase, projections: readonly Projection[], prefix = ''): Promise<void> {
  for (const p of projections) for (const t of p.tables) await db.query(`DROP TABLE IF EXISTS ${prefix}${t} CASCADE`);
  for (const p of projections) for (const ddl of p.ddl) await db.query(withPrefix(ddl, prefix));
}

/** Applies events in transactions of the given batch sizes (cycled), like the runner does. */
export async function applyInBatches(
  db: SqlDatabase,
  projections: readonly Projection[],
  events: readonly RecordedEvent[],
  sizes: readonly number[] = [1000],
  prefix = '',
): Promise<void> {
  for (const batch of batches(events, sizes)) {
    await db.transaction(async (tx) => {
      for (const p of projections) await p.apply(tx, batch, prefix);
    });
  }
}

export async function digests(db: SqlDatabase, projections: readonly Projection[], prefix = ''): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const p of projections) {
    for (const t of p.tables) {
      const d = await tableDigest(db, prefix + t);
      out[t] = `${d.rows}:${d.digest}`;
    }
  }
  return out;
}

export const addHours = (iso: string, h: number) => new Date(Date.parse(iso) + h * 3_600_000).toISOString();
export const addMinutes = (iso: string, m: number) => new Date(Date.parse(iso) + m * 60_000).toISOString();
