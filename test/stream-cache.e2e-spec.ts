/**
 * The command path's folded-stream cache across two service processes on one PostgreSQL database: each
 * instance keeps the cases and orders it handled, so every write through the other one leaves its copy
 * behind. The commands alternate between the instances; every answer must be the one a single instance
 * gives, and every stream must hold each write once, in order, with a valid hash chain.
 *  - a: no background work (no scheduler, no projections): what changes its streams elsewhere is b's
 *    commands, b's deadline scheduler and the order-fact reactions;
 *  - b: the background work, with a fast scheduler tick.
 */
import { Api, expectProblem, expectStatus } from './support/http';
import { ago, DAY, EVIDENCE, Fixtures, fromNow, HOUR, MIN, pickup, SEC, waybill } from './support/fixtures';
import { TestServer, eventually } from './support/server';
import { as } from './support/tokens';

jest.setTimeout(180_000);

const until = <T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> => eventually(what, fn, timeoutMs, 200);

/** stream_cache_total{result="…"} of an instance. */
async function cacheCount(server: TestServer, result: 'hit' | 'miss' | 'stale'): Promise<number> {
  const res = await new Api(server).get('/metrics', as.platform());
  expectStatus(res, 200);
  const m = new RegExp(`^stream_cache_total\\{result="${result}"\\} (\\d+)`, 'm').exec(res.text);
  return m ? Number(m[1]) : 0;
}

describe('two instances, one database: stale caches cost a retry, never a wrong answer', () => {
  let a: TestServer;
  let b: TestServer;
  let fa: Fixtures;
  let fb: Fixtures;

  beforeAll(async () => {
    a = await TestServer.start('postgres', { RUN_BACKGROUND: 'false' });
    b = await TestServer.start('postgres', { DATABASE_URL: a.databaseUrl(), DEADLINE_POLL_INTERVAL: 'PT0.3S' });
    fa = new Fixtures(a);
    fb = new Fixtures(b);
  });
  afterAll(async () => {
    await b?.dispose();
    await a?.dispose();
  });

  /** Every event of the case, in order (read through b, whose copy does not matter any more). */
  async function eventTypes(id: string): Promise<string[]> {
    const items = await fb.timeline(id);
    expect(items.map((e: { revision: number }) => e.revision)).toEqual([...items.keys()]);
    return items.map((e: { type: string }) => e.type);
  }

  async function verified(id: string) {
    const res = await new Api(b).get(`/streams/dispute-${id}/verify`, as.auditor());
    expectStatus(res, 200);
    expect(res.body).toMatchObject({ valid: true });
  }

  it('a whole case with the commands alternating between the instances', async () => {
    const staleBefore = [await cacheCount(a, 'stale'), await cacheCount(b, 'stale')];
    const hitsBefore = await cacheCount(a, 'hit');
    const order = await fa.lateOrder();
    const opened = await fa.open(order); // a has the case and the order
    const id = opened.disputeId as string;
    // b reads both (options read the case and the order): b has them too.
    expectStatus(await new Api(b).get(`/disputes/${id}/options`, as.merchant(order.merchantId)), 200);

    // a: nothing cancelled yet → 422, from a's copy, confirmed against the stream.
    const refused = await fa.choose(id, order.merchantId, { option: 'CONSUMER_CANCELLED' });
    expectProblem(refused, 422);
    expect(refused.body.missing).toEqual(['CANCELLATION_REQUESTED_OR_REFUNDED']);
    // b: the cancellation request arrives through b …
    await fb.fact(order, { type: 'CANCELLATION_REQUESTED', occurredAt: ago(MIN) });
    // … and counts for a's decision at once (the order's facts are read, never taken from a's copy).
    const settled = await fa.choose(id, order.merchantId, { option: 'CONSUMER_CANCELLED' });
    expectStatus(settled, 200);
    expect(settled.body).toMatchObject({ status: 'SETTLED', choice: { option: 'CONSUMER_CANCELLED' } });

    // b still has the case awaiting the merchant: its choice conflicts, is decided again, and is the 409 of a second choice.
    expectProblem(await fb.choose(id, order.merchantId, { option: 'OUT_OF_STOCK_REFUND' }), 409);
    const contested = await fb.contest(id, order.consumerId, 'I never asked to cancel.');
    expectStatus(contested, 200);
    expect(contested.body.status).toBe('UNDER_REVIEW');
    // a still has it SETTLED (a contest would be accepted there): the stream says it was contested already.
    expectProblem(await fa.contest(id, order.consumerId), 409);
    const judged = await fa.judge(id, { outcome: 'MERCHANT_NOT_LIABLE', rationale: 'The chat log shows the cancellation request.' });
    expectStatus(judged, 200);
    expect(judged.body).toMatchObject({ status: 'JUDGED', judgement: { outcome: 'MERCHANT_NOT_LIABLE', decidedBy: 'ADJUDICATOR' } });
    // b still has it under review: a second judgement is refused after the conflict.
    expectProblem(await fb.judge(id, { outcome: 'MERCHANT_LIABLE', violation: 'BREACH_OF_PROMISE', rationale: 'again' }), 409);
    expectProblem(await fb.respond(id, order.consumerId, { accepted: true }), 409);
    expectProblem(await fa.choose(id, order.merchantId, { option: 'OUT_OF_STOCK_REFUND' }), 409);

    expect(await eventTypes(id)).toEqual(['DisputeOpened', 'OptionChosen', 'DisputeSettled', 'SettlementContested', 'ReviewRequested', 'DisputeJudged']);
    const [viewA, viewB] = [await fa.dispute(id), await fb.dispute(id)];
    expect(viewA).toEqual(viewB);
    expect(viewA).toMatchObject({ status: 'JUDGED', revision: 5, judgement: { outcome: 'MERCHANT_NOT_LIABLE' } });
    await verified(id);
    // The run did go through stale copies on both sides, and through cache hits.
    expect(await cacheCount(a, 'stale')).toBeGreaterThan(staleBefore[0]);
    expect(await cacheCount(b, 'stale')).toBeGreaterThan(staleBefore[1]);
    expect(await cacheCount(a, 'hit')).toBeGreaterThan(hitsBefore);
  });

  it("the other instance's reaction: a pickup recorded through a settles the case b moved to awaiting shipment", async () => {
    const order = await fa.lateOrder();
    const id = (await fa.open(order)).disputeId as string; // a: the case awaits the merchant
    const agreedShipBy = fromNow(2 * DAY);
    const chosen = await fb.choose(id, order.merchantId, { option: 'SHIP_BY_AGREED_DATE', agreedShipBy, evidence: EVIDENCE });
    expectStatus(chosen, 200);
    expect(chosen.body.status).toBe('AWAITING_SHIPMENT');
    await fa.fact(order, waybill(ago(2 * MIN)));
    await fa.fact(order, pickup(ago(SEC))); // a's inline reaction must see the case as it is, not as a had it
    expect((await fa.dispute(id)).status).toBe('SETTLED');
    expect(await eventTypes(id)).toEqual(['DisputeOpened', 'OptionChosen', 'ShipmentAwaited', 'DisputeSettled']);
    await verified(id);
  });

  it("a deadline fired by the other instance's scheduler: a's copy is behind, its late choice is refused", async () => {
    const order = await fa.lateOrder();
    // Opened 25 h ago: the 24 h response window is over; b's scheduler fires it within a tick or two.
    const id = (await fa.open(order, { openedAt: ago(25 * HOUR) })).disputeId as string;
    await until('b to judge the case', async () => (await fb.dispute(id)).status === 'JUDGED');
    expectProblem(await fa.choose(id, order.merchantId, { option: 'OUT_OF_STOCK_REFUND' }), 409);
    const types = await eventTypes(id);
    expect(types.filter((t) => t === 'DeadlineFired')).toHaveLength(1);
    expect(types.filter((t) => t === 'DisputeJudged')).toHaveLength(1);
    expect(types).not.toContain('OptionChosen');
    expect(await fa.dispute(id)).toMatchObject({ status: 'JUDGED', judgement: { outcome: 'MERCHANT_LIABLE', violation: 'LATE_SHIPMENT', decidedBy: 'SYSTEM' } });
    await verified(id);
  });

  it('the same choice sent to both instances at once: one 200 and one 409 per case, one choice recorded', async () => {
    const cases: { id: string; merchantId: string }[] = [];
    for (let i = 0; i < 6; i++) {
      const order = await fa.lateOrder();
      const id = (await fa.open(order)).disputeId as string;
      await fb.dispute(id); // both instances have the case
      cases.push({ id, merchantId: order.merchantId });
    }
    const answers = await Promise.all(
      cases.map(async (c) => Promise.all([fa, fb].map((f) => f.choose(c.id, c.merchantId, { option: 'OUT_OF_STOCK_REFUND' })))),
    );
    for (const [i, pair] of answers.entries()) {
      expect(pair.map((r) => r.status).sort()).toEqual([200, 409]);
      const ok = pair.find((r) => r.status === 200)!;
      expect(ok.body).toMatchObject({ status: 'AWAITING_CONSUMER', revision: 2 });
      expect(await eventTypes(cases[i].id)).toEqual(['DisputeOpened', 'OptionChosen', 'ConsumerResponseRequested']);
    }
    // Both answer the consumer's acceptance the same way afterwards, whichever instance gets it.
    for (const [i, c] of cases.entries()) {
      const f = i % 2 ? fa : fb;
      const { consumerId } = await f.dispute(c.id);
      const accepted = await f.respond(c.id, consumerId, { accepted: true });
      expectStatus(accepted, 200);
      expect(accepted.body.status).toBe('SETTLED');
      await verified(c.id);
    }
  });
});
