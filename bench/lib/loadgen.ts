/**
 * Load generator: autocannon in its own process (pinned to core 1 by the caller). Reads a spec (JSON file
 * given as argv[2]), writes the result as JSON to argv[3].
 *
 * Request kinds:
 *  - choice: POST /disputes/{id}/choice, one not-yet-chosen open dispute per request (targets[offset..]),
 *    with the token of the dispute's merchant; the option rotates OUT_OF_STOCK_REFUND / SHIPPED_WITH_PICKUP /
 *    NO_FAULT_DEFENSE (SHIPPED_WITHIN_DEADLINE) — all three valid for the seeded cases;
 *  - facts: POST /orders/{id}/facts, a WAYBILL_UPLOADED with a unique waybill number, orders round-robin;
 *  - bare: POST /bare/{n} with the choice body (the bare Fastify route);
 *  - fixed: `method` on `paths` (picked at random), optional body, one token.
 * Latency percentiles are computed from every response's own time (ms, float) as autocannon reports it per
 * response; autocannon's coordinated-omission-corrected p99 (integer ms) is returned too for fixed-rate runs.
 */
import * as fs from 'node:fs';
import { summarize } from './stats';

export interface LoadSpec {
  url: string;
  kind: 'choice' | 'facts' | 'bare' | 'fixed';
  connections: number;
  duration?: number;
  amount?: number;
  overallRate?: number;
  targetsFile?: string;
  offset?: number;
  tokens: Record<string, string>;
  occurredAt?: string;
  method?: 'GET' | 'POST';
  paths?: string[];
  body?: string;
  /** record (monotonic time, X-Event-Position) of every 2xx response */
  recordPositions?: boolean;
}

export interface LoadResult {
  requests: number;
  seconds: number;
  rps: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  p50: number;
  p99: number;
  p999: number;
  max: number;
  /** autocannon's p99 (integer ms, corrected for coordinated omission when a rate is set) */
  acP99: number;
  used: number;
  positions?: [number, string][];
  /** up to 5 bodies of non-2xx responses (status + first 300 characters) */
  errorSamples: string[];
}

/** The choice bodies the choice loads rotate through (request i sends CHOICES[i % 3]): all three valid for the seeded cases. */
export const CHOICES = [
  JSON.stringify({ option: 'OUT_OF_STOCK_REFUND' }),
  JSON.stringify({ option: 'SHIPPED_WITH_PICKUP', evidence: [{ kind: 'PHOTO', ref: 'oss://evidence/pickup.png' }] }),
  JSON.stringify({ option: 'NO_FAULT_DEFENSE', defense: { reason: 'SHIPPED_WITHIN_DEADLINE', statement: 'Shipped on time; see the pickup scan.' } }),
];

async function main() {
  const spec = JSON.parse(fs.readFileSync(process.argv[2], 'utf8')) as LoadSpec;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const autocannon = require('autocannon') as (opts: any) => any;
  const targets: any[] = spec.targetsFile ? JSON.parse(fs.readFileSync(spec.targetsFile, 'utf8')) : [];
  let next = spec.offset ?? 0;
  let used = 0;
  const positions: [number, string][] = [];
  const json = { 'content-type': 'application/json' };
  const auth = (t: string) => ({ authorization: `Bearer ${t}` });
  let setupRequest: (req: any) => any;
  switch (spec.kind) {
    case 'choice':
      setupRequest = (req) => {
        const i = next++;
        // never reuse a dispute (a second choice is a 409): the caller seeds enough; running out is a bench bug
        if (i >= targets.length) throw new Error(`out of open disputes (${targets.length}) for the choice run`);
        const t = targets[i];
        used++;
        return { ...req, method: 'POST', path: `/disputes/${t.disputeId}/choice`, headers: { ...json, ...auth(spec.tokens[t.merchantId]) }, body: CHOICES[i % 3] };
      };
      break;
    case 'facts':
      setupRequest = (req) => {
        const i = next++;
        const t = targets[i % targets.length];
        used++;
        const body = JSON.stringify({ type: 'WAYBILL_UPLOADED', occurredAt: spec.occurredAt, carrier: 'SF', waybillNo: `W${process.pid}x${i}` });
        return { ...req, method: 'POST', path: `/orders/${t.orderId}/facts`, headers: { ...json, ...auth(spec.tokens.platform) }, body };
      };
      break;
    case 'bare':
      setupRequest = (req) => {
        const i = next++;
        used++;
        return { ...req, method: 'POST', path: `/bare/${i}`, headers: { ...json, ...auth(spec.tokens.platform ?? 'x') }, body: CHOICES[i % 3] };
      };
      break;
    default: {
      const paths = spec.paths ?? ['/'];
      setupRequest = (req) => {
        used++;
        const p = paths[Math.floor(Math.random() * paths.length)];
        return { ...req, method: spec.method ?? 'GET', path: p, headers: { ...(spec.body ? json : {}), ...auth(spec.tokens.default) }, ...(spec.body ? { body: spec.body } : {}) };
      };
    }
  }
  const errorSamples: string[] = [];
  const onResponse = (status: number, body: string, _ctx: unknown, headers: Record<string, string>) => {
    if (spec.recordPositions && status < 300 && headers['x-event-position']) positions.push([Number(process.hrtime.bigint()) / 1e6, headers['x-event-position']]);
    if (status >= 300 && errorSamples.length < 5) errorSamples.push(`${status} ${String(body).slice(0, 300)}`);
  };
  const times: number[] = [];
  const opts: any = {
    url: spec.url,
    connections: spec.connections,
    pipelining: 1,
    timeout: 30,
    requests: [{ setupRequest, onResponse }],
  };
  if (spec.duration) opts.duration = spec.duration;
  if (spec.amount) opts.amount = spec.amount;
  if (spec.overallRate) opts.overallRate = spec.overallRate;
  const instance = autocannon(opts);
  instance.on('response', (_client: unknown, status: number, _bytes: number, responseTime: number) => {
    if (status < 400) times.push(responseTime);
  });
  const result: any = await instance;
  const s = summarize(times);
  const statusCodes: Record<string, number> = {};
  for (const [k, v] of Object.entries(result.statusCodeStats ?? {})) statusCodes[k] = (v as { count: number }).count;
  const requests = Object.values(statusCodes).reduce((a, b) => a + b, 0);
  const out: LoadResult = {
    requests,
    seconds: result.duration,
    rps: result['2xx'] / result.duration,
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes,
    p50: s.p50,
    p99: s.p99,
    p999: s.p999,
    max: s.max,
    acP99: result.latency?.p99 ?? NaN,
    used,
    errorSamples,
    ...(spec.recordPositions ? { positions } : {}),
  };
  fs.writeFileSync(process.argv[3], JSON.stringify(out));
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
