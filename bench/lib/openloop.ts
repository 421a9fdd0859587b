/**
 * Open-loop load: requests started by the clock (request i at t0 + i / rate), whether or not the earlier ones
 * were answered — unlike a closed loop (autocannon's connections, even with a rate) a slow answer never delays
 * the next request, so the offered rate stays the one asked for and latencies are measured from the moment
 * each request was due (no coordinated omission). Runs in its own process pinned to core 1.
 *
 * Kind: POST /disputes/{id}/choice, one not-yet-chosen open dispute per request (targets[offset..]), with the
 * token of the dispute's merchant (the three options rotate as in loadgen.ts).
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import { runGenerator } from './load';
import { CHOICES } from './loadgen';
import type { Child } from './service';
import { summarize } from './stats';

export interface OpenLoopSpec {
  url: string;
  /** requests per second */
  rate: number;
  seconds: number;
  targetsFile: string;
  offset: number;
  tokens: Record<string, string>;
}

export interface OpenLoopResult {
  /** requests started */
  sent: number;
  ok: number;
  failed: number;
  /** the rate achieved (started requests / the time it took to start them) */
  startedPerSecond: number;
  /** latency from the moment the request was due to its answer (ms) */
  p50: number;
  p99: number;
  max: number;
  /** the most a request was started after it was due (ms): the generator keeping its clock */
  maxStartDelay: number;
  used: number;
  errorSamples: string[];
}

async function main() {
  const spec = JSON.parse(fs.readFileSync(process.argv[2], 'utf8')) as OpenLoopSpec;
  const targets = JSON.parse(fs.readFileSync(spec.targetsFile, 'utf8')) as { disputeId: string; merchantId: string }[];
  const url = new URL(spec.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 512 });
  const total = Math.round(spec.rate * spec.seconds);
  if (spec.offset + total > targets.length) throw new Error(`out of open disputes: ${targets.length - spec.offset} for ${total} requests`);
  const latencies: number[] = [];
  const errorSamples: string[] = [];
  let ok = 0;
  let failed = 0;
  let maxStartDelay = 0;
  const inflight: Promise<void>[] = [];
  const fire = (i: number, due: number) =>
    new Promise<void>((resolve) => {
      const t = targets[spec.offset + i];
      const body = CHOICES[(spec.offset + i) % 3];
      const req = http.request(
        {
          agent,
          host: url.hostname,
          port: url.port,
          method: 'POST',
          path: `/disputes/${t.disputeId}/choice`,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization: `Bearer ${spec.tokens[t.merchantId]}` },
          timeout: 30_000,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            latencies.push(performance.now() - due);
            if ((res.statusCode ?? 0) < 300) ok++;
            else {
              failed++;
              if (errorSamples.length < 5) errorSamples.push(`${res.statusCode} ${Buffer.concat(chunks).toString('utf8').slice(0, 300)}`);
            }
            resolve();
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error('timed out after 30 s')));
      req.on('error', (e) => {
        failed++;
        if (errorSamples.length < 5) errorSamples.push(e.message);
        resolve();
      });
      req.end(body);
    });
  const t0 = performance.now() + 20;
  let i = 0;
  while (i < total) {
    const now = performance.now();
    // Start every request that is due by now (several at once if the timer fired late).
    while (i < total && t0 + (i * 1000) / spec.rate <= now) {
      const due = t0 + (i * 1000) / spec.rate;
      maxStartDelay = Math.max(maxStartDelay, now - due);
      inflight.push(fire(i, due));
      i++;
    }
    if (i < total) await new Promise((r) => setTimeout(r, Math.max(0, t0 + (i * 1000) / spec.rate - performance.now())));
  }
  const startedIn = (performance.now() - t0) / 1000;
  await Promise.all(inflight);
  agent.destroy();
  const s = summarize(latencies);
  const out: OpenLoopResult = {
    sent: total,
    ok,
    failed,
    startedPerSecond: total / Math.max(startedIn, 1e-3),
    p50: s.p50,
    p99: s.p99,
    max: s.max,
    maxStartDelay,
    used: total,
    errorSamples,
  };
  fs.writeFileSync(process.argv[3], JSON.stringify(out));
}

/** Runs an open-loop load in a child process pinned to core 1; fails when `target` died meanwhile. */
export function runOpenLoop(spec: OpenLoopSpec, target?: Child): Promise<OpenLoopResult> {
  return runGenerator<OpenLoopResult>(__filename, 'open-loop load generator', spec, target);
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
