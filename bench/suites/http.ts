/**
 * 2. Commands over HTTP (the merchant's choice, order-fact ingestion) end to end against the real service,
 * vs a bare Fastify route doing one INSERT per request; at saturation and at fixed rates.
 * 3b. Projection lag while choice commands arrive at a steady rate.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client, Pool } from 'pg';
import { comparePositions, PgDatabase, SqlEventStore, START } from '@app/event-store';
import { mintToken } from '../../apps/api/src/auth/auth';
import { newestProfile, profileMarkdown, summarizeProfile } from '../lib/cpuprofile';
import { runLoad, targetsFile } from '../lib/load';
import type { LoadResult, LoadSpec } from '../lib/loadgen';
import { createThrowawayDb } from '../lib/pg';
import type { Report } from '../lib/report';
import { factOrder, MERCHANTS, openCase, writeCases } from '../lib/seed';
import { PINNING, SECRET, startBareServer, startService, waitCaughtUp, type Child } from '../lib/service';
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
    platform: await mintToken(SECRET, { sub: 'bench-platform', role: 'platform' }, '24h'),
    adjudicator: await mintToken(SECRET, { sub: 'bench-adjudicator', role: 'adjudicator' }, '24h'),
  };
  for (let m = 0; m < MERCHANTS; m++) tokens[`m-${m}`] = await mintToken(SECRET, { sub: `m-${m}`, role: 'merchant', merchantId: `m-${m}` }, '24h');
  return tokens;
}

type Kind = 'bare' | 'choice' | 'facts';

export async function httpSuite(report: Report, opts: HttpOptions): Promise<void> {
  const section = report.section(
    'http',
    '2. Commands over HTTP (end to end) vs a bare Fastify + INSERT route',
    `The real service (\`node dist/apps/api/src/main.js\`, EVENT_STORE=postgres, NODE_ENV=production, LOG_LEVEL=warn, pg pool 10) and a bare Fastify 5 route ` +
      `(one JSON POST → one INSERT … RETURNING into a plain table, pg pool 10, no auth/validation) run side by side; ${PINNING}. ` +
      `Load: autocannon 9 in its own process, ${opts.connections} connections for saturation (${opts.satSeconds} s per run), 16 connections at fixed rates (${opts.rateSeconds} s). ` +
      `"choice": POST /disputes/{id}/choice on a fresh open dispute per request (merchant JWT of the dispute's merchant; options rotate OUT_OF_STOCK_REFUND / SHIPPED_WITH_PICKUP / NO_FAULT_DEFENSE, all valid): ` +
      `auth → validation → load dispute + order streams → merchant week stats (read model) → decide → append (exact expected revision) → response. ` +
      `"facts": POST /orders/{id}/facts (WAYBILL_UPLOADED, unique waybill) round-robin over paid orders. ${opts.rounds} round(s), contenders alternating (rotated start); ` +
      `after every service run the next run waits until the service's projections caught up, so background projection work never overlaps a measurement. ` +
      `Latency percentiles from every response's own time (float ms); errors = socket errors + timeouts + non-2xx.`,
  );
  const db = await createThrowawayDb('http');
  const admin = new Pool({ connectionString: db.url, max: 2 });
  const sqlDb = new PgDatabase({ url: db.url, max: 16 });
  const store = new SqlEventStore(sqlDb, { kind: 'postgres' });
  let service: Child | null = null;
  let bare: Child | null = null;
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
    const factTargets: { orderId: string }[] = [];
    const seedFacts = await writeCases(store, 4000, (i) => factOrder(i, seededAt, 'fact'), { onCase: (c) => factTargets.push({ orderId: c.orderId }) });
    const firstChoices = await seedChoices(opts.satSeconds * 1500);
    section.notes.push(
      `Seeded through SqlEventStore: ${seedFacts.cases} paid orders for fact ingestion (${seedFacts.events} events) and ${firstChoices.cases} open disputes (${firstChoices.events} events, ${fmt(firstChoices.events / firstChoices.seconds)} events/s seeding); more open disputes are seeded between runs as the choice runs use them up.`,
    );
    const factsFile = targetsFile('facts', factTargets);
    let choiceOffset = 0;
    let factsOffset = 0;

    service = await startService('service', { databaseUrl: db.url });
    bare = await startBareServer(db.url, 10);
    await waitCaughtUp(admin, 600_000);

    const ensureChoices = async (needed: number) => {
      const left = choiceTargets.length - choiceOffset;
      if (left < needed) {
        await seedChoices(Math.ceil(needed - left + 500));
        await waitCaughtUp(admin, 600_000);
      }
    };
    const run = async (kind: Kind, extra: Partial<LoadSpec>, expectRps: number): Promise<LoadResult> => {
      const seconds = extra.duration ?? opts.satSeconds;
      let spec: LoadSpec;
      if (kind === 'bare') spec = { url: bare!.url, kind: 'bare', connections: opts.connections, tokens, duration: seconds, ...extra };
      else if (kind === 'choice') {
        await ensureChoices(Math.ceil(expectRps * seconds * 1.5) + opts.connections * 2);
        spec = { url: service!.url, kind: 'choice', connections: opts.connections, tokens, duration: seconds, targetsFile: targetsFile('choice', choiceTargets), offset: choiceOffset, ...extra };
      } else spec = { url: service!.url, kind: 'facts', connections: opts.connections, tokens, duration: seconds, targetsFile: factsFile, offset: factsOffset, occurredAt, ...extra };
      const r = await runLoad(spec);
      if (kind === 'choice') choiceOffset += r.used;
      if (kind === 'facts') factsOffset += r.used;
      if (kind !== 'bare') await waitCaughtUp(admin, 600_000);
      return r;
    };

    // ---- saturation, alternating
    const kinds: Kind[] = ['bare', 'choice', 'facts'];
    const sat: Record<Kind, LoadResult[]> = { bare: [], choice: [], facts: [] };
    let choiceRpsGuess = 1500;
    await run('bare', { duration: 1 }, 0); // warm-up
    await run('choice', { duration: 1 }, choiceRpsGuess);
    await run('facts', { duration: 1 }, 0);
    for (let round = 0; round < opts.rounds; round++) {
      for (const k of rotate(kinds, round)) {
        const r = await run(k, {}, choiceRpsGuess);
        sat[k].push(r);
        if (k === 'choice') choiceRpsGuess = Math.max(100, r.rps);
      }
    }
    const row = (label: string, rs: LoadResult[], rate: string) => [
      label,
      rate,
      fmt(median(rs.map((r) => r.rps))),
      fmt(median(rs.map((r) => r.p50)), 2),
      fmt(median(rs.map((r) => r.p99)), 2),
      fmt(median(rs.map((r) => r.p999)), 2),
      rs.reduce((a, r) => a + r.errors + r.timeouts + r.non2xx, 0),
      rs.map((r) => fmt(r.rps)).join(' / '),
    ];
    const headers = ['route', 'offered', 'req/s (median)', 'p50 ms', 'p99 ms', 'p99.9 ms', 'errors', 'req/s per round'];
    section.tables.push({
      caption: 'Saturation',
      table: { headers, rows: [row('bare Fastify + INSERT', sat.bare, 'max'), row('POST /disputes/{id}/choice', sat.choice, 'max'), row('POST /orders/{id}/facts', sat.facts, 'max')] },
    });
    const bareSat = median(sat.bare.map((r) => r.rps));
    const choiceSat = median(sat.choice.map((r) => r.rps));
    const factsSat = median(sat.facts.map((r) => r.rps));
    const rChoice = ratio(choiceSat, bareSat);
    section.targets.push({ name: 'choice ÷ bare Fastify+INSERT at saturation', value: rChoice, target: '≥ 0.5', met: rChoice >= 0.5 });
    section.notes.push(`facts ÷ bare at saturation = ${fmt(ratio(factsSat, bareSat), 2)} (no target).`);

    // ---- fixed rates: half the choice saturation rate (the target), the same absolute rate on the bare route
    const halfChoice = Math.max(10, Math.floor(choiceSat / 2));
    const halfFacts = Math.max(10, Math.floor(factsSat / 2));
    const fixed: Record<string, LoadResult[]> = {};
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

    // ---- optional CPU profile of the service at saturation (choice)
    if (opts.profile) {
      await service.stop();
      service = await startService('service-profiled', { databaseUrl: db.url, nodeFlags: ['--cpu-prof', `--cpu-prof-dir=${profDir}`] });
      await waitCaughtUp(admin, 600_000);
      const r = await run('choice', {}, choiceRpsGuess);
      await service.stop();
      service = null;
      const file = newestProfile(profDir);
      if (file) {
        const s = summarizeProfile(file);
        section.extra.push(...profileMarkdown(s, `CPU profile of the service during a ${opts.satSeconds} s choice saturation run (${fmt(r.rps)} req/s with the profiler on; node --cpu-prof)`));
      }
    }
  } finally {
    await service?.stop().catch(() => undefined);
    await bare?.stop().catch(() => undefined);
    await store.close().catch(() => undefined);
    await sqlDb.close().catch(() => undefined);
    await admin.end().catch(() => undefined);
    fs.rmSync(profDir, { recursive: true, force: true });
    await db.drop();
  }
}
