/**
 * 2. Commands over HTTP (the merchant's choice, order-fact ingestion) end to end against the real service,
 * vs a bare Fastify route doing one INSERT per request; at saturation and at fixed rates.
 * 3b. Projection lag while choice commands arrive at a steady rate.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client, Pool, types as pgTypes } from 'pg';
import { comparePositions, PgDatabase, SqlEventStore, START } from '@app/event-store';
import { mintToken } from '@app/config';
import { newestProfile, profileMarkdown, summarizeProfile } from '../lib/cpuprofile';
import { backendsCpu, cpuDelta, procCpuMs } from '../lib/cpu';
import { runLoad, targetsFile } from '../lib/load';
import type { LoadResult, LoadSpec } from '../lib/loadgen';
import { createThrowawayDb } from '../lib/pg';
import type { Report } from '../lib/report';
import { factOrder, MERCHANTS, openCase, writeCases } from '../lib/seed';
import { PINNING, SECRET, startBareServer, startEmmettServer, startService, waitCaughtUp, type Child } from '../lib/service';
import { fmt, median, nowMs, ratio, rotate, sleep, summarize } from '../lib/stats';

export interface HttpOptions {
  rounds: number;
  satSeconds: number;
  rateSeconds: number;
  connections: number;
  lagSeconds: number;
  lagRate: number;
  profile: boolean;
}

export async function tokensFor(): Promise<Record<string, string>> {
  const tokens: Record<string, string> = {
    platform: await mintToken(SECRET, { sub: 'bench-platform', role: 'platform' }, '2h'),
    adjudicator: await mintToken(SECRET, { sub: 'bench-adjudicator', role: 'adjudicator' }, '2h'),
  };
  for (let m = 0; m < MERCHANTS; m++) tokens[`m-${m}`] = await mintToken(SECRET, { sub: `m-${m}`, role: 'merchant', merchantId: `m-${m}` }, '2h');
  return tokens;
}

type Kind = 'bare' | 'choice' | 'choiceWarm' | 'facts' | 'emmett';

/** Where the deployed pair's worker runs: unpinned (default), or the core BENCH_WORKER_CORE names (not the API's 0). */
const WORKER_CORE: number | null = process.env.BENCH_WORKER_CORE ? Number(process.env.BENCH_WORKER_CORE) : null;

export async function httpSuite(report: Report, opts: HttpOptions): Promise<void> {
  const section = report.section(
    'http',
    '2. Commands over HTTP (end to end) vs a bare Fastify + INSERT route',
    `The real service (\`node dist/apps/api/src/main.js\`, EVENT_STORE=postgres, NODE_ENV=production, LOG_LEVEL=warn, pg pool 10) and a bare Fastify 5 route ` +
      `(one JSON POST → one INSERT … RETURNING into a plain table, pg pool 10, no auth/validation) run side by side; ${PINNING}. ` +
      `Load: autocannon 9 in its own process, ${opts.connections} connections for saturation (${opts.satSeconds} s per run), 16 connections at fixed rates (${opts.rateSeconds} s). ` +
      `"choice": POST /disputes/{id}/choice on a fresh open dispute per request (merchant JWT of the dispute's merchant; options rotate OUT_OF_STOCK_REFUND / SHIPPED_WITH_PICKUP / NO_FAULT_DEFENSE, all valid): ` +
      `auth → validation → load dispute + order streams → merchant week stats (read model) → decide → append (exact expected revision) → response. ` +
      `"Emmett": the same choice command (same domain decider, same merchant JWT check, same body and answer) written on Emmett's CommandHandler ` +
      `(@event-driven-io/emmett + emmett-postgresql 0.42: aggregate the dispute stream, read the order stream, decide, append with the expected stream version, retry on a version conflict) behind a bare Fastify route (bench/lib/emmett-server.ts), ` +
      `on Emmett's PostgreSQL event store in the same database, pg pool 10, pinned like the service; its open disputes seeded the same way (the same generated cases, appended through Emmett's appendToStream) and loaded by the same load generator. ` +
      `"facts": POST /orders/{id}/facts (WAYBILL_UPLOADED, unique waybill) round-robin over paid orders. ` +
      `"choice, warm stream cache": the same choice on open disputes for which the service answered GET /disputes/{id}/options just before the run (not measured; as when the merchant looks at the options before choosing), so the case and its order are in the service's stream cache (STREAM_CACHE_SIZE): the case is not read, the order only from its cached revision on. ` +
      `${opts.rounds} round(s), contenders alternating (rotated start); ` +
      `after every service run the next run waits until the service's projections caught up, so background projection work never overlaps a measurement. ` +
      `Latency percentiles from every response's own time (float ms); errors = socket errors + timeouts + non-2xx. CPU per request: the serving process and the database's PostgreSQL backends (/proc), from the start of a run until the service's projections caught up with it (projection work included).`,
  );
  const db = await createThrowawayDb('http');
  const admin = new Pool({ connectionString: db.url, max: 2 });
  const sqlDb = new PgDatabase({ url: db.url, max: 16 });
  const store = new SqlEventStore(sqlDb, { kind: 'postgres' });
  let service: Child | null = null;
  /** The worker process, while the suite runs the deployed pair (API + worker). */
  let worker: Child | null = null;
  let bare: Child | null = null;
  let emmettSrv: Child | null = null;
  let emtPool: Pool | null = null;
  const profDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-prof-'));
  try {
    await store.init();
    const tokens = await tokensFor();
    const seededAt = Date.now();
    const occurredAt = new Date(seededAt - 60 * 60_000).toISOString();
    // Targets: open disputes for the choice (seeded in batches as they get used) and paid orders for facts.
    const choiceTargets: { disputeId: string; merchantId: string }[] = [];
    let choiceSeq = 0;
    const seedChoices = async (n: number) => {
      const base = choiceSeq;
      choiceSeq += n;
      const r = await writeCases(store, n, (i) => openCase(base + i, Date.now(), 'live'), {
        onCase: (c) => choiceTargets.push({ disputeId: c.disputeId!, merchantId: c.merchantId }),
      });
      return r;
    };
    // The Emmett contender's store: same cases, appended through Emmett. Its driver layer (dumbo) replaces pg's
    // process-wide type parsers; they are put back after every use so nothing else in this process sees them.
    const savedParsers = [20, 114, 3802].map((oid) => [oid, pgTypes.getTypeParser(oid)] as const);
    const restoreParsers = () => {
      for (const [oid, parser] of savedParsers) pgTypes.setTypeParser(oid, parser as (v: string) => unknown);
    };
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const emmettPg = require('@event-driven-io/emmett-postgresql') as typeof import('@event-driven-io/emmett-postgresql');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const emmett = require('@event-driven-io/emmett') as typeof import('@event-driven-io/emmett');
    emtPool = new Pool({ connectionString: db.url, max: 16 });
    const emt = emmettPg.getPostgreSQLEventStore(db.url, { connectionOptions: { pool: emtPool } });
    await emt.schema.migrate();
    restoreParsers();
    const emtAppender = {
      appendToStream: async (stream: string, events: { type: string; data: unknown; metadata?: Record<string, unknown> }[]) => {
        await emt.appendToStream(stream, events.map((e) => ({ type: e.type, data: e.data as Record<string, unknown>, metadata: e.metadata })), {
          expectedStreamVersion: emmett.STREAM_DOES_NOT_EXIST,
        });
      },
    } as unknown as SqlEventStore;
    const emtTargets: { disputeId: string; merchantId: string }[] = [];
    let emtSeq = 0;
    let emtOffset = 0;
    const seedEmmett = async (n: number) => {
      const base = emtSeq;
      emtSeq += n;
      try {
        return await writeCases(emtAppender, n, (i) => openCase(base + i, Date.now(), 'emt'), { onCase: (c) => emtTargets.push({ disputeId: c.disputeId!, merchantId: c.merchantId }) });
      } finally {
        restoreParsers();
      }
    };
    const ensureEmmett = async (needed: number) => {
      const left = emtTargets.length - emtOffset;
      if (left < needed) await seedEmmett(Math.ceil(needed - left + 500));
    };
    const factTargets: { orderId: string }[] = [];
    const seedFacts = await writeCases(store, 4000, (i) => factOrder(i, seededAt, 'fact'), { onCase: (c) => factTargets.push({ orderId: c.orderId }) });
    const firstChoices = await seedChoices(opts.satSeconds * 1500);
    section.notes.push(
      `Seeded through SqlEventStore: ${seedFacts.cases} paid orders for fact ingestion (${seedFacts.events} events) and ${firstChoices.cases} open disputes (${firstChoices.events} events, ${fmt(firstChoices.events / firstChoices.seconds)} events/s seeding); more open disputes are seeded between runs as the choice runs use them up.`,
    );
    const factsFile = targetsFile('facts', factTargets);
    let choiceOffset = 0;
    let warmedUpTo = 0;
    let factsOffset = 0;

    await seedEmmett(opts.satSeconds * 1500);
    service = await startService('service', { databaseUrl: db.url });
    bare = await startBareServer(db.url, 10);
    emmettSrv = await startEmmettServer(db.url, 10);
    await waitCaughtUp(admin, 600_000);

    const ensureChoices = async (needed: number) => {
      const left = choiceTargets.length - choiceOffset;
      if (left < needed) {
        await seedChoices(Math.ceil(needed - left + 500));
        await waitCaughtUp(admin, 600_000);
      }
    };
    /**
     * GET /disputes/{id}/options through the service for the open disputes from `choiceOffset` on (16 at a time),
     * so the service has each case and its order in its stream cache; answers how many it warmed.
     */
    const warmChoices = async (n: number): Promise<number> => {
      const todo = choiceTargets.slice(choiceOffset, choiceOffset + n);
      let next = 0;
      await Promise.all(
        Array.from({ length: 16 }, async () => {
          while (next < todo.length) {
            const t = todo[next++];
            const r = await fetch(`${service!.url}/disputes/${t.disputeId}/options`, { headers: { authorization: `Bearer ${tokens.platform}` } });
            await r.arrayBuffer();
            if (r.status !== 200) throw new Error(`warming the stream cache: GET /disputes/${t.disputeId}/options answered ${r.status}`);
          }
        }),
      );
      return todo.length;
    };
    /** appCpuMs: the serving process; workerCpuMs: the worker process, when one runs (as deployed). */
    type Measured = LoadResult & { appCpuMs: number; pgCpuMs: number; workerCpuMs?: number };
    const run = async (kind: Kind, extra: Partial<LoadSpec>, expectRps: number): Promise<Measured> => {
      const seconds = extra.duration ?? opts.satSeconds;
      let spec: LoadSpec;
      if (kind === 'bare') spec = { url: bare!.url, kind: 'bare', connections: opts.connections, tokens, duration: seconds, ...extra };
      else if (kind === 'emmett') {
        await ensureEmmett(Math.ceil(expectRps * seconds * 2.5) + opts.connections * 2);
        spec = { url: emmettSrv!.url, kind: 'choice', connections: opts.connections, tokens, duration: seconds, targetsFile: targetsFile('emmett', emtTargets), offset: emtOffset, ...extra };
      } else if (kind === 'choice' || kind === 'choiceWarm') {
        const needed = Math.ceil(expectRps * seconds * 2.5) + opts.connections * 2;
        await ensureChoices(needed);
        if (kind === 'choiceWarm') warmedUpTo = choiceOffset + (await warmChoices(needed));
        spec = { url: service!.url, kind: 'choice', connections: opts.connections, tokens, duration: seconds, targetsFile: targetsFile('choice', choiceTargets), offset: choiceOffset, ...extra };
      } else spec = { url: service!.url, kind: 'facts', connections: opts.connections, tokens, duration: seconds, targetsFile: factsFile, offset: factsOffset, occurredAt, ...extra };
      // CPU of the serving process and of the database's backends, from the start of the run until the
      // service's projections caught up with what the run wrote (so projection work is counted too).
      const app = kind === 'bare' ? bare! : kind === 'emmett' ? emmettSrv! : service!;
      const a0 = procCpuMs(app.pid);
      const w0 = worker ? procCpuMs(worker.pid) : 0;
      const b0 = await backendsCpu(admin, db.name);
      const r = await runLoad(spec, app);
      if (kind === 'choice') choiceOffset += r.used;
      // The warmed disputes the run did not use are skipped: no later (cold) run may find them cached.
      if (kind === 'choiceWarm') choiceOffset = Math.max(choiceOffset + r.used, warmedUpTo);
      if (kind === 'emmett') emtOffset += r.used;
      if (kind === 'facts') factsOffset += r.used;
      if (kind === 'choice' || kind === 'choiceWarm' || kind === 'facts') await waitCaughtUp(admin, 600_000);
      const b1 = await backendsCpu(admin, db.name);
      if (r.errors + r.timeouts + r.non2xx > 0) report.failures.push(`${kind} run: ${r.errors} errors, ${r.timeouts} timeouts, status codes ${JSON.stringify(r.statusCodes)}, e.g. ${r.errorSamples.join(' | ')}`);
      const workerCpuMs = worker && kind !== 'bare' && kind !== 'emmett' ? (procCpuMs(worker.pid) - w0) / Math.max(1, r.ok) : undefined;
      return { ...r, appCpuMs: (procCpuMs(app.pid) - a0) / Math.max(1, r.ok), pgCpuMs: cpuDelta(b0, b1) / Math.max(1, r.ok), workerCpuMs };
    };

    // ---- saturation, alternating
    const kinds: Kind[] = ['bare', 'choice', 'choiceWarm', 'facts', 'emmett'];
    const sat: Record<Kind, Measured[]> = { bare: [], choice: [], choiceWarm: [], facts: [], emmett: [] };
    let choiceRpsGuess = 1500;
    let emtRpsGuess = 1500;
    let warmRpsGuess = 0; // until measured: three times the cold choice's rate
    await run('bare', { duration: 1 }, 0); // warm-up
    await run('choice', { duration: 1 }, choiceRpsGuess);
    await run('facts', { duration: 1 }, 0);
    await run('emmett', { duration: 1 }, choiceRpsGuess);
    for (let round = 0; round < opts.rounds; round++) {
      for (const k of rotate(kinds, round)) {
        const r = await run(k, {}, k === 'emmett' ? emtRpsGuess : k === 'choiceWarm' ? warmRpsGuess || 3 * choiceRpsGuess : choiceRpsGuess);
        sat[k].push(r);
        if (k === 'choice') choiceRpsGuess = Math.max(100, r.rps);
        if (k === 'choiceWarm') warmRpsGuess = Math.max(100, r.rps);
        if (k === 'emmett') emtRpsGuess = Math.max(100, r.rps);
      }
    }
    const row = (label: string, rs: Measured[], rate: string) => [
      label,
      rate,
      fmt(median(rs.map((r) => r.rps))),
      fmt(median(rs.map((r) => r.p50)), 2),
      fmt(median(rs.map((r) => r.p99)), 2),
      fmt(median(rs.map((r) => r.p999)), 2),
      rs.reduce((a, r) => a + r.errors + r.timeouts + r.non2xx, 0),
      fmt(median(rs.map((r) => r.appCpuMs)), 2),
      fmt(median(rs.map((r) => r.pgCpuMs)), 2),
      rs.map((r) => fmt(r.rps)).join(' / '),
    ];
    const headers = ['route', 'offered', 'req/s (median)', 'p50 ms', 'p99 ms', 'p99.9 ms', 'errors', 'server process CPU ms/req', 'PG CPU ms/req', 'req/s per round'];
    section.tables.push({
      caption: 'Saturation',
      table: {
        headers,
        rows: [
          row('bare Fastify + INSERT', sat.bare, 'max'),
          row('POST /disputes/{id}/choice', sat.choice, 'max'),
          row('POST /disputes/{id}/choice, warm stream cache', sat.choiceWarm, 'max'),
          row('POST /orders/{id}/facts', sat.facts, 'max'),
          row('choice on Emmett (Fastify + CommandHandler)', sat.emmett, 'max'),
        ],
      },
    });
    const bareSat = median(sat.bare.map((r) => r.rps));
    const choiceSat = median(sat.choice.map((r) => r.rps));
    const factsSat = median(sat.facts.map((r) => r.rps));
    const rChoice = ratio(choiceSat, bareSat);
    section.targets.push({ name: 'choice ÷ bare Fastify+INSERT at saturation', value: rChoice, target: '≥ 0.5', met: rChoice >= 0.5 });
    section.notes.push(`facts ÷ bare at saturation = ${fmt(ratio(factsSat, bareSat), 2)} (no target).`);
    section.notes.push(
      `choice with a warm stream cache ÷ bare at saturation = ${fmt(ratio(median(sat.choiceWarm.map((r) => r.rps)), bareSat), 2)} (the target's row is the cold one above: every case new to the service).`,
    );
    const emtSat = median(sat.emmett.map((r) => r.rps));
    const rEmt = ratio(choiceSat, emtSat);
    section.targets.push({ name: 'choice (ours, as deployed) ÷ the same choice on Emmett, at saturation', value: rEmt, target: '≥ 1.5', met: rEmt >= 1.5 });
    section.notes.push(
      `Emmett contender: ${fmt(emtSat)} req/s at saturation, ${fmt(median(sat.emmett.map((r) => r.appCpuMs)), 2)} ms of its process's CPU and ${fmt(median(sat.emmett.map((r) => r.pgCpuMs)), 2)} ms of PostgreSQL CPU per request ` +
        `(ours: ${fmt(median(sat.choice.map((r) => r.appCpuMs)), 2)} + ${fmt(median(sat.choice.map((r) => r.pgCpuMs)), 2)} ms including its projections). Emmett ÷ bare = ${fmt(ratio(emtSat, bareSat), 2)}.`,
    );

    // ---- fixed rates: half the choice saturation rate (the target), the same absolute rate on the bare route
    const halfChoice = Math.max(10, Math.floor(choiceSat / 2));
    const halfFacts = Math.max(10, Math.floor(factsSat / 2));
    const fixed: Record<string, Measured[]> = {};
    const fixedRuns: [string, Kind, number][] = [
      ['bare', 'bare', halfChoice],
      ['choice', 'choice', halfChoice],
      ['facts', 'facts', halfFacts],
    ];
    for (let round = 0; round < opts.rounds; round++) {
      for (const [label, k, rate] of rotate(fixedRuns, round)) {
        (fixed[label] ??= []).push(await run(k, { overallRate: rate, connections: 16, duration: opts.rateSeconds }, rate));
      }
    }
    section.tables.push({
      caption: 'Fixed rates (half of each command’s saturation rate; the bare route at the choice’s rate)',
      table: {
        headers,
        rows: [row('bare Fastify + INSERT', fixed.bare, `${halfChoice}/s`), row('POST /disputes/{id}/choice', fixed.choice, `${halfChoice}/s`), row('POST /orders/{id}/facts', fixed.facts, `${halfFacts}/s`)],
      },
    });
    const p99Half = median(fixed.choice.map((r) => r.p99));
    section.targets.push({ name: 'choice p99 at half its saturation rate (ms)', value: p99Half, target: '≤ 25 ms', met: p99Half <= 25 });
    section.notes.push(`autocannon's own coordinated-omission-corrected p99 for the choice at ${halfChoice}/s: ${fixed.choice.map((r) => `${r.acP99} ms`).join(' / ')}.`);

    // ---- as deployed on PostgreSQL (issue 15, docs/deployment.md): the API with RUN_BACKGROUND=false, pinned like
    // the service above, and the worker process (projections + Merkle log and checkpointer, reactions, deadlines,
    // webhooks) not pinned to the API's core: by default not pinned at all (the scheduler spreads it over both
    // cores, as PostgreSQL); BENCH_WORKER_CORE=1 pins it to the load generator's core instead. Saturation
    // alternating with the bare route and Emmett, then half of its own saturation rate; after every run the
    // worker's projections catch up.
    {
      await service.stop();
      const signingKey = randomBytes(32).toString('base64');
      service = await startService('service-api', { databaseUrl: db.url, env: { RUN_BACKGROUND: 'false' }, signingKey });
      worker = await startService('service-worker', { databaseUrl: db.url, role: 'worker', core: WORKER_CORE, signingKey });
      await waitCaughtUp(admin, 600_000);
      // Warm-up of the new processes: as much choice load as the in-process service had before its saturation run.
      await run('choice', { duration: 2 }, choiceRpsGuess);
      const loadAtPair = os.loadavg()[0];
      const dep: Record<'bare' | 'choice' | 'emmett', Measured[]> = { bare: [], choice: [], emmett: [] };
      for (let round = 0; round < opts.rounds; round++) {
        for (const k of rotate(['bare', 'choice', 'emmett'] as const, round)) {
          const r = await run(k, {}, k === 'emmett' ? emtRpsGuess : choiceRpsGuess);
          dep[k].push(r);
          if (k === 'choice') choiceRpsGuess = Math.max(100, r.rps);
        }
      }
      section.tables.push({
        caption: `Saturation, as deployed on PostgreSQL: the API (RUN_BACKGROUND=false, core 0 like the service above) and the worker process (apps/worker, ${WORKER_CORE === null ? 'unpinned' : `core ${WORKER_CORE}`}), alternating with the bare route`,
        table: {
          headers,
          rows: [row('bare Fastify + INSERT', dep.bare, 'max'), row('POST /disputes/{id}/choice (API + worker)', dep.choice, 'max'), row('choice on Emmett (Fastify + CommandHandler)', dep.emmett, 'max')],
        },
      });
      const depSat = median(dep.choice.map((r) => r.rps));
      const depHalf = Math.max(10, Math.floor(depSat / 2));
      const depFixed: Record<'bare' | 'choice', Measured[]> = { bare: [], choice: [] };
      for (let round = 0; round < opts.rounds; round++) {
        for (const k of rotate(['bare', 'choice'] as const, round)) depFixed[k].push(await run(k, { overallRate: depHalf, connections: 16, duration: opts.rateSeconds }, depHalf));
      }
      section.tables.push({
        caption: 'Fixed rate, as deployed (API + worker): half of the choice’s saturation rate above; the bare route at the same rate',
        table: { headers, rows: [row('bare Fastify + INSERT', depFixed.bare, `${depHalf}/s`), row('POST /disputes/{id}/choice (API + worker)', depFixed.choice, `${depHalf}/s`)] },
      });
      const rDep = ratio(depSat, median(dep.bare.map((r) => r.rps)));
      section.targets.push({ name: 'choice ÷ bare Fastify+INSERT at saturation, API + worker (as deployed on PostgreSQL)', value: rDep, target: '≥ 0.5', met: rDep >= 0.5 });
      const p99Dep = median(depFixed.choice.map((r) => r.p99));
      section.targets.push({ name: 'choice p99 at half its saturation rate, API + worker (ms)', value: p99Dep, target: '≤ 25 ms', met: p99Dep <= 25 });
      section.notes.push(
        `As deployed (API + worker): choice ÷ Emmett at saturation = ${fmt(ratio(depSat, median(dep.emmett.map((r) => r.rps))), 2)}; ` +
          `the worker's CPU per choice (its projections, reactions, Merkle log, until caught up) ${fmt(median(dep.choice.map((r) => r.workerCpuMs ?? 0)), 2)} ms at saturation, ` +
          `${fmt(median(depFixed.choice.map((r) => r.workerCpuMs ?? 0)), 2)} ms at ${depHalf}/s; in-process (the first tables) the service's own CPU per choice includes that work. ` +
          `autocannon's coordinated-omission-corrected p99 at ${depHalf}/s: ${depFixed.choice.map((r) => `${r.acP99} ms`).join(' / ')}. ` +
          `Load average (1 min) when this block started: ${fmt(loadAtPair, 1)}.`,
      );
      await worker.stop();
      worker = null;
      await service.stop();
      service = await startService('service', { databaseUrl: db.url });
      await waitCaughtUp(admin, 600_000);
    }

    // ---- projection lag at a steady rate
    const lagSection = report.section(
      'lag',
      '3b. Projection lag under a steady command rate',
      `While POST /disputes/{id}/choice arrives at a steady ${opts.lagRate} req/s for ${opts.lagSeconds} s (autocannon, fixed rate), the bench polls projection_checkpoints every ~2 ms ` +
        `on its own connection. Lag of a command = the first poll at which every projection (dispute_state, order_shipping, audit_merkle_log) has applied the command's X-Event-Position, minus the time its response arrived ` +
        `(0 when already applied; resolution ≈ the poll interval). Same service and database as section 2.`,
    );
    await ensureChoices(opts.lagRate * opts.lagSeconds + 100);
    const poller = new Client({ connectionString: db.url });
    await poller.connect();
    const polls: [number, string][] = [];
    let polling = true;
    const pollLoop = (async () => {
      while (polling) {
        const { rows } = await poller.query<{ name: string; position: string }>(`SELECT name, position FROM projection_checkpoints`);
        const t = nowMs();
        const names = ['dispute_state', 'order_shipping', 'audit_merkle_log'];
        const ps = names.map((n) => rows.find((r) => r.name === n)?.position ?? START).sort(comparePositions);
        polls.push([t, ps[0]]);
        await sleep(2);
      }
    })();
    const lagRun = await runLoad({
      url: service.url,
      kind: 'choice',
      connections: 16,
      tokens,
      duration: opts.lagSeconds,
      overallRate: opts.lagRate,
      targetsFile: targetsFile('choice', choiceTargets),
      offset: choiceOffset,
      recordPositions: true,
    });
    choiceOffset += lagRun.used;
    if (lagRun.errors + lagRun.timeouts + lagRun.non2xx > 0) report.failures.push(`lag run: ${lagRun.errors} errors, ${lagRun.timeouts} timeouts, status codes ${JSON.stringify(lagRun.statusCodes)}, e.g. ${lagRun.errorSamples.join(' | ')}`);
    await waitCaughtUp(admin, 600_000);
    await sleep(50);
    polling = false;
    await pollLoop;
    await poller.end();
    const lags: number[] = [];
    let j = 0;
    const positions = (lagRun.positions ?? []).sort((a, b) => a[0] - b[0]);
    for (const [t, pos] of positions) {
      while (j < polls.length && polls[j][0] < t) j++;
      let k = j;
      while (k < polls.length && comparePositions(polls[k][1], pos) < 0) k++;
      if (k < polls.length) lags.push(Math.max(0, polls[k][0] - t));
    }
    const ls = summarize(lags);
    const pollIntervals = polls.slice(1).map((p, i) => p[0] - polls[i][0]);
    lagSection.tables.push({
      table: {
        headers: ['rate', 'commands', 'p50 lag ms', 'p99 lag ms', 'max lag ms', 'command p99 ms', 'poll interval p50 ms', 'errors'],
        rows: [[`${opts.lagRate}/s`, ls.n, fmt(ls.p50, 1), fmt(ls.p99, 1), fmt(ls.max, 1), fmt(lagRun.p99, 2), fmt(summarize(pollIntervals).p50, 1), lagRun.errors + lagRun.timeouts + lagRun.non2xx]],
      },
    });

    // ---- diagnostic: the Merkle log's lookup of already-logged leaves (MerkleLog.appendEvents, once per projection batch)
    {
      const { rows: last } = await admin.query<{ position: string; event_id: string; n: string }>(
        `SELECT position, event_id, (SELECT count(*) FROM audit_merkle_leaves)::text AS n FROM audit_merkle_leaves ORDER BY leaf_index DESC LIMIT 20`,
      );
      if (last.length) {
        const params = [JSON.stringify(last.map((r) => r.position)), JSON.stringify(last.map((r) => r.event_id))];
        const time = async (sql: string) => {
          const t: number[] = [];
          for (let k = 0; k < 5; k++) {
            const t0 = nowMs();
            await admin.query(sql, params);
            t.push(nowMs() - t0);
          }
          return median(t);
        };
        const orForm = await time(
          `SELECT leaf_index FROM audit_merkle_leaves WHERE position IN (SELECT jsonb_array_elements_text($1::jsonb)) OR event_id IN (SELECT jsonb_array_elements_text($2::jsonb))`,
        );
        const unionForm = await time(
          `SELECT leaf_index FROM audit_merkle_leaves WHERE position IN (SELECT jsonb_array_elements_text($1::jsonb)) UNION SELECT leaf_index FROM audit_merkle_leaves WHERE event_id IN (SELECT jsonb_array_elements_text($2::jsonb))`,
        );
        lagSection.notes.push(
          `Diagnostic (${fmt(Number(last[0].n))} leaves in the Merkle log after this suite): the Merkle log's lookup of already-logged leaves (once per projection batch) written as \`WHERE position IN (…) OR event_id IN (…)\` (its form before commit ddfb597) is a sequential scan — ${fmt(orForm, 1)} ms for a 20-event batch here, growing with the log; ` +
            `as two indexed lookups (\`… WHERE position IN (…) UNION … WHERE event_id IN (…)\`, the form since ddfb597) it takes ${fmt(unionForm, 2)} ms.`,
        );
      }
    }

    // ---- optional: CPU profile of the service during a choice saturation run (load window only), and the
    // server time of every SQL statement the service issues per choice command (PostgreSQL's own log).
    if (opts.profile) {
      await service.stop();
      service = await startService('service-profiled', { databaseUrl: db.url, nodeFlags: ['--cpu-prof', `--cpu-prof-dir=${profDir}`] });
      await waitCaughtUp(admin, 600_000);
      const from = Number(process.hrtime.bigint() / 1000n);
      const r = await run('choice', {}, choiceRpsGuess);
      const to = Number(process.hrtime.bigint() / 1000n);
      await service.stop();
      service = null;
      const file = newestProfile(profDir);
      if (file) {
        const s = summarizeProfile(file, 20, [from, to]);
        section.extra.push(
          ...profileMarkdown(s, `CPU profile of the service during a ${opts.satSeconds} s choice saturation run, load phase only (${fmt(r.rps)} req/s with the profiler on; node --cpu-prof)`),
          '',
        );
      }
      section.extra.push(...(await statementProfile(db, admin, tokens, async (svc) => {
        const n = 200;
        await ensureChoices(n + 100);
        const lr = await runLoad({ url: svc.url, kind: 'choice', connections: 4, tokens, overallRate: 40, amount: n, targetsFile: targetsFile('choice', choiceTargets), offset: choiceOffset });
        choiceOffset += lr.used;
        return lr.ok;
      })));
    }
  } finally {
    await worker?.stop().catch(() => undefined);
    await service?.stop().catch(() => undefined);
    await bare?.stop().catch(() => undefined);
    await emmettSrv?.stop().catch(() => undefined);
    await emtPool?.end().catch(() => undefined);
    await store.close().catch(() => undefined);
    await sqlDb.close().catch(() => undefined);
    await admin.end().catch(() => undefined);
    fs.rmSync(profDir, { recursive: true, force: true });
    await db.drop();
  }
}

const PG_LOG = process.env.BENCH_PG_LOG ?? '/var/log/postgresql/postgresql-15-main.log';

/**
 * Runs `work` against a fresh service whose database logs every statement's duration
 * (ALTER DATABASE … SET log_min_duration_statement = 0), then sums the server-side durations of the
 * service's statements per command, grouped by statement text (parse/bind/execute steps counted apart).
 */
async function statementProfile(
  db: { name: string; url: string },
  admin: Pool,
  _tokens: Record<string, string>,
  work: (svc: Child) => Promise<number>,
): Promise<string[]> {
  if (!fs.existsSync(PG_LOG)) return [`(statement profile skipped: PostgreSQL log ${PG_LOG} not readable)`];
  await admin.query(`ALTER DATABASE ${db.name} SET log_min_duration_statement = 0`);
  let svc: Child | null = null;
  let commands = 0;
  const offset = fs.statSync(PG_LOG).size;
  try {
    svc = await startService('service-statements', { databaseUrl: db.url });
    await waitCaughtUp(admin, 600_000);
    const logStart = fs.statSync(PG_LOG).size;
    commands = await work(svc);
    await waitCaughtUp(admin, 600_000);
    await sleep(500);
    const fd = fs.openSync(PG_LOG, 'r');
    const len = fs.statSync(PG_LOG).size - logStart;
    const buf = Buffer.alloc(Math.max(0, len));
    fs.readSync(fd, buf, 0, buf.length, logStart);
    fs.closeSync(fd);
    void offset;
    const groups = new Map<string, { calls: number; ms: number }>();
    let total = 0;
    // lines look like: 2026-… [pid] postgres@bench_http_x LOG:  duration: 0.123 ms  execute <unnamed>: SELECT …
    const re = new RegExp(`@${db.name} LOG:\\s+duration: ([0-9.]+) ms\\s+(parse|bind|execute|statement)[^:]*: (.*)$`);
    const entries: { ms: number; step: string; text: string }[] = [];
    let cont = false;
    for (const line of buf.toString('utf8').split('\n')) {
      const m = re.exec(line);
      if (m) {
        entries.push({ ms: Number(m[1]), step: m[2], text: m[3] });
        cont = true;
      } else if (cont && line.startsWith('\t')) {
        entries[entries.length - 1].text += ' ' + line.trim();
      } else cont = false;
    }
    for (const e of entries) {
      const text = e.text.replace(/\s+/g, ' ').trim();
      const key = `${e.step}: ${text.length > 170 ? `${text.slice(0, 70)} … ${text.slice(-90)}` : text}`;
      const g = groups.get(key) ?? { calls: 0, ms: 0 };
      g.calls++;
      g.ms += e.ms;
      groups.set(key, g);
      total += e.ms;
    }
    const out = [
      `**PostgreSQL server time per choice command** (log_min_duration_statement = 0 on the benchmark database; ${commands} commands at 40 req/s with the service's projections running; wall time inside the server, all of the service's connections, per command):`,
      '',
      `Total ${fmt(total / Math.max(1, commands), 2)} ms of statement time per command.`,
      '',
      '| ms / command | calls / command | step: statement |',
      '|---|---|---|',
    ];
    for (const [k, g] of [...groups.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, 25)) {
      out.push(`| ${fmt(g.ms / Math.max(1, commands), 3)} | ${fmt(g.calls / Math.max(1, commands), 2)} | \`${k.replace(/\|/g, '\\|').replace(/`/g, "'")}\` |`);
    }
    return out;
  } finally {
    await svc?.stop().catch(() => undefined);
    await admin.query(`ALTER DATABASE ${db.name} RESET log_min_duration_statement`).catch(() => undefined);
  }
}
