import { comparePositions, PgliteDatabase, SqlEventStore, type EventStore, type RecordedEvent } from '@app/event-store';
import type { Projection } from '../projection';
import { rebuildProjections, REBUILD_PREFIX } from '../rebuild';
import { ProjectionRunner } from '../runner';
import { allProjections } from './index';
import { adjudicationQueue, listCases, listJudgements } from './queries';
import { addHours, applyInBatches, busyLog, digests, quiet, resetTables, runToHead } from './test-support/spec-helpers';
import type { Scenario } from './testing';

const T0 = '2026-11-16T02:00:00.000Z';

/** A busy week: 30 orders of 3 merchants, 24 disputes going every way the domain allows. */
function busyScenario(n = 30): Scenario {
  return busyLog(T0, n, n - 6, (s, d, i, opened) => {
    switch (i % 6) {
      case 0:
        if (i % 4 === 0) s.choose(d, { option: 'SHIPPED_WITH_PICKUP' }, addHours(opened, 1));
        else {
          s.fact(`O${i}`, { type: 'CANCELLATION_REQUESTED', occurredAt: opened });
          s.choose(d, { option: 'CONSUMER_CANCELLED' }, addHours(opened, 1));
        }
        break;
      case 1:
        s.fire(d, 'RESPONSE', addHours(opened, 24));
        break;
      case 2:
        s.choose(d, { option: 'OUT_OF_STOCK_REFUND' }, addHours(opened, 1));
        s.respond(d, i % 12 === 2, addHours(opened, 3));
        break;
      case 3:
        s.choose(d, { option: 'NO_FAULT_DEFENSE', defense: { reason: 'FORCE_MAJEURE', statement: 'storm' }, evidence: [{ kind: 'PHOTO', ref: `p${i}` }] }, addHours(opened, 1));
        s.judge(d, i % 12 === 3 ? 'MERCHANT_NOT_LIABLE' : 'MERCHANT_LIABLE', addHours(opened, 5), i % 12 === 3 ? undefined : 'LATE_SHIPMENT');
        break;
      case 4:
        s.choose(d, { option: 'SHIP_BY_AGREED_DATE', agreedShipBy: addHours(opened, 48), evidence: [{ kind: 'CHAT_LOG', ref: `c${i}` }] }, addHours(opened, 1));
        break;
      default:
        // left waiting for the merchant
        break;
    }
  });
}

async function readAllEvents(store: EventStore): Promise<RecordedEvent[]> {
  const out: RecordedEvent[] = [];
  let after = '0/0';
  for (;;) {
    const page = await store.readAll({ after, maxCount: 1000 });
    out.push(...page.events);
    after = page.lastPosition;
    if (page.isEnd || page.events.length === 0) return out;
  }
}

/** The tables a single clean pass over the whole log gives (under the 'ref_' prefix). */
async function referenceDigests(db: PgliteDatabase, store: EventStore, projections: readonly Projection[]) {
  await resetTables(db, projections, 'ref_');
  await applyInBatches(db, projections, await readAllEvents(store), [1000], 'ref_');
  return digests(db, projections, 'ref_');
}

async function checkpoints(db: PgliteDatabase) {
  const { rows } = await db.query<{ name: string; position: string; events_applied: number }>(
    `SELECT name, position, events_applied FROM projection_checkpoints ORDER BY name`,
  );
  return rows;
}

describe('projections under the runner and the rebuild (real SqlEventStore on PGlite)', () => {
  let db: PgliteDatabase;
  let store: SqlEventStore;
  const projections = allProjections({ timezone: 'Asia/Shanghai' });

  beforeEach(async () => {
    db = await PgliteDatabase.create();
    store = new SqlEventStore(db);
    await store.init();
  });
  afterEach(async () => {
    await store.close();
    await db.close();
  });

  it('a projector that dies inside apply mid-stream resumes from its checkpoint: nothing lost, nothing doubled', async () => {
    const s = busyScenario();
    await s.appendTo(store);
    const total = (await readAllEvents(store)).length;

    // The dispute projection throws on its 4th batch (after writing part of it), once.
    let calls = 0;
    let thrown = 0;
    const flaky: Projection = {
      ...projections[0],
      async apply(tx, events, prefix) {
        await projections[0].apply(tx, events, prefix);
        if (++calls === 4) {
          thrown++;
          throw new Error('projector killed mid-batch');
        }
      },
    };
    const runner = new ProjectionRunner(store, db, [flaky, ...projections.slice(1)], quiet, { lockRetryMs: 20, batchSize: 9 });
    await runToHead(runner, store, 20_000);
    expect(thrown).toBe(1);
    const cps = await checkpoints(db);
    // Every event was applied (and counted) exactly once per projection despite the failed batch.
    expect(cps.map((c) => [c.name, c.events_applied])).toEqual([
      ['delays', total],
      ['dispute_state', total],
      ['merchant_weeks', total],
      ['order_shipping', total],
    ]);
    expect(await digests(db, projections)).toEqual(await referenceDigests(db, store, projections));
  });

  it('a runner stopped mid-stream and a new one started later continue where it stopped', async () => {
    const s = busyScenario();
    const half = Math.floor(s.log.length / 2);
    await s.appendTo(store, 0, half);
    const midHead = await store.headPosition();

    const r1 = new ProjectionRunner(store, db, projections, quiet, { lockRetryMs: 20, batchSize: 4 });
    await r1.migrate();
    await r1.start();
    // Stop it as soon as it is somewhere in the middle (a batch may be in flight: stop waits for it).
    const firstEvents = (await readAllEvents(store)).slice(0, 10);
    expect(await r1.waitFor(firstEvents[9].position, 20_000)).toBe(true);
    await r1.stop();
    const stoppedAt = await checkpoints(db);
    for (const c of stoppedAt) expect(comparePositions(c.position, midHead)).toBeLessThanOrEqual(0);

    // More history arrives while nobody projects.
    await s.appendTo(store, half);
    const r2 = new ProjectionRunner(store, db, projections, quiet, { lockRetryMs: 20, batchSize: 7 });
    await r2.start();
    try {
      expect(await r2.waitFor(await store.headPosition(), 20_000)).toBe(true);
    } finally {
      await r2.stop();
    }
    const total = (await readAllEvents(store)).length;
    expect((await checkpoints(db)).map((c) => c.events_applied)).toEqual(projections.map(() => total));
    expect(await digests(db, projections)).toEqual(await referenceDigests(db, store, projections));

    // The read models answer as the scenario says.
    const cases = await listCases(db, { limit: 500 });
    expect(cases.items).toHaveLength(24);
    for (const c of cases.items) expect(c.status).toBe(s.disputeState(c.disputeId).status);
    expect((await listJudgements(db, { limit: 500 })).items.length).toBe(
      [...Array(24).keys()].filter((i) => ['JUDGED', 'SETTLED'].includes(s.disputeState(`D${i}`).status)).length,
    );
    expect((await adjudicationQueue(db, { now: addHours(T0, 500) })).items).toEqual([]);
  });

  it('stop() while a projector is still reading its checkpoint leaves no projector running', async () => {
    const s = busyScenario(6);
    await s.appendTo(store);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let gated = 0;
    const slowDb: PgliteDatabase = Object.create(db, {
      query: {
        value: async (sql: string, params?: unknown[]) => {
          if (sql.includes('SELECT position FROM projection_checkpoints')) {
            gated++;
            await gate;
          }
          return db.query(sql, params);
        },
      },
    });
    const runner = new ProjectionRunner(store, slowDb, projections, quiet, { lockRetryMs: 10_000 });
    await runner.migrate();
    const started = runner.start();
    while (gated === 0) await new Promise((r) => setTimeout(r, 5));
    await runner.stop();
    release();
    await started;
    await new Promise((r) => setTimeout(r, 200));
    expect(await checkpoints(db)).toEqual([]);
    expect((await db.query(`SELECT count(*)::int AS n FROM dispute_state`)).rows[0].n).toBe(0);
  });

  it('rebuilds into identical tables: the rebuild matches the live tables and two rebuilds give the same digests', async () => {
    const s = busyScenario();
    await s.appendTo(store);
    const runner = new ProjectionRunner(store, db, projections, quiet, { lockRetryMs: 20, batchSize: 50 });
    await runner.migrate();
    await runner.start();
    try {
      expect(await runner.waitFor(await store.headPosition(), 20_000)).toBe(true);
      const live = await digests(db, projections);

      const first = await rebuildProjections(store, db, projections, { batchSize: 13 });
      expect(first.comparisons.map((c) => c.table).sort()).toEqual(['deadlines', 'delay_cards', 'delay_reports', 'dispute_state', 'judgements', 'merchant_weeks', 'order_shipping']);
      expect(first.comparisons.every((c) => c.equal && c.liveRows === c.rebuiltRows)).toBe(true);
      expect(first.matched).toBe(true);
      expect(first.swapped).toBe(true);
      expect(await digests(db, projections)).toEqual(live);

      const second = await rebuildProjections(store, db, projections, { batchSize: 1000, swap: false });
      expect(second.matched).toBe(true);
      expect(second.comparisons.map((c) => [c.table, c.rebuiltDigest])).toEqual(first.comparisons.map((c) => [c.table, c.rebuiltDigest]));
      // swap:false leaves no rebuild_ tables behind.
      const { rows } = await db.query(`SELECT tablename FROM pg_tables WHERE tablename LIKE '${REBUILD_PREFIX}%'`);
      expect(rows).toEqual([]);

      // The live projector keeps working on the swapped tables.
      const mark = s.log.length;
      s.fire('D5', 'RESPONSE', addHours(T0, 5 + 49 + 24));
      await s.appendTo(store, mark);
      expect(await runner.waitFor(await store.headPosition(), 20_000)).toBe(true);
      expect((await listCases(db, { status: 'JUDGED', limit: 500 })).items.map((c) => c.disputeId)).toContain('D5');
    } finally {
      await runner.stop();
    }
  });

  it('a rebuild detects damaged live tables, keeps them unless forced, and repairs them when forced', async () => {
    const s = busyScenario(12);
    await s.appendTo(store);
    const runner = new ProjectionRunner(store, db, projections, quiet, { lockRetryMs: 20 });
    await runToHead(runner, store, 20_000);
    const good = await digests(db, projections);
    await db.query(`UPDATE dispute_state SET status = 'SETTLED' WHERE dispute_id = 'D5'`);
    await db.query(`DELETE FROM deadlines WHERE dispute_id = 'D5'`);

    const check = await rebuildProjections(store, db, projections);
    expect(check.matched).toBe(false);
    expect(check.swapped).toBe(false);
    expect(check.comparisons.filter((c) => !c.equal).map((c) => c.table).sort()).toEqual(['deadlines', 'dispute_state']);
    expect(await digests(db, projections)).not.toEqual(good);

    const forced = await rebuildProjections(store, db, projections, { force: true });
    expect(forced.swapped).toBe(true);
    expect(await digests(db, projections)).toEqual(good);
  });

  it('a rebuild that finds the live projector ahead of the head it started from still catches up and matches', async () => {
    const s = busyScenario(12);
    const part = s.log.length - 6;
    await s.appendTo(store, 0, part);
    const runner = new ProjectionRunner(store, db, projections, quiet, { lockRetryMs: 20, batchSize: 5 });
    await runner.migrate();
    await runner.start();
    try {
      expect(await runner.waitFor(await store.headPosition(), 20_000)).toBe(true);
      // A store whose head, as seen by the rebuild, is stale: by the time the rebuild locks the live tables,
      // the live projector has applied more events than the rebuild caught up to.
      const lagging: EventStore = Object.create(store, {
        headPosition: {
          value: async () => {
            const stale = await store.headPosition();
            await s.appendTo(store, part);
            expect(await runner.waitFor(await store.headPosition(), 20_000)).toBe(true);
            return stale;
          },
        },
      });
      const r = await rebuildProjections(lagging, db, projections, { batchSize: 4 });
      expect(r.matched).toBe(true);
      expect(r.position).toBe(await store.headPosition());
    } finally {
      await runner.stop();
    }
  });

  it('a rebuild that gets ahead of a slow live projector waits for it and then matches', async () => {
    const s = busyScenario(12);
    await s.appendTo(store);
    const slow = projections.map(
      (p): Projection => ({
        ...p,
        async apply(tx, events, prefix) {
          await new Promise((r) => setTimeout(r, 15));
          await p.apply(tx, events, prefix);
        },
      }),
    );
    const runner = new ProjectionRunner(store, db, slow, quiet, { lockRetryMs: 20, batchSize: 3 });
    await runner.migrate();
    await runner.start();
    try {
      const r = await rebuildProjections(store, db, projections, { batchSize: 1000 });
      expect(r.matched).toBe(true);
      expect(r.swapped).toBe(true);
      expect(r.position).toBe(await store.headPosition());
    } finally {
      await runner.stop();
    }
  });
});
