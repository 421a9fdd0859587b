#!/usr/bin/env node
/**
 * Console benchmark: how long the case page of a case with 1,000 events takes to render in Chromium.
 *
 *   npm run bench:console [-- --events=1000 --runs=10]
 *
 * The real service runs on a throwaway PostgreSQL database. A late order's dispute is opened and put
 * under review over HTTP (3 events); the remaining events are appended to the same stream directly
 * through the event store (adjudicator notes, an event type the dispute's evolve ignores, so the case
 * stays under review; the service serves them in the timeline like any other event). Then Chromium
 * (Debian's, via playwright-core) opens /console/cases/{id} signed in, 1 warm-up + `runs` times, each in a
 * fresh browser context (empty cache: HTML, scripts and styles are fetched every time), and the page
 * reports (Performance API marks and resource timings, read in the page; main-thread busy time from the
 * DevTools protocol's TaskDuration):
 *  - end to end: navigation start until the page is drawn and interactive — the `console:case-drawn` mark,
 *    set in the first task after the animation frame that follows the render of the events table and the
 *    Revision slider (so HTML, entry script, the three API calls, parsing, rendering, layout and paint are
 *    all inside it, and the main thread is free again); the parts: HTML, entry script, first API request,
 *    last API answer, `console:case-rendered`;
 *  - slider move: the slider set from the first to the last revision → the state panel showing it;
 *  - the timeline over HTTP from Node, as the contract answers it (`?states=all`) and as the page asks
 *    for it (`?states=changed`).
 * Figures: median, nearest-rank p95 and range over the counted runs, with the machine's load average
 * before and after (and per run); printed (and meant for BENCHMARKS.md), never judged.
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

interface Run {
  drawn: number;
  rendered: number;
  html: number;
  script: number;
  apiStart: number;
  apiEnd: number;
  timeline: number;
  dispute: number;
  order: number;
  slider: number;
  busyLoad: number;
  busySlider: number;
  load1: number;
}

/** Nearest-rank 95th percentile. */
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.max(0, Math.ceil(0.95 * xs.length) - 1)];

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { events: { type: 'string', default: '1000' }, runs: { type: 'string', default: '10' } } });
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
    const adjClaims = { sub: 'bench-adjudicator', role: 'adjudicator' };
    // The timeline as the contract answers it (a state on every event) against the page's ?states=changed.
    const timelineHttp: Record<'all' | 'changed', { ms: number[]; bytes: number }> = { all: { ms: [], bytes: 0 }, changed: { ms: [], bytes: 0 } };
    for (let i = 0; i < 4; i++) {
      for (const states of ['all', 'changed'] as const) {
        const t0 = performance.now();
        const tl = await call(svc.url, 'GET', `/disputes/${disputeId}/timeline?states=${states}`, undefined, adjClaims);
        if (i > 0) timelineHttp[states].ms.push(performance.now() - t0);
        if (tl.items.length !== total) throw new Error(`the timeline has ${tl.items.length} events, expected ${total}`);
        timelineHttp[states].bytes = JSON.stringify(tl).length;
      }
    }

    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
    const version = browser.version();
    const adj = await token(adjClaims);
    const results: Run[] = [];
    const loadBefore = os.loadavg();
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
        // The page marks when the events stood on it and when that frame was drawn (apps/console/src/pages/case.tsx);
        // functions, not strings, are evaluated: the console's CSP forbids eval, also of a test tool's predicate strings.
        await page.waitForFunction(() => performance.getEntriesByName('console:case-drawn').length > 0, undefined, { timeout: 60_000 }).catch(async (e) => {
          const text = await page.locator('main').innerText().catch(() => '?');
          throw new Error(`${(e as Error).message}; page errors: ${errors.join('; ') || 'none'}; the page shows: ${text.slice(0, 300)} … ${text.slice(-1200)}`);
        });
        const busyLoad = (await busy()) - busy0;
        const m = await page.evaluate(
          ({ n, id }) => {
            const at = (name: string) => performance.getEntriesByName(name)[0].startTime;
            const doc = (globalThis as any).document;
            const rows = doc.querySelectorAll('.events-table tbody tr').length;
            if (rows !== Math.min(n, 100)) throw new Error(`${rows} rows rendered, expected the first ${Math.min(n, 100)} of ${n}`);
            if (!doc.getElementById('revision') || doc.getElementById('revision').max !== String(n - 1)) throw new Error('the Revision slider does not span every event');
            const res = performance.getEntriesByType('resource') as unknown as { name: string; startTime: number; responseEnd: number }[];
            const find = (test: (path: string) => boolean) => res.find((e) => test(new URL(e.name).pathname));
            const nav = (performance as any).getEntriesByType('navigation')[0] as { responseEnd: number };
            const entry = find((p) => /\/console\/assets\/index-[^/]+\.js$/.test(p));
            const tl = find((p) => p.endsWith('/timeline'));
            const dispute = find((p) => p === `/disputes/${id}`);
            const order = find((p) => p.startsWith('/orders/'));
            const api = [tl, dispute, order].filter((x): x is NonNullable<typeof x> => !!x);
            return {
              drawn: at('console:case-drawn'),
              rendered: at('console:case-rendered'),
              html: nav.responseEnd,
              script: entry ? entry.responseEnd : NaN,
              apiStart: Math.min(...api.map((x) => x.startTime)),
              apiEnd: Math.max(...api.map((x) => x.responseEnd)),
              timeline: tl ? tl.responseEnd - tl.startTime : NaN,
              dispute: dispute ? dispute.responseEnd - dispute.startTime : NaN,
              order: order ? order.responseEnd - order.startTime : NaN,
            };
          },
          { n: total, id: disputeId },
        );
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
        const r: Run = { ...m, slider, busyLoad, busySlider, load1: os.loadavg()[0] };
        if (run > 0) results.push(r); // run 0 warms the service and the browser's cache
        console.log(
          `run ${run}${run === 0 ? ' (warm-up, not counted)' : ''}: navigation→drawn ${m.drawn.toFixed(0)} ms (html ${m.html.toFixed(0)}, script ${m.script.toFixed(0)}, ` +
            `API ${m.apiStart.toFixed(0)}→${m.apiEnd.toFixed(0)}, rendered ${m.rendered.toFixed(0)}; main thread busy ${busyLoad.toFixed(0)} ms), ` +
            `slider first→last ${slider.toFixed(0)} ms (busy ${busySlider.toFixed(0)} ms), load ${r.load1.toFixed(1)}`,
        );
        await context.close();
      }
    } finally {
      await browser.close();
    }
    const loadAfter = os.loadavg();
    const machine = await machineInfo(PG_ADMIN_URL);
    const row = (name: string, xs: number[]) => `| ${name} | ${median(xs).toFixed(0)} ms | ${p95(xs).toFixed(0)} ms | ${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)} ms |`;
    const col = (k: keyof Run) => results.map((r) => r[k]);
    console.log(`\n### Console: case page with ${total} events (${runs} runs; Chromium ${version})`);
    console.log(`machine: ${JSON.stringify(machine)}`);
    console.log(
      `load average (1/5/15 min) before the runs: ${loadBefore.map((x) => x.toFixed(1)).join(' / ')}, after: ${loadAfter.map((x) => x.toFixed(1)).join(' / ')} on ${os.cpus().length} cores; ` +
        `per run (1 min): ${results.map((r) => r.load1.toFixed(1)).join(', ')}\n`,
    );
    console.log('| measure | median | p95 | range |\n|---|---|---|---|');
    console.log(row('**navigation → page drawn and interactive (end to end: HTML, scripts, API calls, render, paint)**', col('drawn')));
    console.log(row('navigation → events table and Revision slider rendered', col('rendered')));
    console.log(row('navigation → HTML received', col('html')));
    console.log(row('navigation → entry script received', col('script')));
    console.log(row('navigation → first API request', col('apiStart')));
    console.log(row('navigation → last API answer', col('apiEnd')));
    console.log(row(`GET /disputes/{id}/timeline?states=changed in the page (${(timelineHttp.changed.bytes / 1024).toFixed(0)} KiB)`, col('timeline')));
    console.log(row('GET /disputes/{id} in the page', col('dispute')));
    console.log(row('GET /orders/{id} in the page (after the dispute)', col('order')));
    console.log(row('last API answer → drawn (parse, render, layout, paint)', results.map((r) => r.drawn - r.apiEnd)));
    console.log(row('page main thread busy (CPU) during the load', col('busyLoad')));
    console.log(row('Revision slider first → last, state shown', col('slider')));
    console.log(row('page main thread busy (CPU) for that slider move', col('busySlider')));
    console.log(row(`timeline over HTTP from Node, ?states=all (the contract's default, ${(timelineHttp.all.bytes / 1024).toFixed(0)} KiB)`, timelineHttp.all.ms));
    console.log(row(`timeline over HTTP from Node, ?states=changed (${(timelineHttp.changed.bytes / 1024).toFixed(0)} KiB)`, timelineHttp.changed.ms));
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
