#!/usr/bin/env node
/**
 * Console benchmark: how long the case page of a case with 1,000 events takes to render in Chromium.
 *
 *   npm run bench:console [-- --events=1000 --runs=5]
 *
 * The real service runs on a throwaway PostgreSQL database. A late order's dispute is opened and put
 * under review over HTTP (3 events); the remaining events are appended to the same stream directly
 * through the event store (adjudicator notes, an event type the dispute's evolve ignores, so the case
 * stays under review; the service serves them in the timeline like any other event). Then Chromium
 * (Debian's, via playwright-core) opens /console/cases/{id} signed in, `runs` times, and the page
 * reports (Performance API marks the page sets, read in the page; main-thread busy time from the
 * DevTools protocol's TaskDuration, which a loaded machine inflates far less than wall time):
 *  - load → rendered: navigation start until the events table holds every event with the Revision slider
 *    (the page's `console:case-rendered` mark; includes fetching the dispute, its timeline and the order);
 *  - render only: the timeline's response end → that mark;
 *  - slider move: the slider set from the first to the last revision → the state panel showing it.
 * Figures are medians; they are printed (and meant for BENCHMARKS.md), never judged.
 */
import 'reflect-metadata';
import { parseArgs } from 'node:util';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { SignJWT } from 'jose';
import { disputeStream } from '@app/domain';
import { createEventStore } from '@app/event-store';
import { createThrowawayDb, PG_ADMIN_URL } from './lib/pg';
import { SECRET, startService, stopAllChildren } from './lib/service';
import { machineInfo } from './lib/machine';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

const token = (claims: Record<string, unknown>) =>
  new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuedAt().setExpirationTime('1h').sign(new TextEncoder().encode(SECRET));

async function call(base: string, method: string, path: string, body: unknown, claims: Record<string, unknown>): Promise<any> {
  const res = await fetch(base + path, {
    method,
    headers: { authorization: `Bearer ${await token(claims)}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json().catch(() => null);
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(json)}`);
  return json;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { events: { type: 'string', default: '1000' }, runs: { type: 'string', default: '5' } } });
  const total = Number(values.events);
  const runs = Number(values.runs);
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  const { chromium } = await import('playwright-core');
  const db = await createThrowawayDb('console');
  try {
    const svc = await startService('console', { databaseUrl: db.url });
    const P = { sub: 'bench-platform', role: 'platform' };
    const placedAt = new Date(Date.now() - 3 * 86400_000).toISOString();
    const orderId = `o-bench-${Date.now().toString(36)}`;
    const merchantId = 'm-bench-console';
    await call(svc.url, 'POST', '/orders', { orderId, merchantId, consumerId: 'c-bench', placedAt, paymentMethod: 'ONLINE', orderKind: 'STANDARD', amount: 9900 }, P);
    await call(svc.url, 'POST', `/orders/${orderId}/facts`, { type: 'PAID', occurredAt: placedAt }, P);
    const { disputeId } = await call(svc.url, 'POST', '/disputes', { orderId }, P);
    await call(
      svc.url,
      'POST',
      `/disputes/${disputeId}/choice`,
      { option: 'NO_FAULT_DEFENSE', defense: { reason: 'FORCE_MAJEURE', statement: 'Typhoon' }, evidence: [{ kind: 'DOCUMENT', ref: 'oss://evidence/typhoon.pdf' }] },
      { sub: 'bench-merchant', role: 'merchant', merchantId },
    );
    const stream = disputeStream(disputeId);
    const handles = await createEventStore({ kind: 'postgres', databaseUrl: db.url, poolSize: 2 });
    try {
      const have = (await handles.store.readStream(stream)).length;
      const notes = Array.from({ length: total - have }, (_, i) => ({
        type: 'AdjudicatorNoteAdded',
        data: { disputeId, note: `note ${i + 1}: checked the carrier's scan history and the chat log again` },
        metadata: { actor: { sub: `adjudicator-${(i % 3) + 1}`, role: 'adjudicator' }, correlationId: `bench-${i}` },
      }));
      for (let i = 0; i < notes.length; i += 200) await handles.store.appendToStream(stream, notes.slice(i, i + 200));
    } finally {
      await handles.close();
    }
    const timeline = await call(svc.url, 'GET', `/disputes/${disputeId}/timeline`, undefined, { sub: 'bench-adjudicator', role: 'adjudicator' });
    if (timeline.items.length !== total) throw new Error(`the timeline has ${timeline.items.length} events, expected ${total}`);
    const timelineBytes = JSON.stringify(timeline).length;

    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
    const adj = await token({ sub: 'bench-adjudicator', role: 'adjudicator' });
    const results: { load: number; render: number; http: number; slider: number; busyLoad: number; busySlider: number }[] = [];
    try {
      for (let run = 0; run < runs + 1; run++) {
        const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
        await context.addInitScript({ content: `sessionStorage.setItem('dispute-console.token', ${JSON.stringify(adj)});` });
        const page = await context.newPage();
        const errors: string[] = [];
        page.on('pageerror', (e) => errors.push(e.message));
        const cdp = await context.newCDPSession(page);
        await cdp.send('Performance.enable');
        const busy = async () => ((await cdp.send('Performance.getMetrics')).metrics.find((x) => x.name === 'TaskDuration')?.value ?? NaN) * 1000;
        const busy0 = await busy();
        await page.goto(`${svc.url}/console/cases/${disputeId}`, { waitUntil: 'commit' });
        // The page marks when the events first stood on it (apps/console/src/pages/case.tsx); functions, not
        // strings, are evaluated: the console's CSP forbids eval, also of a test tool's predicate strings.
        await page.waitForFunction(() => performance.getEntriesByName('console:case-rendered').length > 0, undefined, { timeout: 60_000 }).catch(async (e) => {
          const text = await page.locator('main').innerText().catch(() => '?');
          throw new Error(`${(e as Error).message}; page errors: ${errors.join('; ') || 'none'}; the page shows: ${text.slice(0, 300)} … ${text.slice(-1200)}`);
        });
        const busyLoad = (await busy()) - busy0;
        const m = await page.evaluate((n) => {
          const mark = performance.getEntriesByName('console:case-rendered')[0];
          const rows = (globalThis as any).document.querySelectorAll('.events-table tbody tr').length;
          const tl = performance.getEntriesByType('resource').find((e) => e.name.includes('/timeline')) as unknown as { responseEnd: number; startTime: number } | undefined;
          if (rows !== Math.min(n, 100)) throw new Error(`${rows} rows rendered, expected the first ${Math.min(n, 100)} of ${n}`);
          return { load: mark.startTime, render: tl ? mark.startTime - tl.responseEnd : NaN, http: tl ? tl.responseEnd - tl.startTime : NaN };
        }, total);
        await page.locator('#revision').focus();
        await page.keyboard.press('Home');
        const busy1 = await busy();
        const t0 = await page.evaluate(() => {
          const slider = (globalThis as any).document.getElementById('revision');
          performance.clearMarks('console:revision-shown');
          const t = performance.now();
          slider.value = slider.max;
          slider.dispatchEvent(new Event('input', { bubbles: true }));
          return t;
        });
        await page.waitForFunction(() => performance.getEntriesByName('console:revision-shown').length > 0);
        const slider = (await page.evaluate(() => performance.getEntriesByName('console:revision-shown')[0].startTime)) - t0;
        const busySlider = (await busy()) - busy1;
        const shown = await page.getByTestId('revision-value').textContent();
        if (!shown?.startsWith(`${total - 1} /`)) throw new Error(`the slider shows ${shown}`);
        if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
        if (run > 0) results.push({ load: m.load, render: m.render, http: m.http, slider, busyLoad, busySlider }); // run 0 warms the service and the browser's cache
        console.log(
          `run ${run}${run === 0 ? ' (warm-up, not counted)' : ''}: load→rendered ${m.load.toFixed(0)} ms (page main thread busy ${busyLoad.toFixed(0)} ms), ` +
            `render only ${m.render.toFixed(0)} ms, slider first→last ${slider.toFixed(0)} ms (busy ${busySlider.toFixed(0)} ms)`,
        );
        await context.close();
      }
    } finally {
      await browser.close();
    }
    const machine = await machineInfo(PG_ADMIN_URL);
    const row = (name: string, xs: number[]) => `| ${name} | ${median(xs).toFixed(0)} ms | ${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)} ms |`;
    console.log(`\n### Console: case page with ${total} events (${runs} runs, medians; Chromium ${(await (await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS })).version())})`);
    console.log(`timeline answer: ${(timelineBytes / 1024).toFixed(0)} KiB; machine: ${JSON.stringify(machine)}\n`);
    console.log('| measure | median | range |\n|---|---|---|');
    console.log(row('navigation → every event rendered (HTTP included)', results.map((r) => r.load)));
    console.log(row(`of which GET /disputes/{id}/timeline (${total} events with their states, over HTTP)`, results.map((r) => r.http)));
    console.log(row('timeline response → every event rendered (parse, render, layout)', results.map((r) => r.render)));
    console.log(row('page main thread busy (CPU) during that load', results.map((r) => r.busyLoad)));
    console.log(row('Revision slider first → last, state shown', results.map((r) => r.slider)));
    console.log(row('page main thread busy (CPU) for that slider move', results.map((r) => r.busySlider)));
    console.log(`load average (1 min) at the end: ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores`);
    await svc.stop();
  } finally {
    await stopAllChildren();
    await db.drop();
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
