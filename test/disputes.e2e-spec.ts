/**
 * Rush-order disputes over HTTP: opening, the five options (each accepted and refused), the consumer's
 * answers, contests, adjudication, as-of reads, the timeline, replay under another rules version, and the
 * legacy (pre-seed-002) flow on a server started with UNIFIED_FLOW_ROLLOUT=none.
 */
import { Api, expectProblem, expectStatus, problemFields } from './support/http';
import { ago, DAY, DOCUMENT_EVIDENCE, EVIDENCE, Fixtures, fromNow, HOUR, iso, MIN, pickup, SEC, uid, waybill } from './support/fixtures';
import { sleep, STORES, useServers } from './support/server';
import { as } from './support/tokens';
import { createDisputeClient } from '@app/client';
import { PgDatabase, SqlEventStore } from '@app/event-store';

jest.setTimeout(30_000);

const servers = useServers({ default: {}, legacy: { UNIFIED_FLOW_ROLLOUT: 'none' } });

const STATUSES = ['AWAITING_MERCHANT', 'AWAITING_SHIPMENT', 'AWAITING_CONSUMER', 'UNDER_REVIEW', 'SETTLED', 'JUDGED'];

describe.each(STORES)('disputes (%s store)', (store) => {
  let fx: Fixtures;
  let api: Api;
  beforeAll(() => {
    fx = new Fixtures(servers.get(store));
    api = fx.api;
  });

  describe('POST /disputes', () => {
    it('opens a dispute: 201 {disputeId, orderId, merchantId, status AWAITING_MERCHANT, responseDueAt, flow}', async () => {
      const order = await fx.lateOrder();
      const before = Date.now();
      const res = await api.post('/disputes', { orderId: order.orderId }, as.platform());
      expectStatus(res, 201);
      expect(res.contentType).toMatch(/^application\/json/);
      expect(res.body).toEqual(
        expect.objectContaining({
          disputeId: expect.any(String),
          orderId: order.orderId,
          merchantId: order.merchantId,
          status: 'AWAITING_MERCHANT',
          responseDueAt: expect.any(String),
          flow: 'UNIFIED',
        }),
      );
      // openedAt defaults to now; the response window is RESPONSE_WINDOW (default PT24H).
      const openedAt = Date.parse(res.body.openedAt);
      expect(openedAt).toBeGreaterThanOrEqual(before - SEC);
      expect(openedAt).toBeLessThanOrEqual(Date.now() + SEC);
      expect(Date.parse(res.body.responseDueAt)).toBe(openedAt + DAY);

      const got = await api.get(`/disputes/${res.body.disputeId}`, as.platform());
      expectStatus(got, 200);
      expect(got.body).toEqual(
        expect.objectContaining({
          disputeId: res.body.disputeId,
          orderId: order.orderId,
          merchantId: order.merchantId,
          consumerId: order.consumerId,
          status: 'AWAITING_MERCHANT',
          flow: 'UNIFIED',
          openedAt: res.body.openedAt,
          responseDueAt: res.body.responseDueAt,
          revision: expect.any(Number),
          stream: expect.any(String),
        }),
      );
      expect(got.body.choice).toBeUndefined();
      expect(got.body.judgement).toBeUndefined();
      expect(got.body.stream).toContain(res.body.disputeId);
    });

    it('openedAt in the past sets the response deadline from it', async () => {
      const order = await fx.lateOrder();
      const openedAt = ago(10 * MIN);
      const d = await fx.open(order, { openedAt });
      expect(d.openedAt).toBe(openedAt);
      expect(d.responseDueAt).toBe(iso(Date.parse(openedAt) + DAY));
    });

    it('a second open while the first is not final → 409 problem+json', async () => {
      const { order } = await fx.lateDispute();
      const res = await api.post('/disputes', { orderId: order.orderId }, as.platform());
      expectProblem(res, 409);
      expect((await fx.getOrder(order.orderId)).disputeIds).toHaveLength(1);
    });

    it('a new dispute may be opened once the previous one is final', async () => {
      const { order, id } = await fx.lateDispute();
      expectStatus(await fx.choose(id, order.merchantId, { option: 'OUT_OF_STOCK_REFUND' }), 200);
      expectStatus(await fx.respond(id, order.consumerId, { accepted: false }), 200);
      expect((await fx.dispute(id)).status).toBe('JUDGED');
      const second = await fx.open(order);
      expect(second.disputeId).not.toBe(id);
      expect(second.status).toBe('AWAITING_MERCHANT');
    });

    it('openedAt in the future → 400 problem+json naming openedAt', async () => {
      const order = await fx.lateOrder();
      const res = await api.post('/disputes', { orderId: order.orderId, openedAt: fromNow(HOUR) }, as.platform());
      expectProblem(res, 400);
      expect(problemFields(res)).toContain('openedAt');
      expect((await fx.getOrder(order.orderId)).disputeIds).toHaveLength(0);
    });

    it('an unknown order → 404; a missing orderId or an unknown field → 400 naming it', async () => {
      expectProblem(await api.post('/disputes', { orderId: uid('nope') }, as.platform()), 404);
      const missing = await api.post('/disputes', {}, as.platform());
      expectProblem(missing, 400);
      expect(problemFields(missing)).toContain('orderId');
      const order = await fx.lateOrder();
      const unknown = await api.post('/disputes', { orderId: order.orderId, urgency: 'high' }, as.platform());
      expectProblem(unknown, 400);
      expect(problemFields(unknown)).toEqual(['urgency']);
    });

    it('an unknown dispute → 404 problem+json', async () => {
      expectProblem(await api.get(`/disputes/${uid('d')}`, as.platform()), 404);
    });
  });

  describe('GET /disputes/{id}/options', () => {
    it('lists the five options with availability, the missing facts and what each requires', async () => {
      const { order, id } = await fx.lateDispute();
      const res = await api.get(`/disputes/${id}/options`, as.merchant(order.merchantId));
      expectStatus(res, 200);
      const byOption = Object.fromEntries(res.body.options.map((o: any) => [o.option, o]));
      expect(Object.keys(byOption).sort()).toEqual(['CONSUMER_CANCELLED', 'NO_FAULT_DEFENSE', 'OUT_OF_STOCK_REFUND', 'SHIPPED_WITH_PICKUP', 'SHIP_BY_AGREED_DATE']);
      for (const o of res.body.options) {
        expect(o).toEqual(expect.objectContaining({ available: expect.any(Boolean), missing: expect.any(Array), requires: expect.any(Array) }));
      }
      expect(byOption.CONSUMER_CANCELLED).toEqual(expect.objectContaining({ available: false, missing: ['CANCELLATION_REQUESTED_OR_REFUNDED'] }));
      expect(byOption.SHIPPED_WITH_PICKUP).toEqual(expect.objectContaining({ available: false, missing: ['WAYBILL_UPLOADED', 'PICKUP_SCANNED'] }));
      expect(byOption.OUT_OF_STOCK_REFUND).toEqual(expect.objectContaining({ available: true, missing: [] }));
      expect(byOption.SHIP_BY_AGREED_DATE.requires).toEqual(expect.arrayContaining(['AGREED_SHIP_BY', 'AGREEMENT_EVIDENCE']));
      expect(byOption.NO_FAULT_DEFENSE.requires).toEqual(expect.arrayContaining(['DEFENSE']));

      await fx.fact(order, waybill(ago(MIN)));
      await fx.fact(order, pickup(ago(SEC)));
      const after = await api.get(`/disputes/${id}/options`, as.merchant(order.merchantId));
      const sw = after.body.options.find((o: any) => o.option === 'SHIPPED_WITH_PICKUP');
      expect(sw).toEqual(expect.objectContaining({ available: true, missing: [] }));
    });
  });

  describe('option CONSUMER_CANCELLED', () => {
    it('refused (422, names CANCELLATION_REQUESTED_OR_REFUNDED) without a cancellation request; after one → SETTLED', async () => {
      const { order, id } = await fx.lateDispute();
      const refused = await fx.choose(id, order.merchantId, { option: 'CONSUMER_CANCELLED' });
      expectProblem(refused, 422);
      expect(refused.body.missing).toEqual(['CANCELLATION_REQUESTED_OR_REFUNDED']);
      expect((await fx.dispute(id)).status).toBe('AWAITING_MERCHANT');

      await fx.fact(order, { type: 'CANCELLATION_REQUESTED', occurredAt: ago(MIN) });
      const ok = await fx.choose(id, order.merchantId, { option: 'CONSUMER_CANCELLED' });
      expectStatus(ok, 200);
      expect(ok.body).toEqual(expect.objectContaining({ disputeId: id, status: 'SETTLED', choice: expect.objectContaining({ option: 'CONSUMER_CANCELLED' }) }));
      expect((await fx.dispute(id)).status).toBe('SETTLED');
    });

    it('a refund on record also satisfies it', async () => {
      const { order, id } = await fx.lateDispute({}, [{ type: 'REFUNDED', occurredAt: ago(HOUR) }]);
      const ok = await fx.choose(id, order.merchantId, { option: 'CONSUMER_CANCELLED' });
      expectStatus(ok, 200);
      expect(ok.body.status).toBe('SETTLED');
    });
  });

  describe('option SHIPPED_WITH_PICKUP', () => {
    it('refused (422) naming WAYBILL_UPLOADED and PICKUP_SCANNED until both are on record; then SETTLED', async () => {
      const { order, id } = await fx.lateDispute();
      const none = await fx.choose(id, order.merchantId, { option: 'SHIPPED_WITH_PICKUP' });
      expectProblem(none, 422);
      expect(none.body.missing).toEqual(['WAYBILL_UPLOADED', 'PICKUP_SCANNED']);

      await fx.fact(order, waybill(ago(10 * MIN)));
      const half = await fx.choose(id, order.merchantId, { option: 'SHIPPED_WITH_PICKUP' });
      expectProblem(half, 422);
      expect(half.body.missing).toEqual(['PICKUP_SCANNED']);

      await fx.fact(order, pickup(ago(SEC)));
      const ok = await fx.choose(id, order.merchantId, { option: 'SHIPPED_WITH_PICKUP' });
      expectStatus(ok, 200);
      expect(ok.body.status).toBe('SETTLED');
      expect(ok.body.choice.option).toBe('SHIPPED_WITH_PICKUP');
    });
  });

  describe('option SHIP_BY_AGREED_DATE', () => {
    it('refused (422) without agreedShipBy and evidence, with a past date, or beyond MAX_AGREED_SHIP_DELAY', async () => {
      const { order, id } = await fx.lateDispute();
      const bare = await fx.choose(id, order.merchantId, { option: 'SHIP_BY_AGREED_DATE' });
      expectProblem(bare, 422);
      expect(bare.body.missing).toEqual(expect.arrayContaining(['AGREED_SHIP_BY', 'AGREEMENT_EVIDENCE']));

      const past = await fx.choose(id, order.merchantId, { option: 'SHIP_BY_AGREED_DATE', agreedShipBy: ago(MIN), evidence: EVIDENCE });
      expectProblem(past, 422);
      expect(past.body.missing).toEqual(['AGREED_SHIP_BY_IN_FUTURE']);

      const tooFar = await fx.choose(id, order.merchantId, { option: 'SHIP_BY_AGREED_DATE', agreedShipBy: fromNow(8 * DAY), evidence: EVIDENCE });
      expectProblem(tooFar, 422);
      expect(tooFar.body.missing).toEqual(['AGREED_SHIP_BY_WITHIN_MAX_DELAY']);

      const noEvidence = await fx.choose(id, order.merchantId, { option: 'SHIP_BY_AGREED_DATE', agreedShipBy: fromNow(DAY) });
      expectProblem(noEvidence, 422);
      expect(noEvidence.body.missing).toEqual(['AGREEMENT_EVIDENCE']);
      expect((await fx.dispute(id)).status).toBe('AWAITING_MERCHANT');
    });

    it('accepted → AWAITING_SHIPMENT; a PICKUP_SCANNED fact before the agreed time settles it', async () => {
      const { order, id } = await fx.lateDispute();
      const agreedShipBy = fromNow(2 * DAY);
      const ok = await fx.choose(id, order.merchantId, { option: 'SHIP_BY_AGREED_DATE', agreedShipBy, evidence: EVIDENCE });
      expectStatus(ok, 200);
      expect(ok.body).toEqual(
        expect.objectContaining({ status: 'AWAITING_SHIPMENT', choice: expect.objectContaining({ option: 'SHIP_BY_AGREED_DATE', agreedShipBy }) }),
      );

      await fx.fact(order, waybill(ago(2 * MIN)));
      expect((await fx.dispute(id)).status).toBe('AWAITING_SHIPMENT');
      await fx.fact(order, pickup(ago(SEC)));
      const settled = await fx.dispute(id);
      expect(settled.status).toBe('SETTLED');
      expect(settled.judgement).toBeUndefined();
    });

    it('with a pickup scan already on record before the agreed time it is SETTLED at once', async () => {
      const { order, id } = await fx.lateDispute({}, [waybill(ago(2 * MIN)), pickup(ago(MIN))]);
      const ok = await fx.choose(id, order.merchantId, { option: 'SHIP_BY_AGREED_DATE', agreedShipBy: fromNow(DAY), evidence: EVIDENCE });
      expectStatus(ok, 200);
      expect(ok.body.status).toBe('SETTLED');
    });

    it('agreedShipBy exactly within MAX_AGREED_SHIP_DELAY (7 days less a minute) is accepted', async () => {
      const { order, id } = await fx.lateDispute();
      const ok = await fx.choose(id, order.merchantId, { option: 'SHIP_BY_AGREED_DATE', agreedShipBy: fromNow(7 * DAY - MIN), evidence: EVIDENCE });
      expectStatus(ok, 200);
      expect(ok.body.status).toBe('AWAITING_SHIPMENT');
    });
  });

  describe('the typed client (libs/client)', () => {
    it("a merchant reads its case, its options and answers it through the generated client; another merchant's client gets 404", async () => {
      const { order, id } = await fx.lateDispute();
      const merchant = createDisputeClient({ baseUrl: fx.server.baseUrl, token: () => as.merchant(order.merchantId) });
      const got = await merchant.GET('/disputes/{id}', { params: { path: { id } } });
      expect(got.response.status).toBe(200);
      expect(got.data).toEqual(expect.objectContaining({ disputeId: id, merchantId: order.merchantId, status: 'AWAITING_MERCHANT' }));
      const options = await merchant.GET('/disputes/{id}/options', { params: { path: { id } } });
      expect(options.response.status).toBe(200);
      expect((options.data as any).options.find((o: any) => o.option === 'OUT_OF_STOCK_REFUND')).toEqual(expect.objectContaining({ available: true }));
      const bad = await merchant.POST('/disputes/{id}/choice', { params: { path: { id } }, body: { option: 'NOT_AN_OPTION' as any } });
      expect(bad.response.status).toBe(400);
      expect((bad.error as any).errors.map((e: any) => e.field)).toEqual(['option']);
      const chosen = await merchant.POST('/disputes/{id}/choice', { params: { path: { id } }, body: { option: 'OUT_OF_STOCK_REFUND' } });
      expect(chosen.response.status).toBe(200);
      expect((chosen.data as any).status).toBe('AWAITING_CONSUMER');
      const stranger = createDisputeClient({ baseUrl: fx.server.baseUrl, token: () => as.merchant(`${order.merchantId}-x`) });
      expect((await stranger.GET('/disputes/{id}', { params: { path: { id } } })).response.status).toBe(404);
    });
  });

  describe('option OUT_OF_STOCK_REFUND', () => {
    it('→ AWAITING_CONSUMER; the consumer accepts → SETTLED (final)', async () => {
      const { order, id } = await fx.lateDispute();
      const chosen = await fx.choose(id, order.merchantId, { option: 'OUT_OF_STOCK_REFUND' });
      expectStatus(chosen, 200);
      expect(chosen.body.status).toBe('AWAITING_CONSUMER');
      const accepted = await fx.respond(id, order.consumerId, { accepted: true, comment: 'fine, refund me' });
      expectStatus(accepted, 200);
      expect(accepted.body.status).toBe('SETTLED');
      expect(accepted.body.judgement).toBeUndefined();
    });

    it('→ the consumer rejects → JUDGED MERCHANT_LIABLE OUT_OF_STOCK by SYSTEM', async () => {
      const { order, id } = await fx.lateDispute();
      expectStatus(await fx.choose(id, order.merchantId, { option: 'OUT_OF_STOCK_REFUND' }), 200);
      const rejected = await fx.respond(id, order.consumerId, { accepted: false, comment: 'I want the goods' });
      expectStatus(rejected, 200);
      expect(rejected.body.status).toBe('JUDGED');
      expect(rejected.body.judgement).toEqual(
        expect.objectContaining({
          outcome: 'MERCHANT_LIABLE',
          violation: 'OUT_OF_STOCK',
          decidedBy: 'SYSTEM',
          rulesVersion: 'v2',
          decidedAt: expect.any(String),
          reasons: expect.any(Array),
        }),
      );
    });

    it('refused: the consumer cannot answer before the merchant chose it (409), nor answer twice', async () => {
      const { order, id } = await fx.lateDispute();
      expectProblem(await fx.respond(id, order.consumerId, { accepted: true }), 409);
      expectStatus(await fx.choose(id, order.merchantId, { option: 'OUT_OF_STOCK_REFUND' }), 200);
      const bad = await fx.respond(id, order.consumerId, { accepted: 'yes' });
      expectProblem(bad, 400);
      expect(problemFields(bad)).toEqual(['accepted']);
      expectStatus(await fx.respond(id, order.consumerId, { accepted: true }), 200);
      expectProblem(await fx.respond(id, order.consumerId, { accepted: false }), 409);
    });
  });

  describe('option NO_FAULT_DEFENSE', () => {
    it('refused (422) without a defense, or without the evidence the reason requires', async () => {
      const { order, id } = await fx.lateDispute();
      const bare = await fx.choose(id, order.merchantId, { option: 'NO_FAULT_DEFENSE' });
      expectProblem(bare, 422);
      expect(bare.body.missing).toEqual(['DEFENSE']);

      const noEvidence = await fx.choose(id, order.merchantId, {
        option: 'NO_FAULT_DEFENSE',
        defense: { reason: 'FORCE_MAJEURE', statement: 'Typhoon closed the warehouse' },
      });
      expectProblem(noEvidence, 422);
      expect(noEvidence.body.missing).toHaveLength(1);
      expect(noEvidence.body.missing[0]).toMatch(/^DEFENSE_EVIDENCE/);

      // A chat log is not evidence of force majeure (documents, photos, other).
      const wrongKind = await fx.choose(id, order.merchantId, {
        option: 'NO_FAULT_DEFENSE',
        defense: { reason: 'FORCE_MAJEURE', statement: 'Typhoon closed the warehouse' },
        evidence: EVIDENCE,
      });
      expectProblem(wrongKind, 422);
      expect(wrongKind.body.missing[0]).toMatch(/^DEFENSE_EVIDENCE/);

      const badReason = await fx.choose(id, order.merchantId, { option: 'NO_FAULT_DEFENSE', defense: { reason: 'BAD_LUCK', statement: 'x' } });
      expectProblem(badReason, 400);
      expect(problemFields(badReason)).toEqual(['defense.reason']);
      expect((await fx.dispute(id)).status).toBe('AWAITING_MERCHANT');
    });

    it('SHIPPED_WITHIN_DEADLINE proven by the facts → JUDGED MERCHANT_NOT_LIABLE by SYSTEM', async () => {
      const order = await fx.inTimeOrder();
      const { disputeId: id } = await fx.open(order);
      const res = await fx.choose(id, order.merchantId, {
        option: 'NO_FAULT_DEFENSE',
        defense: { reason: 'SHIPPED_WITHIN_DEADLINE', statement: 'Shipped the same day; see the pickup scan.' },
      });
      expectStatus(res, 200);
      expect(res.body.status).toBe('JUDGED');
      expect(res.body.judgement).toEqual(expect.objectContaining({ outcome: 'MERCHANT_NOT_LIABLE', decidedBy: 'SYSTEM', rulesVersion: 'v2' }));
      expect(res.body.judgement.violation).toBeUndefined();
    });

    it('SHIPPED_WITHIN_DEADLINE the facts contradict → UNDER_REVIEW (not judged by the system)', async () => {
      const { order, id } = await fx.lateDispute();
      const res = await fx.choose(id, order.merchantId, {
        option: 'NO_FAULT_DEFENSE',
        defense: { reason: 'SHIPPED_WITHIN_DEADLINE', statement: 'We shipped, honest.' },
      });
      expectStatus(res, 200);
      expect(res.body.status).toBe('UNDER_REVIEW');
      expect(res.body.judgement).toBeUndefined();
    });

    it('ORDER_NOT_ASSESSED for a presale order → JUDGED MERCHANT_NOT_LIABLE by SYSTEM', async () => {
      const { order, id } = await fx.lateDispute({ orderKind: 'PRESALE' });
      const res = await fx.choose(id, order.merchantId, { option: 'NO_FAULT_DEFENSE', defense: { reason: 'ORDER_NOT_ASSESSED', statement: 'Presale order.' } });
      expectStatus(res, 200);
      expect(res.body.judgement).toEqual(expect.objectContaining({ outcome: 'MERCHANT_NOT_LIABLE', decidedBy: 'SYSTEM' }));
    });

    it('FORCE_MAJEURE with evidence → UNDER_REVIEW; the adjudicator judges → JUDGED by ADJUDICATOR', async () => {
      const { order, id } = await fx.lateDispute();
      const res = await fx.choose(id, order.merchantId, {
        option: 'NO_FAULT_DEFENSE',
        defense: { reason: 'FORCE_MAJEURE', statement: 'Typhoon closed the warehouse' },
        evidence: DOCUMENT_EVIDENCE,
      });
      expectStatus(res, 200);
      expect(res.body.status).toBe('UNDER_REVIEW');
      expect(res.body.choice).toEqual(expect.objectContaining({ option: 'NO_FAULT_DEFENSE', defense: expect.objectContaining({ reason: 'FORCE_MAJEURE' }) }));

      // Liable needs a violation at issue in this review (late shipment).
      expectProblem(await fx.judge(id, { outcome: 'MERCHANT_LIABLE', rationale: 'no' }), 422);
      expectProblem(await fx.judge(id, { outcome: 'MERCHANT_LIABLE', violation: 'OUT_OF_STOCK', rationale: 'no' }), 422);
      const badOutcome = await fx.judge(id, { outcome: 'GUILTY', rationale: 'no' });
      expectProblem(badOutcome, 400);
      expect(problemFields(badOutcome)).toEqual(['outcome']);

      const judged = await fx.judge(id, { outcome: 'MERCHANT_LIABLE', violation: 'LATE_SHIPMENT', rationale: 'The typhoon warning came after the pickup deadline.' });
      expectStatus(judged, 200);
      expect(judged.body.status).toBe('JUDGED');
      expect(judged.body.judgement).toEqual(
        expect.objectContaining({
          outcome: 'MERCHANT_LIABLE',
          violation: 'LATE_SHIPMENT',
          decidedBy: 'ADJUDICATOR',
          rulesVersion: 'v2',
          decidedAt: expect.any(String),
          reasons: expect.any(Array),
        }),
      );
    });

    it('the adjudicator may find the merchant not liable', async () => {
      const { order, id } = await fx.lateDispute();
      await fx.choose(id, order.merchantId, {
        option: 'NO_FAULT_DEFENSE',
        defense: { reason: 'ABNORMAL_ORDER', statement: 'Phone unreachable' },
        evidence: [{ kind: 'CALL_RECORD', ref: 'oss://calls/1.mp3' }],
      });
      const judged = await fx.judge(id, { outcome: 'MERCHANT_NOT_LIABLE', rationale: 'Call records prove the phone was off.' });
      expectStatus(judged, 200);
      expect(judged.body.judgement).toEqual(expect.objectContaining({ outcome: 'MERCHANT_NOT_LIABLE', decidedBy: 'ADJUDICATOR' }));
    });
  });

  describe('contest, finality and the unified single choice', () => {
    async function settledByCancellation() {
      const { order, id } = await fx.lateDispute({}, [{ type: 'CANCELLATION_REQUESTED', occurredAt: ago(HOUR) }]);
      expectStatus(await fx.choose(id, order.merchantId, { option: 'CONSUMER_CANCELLED' }), 200);
      return { order, id };
    }

    it('the consumer contests a settlement → UNDER_REVIEW; the adjudicator finds breach of promise → JUDGED', async () => {
      const { order, id } = await settledByCancellation();
      const contested = await fx.contest(id, order.consumerId, 'I never asked to cancel.');
      expectStatus(contested, 200);
      expect(contested.body.status).toBe('UNDER_REVIEW');
      expectProblem(await fx.contest(id, order.consumerId), 409);
      const judged = await fx.judge(id, { outcome: 'MERCHANT_LIABLE', violation: 'BREACH_OF_PROMISE', rationale: 'No cancellation was agreed.' });
      expectStatus(judged, 200);
      expect(judged.body.judgement).toEqual(expect.objectContaining({ outcome: 'MERCHANT_LIABLE', violation: 'BREACH_OF_PROMISE', decidedBy: 'ADJUDICATOR' }));
    });

    it('a settlement awaiting shipment can be contested too', async () => {
      const { order, id } = await fx.lateDispute();
      await fx.choose(id, order.merchantId, { option: 'SHIP_BY_AGREED_DATE', agreedShipBy: fromNow(DAY), evidence: EVIDENCE });
      const res = await fx.contest(id, order.consumerId);
      expectStatus(res, 200);
      expect(res.body.status).toBe('UNDER_REVIEW');
    });

    it('unified flow: once a choice stands every further choice is 409', async () => {
      const { order, id } = await settledByCancellation();
      await fx.fact(order, waybill(ago(MIN)));
      await fx.fact(order, pickup(ago(SEC)));
      expectProblem(await fx.choose(id, order.merchantId, { option: 'SHIPPED_WITH_PICKUP' }), 409);
      expectProblem(
        await fx.choose(id, order.merchantId, { option: 'NO_FAULT_DEFENSE', defense: { reason: 'SHIPPED_WITHIN_DEADLINE', statement: 'x' } }),
        409,
      );
      expectProblem(await fx.choose(id, order.merchantId, { option: 'CONSUMER_CANCELLED' }), 409);
      const view = await fx.dispute(id);
      expect(view.status).toBe('SETTLED');
      expect(view.choice.option).toBe('CONSUMER_CANCELLED');
    });

    it('a final (JUDGED) case refuses choices, answers, contests and judgements with 409', async () => {
      const { order, id } = await fx.lateDispute();
      await fx.choose(id, order.merchantId, { option: 'OUT_OF_STOCK_REFUND' });
      await fx.respond(id, order.consumerId, { accepted: false });
      expect((await fx.dispute(id)).status).toBe('JUDGED');
      const before = (await fx.timeline(id)).length;

      expectProblem(await fx.choose(id, order.merchantId, { option: 'OUT_OF_STOCK_REFUND' }), 409);
      expectProblem(await fx.respond(id, order.consumerId, { accepted: true }), 409);
      expectProblem(await fx.contest(id, order.consumerId), 409);
      expectProblem(await fx.judge(id, { outcome: 'MERCHANT_NOT_LIABLE', rationale: 'changed my mind' }), 409);
      expect(await fx.timeline(id)).toHaveLength(before);

      const options = await api.get(`/disputes/${id}/options`, as.merchant(order.merchantId));
      expectStatus(options, 200);
      expect(options.body.options.every((o: any) => o.available === false)).toBe(true);
    });

    it('a case judged by the adjudicator is final too', async () => {
      const { order, id } = await settledByCancellation();
      await fx.contest(id, order.consumerId);
      await fx.judge(id, { outcome: 'MERCHANT_NOT_LIABLE', rationale: 'The chat log shows the agreement.' });
      expectProblem(await fx.judge(id, { outcome: 'MERCHANT_LIABLE', violation: 'BREACH_OF_PROMISE', rationale: 'again' }), 409);
      expectProblem(await fx.choose(id, order.merchantId, { option: 'OUT_OF_STOCK_REFUND' }), 409);
    });

    it('a settlement the consumer accepted (out-of-stock refund) is final: no contest, no new choice', async () => {
      const { order, id } = await fx.lateDispute();
      await fx.choose(id, order.merchantId, { option: 'OUT_OF_STOCK_REFUND' });
      await fx.respond(id, order.consumerId, { accepted: true });
      expectProblem(await fx.contest(id, order.consumerId), 409);
      expectProblem(await fx.choose(id, order.merchantId, { option: 'OUT_OF_STOCK_REFUND' }), 409);
      // …and the order can get a new dispute.
      expect((await fx.open(order)).status).toBe('AWAITING_MERCHANT');
    });

    it('only a case under review can be judged (409 otherwise)', async () => {
      const { id } = await fx.lateDispute();
      expectProblem(await fx.judge(id, { outcome: 'MERCHANT_NOT_LIABLE', rationale: 'too early' }), 409);
    });
  });

  describe('history: as-of reads, timeline, replay', () => {
    /** opened (0) → OptionChosen (1) → DisputeSettled (2) → SettlementContested (3) → ReviewRequested (4) → DisputeJudged (5) */
    async function contestedAndJudged() {
      const { order, id } = await fx.lateDispute({}, [{ type: 'CANCELLATION_REQUESTED', occurredAt: ago(HOUR) }]);
      await sleep(15);
      expectStatus(await fx.choose(id, order.merchantId, { option: 'CONSUMER_CANCELLED' }), 200);
      await sleep(15);
      expectStatus(await fx.contest(id, order.consumerId, 'Never agreed'), 200);
      await sleep(15);
      expectStatus(await fx.judge(id, { outcome: 'MERCHANT_LIABLE', violation: 'BREACH_OF_PROMISE', rationale: 'No agreement on record.' }), 200);
      return { order, id };
    }

    it('GET /disputes/{id}?at=<revision> gives the state as it stood at that revision', async () => {
      const { id } = await contestedAndJudged();
      const now = await fx.dispute(id);
      expect(now.status).toBe('JUDGED');
      const last = now.revision;

      const r0 = await fx.dispute(id, '?at=0');
      expect(r0).toEqual(expect.objectContaining({ disputeId: id, status: 'AWAITING_MERCHANT', revision: 0 }));
      expect(r0.choice).toBeUndefined();
      expect(r0.judgement).toBeUndefined();

      const timeline = await fx.timeline(id);
      const settledRev = timeline.find((e) => e.type === 'DisputeSettled').revision;
      const atSettled = await fx.dispute(id, `?at=${settledRev}`);
      expect(atSettled).toEqual(expect.objectContaining({ status: 'SETTLED', revision: settledRev, choice: expect.objectContaining({ option: 'CONSUMER_CANCELLED' }) }));
      expect(atSettled.judgement).toBeUndefined();

      const atLast = await fx.dispute(id, `?at=${last}`);
      expect(atLast.status).toBe('JUDGED');
      expect(atLast.judgement).toEqual(now.judgement);
    });

    it('GET /disputes/{id}?at=<ISO time> gives the state as it stood then; before opening → 404; junk → 400', async () => {
      const { id } = await contestedAndJudged();
      const timeline = await fx.timeline(id);
      const opened = timeline[0];
      const atOpen = await fx.dispute(id, `?at=${encodeURIComponent(opened.recordedAt)}`);
      expect(atOpen.status).toBe('AWAITING_MERCHANT');
      expect(atOpen.revision).toBe(0);

      const settled = timeline.find((e) => e.type === 'DisputeSettled');
      const atSettled = await fx.dispute(id, `?at=${encodeURIComponent(settled.recordedAt)}`);
      expect(atSettled.status).toBe('SETTLED');
      expect(atSettled.revision).toBe(settled.revision);

      expect((await fx.dispute(id, `?at=${encodeURIComponent(new Date().toISOString())}`)).status).toBe('JUDGED');
      expectProblem(await api.get(`/disputes/${id}?at=${encodeURIComponent(iso(Date.parse(opened.recordedAt) - HOUR))}`, as.platform()), 404);
      expectProblem(await api.get(`/disputes/${id}?at=yesterday`, as.platform()), 400);
    });

    it('the timeline lists every event in order with revision, type, recordedAt, actor and stateAfter', async () => {
      const { order, id } = await contestedAndJudged();
      const res = await api.get(`/disputes/${id}/timeline`, as.adjudicator());
      expectStatus(res, 200);
      const items: any[] = res.body.items;
      expect(items.map((e) => e.type)).toEqual(['DisputeOpened', 'OptionChosen', 'DisputeSettled', 'SettlementContested', 'ReviewRequested', 'DisputeJudged']);
      expect(items.map((e) => e.revision)).toEqual(items.map((_, i) => i));
      for (const e of items) {
        expect(e).toEqual(
          expect.objectContaining({ revision: expect.any(Number), type: expect.any(String), recordedAt: expect.any(String), data: expect.any(Object), stateAfter: expect.any(Object) }),
        );
        expect(Number.isNaN(Date.parse(e.recordedAt))).toBe(false);
        expect(e.actor).toEqual(expect.objectContaining({ sub: expect.any(String), role: expect.any(String) }));
        expect(STATUSES).toContain(e.stateAfter.status);
      }
      expect(items.map((e) => e.stateAfter.status)).toEqual(['AWAITING_MERCHANT', 'AWAITING_MERCHANT', 'SETTLED', 'SETTLED', 'UNDER_REVIEW', 'JUDGED']);
      expect(items.map((e) => e.actor.role)).toEqual(['platform', 'merchant', 'merchant', 'consumer', 'consumer', 'adjudicator']);
      expect(items[1].actor.sub).toBe(`merchant-user-${order.merchantId}`);
      expect(items[3].actor.sub).toBe(`consumer-user-${order.consumerId}`);
      const recorded = items.map((e) => Date.parse(e.recordedAt));
      expect([...recorded].sort((a, b) => a - b)).toEqual(recorded);
      // The auditor sees the same timeline.
      const audit = await api.get(`/disputes/${id}/timeline`, as.auditor());
      expectStatus(audit, 200);
      expect(audit.body.items.map((e: any) => e.type)).toEqual(items.map((e) => e.type));
    });

    it('?states=changed carries stateAfter only where the view changed; carried forward it gives the full timeline', async () => {
      const { id } = await contestedAndJudged();
      if (store === 'postgres') {
        // Events that leave the case view as it was (notes the dispute's evolve ignores), appended directly.
        const db = new PgDatabase({ url: servers.get(store).databaseUrl(), max: 1 });
        const es = new SqlEventStore(db);
        try {
          await es.appendToStream(`dispute-${id}`, [1, 2, 3].map((n) => ({ type: 'AdjudicatorNoteAdded', data: { disputeId: id, note: `note ${n}` }, metadata: { actor: { sub: 'adj-1', role: 'adjudicator' } } })));
        } finally {
          await es.close();
          await db.close();
        }
      }
      const full = await api.get(`/disputes/${id}/timeline`, as.adjudicator());
      const lean = await api.get(`/disputes/${id}/timeline?states=changed`, as.adjudicator());
      expectStatus(full, 200);
      expectStatus(lean, 200);
      const a: any[] = full.body.items;
      const b: any[] = lean.body.items;
      expect(b.map((e) => e.eventId)).toEqual(a.map((e) => e.eventId));
      expect(b[0].stateAfter).toEqual(a[0].stateAfter);
      let carried: unknown;
      for (let i = 0; i < a.length; i++) {
        const { stateAfter, ...rest } = b[i];
        const { stateAfter: fullState, ...fullRest } = a[i];
        expect(rest).toEqual(fullRest);
        // Present exactly where the view differs from the event before's.
        expect(stateAfter !== undefined).toBe(i === 0 || JSON.stringify(fullState) !== JSON.stringify(a[i - 1].stateAfter));
        carried = stateAfter ?? carried;
        expect(carried).toEqual(fullState);
      }
      // Every recorded step of this case changes the view; the notes do not.
      expect(b.filter((e) => e.stateAfter).map((e) => e.type)).toEqual(['DisputeOpened', 'OptionChosen', 'DisputeSettled', 'SettlementContested', 'ReviewRequested', 'DisputeJudged']);
      expect(b.length).toBe(store === 'postgres' ? 9 : 6);
      expectProblem(await api.get(`/disputes/${id}/timeline?states=some`, as.adjudicator()), 400);
    });

    it('replay under v1 vs v2 returns {recorded, replayed, differs} and records nothing', async () => {
      const { order, id } = await fx.lateDispute();
      await fx.choose(id, order.merchantId, { option: 'NO_FAULT_DEFENSE', defense: { reason: 'FORCE_MAJEURE', statement: 'Flood' }, evidence: DOCUMENT_EVIDENCE });
      expectStatus(await fx.judge(id, { outcome: 'MERCHANT_LIABLE', violation: 'LATE_SHIPMENT', rationale: 'No flood in that city.' }), 200);
      const events = (await fx.timeline(id)).length;

      const v1 = await api.post(`/disputes/${id}/replay`, { rulesVersion: 'v1' }, as.adjudicator());
      expectStatus(v1, 200);
      expect(v1.body).toEqual(expect.objectContaining({ recorded: expect.any(Object), replayed: expect.any(Object), differs: expect.any(Boolean) }));
      expect(v1.body.recorded).toEqual(expect.objectContaining({ outcome: 'MERCHANT_LIABLE', violation: 'LATE_SHIPMENT', rulesVersion: 'v2', decidedBy: 'ADJUDICATOR' }));
      expect(v1.body.replayed).toEqual(expect.objectContaining({ outcome: 'MERCHANT_LIABLE', violation: 'LATE_SHIPMENT', rulesVersion: 'v1' }));
      // v1: 1 point per late order. v2 depends on the merchant's weekly pickup rate.
      expect(v1.body.replayed.penalty.points).toBe(1);
      expect(v1.body.differs).toBe(v1.body.recorded.penalty.points !== v1.body.replayed.penalty.points);

      const v2 = await api.post(`/disputes/${id}/replay`, { rulesVersion: 'v2' }, as.adjudicator());
      expectStatus(v2, 200);
      expect(v2.body.differs).toBe(false);
      expect(v2.body.replayed).toEqual(v2.body.recorded);
      expect(v2.body.recorded).toEqual((await fx.dispute(id)).judgement);

      expectProblem(await api.post(`/disputes/${id}/replay`, { rulesVersion: 'v3' }, as.adjudicator()), 400);
      expect(await fx.timeline(id)).toHaveLength(events);
    });

    it('replay of a case without a judgement: recorded and replayed are null, no difference', async () => {
      const { id } = await fx.lateDispute();
      const res = await api.post(`/disputes/${id}/replay`, { rulesVersion: 'v1' }, as.adjudicator());
      expectStatus(res, 200);
      expect(res.body).toEqual(expect.objectContaining({ recorded: null, replayed: null, differs: false }));
    });
  });

  describe('legacy flow (UNIFIED_FLOW_ROLLOUT=none)', () => {
    let legacy: Fixtures;
    beforeAll(() => {
      legacy = new Fixtures(servers.get(store, 'legacy'));
    });

    it('opens disputes with flow LEGACY', async () => {
      const { dispute } = await legacy.lateDispute();
      expect(dispute.flow).toBe('LEGACY');
      expect(dispute.status).toBe('AWAITING_MERCHANT');
    });

    it('allows one defense and one settlement (either order), and refuses a second of either (409)', async () => {
      const { order, id } = await legacy.lateDispute({}, [{ type: 'CANCELLATION_REQUESTED', occurredAt: ago(HOUR) }]);
      const defense = await legacy.choose(id, order.merchantId, {
        option: 'NO_FAULT_DEFENSE',
        defense: { reason: 'FORCE_MAJEURE', statement: 'Earthquake' },
        evidence: DOCUMENT_EVIDENCE,
      });
      expectStatus(defense, 200);
      expect(defense.body.status).toBe('UNDER_REVIEW');

      const settlement = await legacy.choose(id, order.merchantId, { option: 'CONSUMER_CANCELLED' });
      expectStatus(settlement, 200);
      expect(settlement.body.status).toBe('SETTLED');
      expect(settlement.body.flow).toBe('LEGACY');

      expectProblem(await legacy.choose(id, order.merchantId, { option: 'OUT_OF_STOCK_REFUND' }), 409);
      expectProblem(
        await legacy.choose(id, order.merchantId, { option: 'NO_FAULT_DEFENSE', defense: { reason: 'MALICIOUS_ORDER', statement: 'x' }, evidence: EVIDENCE }),
        409,
      );
      const view = await legacy.dispute(id);
      expect(view.choices.map((c: any) => c.option)).toEqual(['NO_FAULT_DEFENSE', 'CONSUMER_CANCELLED']);
      expect(view.choice.option).toBe('CONSUMER_CANCELLED');
    });

    it('a defense filed after a settlement is held; when the settlement fails the case goes to review, not to a system judgement', async () => {
      const { order, id } = await legacy.lateDispute();
      expectStatus(await legacy.choose(id, order.merchantId, { option: 'OUT_OF_STOCK_REFUND' }), 200);
      const held = await legacy.choose(id, order.merchantId, {
        option: 'NO_FAULT_DEFENSE',
        defense: { reason: 'ABNORMAL_ORDER', statement: 'Address incomplete' },
        evidence: [{ kind: 'SMS', ref: 'oss://sms/1' }],
      });
      expectStatus(held, 200);
      expect(held.body.status).toBe('AWAITING_CONSUMER');
      const rejected = await legacy.respond(id, order.consumerId, { accepted: false });
      expectStatus(rejected, 200);
      expect(rejected.body.status).toBe('UNDER_REVIEW');
      expect(rejected.body.judgement).toBeUndefined();
    });

    it('the same sequence in the unified flow refuses the second choice', async () => {
      const { order, id } = await fx.lateDispute();
      expectStatus(await fx.choose(id, order.merchantId, { option: 'OUT_OF_STOCK_REFUND' }), 200);
      expectProblem(
        await fx.choose(id, order.merchantId, {
          option: 'NO_FAULT_DEFENSE',
          defense: { reason: 'ABNORMAL_ORDER', statement: 'Address incomplete' },
          evidence: [{ kind: 'SMS', ref: 'oss://sms/1' }],
        }),
        409,
      );
    });
  });
});
