/**
 * The rebuild on the PostgreSQL server, where its catch-up runs in parallel (read-ahead, every projection on its
 * own connection, secondary indexes built after the catch-up): its tables must equal the live projector's,
 * which applied the same log strictly in turn, and two rebuilds must give the same tables.
 */
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DEFAULT_DATABASE_URL, PgDatabase, SqlEventStore } from '@app/event-store';
import { rebuildProjections, REBUILD_PREFIX } from '../rebuild';
import { ProjectionRunner } from '../runner';
import { allProjections } from './index';
import { addHours, busyLog, digests, quiet, runToHead } from './test-support/spec-helpers';
import type { Scenario } from './testing';

const T0 = '2026-11-16T02:00:00.000Z';
const ADMIN = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;

function scenario(n: number): Scenario {
  return busyLog(T0, n, n - 4, (s, d, i, opened) => {
    switch (i % 5) {
      case 0:
        s.fire(d, 'RESPONSE', addHours(opened, 24));
        break;
      case 1:
        s.choose(d, { option: 'OUT_OF_STOCK_REFUND' }, addHours(opened, 1));
        s.respond(d, i % 10 === 1, addHours(opened, 3));
        break;
      case 2:
        s.choose(d, { option: 'NO_FAULT_DEFENSE', defense: { reason: 'FORCE_MAJEURE', statement: 'storm' }, evidence: [{ kind: 'PHOTO', ref: `p${i}` }] }, addHours(opened, 1));
        s.judge(d, i % 10 === 2 ? 'MERCHANT_NOT_LIABLE' : 'MERCHANT_LIABLE', addHours(opened, 5), i % 10 === 2 ? undefined : 'LATE_SHIPMENT');
        break;
      case 3:
        s.choose(d, { option: 'SHIP_BY_AGREED_DATE', agreedShipBy: addHours(opened, 48), evidence: [{ kind: 'CHAT_LOG', ref: `c${i}` }] }, addHours(opened, 1));
        break;
      default:
        break; // left waiting for the merchant
    }
  });
}

describe('rebuild on PostgreSQL (parallel catch-up)', () => {
  const name = `proj_rebuild_${randomBytes(6).toString('hex')}`;
  let db: PgDatabase;
  let store: SqlEventStore;
  const projections = allProjections({ timezone: 'Asia/Shanghai' });

  beforeAll(async () => {
    const admin = new Client({ connectionString: ADMIN });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${name}"`);
    await admin.end();
    const u = new URL(ADMIN);
    u.pathname = `/${name}`;
    db = new PgDatabase({ url: u.toString(), max: 10 });
    store = new SqlEventStore(db);
    await store.init();
  });
  afterAll(async () => {
    await store?.close();
    await db?.close();
    const admin = new Client({ connectionString: ADMIN });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  });

  it('gives exactly the live projector’s tables, with their indexes, and the same tables twice', async () => {
    await scenario(40).appendTo(store);
    const runner = new ProjectionRunner(store, db, projections, quiet, { lockRetryMs: 20, batchSize: 50 });
    await runToHead(runner, store, 30_000);
    const live = await digests(db, projections);
    const indexes = async () =>
      (await db.query<{ indexname: string }>(`SELECT indexname FROM pg_indexes WHERE schemaname = 'public' ORDER BY indexname`)).rows.map((r) => r.indexname);
    const liveIndexes = await indexes();

    // Small pages: many pages in flight at once, every projection several pages behind the reader.
    const first = await rebuildProjections(store, db, projections, { batchSize: 7 });
    expect(first.comparisons.filter((c) => !c.equal)).toEqual([]);
    expect(first.matched).toBe(true);
    expect(first.swapped).toBe(true);
    expect(await digests(db, projections)).toEqual(live);
    expect(await indexes()).toEqual(liveIndexes); // the deferred indexes were built and renamed back

    const second = await rebuildProjections(store, db, projections, { batchSize: 1000, swap: false });
    expect(second.matched).toBe(true);
    expect(second.comparisons.map((c) => [c.table, c.rebuiltDigest])).toEqual(first.comparisons.map((c) => [c.table, c.rebuiltDigest]));
    const { rows } = await db.query(`SELECT tablename FROM pg_tables WHERE tablename LIKE '${REBUILD_PREFIX}%'`);
    expect(rows).toEqual([]);
  });
});
