/**
 * 1. Append: single-event appends with an exact expected revision, 1 and 16 concurrent writers on distinct
 * streams. PostgreSQL: SqlEventStore vs a bare single INSERT of the same row into a plain table (the limit)
 * vs Emmett's PostgreSQL event store (the peer). Embedded: SqlEventStore on PGlite vs bare PGlite INSERTs.
 * Contenders alternate round by round (rotated start), every one on its own fresh streams.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Pool, types as pgTypes } from 'pg';
import { PgDatabase, PgliteDatabase, SqlEventStore } from '@app/event-store';
import { createThrowawayDb } from '../lib/pg';
import { withCpu } from '../lib/cpu';
import { profileMarkdown } from '../lib/cpuprofile';
import { profileDuring } from '../lib/inprocess-profile';
import type { Report, Section } from '../lib/report';
import { fmt, median, ratio, rotate, runOps, summarize } from '../lib/stats';

export interface AppendOptions {
  rounds: number;
  /** appends per run, by writer count */
  ops: Record<number, number>;
  pgliteOps: Record<number, number>;
  writers: number[];
  streamsPerWriter: number;
  profile: boolean;
}

/** A realistic event: an order fact as the service records it, with the service's metadata shape. */
function sampleEvent(i: number) {
  const id = randomUUID();
  return {
    type: 'OrderFactRecorded',
    data: { orderId: `o-${i}`, seq: 2, type: 'WAYBILL_UPLOADED', occurredAt: '2026-11-20T03:00:00.000Z', carrier: 'SF', waybillNo: `SF${1_000_000 + i}`, recordedAt: '2026-11-20T03:00:05.000Z' },
    metadata: { actor: { sub: 'platform-pipeline', role: 'platform' }, command: 'RecordOrderFact', requestId: id, correlationId: id, causationId: id },
  };
}

const BARE_DDL = `CREATE TABLE IF NOT EXISTS bare_events (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  stream_id text NOT NULL, stream_revision bigint NOT NULL, event_id uuid NOT NULL, event_type text NOT NULL,
  data jsonb NOT NULL, metadata jsonb NOT NULL, recorded_at timestamptz NOT NULL, hash text NOT NULL, prev_hash text)`;
const BARE_INSERT = `INSERT INTO bare_events (stream_id, stream_revision, event_id, event_type, data, metadata, recorded_at, hash, prev_hash)
  VALUES ($1, $2, $3, $4, $5::text::jsonb, $6::text::jsonb, $7, $8, $9)`;
const FAKE_HASH = 'a'.repeat(64);

type Append = (stream: string, revision: number, i: number) => Promise<unknown>;
interface Contender {
  name: string;
  append: Append;
}

/** Each writer owns `streamsPerWriter` streams and appends to them round-robin with the exact expected revision. */
let cpuPool: Pool | null = null;
let cpuDb = '';

async function measure(c: Contender, n: number, writers: number, streamsPerWriter: number, runTag: string) {
  const revs: number[][] = Array.from({ length: writers }, () => new Array(streamsPerWriter).fill(-1));
  const counters = new Array(writers).fill(0);
  const { result: r, clientMs, serverMs } = await withCpu(cpuPool!, cpuDb, () =>
    runOps(n, writers, async (i, w) => {
      const k = counters[w]++ % streamsPerWriter;
      const rev = revs[w][k];
      await c.append(`${runTag}-w${w}-s${k}`, rev, i);
      revs[w][k] = rev + 1;
    }),
  );
  if (r.errors) throw new Error(`${c.name}: ${r.errors} appends failed: ${String((r.firstError as Error)?.message ?? r.firstError)}`);
  const s = summarize(r.lat);
  return { eps: (n / r.wallMs) * 1000, p50: s.p50, p99: s.p99, clientUs: (clientMs * 1000) / n, serverUs: (serverMs * 1000) / n };
}

async function compare(section: Section, title: string, contenders: Contender[], opts: AppendOptions, ops: Record<number, number>) {
  const rows: (string | number)[][] = [];
  const results: Record<string, Record<number, { eps: number; p50: number; p99: number }>> = {};
  for (const writers of opts.writers) {
    const n = ops[writers];
    // warm-up: JIT, connections, plans
    for (const c of contenders) await measure(c, Math.max(50, Math.floor(n / 10)), writers, opts.streamsPerWriter, `warm-${randomUUID().slice(0, 8)}`);
    const per: Record<string, { eps: number[]; p50: number[]; p99: number[]; cu: number[]; su: number[] }> = {};
    for (let round = 0; round < opts.rounds; round++) {
      for (const c of rotate(contenders, round)) {
        const m = await measure(c, n, writers, opts.streamsPerWriter, `r${round}-${randomUUID().slice(0, 8)}`);
        const p = (per[c.name] ??= { eps: [], p50: [], p99: [], cu: [], su: [] });
        p.eps.push(m.eps);
        p.p50.push(m.p50);
        p.p99.push(m.p99);
        p.cu.push(m.clientUs);
        p.su.push(m.serverUs);
      }
    }
    for (const c of contenders) {
      const p = per[c.name];
      const res = { eps: median(p.eps), p50: median(p.p50), p99: median(p.p99) };
      (results[c.name] ??= {})[writers] = res;
      rows.push([c.name, writers, n, fmt(res.eps), fmt(res.p50, 2), fmt(res.p99, 2), fmt(median(p.cu)), fmt(median(p.su)), p.eps.map((x) => fmt(x)).join(' / ')]);
    }
  }
  section.tables.push({
    caption: title,
    table: { headers: ['contender', 'writers', 'appends/run', 'events/s (median)', 'p50 ms', 'p99 ms', 'client CPU µs/event', 'PG backend CPU µs/event', 'events/s per round'], rows },
  });
  return results;
}

export async function appendSuite(report: Report, opts: AppendOptions): Promise<void> {
  const section = report.section(
    'append',
    '1. Append (single-event appends, exact expected revision)',
    `Each writer appends one event at a time to its own ${opts.streamsPerWriter} streams (round-robin, exact expected revision; the first append of a stream expects no stream). ` +
      `Contenders run alternately, ${opts.rounds} round(s) each after a warm-up, the starting contender rotated per round; figures are medians over the rounds, latency per append. ` +
      `Same event (an OrderFactRecorded with the service's metadata, ~420 bytes of JSON), same PostgreSQL server, same pool size (= writers) for every contender. ` +
      `"SqlEventStore (pg)" uses group commit (the default: appends arriving while a batch is written go together in the next one, one transaction each batch); "group commit off": one transaction per append. "bare INSERT": one parameterised INSERT of the same row (stream, revision, id, type, data, metadata, time, hash, prev hash) into a table with only an identity primary key. ` +
      `"Emmett": @event-driven-io/emmett-postgresql 0.42 appendToStream with expectedStreamVersion. CPU columns: this process (client) and the PostgreSQL backends of the benchmark database (/proc, 10 ms ticks), per event; for PGlite everything is client CPU. PGlite: the embedded store vs the same bare INSERT on the same PGlite instance (one connection, serialised), both with fsync at commit (the default), and the embedded store with EMBEDDED_FSYNC=false on a second instance.`,
  );
  const db = await createThrowawayDb('append');
  const maxWriters = Math.max(...opts.writers);
  const sqlDb = new PgDatabase({ url: db.url, max: maxWriters });
  const store = new SqlEventStore(sqlDb, { kind: 'postgres' });
  // The same store without group commit (one transaction per append), for the before/after in one run.
  const storeNoGc = new SqlEventStore(sqlDb, { kind: 'postgres', groupCommit: false });
  const barePool = new Pool({ connectionString: db.url, max: maxWriters });
  const emtPool = new Pool({ connectionString: db.url, max: maxWriters });
  let pglite: PgliteDatabase | null = null;
  let pgliteNoSync: PgliteDatabase | null = null;
  const pgliteDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-pglite-'));
  cpuPool = new Pool({ connectionString: db.url, max: 1 });
  cpuDb = db.name;
  // Emmett's driver layer (dumbo) replaces pg's global type parsers (int8 → BigInt, json/jsonb → its own
  // deserializer) for the whole process; put pg's own back when this suite is done so that nothing measured
  // later in this process (scans, rebuilds) runs with them.
  const saved = [20, 114, 3802].map((oid) => [oid, pgTypes.getTypeParser(oid)] as const);
  try {
    await store.init();
    await barePool.query(BARE_DDL);
    // Emmett is published as ESM with a CommonJS build; require() picks the CommonJS one.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const emmettPg = require('@event-driven-io/emmett-postgresql') as typeof import('@event-driven-io/emmett-postgresql');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const emmett = require('@event-driven-io/emmett') as typeof import('@event-driven-io/emmett');
    const emt = emmettPg.getPostgreSQLEventStore(db.url, { connectionOptions: { pool: emtPool } });
    await emt.schema.migrate();

    const storeC: Contender = {
      name: 'SqlEventStore (pg)',
      append: (s, rev, i) => store.appendToStream(s, [sampleEvent(i)], { expectedRevision: rev < 0 ? 'no_stream' : rev }),
    };
    const storeNoGcC: Contender = {
      name: 'SqlEventStore (pg, group commit off)',
      append: (s, rev, i) => storeNoGc.appendToStream(s, [sampleEvent(i)], { expectedRevision: rev < 0 ? 'no_stream' : rev }),
    };
    const bareC: Contender = {
      name: 'bare INSERT (pg)',
      append: (s, rev, i) => {
        const e = sampleEvent(i);
        return barePool.query(BARE_INSERT, [s, rev + 1, randomUUID(), e.type, JSON.stringify(e.data), JSON.stringify(e.metadata), new Date().toISOString(), FAKE_HASH, rev < 0 ? null : FAKE_HASH]);
      },
    };
    const emtC: Contender = {
      name: 'Emmett PostgreSQL',
      append: (s, rev, i) => {
        const e = sampleEvent(i);
        return emt.appendToStream(s, [{ type: e.type, data: e.data, metadata: e.metadata }], {
          expectedStreamVersion: rev < 0 ? emmett.STREAM_DOES_NOT_EXIST : BigInt(rev + 1),
        });
      },
    };
    const pg = await compare(section, 'PostgreSQL server', [storeC, storeNoGcC, bareC, emtC], opts, opts.ops);

    pglite = await PgliteDatabase.create({ dataDir: path.join(pgliteDir, 'pglite') });
    const liteStore = new SqlEventStore(pglite, { kind: 'embedded' });
    await liteStore.init();
    await pglite.query(BARE_DDL);
    const lite = pglite;
    // The same store with EMBEDDED_FSYNC=false (no flush at commit), to measure what durability costs.
    pgliteNoSync = await PgliteDatabase.create({ dataDir: path.join(pgliteDir, 'pglite-nofsync'), fsync: false });
    const liteNoSyncStore = new SqlEventStore(pgliteNoSync, { kind: 'embedded' });
    await liteNoSyncStore.init();
    const liteNoSyncC: Contender = {
      name: 'SqlEventStore (PGlite, EMBEDDED_FSYNC=false)',
      append: (s, rev, i) => liteNoSyncStore.appendToStream(s, [sampleEvent(i)], { expectedRevision: rev < 0 ? 'no_stream' : rev }),
    };
    const liteStoreC: Contender = {
      name: 'SqlEventStore (PGlite)',
      append: (s, rev, i) => liteStore.appendToStream(s, [sampleEvent(i)], { expectedRevision: rev < 0 ? 'no_stream' : rev }),
    };
    const liteBareC: Contender = {
      name: 'bare INSERT (PGlite)',
      append: (s, rev, i) => {
        const e = sampleEvent(i);
        return lite.pglite.query(BARE_INSERT, [s, rev + 1, randomUUID(), e.type, JSON.stringify(e.data), JSON.stringify(e.metadata), new Date().toISOString(), FAKE_HASH, rev < 0 ? null : FAKE_HASH]);
      },
    };
    if (opts.profile) {
      const w = Math.max(...opts.writers);
      const p = await profileDuring(() => measure(storeC, opts.ops[w], w, opts.streamsPerWriter, `prof-${randomUUID().slice(0, 8)}`));
      section.extra.push(...profileMarkdown(p.summary, `CPU profile of the bench process while SqlEventStore (pg) appends with ${w} writers (${fmt(p.result.eps)} events/s with the profiler on; PostgreSQL's CPU is not in it)`));
    }
    const pl = await compare(section, 'Embedded (PGlite, in-process WASM, data directory on local disk; fsync at commit unless EMBEDDED_FSYNC=false)', [liteStoreC, liteBareC, liteNoSyncC], opts, opts.pgliteOps);
    await liteStore.close();
    await liteNoSyncStore.close();
    for (const w of opts.writers) {
      const on = pl[liteStoreC.name][w];
      const off = pl[liteNoSyncC.name][w];
      section.notes.push(
        `Cost of fsync on the embedded store, ${w} writer(s): ${fmt(on.eps)} events/s with fsync vs ${fmt(off.eps)} without (× ${fmt(ratio(on.eps, off.eps), 2)}); ` +
          `p50 ${fmt(on.p50, 2)} vs ${fmt(off.p50, 2)} ms, p99 ${fmt(on.p99, 2)} vs ${fmt(off.p99, 2)} ms per append.`,
      );
    }

    for (const w of opts.writers) {
      const rBare = ratio(pg[storeC.name][w].eps, pg[bareC.name][w].eps);
      const rEmt = ratio(pg[storeC.name][w].eps, pg[emtC.name][w].eps);
      const rNoGc = ratio(pg[storeNoGcC.name][w].eps, pg[bareC.name][w].eps);
      section.notes.push(
        `${w} writer(s), group commit: store ÷ bare INSERT = ${fmt(rBare, 2)} with it, ${fmt(rNoGc, 2)} without (one transaction per append); ` +
          `p50 ${fmt(pg[storeC.name][w].p50, 2)} vs ${fmt(pg[storeNoGcC.name][w].p50, 2)} ms.`,
      );
      const rLite = ratio(pl[liteStoreC.name][w].eps, pl[liteBareC.name][w].eps);
      if (w === maxWriters) {
        section.targets.push({ name: `append ÷ bare INSERT, pg, ${w} writers`, value: rBare, target: '≥ 0.8', met: rBare >= 0.8 });
        section.targets.push({ name: `append ÷ Emmett, pg, ${w} writers`, value: rEmt, target: '≥ 1.5', met: rEmt >= 1.5 });
      } else {
        section.notes.push(`${w} writer(s): store ÷ bare INSERT = ${fmt(rBare, 2)}, store ÷ Emmett = ${fmt(rEmt, 2)} (pg); PGlite store ÷ bare = ${fmt(rLite, 2)}.`);
      }
      if (w === maxWriters) section.notes.push(`${w} writers: PGlite store ÷ bare PGlite INSERT = ${fmt(rLite, 2)} (no target set; PGlite serialises every statement).`);
    }
  } finally {
    for (const [oid, parser] of saved) pgTypes.setTypeParser(oid, parser as (v: string) => unknown);
    await store.close().catch(() => undefined);
    await storeNoGc.close().catch(() => undefined);
    await sqlDb.close().catch(() => undefined);
    await barePool.end().catch(() => undefined);
    await emtPool.end().catch(() => undefined);
    await cpuPool.end().catch(() => undefined);
    await pglite?.close().catch(() => undefined);
    await pgliteNoSync?.close().catch(() => undefined);
    fs.rmSync(pgliteDir, { recursive: true, force: true });
    await db.drop();
  }
}
