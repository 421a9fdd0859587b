/**
 * Deadlines over HTTP, on servers started with short windows (RESPONSE_WINDOW=PT2S,
 * CONSUMER_RESPONSE_WINDOW=PT2S):
 *  - `manual`: the in-service scheduler is pushed out of the way (DEADLINE_POLL_INTERVAL=PT1H; projections
 *    still run), so only `POST /deadlines/run` fires deadlines and its `{fired}` counts are exact;
 *  - `auto`: the scheduler polls every 0.5 s, so deadlines fire on their own while the service runs.
 * Histories are built in the past (facts may not be dated in the future).
 */
import { Api, expectProblem, expectStatus, type Res } from './support/http';
import { ago, DOCUMENT_EVIDENCE, EVIDENCE, Fixtures, fromNow, HOUR, SEC } from './support/fixtures';
import { sleep, STORES, useServers } from './support/server';
import { as } from './support/tokens';

jest.setTimeout(60_000);

const SHORT = { RESPONSE_WINDOW: 'PT2S', CONSUMER_RESPONSE_WINDOW: 'PT2S' };
const servers = useServers({
  manual: { ...SHORT, DEADLINE_POLL_INTERVAL: 'PT1H' },
  auto: { ...SHORT, CONTEST_WINDOW: 'PT2S', DEADLINE_POLL_INTERVAL: 'PT0.5S' },
});

/** Sleeps until `iso` has passed (plus a margin). */
async function until(iso: string, marginMs = 300): Promise<void> {
  const wait = Date.parse(iso) - Date.now() + marginMs;
  if (wait > 0) await sleep(wait);
}

async function pollDispute(fx: Fixtures, id: string, done: (d: any) => boolean, timeoutMs = 15_000): Promise<any> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const d = await fx.dispute(id);
    if (done(d) || Date.now() > end) return d;
    await sleep(250);
  }
}

describe.each(STORES)('deadlines (%s store)', (store) => {
  describe('POST /deadlines/run', () => {
    let fx: Fixtures;
    let api: Api;
    const ids: Record<string, { id: string; orderId: string; merchantId: string; consumerId: string }> = {};
    let lateChoiceAfterWindow: Res;
    let lateAnswerAfterWindow: Res;
    let run1: Res;
    let run2: Res;

    beforeAll(async () => {
      fx = new Fixtures(servers.get(store, 'manual'));
      api = fx.api;
      const remember = (name: string, x: { order: any; id: string }) => (ids[name] = { id: x.id, ...x.order });

      // No choice by the response deadline: a late order, and an order shipped in time.
      remember('late', await fx.lateDispute());
      const inTime = await fx.inTimeOrder();
      remember('inTime', { order: inTime, id: (await fx.open(inTime)).disputeId });
      // A promise to ship by a time that passes with no pickup scan.
      const promised = await fx.lateDispute();
      remember('promised', promised);
      const agreedShipBy = fromNow(2500);
      expectStatus(await fx.choose(promised.id, promised.order.merchantId, { option: 'SHIP_BY_AGREED_DATE', agreedShipBy, evidence: EVIDENCE }), 200);
      // Consumer silence on an out-of-stock refund.
      const silent = await fx.lateDispute();
      remember('silent', silent);
      expectStatus(await fx.choose(silent.id, silent.order.merchantId, { option: 'OUT_OF_STOCK_REFUND' }), 200);
      // Not due yet: a promise an hour away.
      const later = await fx.lateDispute();
      remember('later', later);
      expectStatus(await fx.choose(later.id, later.order.merchantId, { option: 'SHIP_BY_AGREED_DATE', agreedShipBy: fromNow(HOUR), evidence: EVIDENCE }), 200);
      // The merchant will try to choose after the response window closed.
      remember('closed', await fx.lateDispute());
      // The consumer will try to answer after the consumer response window closed.
      const answeredLate = await fx.lateDispute();
      remember('answeredLate', answeredLate);
      expectStatus(await fx.choose(answeredLate.id, answeredLate.order.merchantId, { option: 'OUT_OF_STOCK_REFUND' }), 200);

      const due = [ids.late, ids.inTime, ids.closed].map((x) => x.id);
      const views = await Promise.all(due.map((id) => fx.dispute(id)));
      const consumerDue = await Promise.all([silent.id, answeredLate.id].map(async (id) => (await fx.dispute(id)).consumerResponseDueAt));
      const lastDue = [...views.map((v) => v.responseDueAt), agreedShipBy, ...consumerDue].sort().at(-1);
      await until(lastDue);

      lateChoiceAfterWindow = await fx.choose(ids.closed.id, ids.closed.merchantId, { option: 'OUT_OF_STOCK_REFUND' });
      lateAnswerAfterWindow = await fx.respond(answeredLate.id, answeredLate.order.consumerId, { accepted: true });
      run1 = await fx.runDeadlines();
      run2 = await fx.runDeadlines();
    }, 60_000);

    it('answers {fired}: every due deadline fires once; a second run fires 0', () => {
      expectStatus(run1, 200);
      expectStatus(run2, 200);
      // late, inTime, promised (AGREED_SHIP_BY), silent and answeredLate (CONSUMER_RESPONSE), closed — not `later`.
      expect(run1.body).toEqual({ fired: 6 });
      expect(run2.body).toEqual({ fired: 0 });
    });

    it('each case records exactly one DeadlineFired', async () => {
      for (const name of ['late', 'inTime', 'promised', 'silent', 'closed', 'answeredLate']) {
        const fired = (await fx.timeline(ids[name].id)).filter((e) => e.type === 'DeadlineFired');
        expect({ name, fired: fired.length }).toEqual({ name, fired: 1 });
      }
      expect((await fx.timeline(ids.later.id)).filter((e) => e.type === 'DeadlineFired')).toHaveLength(0);
    });

    it('no choice by the response deadline, late order → JUDGED MERCHANT_LIABLE LATE_SHIPMENT by SYSTEM', async () => {
      const d = await fx.dispute(ids.late.id);
      expect(d.status).toBe('JUDGED');
      expect(d.judgement).toEqual(expect.objectContaining({ outcome: 'MERCHANT_LIABLE', violation: 'LATE_SHIPMENT', decidedBy: 'SYSTEM', rulesVersion: 'v2' }));
      const timeline = await fx.timeline(ids.late.id);
      expect(timeline.map((e) => e.type)).toEqual(['DisputeOpened', 'DeadlineFired', 'DisputeJudged']);
      for (const e of timeline.slice(1)) expect(e.actor).toEqual(expect.objectContaining({ sub: expect.any(String), role: expect.any(String) }));
    });

    it('no choice by the response deadline, order shipped in time → JUDGED MERCHANT_NOT_LIABLE by SYSTEM', async () => {
      const d = await fx.dispute(ids.inTime.id);
      expect(d.status).toBe('JUDGED');
      expect(d.judgement).toEqual(expect.objectContaining({ outcome: 'MERCHANT_NOT_LIABLE', decidedBy: 'SYSTEM' }));
      expect(d.judgement.violation).toBeUndefined();
    });

    it('SHIP_BY_AGREED_DATE with no pickup by the agreed time → JUDGED MERCHANT_LIABLE BREACH_OF_PROMISE by SYSTEM', async () => {
      const d = await fx.dispute(ids.promised.id);
      expect(d.status).toBe('JUDGED');
      expect(d.judgement).toEqual(expect.objectContaining({ outcome: 'MERCHANT_LIABLE', violation: 'BREACH_OF_PROMISE', decidedBy: 'SYSTEM' }));
      // A pickup scan arriving afterwards changes nothing.
      await fx.fact(ids.promised, { type: 'PICKUP_SCANNED', occurredAt: ago(SEC), carrier: 'SF' });
      expect((await fx.dispute(ids.promised.id)).status).toBe('JUDGED');
    });

    it('consumer silence on an out-of-stock refund → UNDER_REVIEW; an adjudicator can then judge it', async () => {
      const d = await fx.dispute(ids.silent.id);
      expect(d.status).toBe('UNDER_REVIEW');
      expect(d.judgement).toBeUndefined();
      expectProblem(await fx.respond(ids.silent.id, ids.silent.consumerId, { accepted: true }), 409);
      const judged = await fx.judge(ids.silent.id, { outcome: 'MERCHANT_LIABLE', violation: 'OUT_OF_STOCK', rationale: 'No stock, no answer.' });
      expectStatus(judged, 200);
      expect(judged.body.judgement).toEqual(expect.objectContaining({ violation: 'OUT_OF_STOCK', decidedBy: 'ADJUDICATOR' }));
    });

    it('a deadline that is not due yet does not fire', async () => {
      const d = await fx.dispute(ids.later.id);
      expect(d.status).toBe('AWAITING_SHIPMENT');
      expect(d.judgement).toBeUndefined();
    });

    it('a choice after the response window closed is refused with 422, even before the deadline fired', async () => {
      expectProblem(lateChoiceAfterWindow, 422);
      const d = await fx.dispute(ids.closed.id);
      expect(d.status).toBe('JUDGED');
      expect(d.choice).toBeUndefined();
    });

    it('a consumer answer after the consumer response window is refused with 422; silence then goes to review', async () => {
      expectProblem(lateAnswerAfterWindow, 422);
      const d = await fx.dispute(ids.answeredLate.id);
      expect(d.status).toBe('UNDER_REVIEW');
    });

    it('a run with nothing due fires 0 and records nothing', async () => {
      const before = (await fx.timeline(ids.later.id)).length;
      const res = await fx.runDeadlines();
      expectStatus(res, 200);
      expect(res.body).toEqual({ fired: 0 });
      expect(await fx.timeline(ids.later.id)).toHaveLength(before);
    });

    it('only the platform may run deadlines', async () => {
      expectProblem(await api.post('/deadlines/run', undefined, as.adjudicator()), 403);
    });
  });

  describe('deadlines fire on their own while the service runs', () => {
    let fx: Fixtures;
    beforeAll(() => {
      fx = new Fixtures(servers.get(store, 'auto'));
    });

    it('a missed response deadline and a consumer’s silence are acted on without POST /deadlines/run', async () => {
      const late = await fx.lateDispute();
      const silent = await fx.lateDispute();
      expectStatus(await fx.choose(silent.id, silent.order.merchantId, { option: 'OUT_OF_STOCK_REFUND' }), 200);
      const defended = await fx.lateDispute();
      expectStatus(
        await fx.choose(defended.id, defended.order.merchantId, { option: 'NO_FAULT_DEFENSE', defense: { reason: 'FORCE_MAJEURE', statement: 'Storm' }, evidence: DOCUMENT_EVIDENCE }),
        200,
      );

      const [judged, reviewed] = await Promise.all([
        pollDispute(fx, late.id, (d) => d.status !== 'AWAITING_MERCHANT'),
        pollDispute(fx, silent.id, (d) => d.status !== 'AWAITING_CONSUMER'),
      ]);
      expect(judged.status).toBe('JUDGED');
      expect(judged.judgement).toEqual(expect.objectContaining({ outcome: 'MERCHANT_LIABLE', violation: 'LATE_SHIPMENT', decidedBy: 'SYSTEM' }));
      expect(reviewed.status).toBe('UNDER_REVIEW');
      // A case already under review has no response deadline left.
      expect((await fx.dispute(defended.id)).status).toBe('UNDER_REVIEW');

      // Fired exactly once, and a manual run afterwards finds nothing left to fire for these cases. (Wait for
      // the scheduler's run that fired them to end: a manual run joins a run in progress.)
      await sleep(1000);
      const res = await fx.runDeadlines();
      expectStatus(res, 200);
      expect(res.body).toEqual({ fired: 0 });
      for (const id of [late.id, silent.id]) {
        expect((await fx.timeline(id)).filter((e) => e.type === 'DeadlineFired')).toHaveLength(1);
      }
      expect((await fx.timeline(defended.id)).filter((e) => e.type === 'DeadlineFired')).toHaveLength(0);
    });

    it('the contest window closes on its own (CONTEST_WINDOW): a late contest is refused with 422 and the order may get a new dispute', async () => {
      const { order, id } = await fx.lateDispute({}, [{ type: 'CANCELLATION_REQUESTED', occurredAt: ago(HOUR) }]);
      const settled = await fx.choose(id, order.merchantId, { option: 'CONSUMER_CANCELLED' });
      expectStatus(settled, 200);
      expect(settled.body.status).toBe('SETTLED');
      // Still contestable: a second dispute on the order is refused.
      expectProblem(await fx.api.post('/disputes', { orderId: order.orderId }, as.platform()), 409);
      const closed = await pollDispute(fx, id, (d) => d.final === true && d.contestWindowClosed === true);
      expect(closed.status).toBe('SETTLED');
      expect((await fx.timeline(id)).map((e) => e.type)).toEqual(['DisputeOpened', 'OptionChosen', 'DisputeSettled', 'DeadlineFired', 'ContestWindowClosed']);
      expectProblem(await fx.contest(id, order.consumerId), 422);
      expect((await fx.open(order)).status).toBe('AWAITING_MERCHANT');
    });
  });
});
