/**
 * The web console in a real browser (Debian's Chromium driven by playwright-core) against the real
 * service on PostgreSQL: an adjudicator works a case from the queue to its judgement, an auditor
 * verifies a stream and an inclusion proof in the browser, then sees the chain broken at the revision
 * an insider altered directly in the database. Every page: no uncaught error, no CSP violation, no
 * serious or critical axe violation, a screenshot in artifacts/console-screenshots/.
 */
import { randomBytes } from 'node:crypto';
import { DateTime } from 'luxon';
import { Client } from 'pg';
import type { Browser } from 'playwright-core';
import { Ed25519CheckpointSigner } from '@app/audit';
import { Api, expectStatus } from './support/http';
import { TestServer } from './support/server';
import { as, mint } from './support/tokens';
import { DOCUMENT_EVIDENCE, Fixtures, HOUR, iso, uid } from './support/fixtures';
import { launchChromium, WatchedPage } from './support/browser';

jest.setTimeout(180_000);

/** Retries `read` until it equals (or, for a RegExp, matches) `want`, for up to `ms`; then asserts. */
async function poll<T>(read: () => Promise<T>, want: T | RegExp, ms = 15_000): Promise<void> {
  const ok = (v: T) => (want instanceof RegExp ? want.test(String(v)) : v === want);
  const deadline = Date.now() + ms;
  let v = await read();
  while (!ok(v) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    v = await read();
  }
  if (want instanceof RegExp) expect(String(v)).toMatch(want);
  else expect(v).toBe(want);
}

const SEED = randomBytes(32).toString('base64');
const PINNED_KEY = Ed25519CheckpointSigner.fromSetting(SEED).exportPublicKey().raw;

describe('web console in Chromium (postgres)', () => {
  let server: TestServer;
  let api: Api;
  let f: Fixtures;
  let browser: Browser;
  const pages: WatchedPage[] = [];
  let underReview: { id: string; merchantId: string };
  let other: { id: string; merchantId: string };
  let audited: { id: string; stream: string };

  const url = (p: string) => `${server.baseUrl}${p}`;

  async function reviewCase() {
    const { id, order } = await f.lateDispute();
    const res = await f.choose(id, order.merchantId, { option: 'NO_FAULT_DEFENSE', defense: { reason: 'FORCE_MAJEURE', statement: 'Typhoon closed the warehouse.' }, evidence: DOCUMENT_EVIDENCE });
    expectStatus(res, 200);
    expect(res.body.status).toBe('UNDER_REVIEW');
    return { id, merchantId: order.merchantId };
  }

  async function signIn(w: WatchedPage, token: string) {
    await w.page.getByLabel('Access token').fill(token);
    await w.page.getByRole('button', { name: 'Sign in' }).click();
    await w.page.getByText(/Signed in as/).waitFor();
  }

  async function clean(w: WatchedPage, name: string) {
    await w.screenshot(name);
    expect(await w.axe()).toEqual([]);
    expect(w.problems).toEqual([]);
  }

  beforeAll(async () => {
    [server, browser] = await Promise.all([
      // The scheduler is pushed out of the way (as in week-settlement.e2e-spec.ts): POST /deadlines/run closes weeks.
      TestServer.start('postgres', { AUDIT_SIGNING_KEY: SEED, ADJUDICATION_REVIEW_WINDOW: 'PT1S', DEADLINE_POLL_INTERVAL: 'PT1H' }),
      launchChromium(),
    ]);
    api = new Api(server);
    f = new Fixtures(server);
    underReview = await reviewCase();
    other = await reviewCase();
    const { id, order } = await f.lateDispute();
    expectStatus(await f.choose(id, order.merchantId, { option: 'OUT_OF_STOCK_REFUND' }), 200);
    expectStatus(await f.respond(id, order.consumerId, { accepted: false }), 200);
    audited = { id, stream: `dispute-${id}` };
  });

  afterAll(async () => {
    for (const p of pages) await p.close().catch(() => undefined);
    await browser?.close();
    await server?.dispose();
  });

  it('serves the console and its deep links with a strict Content-Security-Policy and no inline script', async () => {
    for (const p of ['/console', '/console/queue', `/console/cases/${underReview.id}`, '/console/merchants/m-1', '/console/streams/dispute-x', '/console/events']) {
      const res = await fetch(url(p));
      const html = await res.text();
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("default-src 'none'");
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).not.toContain('unsafe-eval');
      expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
      expect(html).not.toMatch(/\sstyle=/);
    }
    const asset = /src="(\/console\/assets\/[^"]+\.js)"/.exec(await (await fetch(url('/console/queue'))).text())![1];
    const js = await fetch(url(asset));
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    const traversal = await fetch(url('/console/assets/..%2f..%2f..%2fpackage.json'));
    expect([403, 404]).toContain(traversal.status);
    expect(await traversal.text()).not.toContain('"dependencies"');
    expect((await fetch(url('/console/nope/deeper'))).status).toBe(404);
  });

  it('an adjudicator finds the case in the queue, replays it with the Revision slider, judges it and sees it leave the queue', async () => {
    const w = await WatchedPage.open(browser);
    pages.push(w);
    const { page } = w;
    await page.goto(url('/console/queue'));
    await w.screenshot('sign-in');
    expect(await w.axe()).toEqual([]);
    const token = await as.adjudicator('adjudicator-console');
    await signIn(w, token);
    // The token lives in the tab's session storage only, never in the URL or in local storage.
    expect(await page.evaluate('Object.values(sessionStorage)')).toContain(token);
    expect(await page.evaluate('JSON.stringify(localStorage)')).not.toContain(token);
    expect(page.url()).not.toContain(token);
    // What an adjudicator may not do is not offered.
    await expect(page.getByRole('link', { name: 'Event streams' }).count()).resolves.toBe(0);

    const queue = page.getByRole('table', { name: 'Adjudication queue' });
    await queue.getByRole('link', { name: underReview.id }).waitFor();
    await expect(queue.getByRole('link', { name: other.id }).count()).resolves.toBe(1);
    await clean(w, 'queue');

    // Filter by merchant: only that merchant's case; it waited past the 1-second review target.
    await page.getByLabel('Merchant id').fill(underReview.merchantId);
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/merchantId=/);
    await poll(() => queue.locator('tbody tr').count(), 1);
    const row = queue.locator(`tr[data-dispute="${underReview.id}"]`);
    await expect(row.getByText('No-fault defense').first().isVisible()).resolves.toBe(true);
    await expect(row.getByText('Overdue').isVisible()).resolves.toBe(true);
    await w.screenshot('queue-filtered');

    await row.getByRole('link', { name: underReview.id }).click();
    await page.waitForURL(`**/console/cases/${underReview.id}`);
    const slider = page.getByLabel('Revision', { exact: true });
    await slider.waitFor();
    const status = page.getByTestId('state-status');
    await expect(status.getAttribute('data-status')).resolves.toBe('UNDER_REVIEW');
    await slider.focus();
    await page.keyboard.press('Home');
    await poll(() => status.getAttribute('data-status'), 'AWAITING_MERCHANT');
    await expect(page.getByTestId('revision-value').textContent()).resolves.toMatch(/^0 \/ 2 · DisputeOpened/);
    await expect(page.getByText('The case begins here.').isVisible()).resolves.toBe(true);
    await page.keyboard.press('ArrowRight');
    await poll(() => page.getByTestId('revision-value').textContent(), /^1 \/ 2 · OptionChosen/);
    await expect(page.getByTestId('changes').locator('tr[data-field="choice.option"]').textContent()).resolves.toContain('NO_FAULT_DEFENSE');
    await page.keyboard.press('End');
    await poll(() => status.getAttribute('data-status'), 'UNDER_REVIEW');
    await expect(page.getByTestId('changes').locator('tr[data-field="status"]').textContent()).resolves.toMatch(/AWAITING_MERCHANT.*UNDER_REVIEW/);
    // The order's facts on the time axis with the shipping clock.
    for (const mark of ['case.clockStart', 'case.due24', 'case.due48', 'case.opened']) await expect(page.locator(`g[data-mark="${mark}"]`).count()).resolves.toBe(1);
    await clean(w, 'case-under-review');

    // Refusals (problem+json) appear next to the fields they name.
    await page.getByRole('button', { name: 'Record judgement' }).click();
    await expect(page.locator('#rationale-error').textContent()).resolves.toMatch(/rationale/);
    await expect(page.getByLabel('Rationale').getAttribute('aria-invalid')).resolves.toBe('true');
    await page.getByLabel('Outcome').selectOption('MERCHANT_NOT_LIABLE');
    await page.getByLabel('Violation').selectOption('LATE_SHIPMENT');
    await page.getByLabel('Rationale').fill('The typhoon notice covers the order.');
    await page.getByRole('button', { name: 'Record judgement' }).click();
    await expect(page.locator('#violation-error').textContent()).resolves.toMatch(/violation/i);
    await expect(page.locator('#rationale-error').count()).resolves.toBe(0);
    await clean(w, 'case-judgement-refused');

    await page.getByLabel('Outcome').selectOption('MERCHANT_LIABLE');
    await page.getByRole('button', { name: 'Record judgement' }).click();
    await page.getByText('Judgement recorded.').waitFor();
    await poll(() => page.getByTestId('case-status').textContent(), 'Judged');
    await expect(page.getByTestId('rules-version').first().textContent()).resolves.toBe('v2');
    await expect(page.getByTestId('points').first().textContent()).resolves.toMatch(/^\d+/);
    await expect(page.getByRole('button', { name: 'Record judgement' }).count()).resolves.toBe(0);

    // Re-judge under v1: the service's replay, with the differences.
    await page.getByLabel('Rules version', { exact: true }).selectOption('v1');
    await page.getByRole('button', { name: 'Re-judge' }).click();
    const answer = page.getByTestId('replay-answer');
    await answer.waitFor();
    await expect(answer.getByText('Re-judged (v1)').isVisible()).resolves.toBe(true);
    await clean(w, 'case-judged-rejudged');

    // A deep link survives a reload (same tab: still signed in).
    await page.reload();
    await expect(page.getByTestId('case-status').textContent()).resolves.toBe('Judged');

    await page.getByRole('link', { name: 'Queue' }).click();
    await page.waitForURL('**/console/queue');
    await queue.getByRole('link', { name: other.id }).waitFor();
    await expect(queue.getByRole('link', { name: underReview.id }).count()).resolves.toBe(0);

    // The merchant's weekly scorecards, v1 and v2, and the judgements behind the points.
    await page.goto(url(`/console/merchants/${underReview.merchantId}`));
    await page.getByRole('heading', { name: `Merchant ${underReview.merchantId}` }).waitFor();
    await page.getByRole('link', { name: underReview.id }).waitFor();
    await expect(page.locator('canvas#points-chart').count()).resolves.toBe(1);
    await expect(page.locator('canvas#rate-chart').count()).resolves.toBe(1);
    await expect(page.locator('table.scorecards tbody tr').count()).resolves.toBe(8);
    await clean(w, 'merchant');

    // Simplified Chinese, and back.
    await page.getByLabel('Language').selectOption('zh');
    await page.getByRole('heading', { name: `商家 ${underReview.merchantId}` }).waitFor();
    await page.getByText('积分对应的判责').waitFor();
    await page.getByRole('link', { name: underReview.id }).waitFor();
    await clean(w, 'merchant-zh');
    await page.goto(url('/console/queue'));
    await page.getByRole('heading', { name: '待判责队列' }).waitFor();
    await page.getByLabel('语言').selectOption('en');
    await page.getByRole('heading', { name: 'Adjudication queue' }).waitFor();

    // What-if: the merchant's weeks re-judged under v1, per merchant and per week.
    await page.getByRole('link', { name: 'Simulations' }).click();
    await page.waitForURL('**/console/simulations');
    await page.getByLabel('Rules version').selectOption('v1');
    await page.getByLabel('Merchant id').fill(underReview.merchantId);
    await page.getByRole('button', { name: 'Start simulation' }).click();
    const sim = page.getByTestId('simulation');
    await sim.waitFor();
    await poll(() => sim.getAttribute('data-status'), 'DONE', 90_000);
    await sim.locator(`tr[data-merchant="${underReview.merchantId}"]`).waitFor();
    await expect(page.locator('canvas#moved-chart').count()).resolves.toBe(1);
    await clean(w, 'simulations');
  });

  it('an auditor verifies a stream and an inclusion proof in the browser, then sees the chain broken where the database was altered', async () => {
    const w = await WatchedPage.open(browser);
    pages.push(w);
    const { page } = w;
    await page.goto(url(`/console/streams/${audited.stream}`));
    await signIn(w, await as.auditor('auditor-console'));
    await page.getByRole('heading', { name: `Stream ${audited.stream}` }).waitFor();
    await expect(page.getByRole('link', { name: 'Queue' }).count()).resolves.toBe(0);
    await page.locator('tr[data-revision="0"]').waitFor();
    const revisions = await page.locator('tbody tr[data-revision]').count();
    expect(revisions).toBeGreaterThanOrEqual(4);

    await page.getByRole('button', { name: 'Verify chain' }).click();
    const chain = page.getByTestId('chain-result');
    await chain.waitFor();
    await expect(chain.getAttribute('data-valid')).resolves.toBe('true');
    await expect(chain.textContent()).resolves.toContain(`${revisions} events recomputed`);

    // The checkpoint must cover the stream: ask the service to sign one now (the platform may).
    expectStatus(await api.post('/audit/checkpoints', undefined, as.platform()), 201);
    await page.getByLabel('Pinned Ed25519 public key').fill(PINNED_KEY);
    await page.getByLabel('Revision to prove').fill('1');
    await page.getByRole('button', { name: 'Check inclusion proof' }).click();
    const proof = page.getByTestId('proof-result');
    await proof.waitFor();
    await expect(proof.getAttribute('data-valid')).resolves.toBe('true');
    await clean(w, 'stream-verified');

    // A key the auditor did not pin is not trusted.
    const stranger = Ed25519CheckpointSigner.generate().exportPublicKey().raw;
    await page.getByLabel('Pinned Ed25519 public key').fill(stranger);
    await page.getByRole('button', { name: 'Check inclusion proof' }).click();
    await poll(() => proof.getAttribute('data-valid'), 'false');
    await expect(proof.textContent()).resolves.toContain('checkpoint-signature');

    // The events browser and a case as an auditor sees it (no judging, no replaying).
    await page.getByRole('link', { name: 'Event streams' }).click();
    await page.waitForURL('**/console/events');
    await page.getByRole('link', { name: audited.stream }).first().waitFor();
    await clean(w, 'events');
    await page.goto(url(`/console/cases/${audited.id}`));
    await page.getByLabel('Revision', { exact: true }).waitFor();
    await expect(page.getByRole('button', { name: 'Record judgement' }).count()).resolves.toBe(0);
    await expect(page.getByRole('button', { name: 'Re-judge' }).count()).resolves.toBe(0);
    await clean(w, 'case-auditor');

    // An insider disables the append-only guard and edits revision 1 in PostgreSQL.
    const db = new Client({ connectionString: server.databaseUrl() });
    await db.connect();
    try {
      await db.query('ALTER TABLE es_events DISABLE TRIGGER USER');
      const r = await db.query(`UPDATE es_events SET data = jsonb_set(data, '{option}', '"CONSUMER_CANCELLED"') WHERE stream_id = $1 AND stream_revision = 1`, [audited.stream]);
      expect(r.rowCount).toBe(1);
    } finally {
      await db.query('ALTER TABLE es_events ENABLE TRIGGER USER').catch(() => undefined);
      await db.end();
    }
    await page.goto(url(`/console/streams/${audited.stream}`));
    await page.getByRole('button', { name: 'Verify chain' }).click();
    await chain.waitFor();
    await expect(chain.getAttribute('data-valid')).resolves.toBe('false');
    await expect(chain.getAttribute('data-broken-at')).resolves.toBe('1');
    await expect(chain.textContent()).resolves.toContain('Chain broken at revision 1');
    await expect(page.locator('tr[data-revision="1"]').getAttribute('class')).resolves.toBe('broken');
    await expect(page.locator('tr.broken').count()).resolves.toBe(1);

    // The altered event's inclusion proof fails too: its content no longer matches what the log committed to.
    await page.getByLabel('Pinned Ed25519 public key').fill(PINNED_KEY);
    await page.getByLabel('Revision to prove').fill('1');
    await page.getByRole('button', { name: 'Check inclusion proof' }).click();
    await poll(() => proof.getAttribute('data-valid'), 'false');
    await expect(proof.textContent()).resolves.toContain('the event was altered');
    await clean(w, 'stream-broken');
  });

  it('shows the points provisional while the week is open, settled after its close, and the judgement history after an appeal', async () => {
    // Five late orders of one week five weeks ago (Asia/Shanghai): 48 h pickup rate 0 %, v2 7 points a case.
    const merchantId = uid('m');
    const d0 = DateTime.now().setZone('Asia/Shanghai').startOf('week').minus({ weeks: 5 }).plus({ hours: 1 });
    const week = `${d0.weekYear}-W${String(d0.weekNumber).padStart(2, '0')}`;
    const orders = [];
    for (let i = 0; i < 5; i++) {
      const paid = d0.toMillis() + i * HOUR;
      orders.push(
        await f.order({ merchantId, placedAt: iso(paid) }, [
          { type: 'PAID', occurredAt: iso(paid) },
          { type: 'WAYBILL_UPLOADED', occurredAt: iso(paid + 30 * HOUR), carrier: 'SF', waybillNo: `SF-${i}` },
          { type: 'PICKUP_SCANNED', occurredAt: iso(paid + 60 * HOUR), carrier: 'SF', waybillNo: `SF-${i}` },
        ]),
      );
    }
    const d = await f.open(orders[0]);
    const id: string = d.disputeId;
    expectStatus(await f.choose(id, merchantId, { option: 'NO_FAULT_DEFENSE', defense: { reason: 'FORCE_MAJEURE', statement: 'typhoon' }, evidence: DOCUMENT_EVIDENCE }), 200);
    const judged = await api.post(`/disputes/${id}/judgement`, { outcome: 'MERCHANT_LIABLE', violation: 'LATE_SHIPMENT', rationale: 'no typhoon that week' }, as.adjudicator('adj-week-1'));
    expectStatus(judged, 200);
    expect(judged.body.judgement.penalty).toMatchObject({ points: 7, provisional: true, week });

    const w = await WatchedPage.open(browser);
    pages.push(w);
    const { page } = w;
    await page.goto(url(`/console/cases/${id}`));
    await signIn(w, await as.adjudicator('adjudicator-console-week'));
    const points = page.locator('section[aria-labelledby="judgement-h"] > article.judgement [data-testid="points"]');
    await points.waitFor();
    await expect(points.getAttribute('data-points-state')).resolves.toBe('provisional');
    await expect(points.textContent()).resolves.toMatch(new RegExp(`^7 \\(provisional: week ${week} is still open\\)`));
    await expect(page.getByTestId('points-recorded').count()).resolves.toBe(0);
    await clean(w, 'case-points-provisional');

    // The week closes (the first run backfills every week past its close; it waits for caught-up read models).
    let settled: any;
    for (let i = 0; i < 20 && !settled?.final; i++) {
      expectStatus(await f.runDeadlines(), 200);
      settled = (await api.get(`/merchants/${merchantId}/weeks/${week}`, as.adjudicator())).body;
    }
    expect(settled).toMatchObject({ final: true, points: 7 });
    await page.reload();
    await points.waitFor();
    await poll(() => points.getAttribute('data-points-state'), 'settled');
    await expect(points.textContent()).resolves.toMatch(new RegExp(`^7 \\(settled: week ${week} closed `));
    await expect(page.getByTestId('points-recorded').textContent()).resolves.toMatch(/^7 \(provisional\)/);
    await expect(page.getByTestId('judgement-history').count()).resolves.toBe(0);
    await clean(w, 'case-points-settled');

    // The merchant appeals; another adjudicator overturns the liability: the first judgement is kept, replaced.
    expectStatus(await api.post(`/disputes/${id}/appeal`, { statement: 'The handover sheet shows it left on time.', evidence: DOCUMENT_EVIDENCE }, as.merchant(merchantId)), 200);
    const overturned = await api.post(`/disputes/${id}/judgement`, { outcome: 'MERCHANT_NOT_LIABLE', rationale: 'the handover sheet proves it' }, as.adjudicator('adj-week-2'));
    expectStatus(overturned, 200);
    const supersededAt: string = overturned.body.judgements[0].supersededAt;
    expect(supersededAt).toBe(overturned.body.judgement.decidedAt);
    await page.reload();
    const current = page.locator('section[aria-labelledby="judgement-h"] > article.judgement');
    await current.waitFor();
    await expect(current.getAttribute('data-outcome')).resolves.toBe('MERCHANT_NOT_LIABLE');
    // Settled with the week: the overturned order no longer counts.
    await expect(current.locator('[data-testid="points"]').getAttribute('data-points-state')).resolves.toBe('settled');
    await expect(current.locator('[data-testid="points"]').textContent()).resolves.toMatch(/^0 /);
    await expect(current.textContent()).resolves.toContain(`not counted in week ${week}`);
    const history = page.getByTestId('judgement-history');
    await expect(history.locator('article.judgement').count()).resolves.toBe(1);
    const replaced = history.locator('article.judgement').first();
    await expect(replaced.getAttribute('data-outcome')).resolves.toBe('MERCHANT_LIABLE');
    await expect(replaced.textContent()).resolves.toContain('Replaced at');
    await expect(replaced.locator('[data-testid="points"]').getAttribute('data-points-state')).resolves.toBe('replaced');
    await expect(replaced.locator('[data-testid="points"]').textContent()).resolves.toMatch(/^7 \(as recorded: provisional at the time\)/);
    await clean(w, 'case-judgement-history');
  });

  it('signs out when the service refuses the token', async () => {
    const w = await WatchedPage.open(browser);
    pages.push(w);
    await w.page.goto(url('/console/queue'));
    await signIn(w, await mint({ sub: 'adjudicator-short', role: 'adjudicator' }, { expiresIn: Math.floor(Date.now() / 1000) + 2 }));
    await new Promise((r) => setTimeout(r, 3000));
    await w.page.goto(url('/console/queue'));
    await w.page.getByLabel('Access token').waitFor();
    expect(w.problems).toEqual([]);
  });
});
