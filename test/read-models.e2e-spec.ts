/**
 * Read models over HTTP: case list (filters, keyset pages, tenancy), judgement outcomes, the adjudication
 * queue, merchant scorecards under both rules versions, read-your-writes via X-Min-Position, and the
 * operator commands that rebuild the read models and verify every stream.
 */
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { Api, expectStatus } from './support/http';
import { ROOT, STORES, TestServer } from './support/server';
import { as } from './support/tokens';
import { DAY, Fixtures, HOUR, ago, uid } from './support/fixtures';

jest.setTimeout(180_000);
const run = promisify(execFile);
const CLI = path.join(ROOT, 'dist', 'apps', 'cli', 'src', 'main.js');

describe.each(STORES)('read models (%s)', (store) => {
  let server: TestServer;
  let api: Api;
  let f: Fixtures;

  beforeAll(async () => {
    server = await TestServer.start(store);
    api = new Api(server);
    f = new Fixtures(server);
  });
  afterAll(async () => server?.dispose());

  it('lists a merchant’s cases in keyset pages, reading its own writes', async () => {
    const merchantId = uid('m');
    const ids: string[] = [];
    let position = '';
    for (let i = 0; i < 5; i++) {
      const order = await f.lateOrder({ merchantId });
      const res = await api.post('/disputes', { orderId: order.orderId }, as.platform());
      expectStatus(res, 201);
      position = res.headers.get('x-event-position')!;
      ids.push(res.body.disputeId);
    }
    expect(position).toMatch(/^\d+\/\d+$/);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const res = await api.get(`/disputes?merchantId=${merchantId}&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, as.platform(), {
        headers: { 'x-min-position': position },
      });
      expectStatus(res, 200);
      expect(res.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.items.map((c: any) => c.disputeId));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen.sort()).toEqual([...ids].sort());

    // The merchant sees its own cases only; another merchant sees none of them.
    const own = await api.get(`/disputes?limit=50`, as.merchant(merchantId), { headers: { 'x-min-position': position } });
    expect(own.body.items.map((c: any) => c.disputeId).sort()).toEqual([...ids].sort());
    const other = await api.get(`/disputes?merchantId=${merchantId}`, as.merchant(uid('m')));
    expect(other.body.items).toEqual([]);
    const byStatus = await api.get(`/disputes?merchantId=${merchantId}&status=JUDGED`, as.platform());
    expect(byStatus.body.items).toEqual([]);
    expect((await api.get(`/disputes?status=NOPE`, as.platform())).status).toBe(400);
  });

  it('records judgement outcomes and queues cases under review, oldest first', async () => {
    const merchantId = uid('m');
    const a = await f.lateDispute({ merchantId });
    const b = await f.lateDispute({ merchantId });
    const evidence = [{ kind: 'DOCUMENT', ref: 'oss://typhoon.pdf' }];
    const first = await f.choose(a.id, merchantId, { option: 'NO_FAULT_DEFENSE', defense: { reason: 'FORCE_MAJEURE', statement: 'typhoon' }, evidence });
    expectStatus(first, 200);
    const second = await f.choose(b.id, merchantId, { option: 'OUT_OF_STOCK_REFUND' });
    const pos = second.headers.get('x-event-position')!;
    const rejected = await f.respond(b.id, b.order.consumerId, { accepted: false });
    expectStatus(rejected, 200);
    const queue = await api.get('/adjudication/queue?limit=500', as.adjudicator(), { headers: { 'x-min-position': rejected.headers.get('x-event-position')! } });
    expectStatus(queue, 200);
    const mine = queue.body.items.filter((q: any) => q.merchantId === merchantId);
    expect(mine.map((q: any) => q.disputeId)).toEqual([a.id]);
    expect(mine[0].waitingSeconds).toBeGreaterThanOrEqual(0);
    const all = queue.body.items.map((q: any) => Date.parse(q.underReviewSince));
    expect([...all].sort((x, y) => x - y)).toEqual(all);
    expect((await api.get('/adjudication/queue', as.merchant(merchantId))).status).toBe(403);

    const judgements = await api.get(`/judgements?merchantId=${merchantId}`, as.platform(), { headers: { 'x-min-position': pos } });
    expectStatus(judgements, 200);
    const row = judgements.body.items.find((j: any) => j.disputeId === b.id);
    expect(row).toMatchObject({ outcome: 'MERCHANT_LIABLE', violation: 'OUT_OF_STOCK', decidedBy: 'SYSTEM', rulesVersion: 'v2' });
    const future = await api.get(`/judgements?merchantId=${merchantId}&from=${encodeURIComponent(new Date(Date.now() + DAY).toISOString())}`, as.platform());
    expect(future.body.items).toEqual([]);
  });

  it('computes a merchant’s week under v1 and v2 side by side', async () => {
    const merchantId = uid('m');
    // Three late orders of the same week (paid 3 days ago, nothing shipped): 48 h pickup rate 0 %.
    const placedAt = ago(3 * DAY);
    for (let i = 0; i < 3; i++) await f.lateOrder({ merchantId, placedAt });
    const week = (await api.get(`/orders/${(await f.lateOrder({ merchantId, placedAt })).orderId}`, as.platform())).body;
    expect(week.shipping.late).toBe(true);
    const dueWeek = isoWeek(week.shipping.pickupDueAt);
    let v1: any;
    for (let i = 0; i < 50; i++) {
      v1 = (await api.get(`/merchants/${merchantId}/scorecard?week=${dueWeek}&rulesVersion=v1`, as.platform())).body;
      if (v1.lateOrders >= 4) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const v2 = (await api.get(`/merchants/${merchantId}/scorecard?week=${dueWeek}&rulesVersion=v2`, as.platform())).body;
    expect(v1).toMatchObject({ merchantId, week: dueWeek, rulesVersion: 'v1', lateOrders: 4, points: 4 });
    expect(v2).toMatchObject({ rulesVersion: 'v2', lateOrders: 4, pickupRate48h: 0, points: 7 });
    const compare = await api.get(`/merchants/${merchantId}/scorecard/compare?week=${dueWeek}`, as.adjudicator());
    expect(compare.body).toMatchObject({ differs: true, pointsDifference: 3 });
    expect((await api.get(`/merchants/${merchantId}/scorecard?week=${dueWeek}`, as.merchant(uid('m')))).status).toBe(404);
    expect((await api.get(`/merchants/${merchantId}/scorecard?week=2026-13`, as.platform())).status).toBe(400);
  });

  it('rebuilds every read model from the log to identical tables, and verifies every stream (CLI)', async () => {
    if (store === 'embedded') await server.stop(); // PGlite is single-process: operators stop the service first
    const env = { ...process.env, EVENT_STORE: store, ...(store === 'embedded' ? { DATA_DIR: server.dataDir! } : { DATABASE_URL: server.databaseUrl() }) };
    const rebuilt = await run(process.execPath, [CLI, 'rebuild'], { env });
    expect(rebuilt.stdout).toMatch(/rebuilt \d+ events/);
    expect(rebuilt.stdout).not.toMatch(/DIFFERS/);
    const verified = await run(process.execPath, [CLI, 'verify'], { env });
    expect(verified.stdout).toMatch(/hash chains: valid/);
    expect(verified.stdout).toMatch(/merkle log: \d+ leaves, \d+ checkpoints: valid/);
    if (store === 'embedded') await server.restart();
    expectStatus(await api.get('/health'), 200);
  });
});

/** ISO week of an instant in Asia/Shanghai (the default BUSINESS_TIMEZONE). */
function isoWeek(instant: string): string {
  const d = new Date(Date.parse(instant) + 8 * HOUR);
  const day = (d.getUTCDay() + 6) % 7;
  d.setUTCDate(d.getUTCDate() - day + 3);
  const firstThursday = new Date(Date.UTC(d.getUTCFullYear(), 0, 4));
  const week = 1 + Math.round(((d.getTime() - firstThursday.getTime()) / DAY - 3 + ((firstThursday.getUTCDay() + 6) % 7)) / 7);
  return `${d.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}
