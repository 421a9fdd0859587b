/**
 * Benchmark (off by default, not part of CI): ES_BENCH=1 npx jest libs/event-store/src/sql/bench
 *  - append latency/throughput of SqlEventStore vs a bare single-row INSERT into a comparable table;
 *  - global-log read cost (xmin-bounded vs plain position) at ES_BENCH_ROWS events (default 1 000 000).
 * Runs against a throwaway database on DATABASE_URL's server.
 */
import { randomUUID } from 'node:crypto';
import { createThrowawayDatabase, type ThrowawayDatabase } from '../contract/sql-harness';
import { PgDatabase } from './pg-database';
import { READ_ALL_SQL, SqlEventStore } from './sql-event-store';

const enabled = process.env.ES_BENCH === '1';
const d = enabled ? describe : describe.skip;

d('event-store benchmark (ES_BENCH=1)', () => {
  let tdb: ThrowawayDatabase;
  let db: PgDatabase;
  let store: SqlEventStore;
  let quiet: SqlEventStore;
  beforeAll(async () => {
    tdb = await createThrowawayDatabase('es_bench');
    db = new PgDatabase({ url: tdb.url, max: 10 });
    store = new SqlEventStore(db);
    await store.init();
    quiet = new SqlEventStore(db, { notifyOtherProcesses: false });
    await db.query(`CREATE TABLE bare_events (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, stream_id text NOT NULL, event_id uuid NOT NULL UNIQUE,
      event_type text NOT NULL, data jsonb NOT NULL, metadata jsonb NOT NULL, recorded_at timestamptz NOT NULL)`);
  }, 60_000);
  afterAll(async () => {
    await store?.close();
    await quiet?.close();
    await db?.close();
    await tdb?.drop();
  });

  const run = async (label: string, n: number, concurrency: number, op: (i: number) => Promise<unknown>) => {
    let next = 0;
    const lat: number[] = [];
    const t0 = process.hrtime.bigint();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < n) {
          const i = next++;
          const s = process.hrtime.bigint();
          await op(i);
          lat.push(Number(process.hrtime.bigint() - s) / 1e6);
        }
      }),
    );
    const total = Number(process.hrtime.bigint() - t0) / 1e6;
    lat.sort((a, b) => a - b);
    const line = `${label.padEnd(44)} ${String(n).padStart(6)} ops  c=${concurrency}  ${((n / total) * 1000).toFixed(0).padStart(6)} ops/s  p50 ${lat[Math.floor(n / 2)].toFixed(2)} ms  p99 ${lat[Math.floor(n * 0.99)].toFixed(2)} ms`;
    console.log(line);
    return line;
  };

  it('appends vs bare INSERT', async () => {
    const data = { orderId: 'o-123', amount: 1999, note: 'x'.repeat(100) };
    const metadata = { actor: { sub: 'u-1', role: 'merchant' } };
    const streams = Array.from({ length: 200 }, () => `bench-${randomUUID()}`);
    const out: string[] = [];
    for (const c of [1, 8]) {
      const n = c === 1 ? 2000 : 8000;
      out.push(await run('bare INSERT (1 row, autocommit)', n, c, (i) =>
        db.query(`INSERT INTO bare_events (stream_id, event_id, event_type, data, metadata, recorded_at) VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, $6)`, [
          streams[i % streams.length], randomUUID(), 'T', JSON.stringify(data), JSON.stringify(metadata), new Date().toISOString(),
        ])));
      out.push(await run("appendToStream new stream 'no_stream'", n, c, () =>
        store.appendToStream(`new-${randomUUID()}`, [{ type: 'T', data, metadata }], { expectedRevision: 'no_stream' })));
      out.push(await run("appendToStream existing stream 'any' (cached)", n, c, (i) =>
        store.appendToStream(streams[i % streams.length], [{ type: 'T', data, metadata }])));
      out.push(await run("  same, notifyOtherProcesses: false", n, c, (i) =>
        quiet.appendToStream(streams[i % streams.length], [{ type: 'T', data, metadata }])));
      out.push(await run('appendToStream with caller event ids', n, c, (i) =>
        store.appendToStream(streams[i % streams.length], [{ type: 'T', data, metadata, eventId: randomUUID() }])));
    }
    console.log(out.join('\n'));
  }, 600_000);

  it('global-log reads at scale', async () => {
    const rows = Number(process.env.ES_BENCH_ROWS ?? 1_000_000);
    const t0 = Date.now();
    await db.query(`DO $$ BEGIN FOR t IN 1..${Math.ceil(rows / 100)} LOOP
      INSERT INTO es_events (stream_id, stream_revision, event_id, event_type, data, metadata, recorded_at, hash, prev_hash)
      SELECT 'b-' || t, g - 1, gen_random_uuid(), 'B', jsonb_build_object('n', g, 'pad', repeat('x', 200)), '{}'::jsonb, now(), md5(g::text), NULL
      FROM generate_series(1, 100) g; COMMIT; END LOOP; END $$`);
    await db.query(`CREATE INDEX bench_gp ON es_events (global_position)`);
    await db.query(`VACUUM ANALYZE es_events`);
    console.log(`loaded ${rows} events in ${Date.now() - t0} ms`);
    const { rows: positions } = await db.query<{ tx: string; gp: string }>(
      `SELECT transaction_id::text AS tx, global_position::text AS gp FROM es_events TABLESAMPLE SYSTEM (1) LIMIT 500`,
    );
    const plain = `SELECT stream_id, stream_revision, transaction_id::text AS tx, global_position::text AS gp, event_id::text AS event_id, event_type, data, metadata,
      to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS recorded_at, hash, prev_hash FROM es_events WHERE global_position > $1 ORDER BY global_position LIMIT $2`;
    for (const limit of [1, 100, 500, 1000]) {
      for (const [label, fn] of [
        ['xmin', (p: { tx: string; gp: string }) => db.query(READ_ALL_SQL, [p.tx, p.gp, limit + 1])],
        ['plain', (p: { tx: string; gp: string }) => db.query(plain, [p.gp, limit])],
      ] as const) {
        for (const p of positions.slice(0, 50)) await fn(p);
        const s = process.hrtime.bigint();
        for (const p of positions) await fn(p);
        console.log(`${label.padEnd(6)} read ${String(limit).padStart(5)}/page at ${rows} events: ${(Number(process.hrtime.bigint() - s) / 1e6 / positions.length).toFixed(3)} ms/query`);
      }
    }
    const s = process.hrtime.bigint();
    let pos = '0/0';
    let n = 0;
    for (;;) {
      const page = await store.readAll({ after: pos, maxCount: 1000 });
      n += page.events.length;
      pos = page.lastPosition;
      if (page.isEnd) break;
    }
    console.log(`full scan via readAll (1000/page): ${n} events in ${(Number(process.hrtime.bigint() - s) / 1e6).toFixed(0)} ms`);
  }, 900_000);
});
