/**
 * PostgreSQL-specific behaviour of SqlEventStore that the shared contract cannot express: round trips per
 * append, the guards inside es_append, why the xmin horizon is needed, and what it costs.
 */
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { appendOn, createThrowawayDatabase, type ThrowawayDatabase } from '../contract/sql-harness';
import { comparePositions, START, type Position } from '../event-store.port';
import { PgDatabase } from './pg-database';
import type { QueryResult, SqlDatabase, SqlExecutor } from './sql-database';
import { HEAD_POSITION_SQL, PENDING_SQL, READ_ALL_SQL, SqlEventStore } from './sql-event-store';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Counts statements an append waits for (a transaction counts BEGIN and COMMIT too). The coalesced
 * `pg_notify` the store sends after commits is not awaited by appends and is counted apart.
 */
class CountingDatabase implements SqlDatabase {
  readonly kind = 'pg' as const;
  statements = 0;
  notifies = 0;
  constructor(private readonly inner: SqlDatabase) {}
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<QueryResult<T>> {
    if (sql.includes('pg_notify')) this.notifies++;
    else this.statements++;
    return this.inner.query<T>(sql, params);
  }
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    this.statements += 2;
    return this.inner.transaction((tx) =>
      fn({
        query: <R = Record<string, unknown>>(sql: string, params?: unknown[]) => {
          this.statements++;
          return tx.query<R>(sql, params);
        },
      }),
    );
  }
  tryAcquireLock(key: string) {
    return this.inner.tryAcquireLock(key);
  }
  listen(channel: string, cb: (payload: string) => void) {
    return this.inner.listen(channel, cb);
  }
  close() {
    return this.inner.close();
  }
}

async function raw(url: string): Promise<Client & { exec: SqlExecutor }> {
  const c = new Client({ connectionString: url });
  await c.connect();
  return Object.assign(c, {
    exec: {
      query: async (sql: string, params?: unknown[]) => {
        const r = await c.query(sql, params as unknown[]);
        return { rows: r.rows, rowCount: r.rowCount ?? 0 };
      },
    } as SqlExecutor,
  });
}

let tdb: ThrowawayDatabase;
let db: PgDatabase;
let store: SqlEventStore;

beforeAll(async () => {
  tdb = await createThrowawayDatabase('es_pgspec');
  db = new PgDatabase({ url: tdb.url, max: 10 });
  store = new SqlEventStore(db);
  await store.init();
});

afterAll(async () => {
  await store?.close();
  await db?.close();
  await tdb?.drop();
});

describe('SqlEventStore on PostgreSQL', () => {
  it('appends in ONE statement when the stream head is known (new stream, or cached from an append/read)', async () => {
    const counting = new CountingDatabase(db);
    const s = new SqlEventStore(counting);
    const stream = `rt-${randomUUID()}`;
    counting.statements = 0;
    const r1 = await s.appendToStream(stream, [{ type: 'A', data: {} }], { expectedRevision: 'no_stream' });
    expect(counting.statements).toBe(1);
    counting.statements = 0;
    await s.appendToStream(stream, [{ type: 'B', data: {} }, { type: 'C', data: {} }], { expectedRevision: r1.nextExpectedRevision });
    expect(counting.statements).toBe(1);

    const fresh = new CountingDatabase(db); // another process: no cache
    const s2 = new SqlEventStore(fresh);
    await s2.appendToStream(stream, [{ type: 'D', data: {} }]);
    expect(fresh.statements).toBe(2); // look up the head, append
    fresh.statements = 0;
    const s3 = new SqlEventStore(fresh);
    await s3.readStream(stream); // the usual command flow: load, decide, append
    await s3.appendToStream(stream, [{ type: 'E', data: {} }], { expectedRevision: 3 });
    expect(fresh.statements).toBe(2); // one read + one append
    // a stale cache costs one retry, and the chain stays intact
    fresh.statements = 0;
    await s2.appendToStream(stream, [{ type: 'F', data: {} }]);
    expect(fresh.statements).toBe(2);
    const events = await store.readStream(stream);
    expect(events.map((e) => e.type)).toEqual(['A', 'B', 'C', 'D', 'E', 'F']);
    for (let i = 1; i < events.length; i++) expect(events[i].prevHash).toBe(events[i - 1].hash);
  });

  it("a caller's head hint saves the lookup; a wrong one costs a retry, never the chain", async () => {
    const stream = `hint-${randomUUID()}`;
    const first = await store.appendToStream(stream, [{ type: 'A', data: {} }, { type: 'B', data: {} }], { expectedRevision: 'no_stream' });
    const head = { revision: 1, hash: first.events[1].hash };
    const counting = new CountingDatabase(db);
    const s = new SqlEventStore(counting, { groupCommit: false }); // another process: no head of its own
    await s.appendToStream(stream, [{ type: 'C', data: {} }], { expectedRevision: 1, head });
    expect(counting.statements).toBe(1); // no lookup
    counting.statements = 0;
    const s2 = new SqlEventStore(counting, { groupCommit: false });
    // Right revision, wrong hash: es_append refuses the chain (ES003), the store retries on the actual head.
    await s2.appendToStream(stream, [{ type: 'D', data: {} }], { expectedRevision: 2, head: { revision: 2, hash: 'f'.repeat(64) } });
    expect(counting.statements).toBe(2);
    // A hint for another revision than the expected one is not used; a stale expected revision stays a conflict.
    await expect(new SqlEventStore(counting).appendToStream(stream, [{ type: 'X', data: {} }], { expectedRevision: 1, head })).rejects.toThrow(/expected 1, actual 3/);
    const events = await store.readStream(stream);
    expect(events.map((e) => e.type)).toEqual(['A', 'B', 'C', 'D']);
    for (let i = 1; i < events.length; i++) expect(events[i].prevHash).toBe(events[i - 1].hash);
  });

  it('group commit: concurrent appends share transactions, each keeps its own expected-revision check and answer', async () => {
    const counting = new CountingDatabase(db);
    const s = new SqlEventStore(counting, { groupCommitConcurrency: 1 });
    const streams = Array.from({ length: 16 }, (_, i) => `gc-${i}-${randomUUID()}`);
    for (const st of streams) await s.appendToStream(st, [{ type: 'Opened', data: {} }], { expectedRevision: 'no_stream' });
    counting.statements = 0;
    // 16 concurrent appends: 14 right, one with a stale expected revision, one 'no_stream' on an existing stream.
    const results = await Promise.allSettled(
      streams.map((st, i) =>
        s.appendToStream(st, [{ type: 'Next', data: { i } }, { type: 'Then', data: { i } }], { expectedRevision: i === 3 ? 5 : i === 7 ? 'no_stream' : 0 }),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(14);
    for (const i of [3, 7]) {
      const r = results[i] as PromiseRejectedResult;
      expect(r.status).toBe('rejected');
      expect((r.reason as Error).name).toBe('ConcurrencyError');
      expect((r.reason as { actual: number | null }).actual).toBe(0);
    }
    // One batch for the first, one for the 15 that queued behind it (at most one in flight).
    expect(counting.statements).toBeLessThanOrEqual(3);
    const positions = results.flatMap((r) => (r.status === 'fulfilled' ? r.value.events.map((e) => e.position) : []));
    const txs = new Set(positions.map((p) => p.split('/')[0]));
    expect(txs.size).toBeLessThan(14);
    // Every acknowledged event is stored with the position it was acknowledged with, chained onto its stream.
    for (const [i, st] of streams.entries()) {
      const events = await store.readStream(st);
      expect(events.map((e) => e.type)).toEqual(i === 3 || i === 7 ? ['Opened'] : ['Opened', 'Next', 'Then']);
      for (let k = 1; k < events.length; k++) expect(events[k].prevHash).toBe(events[k - 1].hash);
      const r = results[i];
      if (r.status === 'fulfilled') expect(r.value.events.map((e) => e.position)).toEqual(events.slice(1).map((e) => e.position));
    }
    // Two appends to one stream in the same burst never share a batch: the second waits and chains onto the first.
    const [a, b] = await Promise.all([
      s.appendToStream(streams[0], [{ type: 'X', data: {} }], { expectedRevision: 2 }),
      s.appendToStream(streams[0], [{ type: 'Y', data: {} }], { expectedRevision: 'any' }),
    ]);
    expect([a.nextExpectedRevision, b.nextExpectedRevision]).toEqual([3, 4]);
    expect(b.events[0].prevHash).toBe(a.events[0].hash);
  });

  it('wakes a subscriber in another process at once through one coalesced NOTIFY per burst of appends', async () => {
    const otherDb = new PgDatabase({ url: tdb.url, max: 2 });
    const other = new SqlEventStore(otherDb);
    const counting = new CountingDatabase(db);
    const writer = new SqlEventStore(counting);
    try {
      const start = await other.headPosition();
      const got: string[] = [];
      const sub = other.subscribeToAll({ after: start, pollIntervalMs: 60_000, handler: async (es) => void got.push(...es.map((e) => e.type)) });
      await sleep(200); // let it catch up and start waiting (LISTEN is set up by then)
      const t0 = Date.now();
      await Promise.all(Array.from({ length: 20 }, (_, i) => writer.appendToStream(`wake-${i}-${randomUUID()}`, [{ type: 'Wake', data: {} }])));
      const wakes = () => got.filter((t) => t === 'Wake').length;
      for (let i = 0; i < 300 && wakes() < 20; i++) await sleep(10);
      expect(wakes()).toBe(20); // without NOTIFY it would wait for the 60 s poll
      expect(Date.now() - t0).toBeLessThan(3000);
      expect(counting.notifies).toBeGreaterThanOrEqual(1);
      expect(counting.notifies).toBeLessThan(20); // coalesced
      await sub.stop();
    } finally {
      await writer.close();
      await other.close();
      await otherDb.close();
    }
  });

  it('refuses to append behind a newer transaction (ES004) so stream order always matches global order', async () => {
    const stream = `xid-${randomUUID()}`;
    await store.appendToStream(stream, [{ type: 'Created', data: {} }]);
    const b = await raw(tdb.url);
    const a = await raw(tdb.url);
    try {
      await b.query('BEGIN');
      await b.query('SELECT pg_current_xact_id()'); // B takes its xid first …
      await a.query('BEGIN');
      await appendOn(a.exec, stream, [{ type: 'ByA', data: {} }]); // … A (newer xid) appends and holds the lock
      const bAppend = appendOn(b.exec, stream, [{ type: 'ByB', data: {} }]).then(
        () => null,
        (e: { code?: string }) => e.code,
      );
      await sleep(100);
      await a.query('COMMIT');
      expect(await bAppend).toBe('ES004'); // B would have sorted before A's event in the global log
      await b.query('ROLLBACK');
    } finally {
      await a.end();
      await b.end();
    }
    // the store itself retries such an append in a new transaction: nothing to see for callers
    const r = await store.appendToStream(stream, [{ type: 'Later', data: {} }]);
    expect(r.nextExpectedRevision).toBe(2);
  });

  it('keeps es_events append-only', async () => {
    await store.appendToStream(`ro-${randomUUID()}`, [{ type: 'A', data: {} }]);
    await expect(db.query(`UPDATE es_events SET event_type = 'X'`)).rejects.toMatchObject({ code: 'ES005' });
    await expect(db.query(`DELETE FROM es_events`)).rejects.toMatchObject({ code: 'ES005' });
    await expect(db.query(`TRUNCATE es_events`)).rejects.toMatchObject({ code: 'ES005' });
  });

  it('a plain "global_position > checkpoint" reader would skip a late-committing event; the xmin-bounded read does not', async () => {
    const held = await raw(tdb.url);
    try {
      // A precise starting point: a marker that is readable, so everything committed before it is too.
      const before = (await store.appendToStream(`marker-${randomUUID()}`, [{ type: 'Marker', data: {} }])).position;
      for (let i = 0; i < 1500 && comparePositions(await store.headPosition(), before) < 0; i++) await sleep(10);
      await held.query('BEGIN');
      await appendOn(held.exec, `late-${randomUUID()}`, [{ type: 'Late', data: {} }]); // takes a low sequence number
      const others = await Promise.all(Array.from({ length: 5 }, (_, i) => store.appendToStream(`early-${i}-${randomUUID()}`, [{ type: 'Early', data: {} }])));

      // Naive reader: everything committed with a higher sequence number is visible, it moves its checkpoint past them …
      const naive = await db.query<{ gp: number }>(`SELECT global_position AS gp FROM es_events WHERE global_position > $1 ORDER BY global_position`, [
        Number(before.split('/')[1]),
      ]);
      const naiveCheckpoint = naive.rows[naive.rows.length - 1].gp;
      // … the xmin-bounded reader sees none of them yet: an older transaction is still open.
      expect((await store.readAll({ after: before })).events).toEqual([]);
      expect(await store.headPosition()).toBe(before);

      await held.query('COMMIT');
      const last = others.map((o) => o.position).sort(comparePositions).pop()!;
      for (let i = 0; i < 1500 && comparePositions(await store.headPosition(), last) < 0; i++) await sleep(10); // see waitForVisible in the contract
      const naiveAfter = await db.query<{ event_type: string }>(`SELECT event_type FROM es_events WHERE global_position > $1`, [naiveCheckpoint]);
      expect(naiveAfter.rows.map((r) => r.event_type)).not.toContain('Late'); // skipped for ever
      const page = await store.readAll({ after: before });
      expect(page.events.map((e) => e.type)).toEqual(['Late', 'Early', 'Early', 'Early', 'Early', 'Early']);
      expect(page.events.slice(1).map((e) => e.eventId).sort()).toEqual(others.map((o) => o.events[0].eventId).sort());
    } finally {
      await held.end();
    }
  });

  it('measures the xmin-bounded read against a plain position read', async () => {
    const rows = Number(process.env.ES_MEASURE_ROWS ?? 50_000);
    const perTx = 100;
    const t0 = Date.now();
    // Many small transactions (one xid each), like real appends; written directly for speed.
    await db.query(`DO $$
      BEGIN
        FOR t IN 1..${Math.ceil(rows / perTx)} LOOP
          INSERT INTO es_events (stream_id, stream_revision, event_id, event_type, data, metadata, recorded_at, hash, prev_hash)
          SELECT 'm-' || t, g - 1, gen_random_uuid(), 'Measured', jsonb_build_object('n', g, 'pad', repeat('x', 200)), '{}'::jsonb, now(), md5(g::text), NULL
            FROM generate_series(1, ${perTx}) g;
          COMMIT;
        END LOOP;
      END $$`);
    await db.query(`CREATE INDEX IF NOT EXISTS es_measure_gp ON es_events (global_position)`);
    await db.query(`ANALYZE es_events`);
    const loadMs = Date.now() - t0;
    const { rows: positions } = await db.query<{ tx: string; gp: string }>(
      `SELECT transaction_id::text AS tx, global_position::text AS gp FROM es_events TABLESAMPLE SYSTEM (5) LIMIT 200`,
    );
    const plainSql = `SELECT stream_id, stream_revision, transaction_id::text AS tx, global_position::text AS gp, event_id::text AS event_id,
      event_type, data, metadata, to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS recorded_at, hash, prev_hash
      FROM es_events WHERE global_position > $1 ORDER BY global_position LIMIT $2`;
    const time = async (fn: (p: { tx: string; gp: string }) => Promise<unknown>) => {
      for (const p of positions.slice(0, 20)) await fn(p); // warm-up
      const start = process.hrtime.bigint();
      for (const p of positions) await fn(p);
      return Number(process.hrtime.bigint() - start) / 1e6 / positions.length;
    };
    const results: Record<string, number> = {};
    for (const limit of [1, 100, 500]) {
      results[`xmin read, ${limit}/page`] = await time((p) => db.query(READ_ALL_SQL, [p.tx, p.gp, limit + 1]));
      results[`plain read, ${limit}/page`] = await time((p) => db.query(plainSql, [p.gp, limit]));
    }
    const head: Position = await store.headPosition();
    const headStart = process.hrtime.bigint();
    for (let i = 0; i < 100; i++) await store.headPosition();
    results['headPosition'] = Number(process.hrtime.bigint() - headStart) / 1e6 / 100;
    const plan = await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${READ_ALL_SQL.replace('$1', `'${head.split('/')[0]}'`).replace('$2', '0').replace('$3', '501')}`);
    console.log(
      `[event-store] read cost at ${rows} events (loaded in ${loadMs} ms), mean ms per query over ${positions.length} random start positions:\n` +
        Object.entries(results)
          .map(([k, v]) => `  ${k.padEnd(24)} ${v.toFixed(3)} ms`)
          .join('\n') +
        `\n  plan (xmin read near the head):\n    ${plan.rows.map((r) => r['QUERY PLAN']).join('\n    ')}`,
    );
    expect(results['xmin read, 500/page']).toBeLessThan(100);
    // Every query the store runs on the global log must stay an index read at scale.
    const plans = await Promise.all(
      [
        `EXPLAIN ${READ_ALL_SQL.replace('$1', "'0'").replace('$2', '0').replace('$3', '501')}`,
        `EXPLAIN ${HEAD_POSITION_SQL}`,
        `EXPLAIN ${PENDING_SQL}`,
      ].map(async (q) => (await db.query<{ 'QUERY PLAN': string }>(q)).rows.map((r) => r['QUERY PLAN']).join('\n')),
    );
    for (const p of plans) {
      expect(p).not.toMatch(/Seq Scan/);
      expect(p).toMatch(/Index (Only )?Scan/);
    }
    await db.query(`DROP INDEX es_measure_gp`);
    expect(head).not.toBe(START);
  }, 60_000);
});
