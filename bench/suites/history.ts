/**
 * Sections that need a long history: 3a rebuild speed vs a bare scan, 4 scale (lookup / timeline / case-list
 * latency with a small and a large store, service RSS after catching up on the large one), 5 replay (as-of
 * and re-judge of a 10-event and a 1 000-event case).
 */
import { Pool } from 'pg';
import { PENDING_SQL, PgDatabase, SqlEventStore, START, type Position } from '@app/event-store';
import { allProjections, rebuildProjections } from '@app/projections';
import { runLoad } from '../lib/load';
import type { LoadResult } from '../lib/loadgen';
import { rssOf } from '../lib/machine';
import { profileMarkdown } from '../lib/cpuprofile';
import { profileDuring } from '../lib/inprocess-profile';
import { withCpu } from '../lib/cpu';
import { createThrowawayDb, type ThrowawayDb } from '../lib/pg';
import type { Report } from '../lib/report';
import { historicalCase, replayCase, writeCases } from '../lib/seed';
import { pinned, PINNING, ROOT, startService, type Child } from '../lib/service';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { fmt, median, nowMs, ratio, rotate } from '../lib/stats';
import { tokensFor } from './http';

export interface HistoryOptions {
  smallEvents: number;
  largeEvents: number;
  rebuildRounds: number;
  scanRounds: number;
  scaleSeconds: number;
  scaleRate: number;
  replayRequests: number;
  replayRounds: number;
  scaleRounds: number;
  profile: boolean;
}

const DAY = 86_400_000;

export interface Seeded {
  db: ThrowawayDb;
  events: number;
  cases: number;
  seconds: number;
  disputeIds: string[];
  replay?: { ten: string; thousand: string };
}

/** Seeds closed historical cases (+ optionally the two replay cases) until at least `events` events. */
export async function seedHistory(label: string, events: number, withReplay: boolean, log: (s: string) => void): Promise<Seeded> {
  const db = await createThrowawayDb(label);
  const sqlDb = new PgDatabase({ url: db.url, max: 16 });
  const store = new SqlEventStore(sqlDb, { kind: 'postgres' });
  try {
    await store.init();
    const disputeIds: string[] = [];
    let replay: Seeded['replay'];
    let total = 0;
    const t0 = Date.now();
    if (withReplay) {
      const base = Date.now() - 30 * DAY;
      const ten = replayCase(10, base, 'r');
      const thousand = replayCase(1000, base, 'R');
      for (const c of [ten, thousand]) for (const w of c.writes) await store.appendToStream(w.stream, w.events, { expectedRevision: 'no_stream' });
      total += ten.events + thousand.events;
      replay = { ten: ten.disputeId!, thousand: thousand.disputeId! };
    }
    // ≈ 7.8 events per case; history spread over the past year, ending 10 days ago (every case is final).
    const cases = Math.ceil((events - total) / 7.8);
    const end = Date.now() - 10 * DAY;
    const step = Math.max(1000, Math.floor((365 * DAY) / cases));
    const r = await writeCases(store, cases, (i) => historicalCase(i, end - (cases - i) * step), {
      onCase: (c) => c.disputeId && disputeIds.push(c.disputeId),
      progress: (done, ev) => log(`  seeding ${label}: ${done}/${cases} cases, ${ev} events`),
    });
    total += r.events;
    return { db, events: total, cases: r.cases, seconds: (Date.now() - t0) / 1000, disputeIds, replay };
  } finally {
    await store.close();
    await sqlDb.close();
  }
}

/** The comparison scan: the same rows read in pages of the same size with a plain keyset query, parsed by pg. */
async function bareScan(db: PgDatabase, batch: number): Promise<{ events: number; seconds: number }> {
  const t0 = nowMs();
  let tx = '0';
  let gp = '0';
  let n = 0;
  for (;;) {
    const { rows } = await db.query<{ tx: string; gp: string }>(
      `SELECT stream_id, stream_revision, transaction_id::text AS tx, global_position::text AS gp, event_id::text AS event_id, event_type, data, metadata,
              to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS recorded_at, hash, prev_hash
         FROM es_events WHERE (transaction_id, global_position) > ($1::xid8, $2::bigint) ORDER BY transaction_id, global_position LIMIT $3`,
      [tx, gp, batch],
    );
    if (rows.length === 0) break;
    n += rows.length;
    tx = rows[rows.length - 1].tx;
    gp = rows[rows.length - 1].gp;
  }
  return { events: n, seconds: (nowMs() - t0) / 1000 };
}

/** The store's own global read (readAll pages, xmin-bounded, rows mapped to RecordedEvent). */
async function storeScan(store: SqlEventStore, batch: number): Promise<{ events: number; seconds: number }> {
  const t0 = nowMs();
  let after: Position = START;
  let n = 0;
  for (;;) {
    const page = await store.readAll({ after, maxCount: batch });
    n += page.events.length;
    after = page.lastPosition;
    if (page.isEnd) break;
  }
  return { events: n, seconds: (nowMs() - t0) / 1000 };
}

export async function historySuite(report: Report, opts: HistoryOptions): Promise<void> {
  const log = (s: string) => console.log(s);
  const check = (what: string, r: LoadResult) => {
    if (r.errors + r.timeouts + r.non2xx > 0) report.failures.push(`${what}: ${r.errors} errors, ${r.timeouts} timeouts, status codes ${JSON.stringify(r.statusCodes)}, e.g. ${r.errorSamples.join(' | ')}`);
    return r;
  };
  const rebuildSection = report.section(
    'rebuild',
    '3a. Projection rebuild vs a bare scan of the same events',
    `rebuildProjections(store, db, allProjections()) from libs/projections (dispute_state + deadlines + judgements, order_shipping, delays, merchant_weeks), read in pages of 2 000 and applied in batches of 20 000 (every projection on its own connections, the per-stream ones in 2 lanes split by stream), ` +
      `into fresh rebuild_* tables, then compare with the live tables and swap; run in the bench process against the large store with no service running. ` +
      `"apply phase" = reading + applying every event (until the last progress callback); "total" includes the table digests/compare/swap. ` +
      `Bare scan: the same rows (same columns) read with a plain keyset SELECT … WHERE (transaction_id, global_position) > ($1, $2) ORDER BY transaction_id, global_position LIMIT 2000 (the primary key; no snapshot filter, no mapping to objects) through the same pg client; ` +
      `store scan: SqlEventStore.readAll pages (xmin-bounded, mapped to RecordedEvent). Scans and rebuilds alternate.`,
  );
  const scaleSection = report.section(
    'scale',
    '4. Scale: read latency with a small and a large history',
    `Two services (same build, ${PINNING}, RUN_BACKGROUND=false so that no projection, deadline or checkpoint work competes with the reads) on two databases seeded with closed historical cases ` +
      `(domain deciders, written through SqlEventStore; ≈ 7.8 events per case: orders with and without disputes, six dispute paths), read models built by the rebuild command. ` +
      `Each endpoint is driven at a fixed ${opts.scaleRate} req/s for ${opts.scaleSeconds} s (autocannon, 4 connections, adjudicator JWT), random dispute ids across the whole history; small and large alternate, ` +
      `rotated start. Lookup = GET /disputes/{id} (fold of the case stream), timeline = GET /disputes/{id}/timeline, case list = GET /disputes?limit=50 (keyset page of the read model; first page and a merchant-filtered page).`,
  );
  const replaySection = report.section(
    'replay',
    '5. Replay: as-of and re-judge',
    `On the small store's service: GET /disputes/{id}?at=<revision in the middle> (as-of) and POST /disputes/{id}/replay {"rulesVersion":"v1"} (re-judge), ` +
      `for a real 10-event LEGACY case and a 1 000-event case, ${opts.replayRequests} sequential requests per run (1 connection), ${opts.replayRounds} round(s) alternating.`,
  );

  let small: Seeded | null = null;
  let large: Seeded | null = null;
  let svcSmall: Child | null = null;
  let svcLarge: Child | null = null;
  const pools: Pool[] = [];
  try {
    small = await seedHistory('small', opts.smallEvents, true, log);
    log(`seeded small: ${small.events} events in ${small.seconds.toFixed(1)} s`);
    large = await seedHistory('large', opts.largeEvents, false, log);
    log(`seeded large: ${large.events} events in ${large.seconds.toFixed(1)} s (${fmt(large.events / large.seconds)} events/s)`);
    scaleSection.notes.push(
      `Seeding (SqlEventStore.appendToStream, 16 concurrent writers, one append per stream and case): small ${fmt(small.events)} events / ${fmt(small.cases)} cases; large ${fmt(large.events)} events / ${fmt(large.cases)} cases in ${fmt(large.seconds)} s (${fmt(large.events / large.seconds)} events/s).`,
    );
    const smallPool = new Pool({ connectionString: small.db.url, max: 2 });
    const largePool = new Pool({ connectionString: large.db.url, max: 2 });
    pools.push(smallPool, largePool);

    // ---- diagnostics on the large store: the subscription's "pending" check as written vs an index-friendly form
    const timeQuery = async (sql: string) => {
      const t: number[] = [];
      for (let k = 0; k < 5; k++) {
        const t0 = nowMs();
        await largePool.query(sql);
        t.push(nowMs() - t0);
      }
      return median(t);
    };
    const pendingOld = await timeQuery(`SELECT EXISTS (SELECT 1 FROM es_events WHERE transaction_id >= pg_snapshot_xmin(pg_current_snapshot())) AS pending`);
    const pendingNow = await timeQuery(PENDING_SQL);
    rebuildSection.notes.push(
      `Diagnostic on the large store (${fmt(large.events)} events): the catch-up subscription's "pending" check, run after every empty poll of every projection, takes ${fmt(pendingNow, 2)} ms as PENDING_SQL is now (newest row by the primary key, compared with the snapshot's xmin); ` +
        `its earlier form \`EXISTS (… WHERE transaction_id >= pg_snapshot_xmin(pg_current_snapshot()))\` takes ${fmt(pendingOld, 1)} ms here (a sequential scan: the volatile pg_current_snapshot() keeps the index out), which is why it was changed.`,
    );

    // ---- rebuild vs scans on the large store (bench process), no service running
    const db = new PgDatabase({ url: large.db.url, max: 4 });
    const store = new SqlEventStore(db, { kind: 'postgres' });
    try {
      const scans: { events: number; seconds: number }[] = [];
      const sscans: { events: number; seconds: number }[] = [];
      const rebuilds: { applied: number; applySeconds: number; total: number; matched: boolean }[] = [];
      const cpu: Record<string, { client: number[]; server: number[] }> = { bare: { client: [], server: [] }, store: { client: [], server: [] }, rebuild: { client: [], server: [] } };
      const track = async <T extends { events?: number; applied?: number }>(k: string, fn: () => Promise<T>): Promise<T> => {
        const m = await withCpu(largePool, large!.db.name, fn);
        const n = m.result.events ?? m.result.applied ?? 1;
        cpu[k].client.push((m.clientMs * 1000) / n);
        cpu[k].server.push((m.serverMs * 1000) / n);
        return m.result;
      };
      await bareScan(db, 2000); // warm the cache
      for (let i = 0; i < Math.max(opts.scanRounds, opts.rebuildRounds); i++) {
        if (i < opts.scanRounds) {
          scans.push(await track('bare', () => bareScan(db, 2000)));
          sscans.push(await track('store', () => storeScan(store, 2000)));
          log(`  scan ${i + 1}: ${fmt(scans[i].events / scans[i].seconds)} events/s bare, ${fmt(sscans[i].events / sscans[i].seconds)} events/s store`);
        }
        if (i < opts.rebuildRounds) {
          const t0 = nowMs();
          let lastProgress = t0;
          const rebuild = () =>
            rebuildProjections(store, db, allProjections(), {
              batchSize: 2000,
              force: i === 0, // the first rebuild creates the live read models (empty before)
              onProgress: (p) => {
                lastProgress = nowMs();
                if (p.applied % 100_000 < 2000) log(`  rebuild ${i + 1}: ${p.applied} events, ${fmt(p.eventsPerSecond)} events/s`);
              },
            });
          const r = await track('rebuild', rebuild);
          rebuilds.push({ applied: r.applied, applySeconds: (lastProgress - t0) / 1000, total: r.seconds, matched: r.matched });
          log(`  rebuild ${i + 1}: ${r.applied} events, apply ${fmt(rebuilds[i].applySeconds, 1)} s, total ${fmt(r.seconds, 1)} s, matched ${r.matched}`);
        }
      }
      if (opts.profile) {
        // an extra rebuild under the profiler, not counted in the figures above
        const p = await profileDuring(() => rebuildProjections(store, db, allProjections(), { batchSize: 2000 }));
        rebuildSection.extra.push(
          ...profileMarkdown(p.summary, `CPU profile of the bench process during an extra rebuild (${fmt(p.result.eventsPerSecond)} events/s with the profiler on; V8 sampling profiler via node:inspector; PostgreSQL's own CPU is not in it)`),
        );
      }
      const scanEps = median(scans.map((s) => s.events / s.seconds));
      const storeEps = median(sscans.map((s) => s.events / s.seconds));
      const applyEps = median(rebuilds.map((r) => r.applied / r.applySeconds));
      const totalEps = median(rebuilds.map((r) => r.applied / r.total));
      rebuildSection.tables.push({
        table: {
          headers: ['what', 'events', 'events/s (median)', 'per round', 'ratio to bare scan', 'bench process CPU µs/event', 'PG backend CPU µs/event'],
          rows: [
            ['bare scan (keyset SELECT on the primary key)', fmt(scans[0].events), fmt(scanEps), scans.map((s) => fmt(s.events / s.seconds)).join(' / '), '1.00', fmt(median(cpu.bare.client), 1), fmt(median(cpu.bare.server), 1)],
            ['store scan (readAll)', fmt(sscans[0].events), fmt(storeEps), sscans.map((s) => fmt(s.events / s.seconds)).join(' / '), fmt(ratio(storeEps, scanEps), 2), fmt(median(cpu.store.client), 1), fmt(median(cpu.store.server), 1)],
            ['rebuild, apply phase', fmt(rebuilds[0].applied), fmt(applyEps), rebuilds.map((r) => fmt(r.applied / r.applySeconds)).join(' / '), fmt(ratio(applyEps, scanEps), 2), '', ''],
            ['rebuild, total (incl. compare + swap)', fmt(rebuilds[0].applied), fmt(totalEps), rebuilds.map((r) => fmt(r.applied / r.total)).join(' / '), fmt(ratio(totalEps, scanEps), 2), fmt(median(cpu.rebuild.client), 1), fmt(median(cpu.rebuild.server), 1)],
          ],
        },
      });
      const v = ratio(totalEps, scanEps);
      rebuildSection.targets.push({ name: `rebuild ÷ bare scan (${fmt(large.events)} events, total)`, value: v, target: '≥ 0.5', met: v >= 0.5 });
      rebuildSection.notes.push(
        `Round 1 rebuilds into empty live tables (force), later rounds compare with round 1's tables: matched ${rebuilds.map((r) => String(r.matched)).join(' / ')}.`,
      );
    } finally {
      await store.close();
      await db.close();
    }

    // ---- the operator's rebuild command on the large store, for its memory (peak RSS)
    const cli = await cliRebuild(large.db.url);
    log(`  rebuild command: ${fmt(cli.eventsPerSecond)} events/s, peak RSS ${fmt(cli.peakMiB)} MiB`);
    // the small store's read models, by the same command (not timed)
    await cliRebuild(small.db.url);

    // ---- services (reads only: RUN_BACKGROUND=false, so no projection/deadline work competes with the reads)
    svcSmall = await startService('service-small', { databaseUrl: small.db.url, env: { RUN_BACKGROUND: 'false' } });
    svcLarge = await startService('service-large', { databaseUrl: large.db.url, env: { RUN_BACKGROUND: 'false' } });
    const memStart = { small: rssOf(svcSmall.pid), large: rssOf(svcLarge.pid) };

    // ---- scale: fixed-rate reads, small and large alternating
    const tokens = await tokensFor();
    const adj = { default: tokens.adjudicator };
    const sample = (ids: string[], n: number) => Array.from({ length: n }, () => ids[Math.floor(Math.random() * ids.length)]);
    const endpoints: { name: string; paths: (s: Seeded) => string[] }[] = [
      { name: 'lookup GET /disputes/{id}', paths: (s) => sample(s.disputeIds, 2000).map((id) => `/disputes/${id}`) },
      { name: 'timeline GET /disputes/{id}/timeline', paths: (s) => sample(s.disputeIds, 2000).map((id) => `/disputes/${id}/timeline`) },
      { name: 'case list GET /disputes?limit=50', paths: () => ['/disputes?limit=50'] },
      { name: 'case list GET /disputes?merchantId=…&limit=50', paths: () => Array.from({ length: 200 }, (_, m) => `/disputes?merchantId=m-${m}&limit=50`) },
    ];
    const targetsBy = new Map<string, string[]>();
    const scale: Record<string, Record<'small' | 'large', LoadResult[]>> = {};
    const stores: ['small' | 'large', Seeded, Child][] = [
      ['small', small, svcSmall!],
      ['large', large, svcLarge!],
    ];
    for (const e of endpoints) {
      for (const [label, seeded, svc] of stores) {
        const key = `${e.name}|${label}`;
        targetsBy.set(key, e.paths(seeded));
        await runLoad({ url: svc.url, kind: 'fixed', method: 'GET', connections: 4, tokens: adj, duration: 1, overallRate: opts.scaleRate, paths: targetsBy.get(key) }, svc); // warm-up
      }
    }
    const rounds = opts.scaleRounds;
    for (let round = 0; round < rounds; round++) {
      for (const e of endpoints) {
        for (const [label, , svc] of rotate(stores, round)) {
          const r = check(`${e.name} (${label})`, await runLoad({ url: svc.url, kind: 'fixed', method: 'GET', connections: 4, tokens: adj, duration: opts.scaleSeconds, overallRate: opts.scaleRate, paths: targetsBy.get(`${e.name}|${label}`) }, svc));
          ((scale[e.name] ??= { small: [], large: [] })[label]).push(r);
        }
      }
    }
    const rows: (string | number)[][] = [];
    for (const e of endpoints) {
      const s = scale[e.name];
      const p99s = median(s.small.map((r) => r.p99));
      const p99l = median(s.large.map((r) => r.p99));
      const errs = [...s.small, ...s.large].reduce((a, r) => a + r.errors + r.timeouts + r.non2xx, 0);
      rows.push([e.name, fmt(median(s.small.map((r) => r.p50)), 2), fmt(p99s, 2), fmt(median(s.large.map((r) => r.p50)), 2), fmt(p99l, 2), fmt(ratio(p99l, p99s), 2), errs]);
      if (e.name.startsWith('lookup')) {
        const v = ratio(p99l, p99s);
        scaleSection.targets.push({ name: `lookup p99, ${fmt(large.events)} ÷ ${fmt(small.events)} events`, value: v, target: '≤ 1.2', met: v <= 1.2 });
      }
    }
    scaleSection.tables.push({
      caption: `Read latency at ${opts.scaleRate} req/s (median over ${rounds} rounds)`,
      table: { headers: ['endpoint', `p50 ms (${fmt(small.events)} ev)`, 'p99 ms', `p50 ms (${fmt(large.events)} ev)`, 'p99 ms', 'p99 ratio large ÷ small', 'errors'], rows },
    });
    if (opts.largeEvents < 1_000_000) scaleSection.notes.push(`Large store of ${fmt(large.events)} events only (not 1 M): quick mode or --events.`);

    // ---- replay on the small service
    const rp = small.replay!;
    const cases: [string, string, number][] = [
      ['10 events', rp.ten, 5],
      ['1 000 events', rp.thousand, 500],
    ];
    const kinds: [string, (id: string, mid: number) => { method: 'GET' | 'POST'; paths: string[]; body?: string }][] = [
      ['as-of GET /disputes/{id}?at=<rev>', (id, mid) => ({ method: 'GET', paths: [`/disputes/${id}?at=${mid}`] })],
      ['re-judge POST /disputes/{id}/replay', (id) => ({ method: 'POST', paths: [`/disputes/${id}/replay`], body: JSON.stringify({ rulesVersion: 'v1' }) })],
    ];
    const rep: Record<string, LoadResult[]> = {};
    for (const [, mk] of kinds) for (const [, id, mid] of cases) await runLoad({ url: svcSmall.url, kind: 'fixed', connections: 1, tokens: adj, amount: 20, ...mk(id, mid) }, svcSmall);
    for (let round = 0; round < opts.replayRounds; round++) {
      for (const [kname, mk] of kinds) {
        for (const [cname, id, mid] of rotate(cases, round)) {
          const r = check(`${kname} (${cname})`, await runLoad({ url: svcSmall.url, kind: 'fixed', connections: 1, tokens: adj, amount: opts.replayRequests, ...mk(id, mid) }, svcSmall!));
          (rep[`${kname}|${cname}`] ??= []).push(r);
        }
      }
    }
    const rrows: (string | number)[][] = [];
    for (const [kname] of kinds) {
      const a = rep[`${kname}|10 events`];
      const b = rep[`${kname}|1 000 events`];
      const errs = [...a, ...b].reduce((x, r) => x + r.errors + r.timeouts + r.non2xx, 0);
      rrows.push([kname, fmt(median(a.map((r) => r.p50)), 2), fmt(median(a.map((r) => r.p99)), 2), fmt(median(b.map((r) => r.p50)), 2), fmt(median(b.map((r) => r.p99)), 2), fmt(ratio(median(b.map((r) => r.p50)), median(a.map((r) => r.p50))), 1), errs]);
    }
    replaySection.tables.push({ table: { headers: ['request', 'p50 ms (10 ev)', 'p99 ms (10 ev)', 'p50 ms (1 000 ev)', 'p99 ms (1 000 ev)', 'p50 ratio', 'errors'], rows: rrows } });
    replaySection.notes.push(
      'The 10-event case is produced by the deciders (LEGACY flow: defense → review, agreed-date settlement takes over, settled at the deadline, contested, judged). No command of the current deciders puts 1 000 events in one case, so the long case is that case with 990 ReviewRequested events inserted before the judgement (valid input for evolve and rejudge, written through the store).',
    );

    const memEnd = { small: rssOf(svcSmall.pid), large: rssOf(svcLarge.pid) };
    scaleSection.tables.push({
      caption: 'Memory',
      table: {
        headers: ['process', 'events in store', 'RSS MiB', 'peak RSS MiB'],
        rows: [
          [`rebuild command (node dist/apps/cli/src/main.js rebuild --force: counts, rebuilds, compares, swaps; ${fmt(cli.eventsPerSecond)} events/s as it reports)`, fmt(large.events), fmt(cli.lastRssMiB), fmt(cli.peakMiB)],
          ['service on the large store after the rebuild: after start', fmt(large.events), fmt(memStart.large.rssMiB), fmt(memStart.large.peakMiB)],
          ['service on the large store: after the read benchmarks', fmt(large.events), fmt(memEnd.large.rssMiB), fmt(memEnd.large.peakMiB)],
          ['service on the small store: after the read and replay benchmarks', fmt(small.events), fmt(memEnd.small.rssMiB), fmt(memEnd.small.peakMiB)],
        ],
      },
    });
  } finally {
    await svcSmall?.stop().catch(() => undefined);
    await svcLarge?.stop().catch(() => undefined);
    for (const p of pools) await p.end().catch(() => undefined);
    await small?.db.drop();
    await large?.db.drop();
  }
}

/** Runs the operator's rebuild command (a child process, pinned to core 0) and samples its RSS. */
async function cliRebuild(databaseUrl: string): Promise<{ eventsPerSecond: number; peakMiB: number; lastRssMiB: number; output: string }> {
  const [cmd, args] = pinned(0, [path.join(ROOT, 'dist', 'apps', 'cli', 'src', 'main.js'), 'rebuild', '--force']);
  const env = { ...process.env, EVENT_STORE: 'postgres', DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn', NODE_ENV: 'development' };
  let out = '';
  let peak = 0;
  let last = 0;
  const code = await new Promise<number>((resolve, reject) => {
    const p = spawn(cmd, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    p.stdout.on('data', (b: Buffer) => (out = (out + b.toString()).slice(-5000)));
    p.stderr.on('data', (b: Buffer) => (out = (out + b.toString()).slice(-5000)));
    const timer = setInterval(() => {
      const m = rssOf(p.pid!);
      if (Number.isFinite(m.peakMiB)) peak = Math.max(peak, m.peakMiB);
      if (Number.isFinite(m.rssMiB)) last = m.rssMiB;
    }, 200);
    p.once('error', reject);
    p.once('exit', (c) => {
      clearInterval(timer);
      resolve(c ?? 1);
    });
  });
  if (code !== 0) throw new Error(`rebuild command failed (${code}): ${out}`);
  const m = /in ([0-9.]+) s: (\d+) events\/s/.exec(out);
  return { eventsPerSecond: m ? Number(m[2]) : NaN, peakMiB: peak, lastRssMiB: last, output: out };
}
