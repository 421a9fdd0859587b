/**
 * 8. Webhooks: delivery lag from commit to the receiver's 2xx at a steady event rate to a local receiver,
 * and the cost of deliveries on the command path's throughput (with / without an endpoint, same run).
 */
import * as http from 'node:http';
import { Pool } from 'pg';
import { PgDatabase, SqlEventStore } from '@app/event-store';
import { runLoad, targetsFile } from '../lib/load';
import { runOpenLoop } from '../lib/openloop';
import { createThrowawayDb } from '../lib/pg';
import type { Report } from '../lib/report';
import { openCase, writeCases } from '../lib/seed';
import { PINNING, startService, waitCaughtUp, type Child } from '../lib/service';
import { fmt, median, ratio, rotate, sleep, summarize } from '../lib/stats';
import { tokensFor } from './http';

export interface WebhookBenchOptions {
  rounds: number;
  /** choice commands per second in the lag run (each records two dispute events) */
  lagRate: number;
  lagSeconds: number;
  satSeconds: number;
  connections: number;
}

/** A local receiver: answers 200 at once and records, per webhook-id, the lag since the event was recorded. */
function startReceiver(): Promise<{ port: number; lags: Map<string, number>; requests: () => number; close: () => Promise<void> }> {
  const lags = new Map<string, number>();
  let requests = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      res.statusCode = 200;
      res.end();
      const at = Date.now();
      requests++;
      const id = String(req.headers['webhook-id']);
      if (lags.has(id)) return;
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { timestamp: string };
      lags.set(id, at - Date.parse(body.timestamp));
    });
  });
  server.keepAliveTimeout = 30_000;
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        port: (server.address() as { port: number }).port,
        lags,
        requests: () => requests,
        close: () => new Promise((r) => (server.closeAllConnections(), server.close(() => r()))),
      }),
    ),
  );
}

export async function webhooksSuite(report: Report, opts: WebhookBenchOptions): Promise<void> {
  const section = report.section(
    'webhooks',
    '8. Webhook delivery: lag commit → receiver 2xx, and the cost on the command path',
    `The real service (EVENT_STORE=postgres, NODE_ENV=production, WEBHOOK_ALLOW_PRIVATE=true; ${PINNING}) with one platform endpoint (every case) on a local HTTP receiver in the bench process that answers 200 at once. ` +
      `Steady rate: POST /disputes/{id}/choice at ${opts.lagRate} req/s for ${opts.lagSeconds} s, OPEN loop (each request started by the clock at t0 + i/rate whatever the earlier ones are doing, bench/lib/openloop.ts; command latency measured from the moment the request was due), each choice records two dispute events (so about ${2 * opts.lagRate} events/s); ` +
      `the same rate without an endpoint and with it, alternating, ${opts.rounds} round(s) each. ` +
      `Lag per message = receiver clock at the 2xx − the event's recordedAt (the database clock on the same machine; recordedAt is taken when the append transaction starts, so the figure includes the append itself). ` +
      `Every dispute event committed during the run must arrive (counted in es_events). ` +
      `Cost: ${opts.rounds} round(s) of ${opts.satSeconds} s closed-loop choice commands (${opts.connections} connections), without and with the endpoint, alternating; ` +
      `before each run the projections and the webhook outbox are drained, so a run measures the commands plus the delivery work they cause while it runs.`,
  );
  const db = await createThrowawayDb('webhooks');
  const admin = new Pool({ connectionString: db.url, max: 2 });
  const sqlDb = new PgDatabase({ url: db.url, max: 16 });
  const store = new SqlEventStore(sqlDb, { kind: 'postgres' });
  const receiver = await startReceiver();
  let service: Child | null = null;
  try {
    await store.init();
    const tokens = await tokensFor();
    const targets: { disputeId: string; merchantId: string }[] = [];
    let seeded = 0;
    let offset = 0;
    const ensure = async (n: number) => {
      if (targets.length - offset >= n) return;
      const base = seeded;
      const count = n - (targets.length - offset);
      seeded += count;
      await writeCases(store, count, (i) => openCase(base + i, Date.now(), 'wh'), { onCase: (c) => targets.push({ disputeId: c.disputeId!, merchantId: c.merchantId }) });
    };
    await ensure(2 * opts.lagRate * opts.lagSeconds + 200);
    service = await startService('service-webhooks', { databaseUrl: db.url, env: { WEBHOOK_ALLOW_PRIVATE: 'true' } });
    const svc = service;
    await waitCaughtUp(admin, 300_000);
    const api = async (method: string, path: string, body?: unknown) => {
      const r = await fetch(svc.url + path, {
        method,
        headers: { authorization: `Bearer ${tokens.platform}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      const text = await r.text();
      if (r.status >= 300) throw new Error(`${method} ${path} → ${r.status} ${text}`);
      return text ? JSON.parse(text) : undefined;
    };
    const pending = async () => Number((await admin.query<{ n: string }>(`SELECT count(*)::text AS n FROM webhook_messages WHERE state = 'PENDING'`)).rows[0].n);
    const drain = async () => {
      await waitCaughtUp(admin, 300_000);
      for (let i = 0; i < 6000; i++) {
        const h = (await admin.query<{ p: string }>(`SELECT position AS p FROM projection_checkpoints WHERE name = 'webhooks'`)).rows[0]?.p;
        const head = (await admin.query<{ p: string }>(`SELECT transaction_id::text || '/' || global_position::text AS p FROM es_events ORDER BY transaction_id DESC, global_position DESC LIMIT 1`)).rows[0]?.p;
        if (h === head && (await pending()) === 0) return;
        await sleep(100);
      }
      throw new Error('the webhook outbox did not drain within 600 s');
    };
    const choiceRun = async (spec: { duration: number; overallRate?: number; connections: number }, label: string) => {
      const file = targetsFile('webhooks', targets);
      const r = await runLoad({ url: svc.url, kind: 'choice', targetsFile: file, offset, tokens, ...spec }, svc);
      offset += r.used;
      if (r.errors + r.timeouts + r.non2xx > 0) report.failures.push(`webhooks ${label}: ${r.errors} errors, ${r.timeouts} timeouts, status codes ${JSON.stringify(r.statusCodes)}, e.g. ${r.errorSamples.join(' | ')}`);
      return r;
    };

    // ---- steady rate, open loop: without an endpoint (the commands alone) and with one (delivery lag), alternating
    const steady: Record<'without endpoint' | 'with endpoint', { p50: number[]; p99: number[]; eventsPerSecond: number[]; startedPerSecond: number[] }> = {
      'without endpoint': { p50: [], p99: [], eventsPerSecond: [], startedPerSecond: [] },
      'with endpoint': { p50: [], p99: [], eventsPerSecond: [], startedPerSecond: [] },
    };
    const lagSamples: number[] = [];
    let expectedTotal = 0;
    let maxStartDelay = 0;
    const catchUps: string[] = [];
    const splits: string[] = [];
    const committedSince = async (since: string) =>
      Number((await admin.query<{ n: string }>(`SELECT count(*)::text AS n FROM es_events WHERE stream_id LIKE 'dispute-%' AND recorded_at >= $1`, [since])).rows[0].n);
    for (let round = 0; round < opts.rounds; round++) {
      for (const mode of rotate(['with endpoint', 'without endpoint'] as const, round)) {
        await ensure(opts.lagRate * opts.lagSeconds + 50);
        const hook = mode === 'with endpoint' ? await api('POST', '/webhooks', { url: `http://127.0.0.1:${receiver.port}/hook` }) : null;
        await drain();
        const seenBefore = new Set(receiver.lags.keys());
        const since = (await admin.query<{ t: string }>(`SELECT now()::text AS t`)).rows[0].t;
        const r = await runOpenLoop({ url: svc.url, rate: opts.lagRate, seconds: opts.lagSeconds, targetsFile: targetsFile('webhooks', targets), offset, tokens }, svc);
        offset += r.used;
        if (r.failed > 0) report.failures.push(`webhooks steady ${mode}: ${r.failed} of ${r.sent} commands failed, e.g. ${r.errorSamples.join(' | ')}`);
        maxStartDelay = Math.max(maxStartDelay, r.maxStartDelay);
        const committed = await committedSince(since);
        steady[mode].p50.push(r.p50);
        steady[mode].p99.push(r.p99);
        steady[mode].eventsPerSecond.push(committed / opts.lagSeconds);
        steady[mode].startedPerSecond.push(r.startedPerSecond);
        if (hook) {
          const fresh = () => [...receiver.lags.keys()].filter((k) => !seenBefore.has(k));
          const runEnd = Date.now();
          const atEnd = fresh().length;
          // Slowness is a figure, not a failure: wait (bounded generously) until every committed event arrived.
          for (let i = 0; i < 6000 && fresh().length < committed; i++) await sleep(100);
          const got = fresh();
          if (got.length < committed) report.failures.push(`webhooks: ${committed - got.length} of ${committed} committed dispute events were not delivered within 600 s after the run`);
          catchUps.push(`${atEnd} of ${committed} at the end of the run, the rest within ${fmt((Date.now() - runEnd) / 1000, 1)} s`);
          for (const k of got) lagSamples.push(receiver.lags.get(k)!);
          // Where the lag went: commit → outbox row (the fan-out) and outbox row → recorded 2xx (the sender).
          const split = (
            await admin.query<{ f50: number; f99: number; s50: number; s99: number }>(
              `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM created_at - committed_at)) * 1000 AS f50,
                      percentile_cont(0.99) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM created_at - committed_at)) * 1000 AS f99,
                      percentile_cont(0.5) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM delivered_at - created_at)) * 1000 AS s50,
                      percentile_cont(0.99) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM delivered_at - created_at)) * 1000 AS s99
               FROM webhook_messages WHERE endpoint_id = $1 AND state = 'DELIVERED'`,
              [hook.webhookId],
            )
          ).rows[0];
          splits.push(`fan-out (commit → outbox row) p50 ${fmt(Number(split.f50), 0)} / p99 ${fmt(Number(split.f99), 0)} ms, send (outbox row → 2xx recorded) p50 ${fmt(Number(split.s50), 0)} / p99 ${fmt(Number(split.s99), 0)} ms`);
          console.log(`[webhooks] round ${round + 1}: ${splits[splits.length - 1]}`);
          expectedTotal += committed;
          await api('DELETE', `/webhooks/${hook.webhookId}`);
        }
      }
    }
    const ls = summarize(lagSamples);
    const evRate = median(steady['with endpoint'].eventsPerSecond);
    section.targets.push({ name: `delivery lag p99 at a steady ${fmt(evRate, 0)} events/s (open loop)`, value: ls.p99, target: '≤ 1000 ms', met: ls.p99 <= 1000 });
    section.tables.push({
      caption: `Steady rate, open loop: ${opts.lagRate} choice commands/s started by the clock for ${opts.lagSeconds} s per round, ${opts.rounds} round(s) per mode, alternating`,
      table: {
        headers: ['', 'commands started/s', 'dispute events/s', 'command p50 ms', 'command p99 ms', 'delivered', 'lag p50 ms', 'lag p99 ms', 'lag max ms'],
        rows: (['without endpoint', 'with endpoint'] as const).map((mode) => [
          mode,
          fmt(median(steady[mode].startedPerSecond), 1),
          fmt(median(steady[mode].eventsPerSecond), 1),
          fmt(median(steady[mode].p50), 1),
          fmt(median(steady[mode].p99), 1),
          mode === 'with endpoint' ? `${lagSamples.length} / ${expectedTotal}` : '—',
          mode === 'with endpoint' ? fmt(ls.p50, 1) : '—',
          mode === 'with endpoint' ? fmt(ls.p99, 1) : '—',
          mode === 'with endpoint' ? fmt(ls.max, 1) : '—',
        ]),
      },
    });
    section.notes.push(`Delivery per round with the endpoint: ${catchUps.join('; ')} (nothing lost). The generator started every request within ${fmt(maxStartDelay, 1)} ms of its due time.`);
    section.notes.push(`Where the lag went, per round with the endpoint: ${splits.join('; ')}.`);
    console.log(
      `[webhooks] steady ${opts.lagRate} commands/s: ${fmt(evRate, 1)} events/s, lag p50 ${fmt(ls.p50, 1)} ms p99 ${fmt(ls.p99, 1)} ms (max ${fmt(ls.max, 1)}), ` +
        `command p99 ${fmt(median(steady['with endpoint'].p99), 1)} ms with / ${fmt(median(steady['without endpoint'].p99), 1)} ms without the endpoint`,
    );

    // ---- cost on the command path at saturation: without / with an endpoint, alternating
    const rps: Record<'without endpoint' | 'with endpoint', number[]> = { 'without endpoint': [], 'with endpoint': [] };
    const p99: Record<string, number[]> = { 'without endpoint': [], 'with endpoint': [] };
    const drainRates: number[] = [];
    for (let round = 0; round < opts.rounds; round++) {
      for (const mode of rotate(['without endpoint', 'with endpoint'] as const, round)) {
        await ensure(Math.ceil(opts.satSeconds * 600));
        const hook = mode === 'with endpoint' ? await api('POST', '/webhooks', { url: `http://127.0.0.1:${receiver.port}/hook` }) : null;
        await drain();
        const r = await choiceRun({ duration: opts.satSeconds, connections: opts.connections }, `saturation ${mode}`);
        rps[mode].push(r.rps);
        p99[mode].push(r.p99);
        const before = receiver.lags.size;
        const t0 = Date.now();
        await drain();
        if (hook) drainRates.push((receiver.lags.size - before) / Math.max(0.001, (Date.now() - t0) / 1000));
        if (hook) await api('DELETE', `/webhooks/${hook.webhookId}`);
      }
    }
    const w = median(rps['with endpoint']);
    const wo = median(rps['without endpoint']);
    section.tables.push({
      caption: 'Command throughput (POST /disputes/{id}/choice, closed loop)',
      table: {
        headers: ['', 'req/s (median)', 'p99 ms (median)', 'rounds'],
        rows: [
          ['without endpoint', fmt(wo, 0), fmt(median(p99['without endpoint']), 1), rps['without endpoint'].map((x) => fmt(x, 0)).join(' / ')],
          ['with endpoint', fmt(w, 0), fmt(median(p99['with endpoint']), 1), rps['with endpoint'].map((x) => fmt(x, 0)).join(' / ')],
        ],
      },
    });
    section.notes.push(
      `After each saturation run with the endpoint, the backlog it left drained at ${drainRates.map((x) => fmt(x, 0)).join(' / ')} messages/s (one endpoint, WEBHOOK_CONCURRENCY 16): above that sustained rate messages queue (durably) and the lag grows.`,
    );
    console.log(`[webhooks] saturation (closed loop): ${fmt(w, 0)} req/s with the endpoint vs ${fmt(wo, 0)} req/s without (${fmt(100 * ratio(w, wo), 0)} %)`);
    section.notes.push(`With an endpoint the command path keeps ${fmt(100 * ratio(w, wo), 0)} % of its throughput (${fmt(w, 0)} vs ${fmt(wo, 0)} req/s): the fan-out and the sends run in the same process and database as the commands.`);
  } finally {
    await service?.stop();
    await receiver.close();
    await admin.end().catch(() => undefined);
    await store.close().catch(() => undefined);
    await sqlDb.close().catch(() => undefined);
    await db.drop();
  }
}
