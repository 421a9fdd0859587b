/**
 * The projection runner under faults, on a real PostgreSQL server:
 *  - at most one leader: a leader whose advisory-lock session is terminated stops before its next batch and
 *    the other runner takes over (no event applied by both, none by the deposed leader afterwards);
 *  - poison events: bounded retries, then a durable `stalled` record naming the event, other projections
 *    unaffected; an operator `retry` (after the cause is fixed) or `park` (skip, recorded) resolves it;
 *  - every library's DDL runs under the one migration lock: many instances migrating a fresh database at
 *    once all succeed (the Merkle log's CREATE … IF NOT EXISTS used to fail with a duplicate pg_type key).
 */
import { Client } from 'pg';
import { applySchema, PgDatabase, SqlEventStore, withSchemaLock, type RecordedEvent, type SqlExecutor } from '@app/event-store';
import { createThrowawayDatabase, type ThrowawayDatabase } from '@app/event-store/contract/sql-harness';
import { MerkleLog } from '@app/audit';
import type { Projection } from './projection';
import { ProjectionRunner } from './runner';
import { listFailures, resolveStall } from './failures';
import { allProjections } from './projections';

jest.setTimeout(120_000);

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function until<T>(what: string, fn: () => Promise<T | undefined | null | false>, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** A projection that records which runner applied each event (a second leader shows as a second row). */
function recordingProjection(name: string, runner: string, poison: (e: RecordedEvent) => boolean = () => false): Projection {
  return {
    name,
    tables: [`${name}_applied`],
    ddl: [`CREATE TABLE IF NOT EXISTS {prefix}${name}_applied (event_id text NOT NULL, runner text NOT NULL, applied_at timestamptz NOT NULL DEFAULT clock_timestamp())`],
    async apply(tx: SqlExecutor, events) {
      for (const e of events) {
        if (poison(e)) throw new Error(`cannot apply ${e.type} ${String(e.data.n)}`);
        await tx.query(`INSERT INTO ${name}_applied (event_id, runner) VALUES ($1, $2)`, [e.eventId, runner]);
      }
    },
  };
}

async function admin<T>(url: string, fn: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

describe('ProjectionRunner under faults (PostgreSQL)', () => {
  let tdb: ThrowawayDatabase;
  const closers: Array<() => Promise<void>> = [];

  beforeEach(async () => {
    tdb = await createThrowawayDatabase('runner_faults');
  });
  afterEach(async () => {
    for (const c of closers.splice(0).reverse()) await c().catch(() => undefined);
    await tdb.drop();
  });

  async function instance(app: string) {
    const db = new PgDatabase({ url: tdb.url, max: 4, applicationName: app });
    const store = new SqlEventStore(db);
    await store.init();
    closers.push(async () => {
      await store.close();
      await db.close();
    });
    return { db, store };
  }

  it('a leader whose lock session dies stops before its next batch; the other takes over, no event applied twice', async () => {
    const a = await instance('runner-a');
    const b = await instance('runner-b');
    // a competes for the lock only once (at start), so after losing it, it cannot legitimately lead again
    // in this test: any event it applies after the kill would be a second leader at work.
    const ra = new ProjectionRunner(a.store, a.db, [recordingProjection('solo', 'a')], quiet, { lockRetryMs: 3_600_000 });
    const rb = new ProjectionRunner(b.store, b.db, [recordingProjection('solo', 'b')], quiet, { lockRetryMs: 200 });
    closers.push(() => ra.stop(), () => rb.stop());
    await ra.migrate();
    await rb.migrate();
    await ra.start();
    await rb.start();
    for (let i = 0; i < 5; i++) await a.store.appendToStream(`s-${i}`, [{ type: 'Before', data: { n: i } }]);
    await until('a to apply the first events', async () => (await a.db.query(`SELECT count(*)::int AS n FROM solo_applied`)).rows[0].n === 5);
    const leaderBefore = (await a.db.query<{ runner: string }>(`SELECT DISTINCT runner FROM solo_applied`)).rows.map((r) => r.runner);
    expect(leaderBefore).toEqual(['a']);

    // Kill only the leader's lock session (its pool connections stay up: a flag-only leader would go on).
    const killed = await admin(tdb.url, async (c) => {
      const { rows } = await c.query<{ pid: number }>(
        `SELECT l.pid FROM pg_locks l JOIN pg_stat_activity s ON s.pid = l.pid
          WHERE l.locktype = 'advisory' AND l.granted AND s.application_name = 'runner-a' AND s.datname = current_database()`,
      );
      for (const r of rows) await c.query('SELECT pg_terminate_backend($1)', [r.pid]);
      return rows.length;
    });
    expect(killed).toBe(1);
    const t0 = Date.now();
    for (let i = 0; i < 20; i++) {
      await a.store.appendToStream(`t-${i}`, [{ type: 'After', data: { n: i } }]);
      await sleep(20);
    }
    await until('all events applied once', async () => (await a.db.query(`SELECT count(*)::int AS n FROM solo_applied`)).rows[0].n >= 25);
    await sleep(600); // more ticks to misbehave
    const { rows } = await a.db.query<{ event_id: string; runner: string; n: number }>(
      `SELECT event_id, min(runner) AS runner, count(*)::int AS n FROM solo_applied GROUP BY event_id`,
    );
    expect(rows).toHaveLength(25);
    expect(rows.filter((r) => r.n !== 1)).toEqual([]);
    const after = await a.store.readAll({ after: '0/0', maxCount: 100 });
    const afterIds = new Set(after.events.filter((e) => e.type === 'After').map((e) => e.eventId));
    // Every event appended after the kill was applied by the new leader only.
    expect(rows.filter((r) => afterIds.has(r.event_id) && r.runner !== 'b')).toEqual([]);
    expect(Date.now() - t0).toBeLessThan(30_000);
  });

  it('a poison event: bounded retries, a durable stalled record, other projections go on; park skips it, recorded', async () => {
    const a = await instance('poison-a');
    const poisoned = recordingProjection('picky', 'a', (e) => e.data.poison === true);
    const healthy = recordingProjection('easy', 'a');
    const failures: string[] = [];
    const runner = new ProjectionRunner(a.store, a.db, [poisoned, healthy], quiet, {
      lockRetryMs: 100,
      maxAttempts: 3,
      retryBaseMs: 10,
      onApplyFailure: (p) => failures.push(p),
    });
    closers.push(() => runner.stop());
    await runner.migrate();
    await runner.start();
    await a.store.appendToStream('p-1', [{ type: 'Ok', data: { n: 1 } }]);
    await a.store.appendToStream('p-2', [{ type: 'Bad', data: { n: 2, poison: true } }]);
    await a.store.appendToStream('p-3', [{ type: 'Ok', data: { n: 3 } }]);
    const stall = await until('the stall record', async () => (await listFailures(a.db, { openOnly: true }))[0]);
    expect(stall).toMatchObject({ projection: 'picky', stream: 'p-2', revision: 0, eventType: 'Bad', status: 'stalled', attempts: 3 });
    expect(stall.error).toMatch(/cannot apply Bad 2/);
    expect(failures).toEqual(['picky', 'picky', 'picky']);
    // The healthy projection applied everything; the stalled one stands before the poison event.
    await until('easy to finish', async () => (await a.db.query(`SELECT count(*)::int AS n FROM easy_applied`)).rows[0].n === 3);
    await sleep(500);
    expect((await a.db.query(`SELECT count(*)::int AS n FROM picky_applied`)).rows[0].n).toBe(1);
    expect(failures).toHaveLength(3); // no retry storm while stalled
    const h = await runner.measureLag();
    expect(h.find((s) => s.name === 'picky')).toMatchObject({ lagEvents: 2 });
    // Read-your-writes on a stalled projection answers at once (stale) instead of waiting its full bound.
    const head = await a.store.headPosition();
    const t0 = Date.now();
    expect(await runner.waitFor(head, 10_000)).toBe(false);
    expect(Date.now() - t0).toBeLessThan(5_000);

    expect(await resolveStall(a.db, 'picky', 'park', 'test')).toMatchObject({ status: 'parked', resolvedBy: 'test' });
    await until('picky to move past the parked event', async () => (await a.db.query(`SELECT count(*)::int AS n FROM picky_applied`)).rows[0].n === 2);
    expect(await runner.waitFor(head, 10_000)).toBe(true);
    const all = await listFailures(a.db);
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ status: 'parked', eventId: stall.eventId });
    expect(await resolveStall(a.db, 'picky', 'park', 'test')).toBeNull(); // nothing stalled any more
  });

  it('retry after the cause is fixed applies the event and resolves the record; a new leader does not spin on a stalled event', async () => {
    const a = await instance('retry-a');
    let broken = true;
    const p = recordingProjection('fixable', 'a', (e) => broken && e.data.poison === true);
    const runner = new ProjectionRunner(a.store, a.db, [p], quiet, { lockRetryMs: 100, maxAttempts: 2, retryBaseMs: 10 });
    closers.push(() => runner.stop());
    await runner.migrate();
    await runner.start();
    await a.store.appendToStream('r-1', [{ type: 'Bad', data: { n: 1, poison: true } }]);
    await a.store.appendToStream('r-2', [{ type: 'Ok', data: { n: 2 } }]);
    await until('the stall', async () => (await listFailures(a.db, { openOnly: true }))[0]);

    // The leader dies; a second runner takes over and must NOT retry (it waits for an operator).
    await runner.stop();
    const failures: string[] = [];
    const second = new ProjectionRunner(a.store, a.db, [p], quiet, { lockRetryMs: 100, maxAttempts: 2, retryBaseMs: 10, onApplyFailure: (n) => failures.push(n) });
    closers.push(() => second.stop());
    await second.start();
    await sleep(500);
    expect(failures).toEqual([]);
    expect((await listFailures(a.db))[0]).toMatchObject({ status: 'stalled', attempts: 2 });

    broken = false; // the operator deployed a fix
    expect(await resolveStall(a.db, 'fixable', 'retry', 'test')).toMatchObject({ status: 'retrying' });
    await until('both events applied', async () => (await a.db.query(`SELECT count(*)::int AS n FROM fixable_applied`)).rows[0].n === 2);
    await until('the record resolved', async () => (await listFailures(a.db))[0]?.status === 'resolved');
  });

  it('many instances migrating one fresh database at once all succeed (every DDL under the migration lock), repeatedly', async () => {
    for (let round = 0; round < 4; round++) {
      const fresh = await createThrowawayDatabase('cold_start');
      try {
        const results = await Promise.allSettled(
          Array.from({ length: 6 }, async (_, i) => {
            const db = new PgDatabase({ url: fresh.url, max: 3, applicationName: `cold-${i}` });
            try {
              const store = new SqlEventStore(db);
              await store.init();
              await new ProjectionRunner(store, db, allProjections(), quiet).migrate();
              await withSchemaLock(db, (tx) => new MerkleLog(tx).migrate(tx));
              await applySchema(db, [`CREATE TABLE IF NOT EXISTS other_lib_table (k text PRIMARY KEY)`]);
              await store.close();
            } finally {
              await db.close();
            }
          }),
        );
        const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => String(r.reason));
        expect(failed).toEqual([]);
      } finally {
        await fresh.drop();
      }
    }
  });
});
