#!/usr/bin/env node
/**
 * Benchmarks (see BENCHMARKS.md). Run with `npm run bench` (full) or `npm run bench:quick` (CI smoke: small
 * counts, prints figures, fails only on errors, never on slowness).
 *
 *   node dist/bench/main.js [--quick] [--only=append,http,history,webhooks] [--no-write] [--profile]
 *
 * Every comparison is measured in the same run, alternating between the contenders; figures are medians
 * over rounds and ratios of medians. Results are printed and written into BENCHMARKS.md between the
 * markers of the mode (the rest of the file is left as it is).
 */
import 'reflect-metadata';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { machineInfo } from './lib/machine';
import { dropAllThrowaway, PG_ADMIN_URL } from './lib/pg';
import { Report } from './lib/report';
import { ROOT, stopAllChildren } from './lib/service';
import { appendSuite } from './suites/append';
import { httpSuite } from './suites/http';
import { historySuite } from './suites/history';
import { simulationSuite } from './suites/simulation';
import { webhooksSuite } from './suites/webhooks';


const SUITES = ['append', 'http', 'history', 'simulation', 'webhooks'] as const;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      'no-write': { type: 'boolean', default: false },
      profile: { type: 'boolean', default: false },
      events: { type: 'string' },
    },
    strict: true,
  });
  const quick = values.quick === true;
  const profile = values.profile === true;
  const only = values.only ? values.only.split(',').map((s) => s.trim()) : [...SUITES];
  for (const s of only) if (!(SUITES as readonly string[]).includes(s)) throw new Error(`unknown suite ${s}; known: ${SUITES.join(', ')}`);
  const event = process.env.npm_lifecycle_event;
  const extra = process.argv.slice(2).filter((a, i) => !(event === 'bench:quick' && i === 0 && a === '--quick'));
  const command = event?.startsWith('bench')
    ? `npm run ${event}${extra.length ? ` -- ${extra.join(' ')}` : ''}`
    : `node dist/bench/main.js ${process.argv.slice(2).join(' ')}`.trim();
  const report = new Report(quick ? 'quick' : 'full', command, await machineInfo(PG_ADMIN_URL));
  console.log(`benchmarks, ${report.mode} mode: ${only.join(', ')}`);
  console.log(`machine: ${JSON.stringify(report.machine)}`);

  const printNew = (from: number) => report.sections.slice(from).forEach((s) => Report.printSection(s));
  const run = async (name: string, fn: () => Promise<void>) => {
    if (!only.includes(name)) return;
    const before = report.sections.length;
    const t0 = Date.now();
    const load0 = os.loadavg()[0];
    console.log(`\n>>> ${name}`);
    await fn();
    const load1 = os.loadavg()[0];
    for (const s of report.sections.slice(before)) s.notes.push(`Machine load average (1 min) at the start / end of this suite: ${load0.toFixed(1)} / ${load1.toFixed(1)} (${os.cpus().length} cores; anything well above the benchmark's own load means other processes shared the machine).`);
    printNew(before);
    console.log(`<<< ${name} (${Math.round((Date.now() - t0) / 1000)} s)`);
  };

  await run('append', () =>
    appendSuite(report, quick
      ? { rounds: 2, writers: [1, 16], ops: { 1: 200, 16: 1000 }, pgliteOps: { 1: 200, 16: 400 }, streamsPerWriter: 20, profile }
      : { rounds: 5, writers: [1, 16], ops: { 1: 2000, 16: 12000 }, pgliteOps: { 1: 2000, 16: 4000 }, streamsPerWriter: 20, profile }),
  );
  await run('http', () =>
    httpSuite(report, quick
      ? { rounds: 1, satSeconds: 2, rateSeconds: 2, connections: 32, lagSeconds: 3, lagRate: 50, profile }
      : { rounds: 3, satSeconds: 10, rateSeconds: 10, connections: 32, lagSeconds: 30, lagRate: 100, profile }),
  );
  await run('history', () =>
    historySuite(report, quick
      ? { smallEvents: 10_000, largeEvents: Number(values.events ?? 20_000), rebuildRounds: 1, scanRounds: 2, scaleSeconds: 2, scaleRate: 100, scaleRounds: 1, replayRequests: 30, replayRounds: 1, profile }
      : { smallEvents: 10_000, largeEvents: Number(values.events ?? 1_000_000), rebuildRounds: 2, scanRounds: 3, scaleSeconds: 10, scaleRate: 100, scaleRounds: 3, replayRequests: 300, replayRounds: 3, profile }),
  );

  await run('simulation', () => simulationSuite(report, quick ? { events: Number(values.events ?? 20_000), rounds: 1 } : { events: Number(values.events ?? 1_000_000), rounds: 2 }));
  await run('webhooks', () =>
    webhooksSuite(report, quick ? { rounds: 1, lagRate: 50, lagSeconds: 5, satSeconds: 2, connections: 16 } : { rounds: 2, lagRate: 50, lagSeconds: 30, satSeconds: 5, connections: 32 }),
  );

  if (!values['no-write']) {
    const file = path.join(ROOT, 'BENCHMARKS.md');
    report.write(file);
    console.log(`\nwrote ${file} (${report.mode} section)`);
  }
  if (report.failures.length) {
    console.error(`\nFAILED: ${report.failures.length} run(s) had errors:\n  ${report.failures.join('\n  ')}`);
    return 1;
  }
  const missed = report.sections.flatMap((s) => s.targets).filter((t) => !t.met);
  console.log(`\n${report.sections.flatMap((s) => s.targets).length - missed.length} targets met, ${missed.length} missed${quick ? ' (quick mode: counts are too small to judge; figures are informative only)' : ''}.`);
  return 0;
}

main()
  .catch((e) => {
    console.error(e instanceof Error ? (e.stack ?? e.message) : e);
    return 1;
  })
  .then(async (code) => {
    await stopAllChildren();
    await dropAllThrowaway();
    process.exit(code);
  });
