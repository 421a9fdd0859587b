/** Shared helpers of the projection specs (test-only; not exported from the barrel). */
import { PgliteDatabase, type EventStore, type RecordedEvent, type SqlDatabase } from '@app/event-store';
import { type Projection, withPrefix } from '../../projection';
import { tableDigest } from '../../rebuild';
import type { ProjectionRunner } from '../../runner';
import { batches, Scenario } from '../testing';

export async function memoryDb(): Promise<PgliteDatabase> {
  return PgliteDatabase.create();
}

/**
 * The fixture of a describe block: one in-memory database with the projections' tables, created before its tests
 * and closed after them; the tables are recreated empty before each test (`each`) or once before all (`once`).
 */
export function projectionTables(projections: readonly Projection[], reset: 'each' | 'once' = 'each'): { readonly db: PgliteDatabase } {
  const fixture = {} as { db: PgliteDatabase };
  beforeAll(async () => {
    fixture.db = await memoryDb();
    if (reset === 'once') await resetTables(fixture.db, projections);
  });
  afterAll(async () => {
    await fixture.db.close();
  });
  if (reset === 'each') {
    beforeEach(async () => {
      await resetTables(fixture.db, projections);
    });
  }
  return fixture;
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

/** A logger that says nothing (runners in specs). */
export const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * A busy stretch of the log: `orders` paid orders O<i> of 3 merchants, an hour apart from `t0` (every 4th shipped in
 * time: waybill at +2 h, pickup at +30 h; the next one's waybill 30 h late and never picked up), then `disputes`
 * disputes D<i> on O<i>, an hour apart from `t0` + 49 h, each played on by `play` from its opening.
 */
export function busyLog(t0: string, orders: number, disputes: number, play: (s: Scenario, d: string, i: number, opened: string) => void): Scenario {
  const s = new Scenario();
  for (let i = 0; i < orders; i++) {
    const o = `O${i}`;
    const paid = addHours(t0, i);
    s.paidOrder(o, `M${i % 3}`, paid);
    if (i % 4 === 0) s.ship(o, addHours(paid, 2), addHours(paid, 30));
    if (i % 4 === 1) s.ship(o, addHours(paid, 30), null);
  }
  for (let i = 0; i < disputes; i++) {
    const d = `D${i}`;
    const opened = addHours(t0, i + 49);
    s.openDispute(d, `O${i}`, opened);
    play(s, d, i, opened);
  }
  return s;
}

/** Runs the live projector until it applied the store's head (within `timeoutMs`), then stops it. */
export async function runToHead(runner: ProjectionRunner, store: EventStore, timeoutMs: number): Promise<void> {
  await runner.migrate();
  await runner.start();
  try {
    expect(await runner.waitFor(await store.headPosition(), timeoutMs)).toBe(true);
  } finally {
    await runner.stop();
  }
}
