/**
 * Concurrency (optimistic concurrency on the dispute and order streams) and Idempotency-Key semantics over
 * real HTTP, including a retry after the service was restarted on the same store.
 */
import { randomUUID } from 'node:crypto';
import { Api, expectProblem, expectStatus, show, type Res } from './support/http';
import { ago, DAY, DOCUMENT_EVIDENCE, Fixtures, HOUR, MIN, pickup, SEC, waybill } from './support/fixtures';
import { STORES, useServers } from './support/server';
import { as } from './support/tokens';

jest.setTimeout(60_000);

const servers = useServers();

const count = (rs: Res[], status: number) => rs.filter((r) => r.status === status).length;
const statuses = (rs: Res[]) => rs.map((r) => r.status).join(',');

describe.each(STORES)('concurrency and idempotency (%s store)', (store) => {
  let fx: Fixtures;
  let api: Api;
  beforeAll(() => {
    fx = new Fixtures(servers.get(store));
    api = fx.api;
  });

  describe('concurrent writes', () => {
    it('50 concurrent conflicting choices on one dispute: exactly one 200, the rest 409, one OptionChosen recorded', async () => {
      // Every option is selectable: a cancellation request, a waybill and a pickup scan are on record.
      const { order, id } = await fx.lateDispute({}, [{ type: 'CANCELLATION_REQUESTED', occurredAt: ago(HOUR) }, waybill(ago(30 * MIN)), pickup(ago(SEC))]);
      const bodies = [
        { option: 'CONSUMER_CANCELLED' },
        { option: 'SHIPPED_WITH_PICKUP' },
        { option: 'OUT_OF_STOCK_REFUND' },
        { option: 'NO_FAULT_DEFENSE', defense: { reason: 'FORCE_MAJEURE', statement: 'Flood' }, evidence: DOCUMENT_EVIDENCE },
        { option: 'SHIP_BY_AGREED_DATE', agreedShipBy: new Date(Date.now() + DAY).toISOString(), evidence: DOCUMENT_EVIDENCE },
      ];
      const results = await Promise.all(Array.from({ length: 50 }, (_, i) => fx.choose(id, order.merchantId, bodies[i % bodies.length])));
      expect({ ok: count(results, 200), conflict: count(results, 409), all: statuses(results) }).toEqual(
        expect.objectContaining({ ok: 1, conflict: 49 }),
      );
      for (const r of results.filter((x) => x.status === 409)) expectProblem(r, 409);
      const winner = results.find((r) => r.status === 200)!;

      const timeline = await fx.timeline(id);
      expect(timeline.filter((e) => e.type === 'OptionChosen')).toHaveLength(1);
      expect(timeline.map((e) => e.revision)).toEqual(timeline.map((_, i) => i));
      const view = await fx.dispute(id);
      expect(view.choice.option).toBe(winner.body.choice.option);
      expect(view.status).toBe(winner.body.status);
    });

    it('20 concurrent opens on one order: exactly one 201, the rest 409; the order has one dispute', async () => {
      const order = await fx.lateOrder();
      const results = await Promise.all(Array.from({ length: 20 }, () => api.post('/disputes', { orderId: order.orderId }, as.platform())));
      expect({ created: count(results, 201), conflict: count(results, 409), all: statuses(results) }).toEqual(
        expect.objectContaining({ created: 1, conflict: 19 }),
      );
      for (const r of results.filter((x) => x.status === 409)) expectProblem(r, 409);
      const created = results.find((r) => r.status === 201)!;
      const view = await fx.getOrder(order.orderId);
      expect(view.disputeIds).toEqual([created.body.disputeId]);
      expect((await fx.dispute(created.body.disputeId)).status).toBe('AWAITING_MERCHANT');
    });

    it('20 concurrent opens on 20 different orders all succeed (no false conflicts)', async () => {
      const orders = await Promise.all(Array.from({ length: 20 }, () => fx.lateOrder()));
      const results = await Promise.all(orders.map((o) => api.post('/disputes', { orderId: o.orderId }, as.platform())));
      expect(statuses(results)).toBe(Array(20).fill(201).join(','));
    });

    it('concurrent facts on one order: each is recorded exactly once or answered 409 CONCURRENT_CHANGE (retryable), none lost', async () => {
      const order = await fx.lateOrder();
      const facts = Array.from({ length: 15 }, (_, i) => waybill(ago((i + 1) * MIN)));
      const results = await Promise.all(facts.map((f) => api.post(`/orders/${order.orderId}/facts`, f, as.platform())));
      // Non-conflicting facts: the contract allows 409 for a concurrent change, which the client retries.
      for (const r of results) {
        if (r.status !== 201) expectProblem(r, 409, 'CONCURRENT_CHANGE');
      }
      const retried = await Promise.all(
        facts.map(async (f, i) => (results[i].status === 201 ? results[i] : api.post(`/orders/${order.orderId}/facts`, f, as.platform()))),
      );
      for (const r of retried) expectStatus(r, 201);
      const view = await fx.getOrder(order.orderId);
      const recorded = view.facts.filter((f: any) => f.type === 'WAYBILL_UPLOADED').map((f: any) => f.waybillNo).sort();
      expect(recorded).toEqual(facts.map((f) => f.waybillNo).sort());
    });
  });

  describe('Idempotency-Key', () => {
    it('POST /orders retried with the same key and body: same status and body, nothing new recorded', async () => {
      const body = fx.orderBody();
      const key = randomUUID();
      const first = await api.post('/orders', body, as.platform(), { idempotencyKey: key });
      expectStatus(first, 201);
      const again = await api.post('/orders', body, as.platform(), { idempotencyKey: key });
      expectStatus(again, 201);
      expect(again.body).toEqual(first.body);
      // Without the key the same body is a duplicate.
      expectProblem(await api.post('/orders', body, as.platform()), 409);
      expect((await fx.getOrder(body.orderId)).registeredAt).toBe(first.body.registeredAt);
    });

    it('POST /orders/{id}/facts retried: one fact recorded', async () => {
      const order = await fx.lateOrder();
      const key = randomUUID();
      const fact = { type: 'CANCELLATION_REQUESTED', occurredAt: ago(MIN) };
      const first = await api.post(`/orders/${order.orderId}/facts`, fact, as.platform(), { idempotencyKey: key });
      expectStatus(first, 201);
      const again = await api.post(`/orders/${order.orderId}/facts`, fact, as.platform(), { idempotencyKey: key });
      expectStatus(again, 201);
      expect(again.body).toEqual(first.body);
      expect((await fx.getOrder(order.orderId)).facts.filter((f: any) => f.type === 'CANCELLATION_REQUESTED')).toHaveLength(1);
    });

    it('POST /disputes retried: the same dispute, not a 409 and not a second dispute', async () => {
      const order = await fx.lateOrder();
      const key = randomUUID();
      const first = await api.post('/disputes', { orderId: order.orderId }, as.platform(), { idempotencyKey: key });
      expectStatus(first, 201);
      const again = await api.post('/disputes', { orderId: order.orderId }, as.platform(), { idempotencyKey: key });
      expectStatus(again, 201);
      expect(again.body).toEqual(first.body);
      expect((await fx.getOrder(order.orderId)).disputeIds).toEqual([first.body.disputeId]);
    });

    it('a choice retried with the same key and body: same 200 and body, the timeline does not grow', async () => {
      const { order, id } = await fx.lateDispute();
      const key = randomUUID();
      const first = await fx.choose(id, order.merchantId, { option: 'OUT_OF_STOCK_REFUND' }, { idempotencyKey: key });
      expectStatus(first, 200);
      const length = (await fx.timeline(id)).length;
      for (let i = 0; i < 3; i++) {
        const again = await fx.choose(id, order.merchantId, { option: 'OUT_OF_STOCK_REFUND' }, { idempotencyKey: key });
        expect(again.status).toBe(200);
        expect(again.body).toEqual(first.body);
      }
      expect(await fx.timeline(id)).toHaveLength(length);
      // A new key is a new request: refused, since a choice stands.
      expectProblem(await fx.choose(id, order.merchantId, { option: 'OUT_OF_STOCK_REFUND' }, { idempotencyKey: randomUUID() }), 409);
    });

    it('the same key with a different body → 422 problem+json, nothing recorded', async () => {
      const { order, id } = await fx.lateDispute({}, [{ type: 'CANCELLATION_REQUESTED', occurredAt: ago(HOUR) }]);
      const key = randomUUID();
      expectStatus(await fx.choose(id, order.merchantId, { option: 'OUT_OF_STOCK_REFUND' }, { idempotencyKey: key }), 200);
      const length = (await fx.timeline(id)).length;
      const other = await fx.choose(id, order.merchantId, { option: 'CONSUMER_CANCELLED' }, { idempotencyKey: key });
      expectProblem(other, 422);
      expect(await fx.timeline(id)).toHaveLength(length);
      expect((await fx.dispute(id)).choice.option).toBe('OUT_OF_STOCK_REFUND');

      const orderBody = fx.orderBody();
      const k2 = randomUUID();
      expectStatus(await api.post('/orders', orderBody, as.platform(), { idempotencyKey: k2 }), 201);
      expectProblem(await api.post('/orders', { ...orderBody, amount: orderBody.amount + 1 }, as.platform(), { idempotencyKey: k2 }), 422);
      expect((await fx.getOrder(orderBody.orderId)).amount).toBe(orderBody.amount);
    });

    it('a refusal is the first answer too: retried after the facts changed, the same 422 comes back and nothing is recorded', async () => {
      const { order, id } = await fx.lateDispute();
      const key = randomUUID();
      const first = await fx.choose(id, order.merchantId, { option: 'SHIPPED_WITH_PICKUP' }, { idempotencyKey: key });
      expectProblem(first, 422);
      await fx.fact(order, waybill(ago(MIN)));
      await fx.fact(order, pickup(ago(SEC)));
      const again = await fx.choose(id, order.merchantId, { option: 'SHIPPED_WITH_PICKUP' }, { idempotencyKey: key });
      expectProblem(again, 422);
      const pick = (b: any) => ({ type: b.type, title: b.title, status: b.status, detail: b.detail, code: b.code, missing: b.missing });
      expect(pick(again.body)).toEqual(pick(first.body));
      expect((await fx.dispute(id)).status).toBe('AWAITING_MERCHANT');
      // A new key runs the request again.
      expectStatus(await fx.choose(id, order.merchantId, { option: 'SHIPPED_WITH_PICKUP' }, { idempotencyKey: randomUUID() }), 200);
    });

    it('a replayed refusal carries every member of the first answer (only requestId may differ)', async () => {
      const { order, id } = await fx.lateDispute();
      const key = randomUUID();
      const first = await fx.choose(id, order.merchantId, { option: 'CONSUMER_CANCELLED' }, { idempotencyKey: key });
      expectProblem(first, 422);
      const again = await fx.choose(id, order.merchantId, { option: 'CONSUMER_CANCELLED' }, { idempotencyKey: key });
      expectProblem(again, 422);
      // Extensions may be added to the replay (the contract allows extra fields), but nothing of the first
      // answer may be missing or different.
      const { requestId: _r, ...firstMembers } = first.body;
      expect(again.body).toEqual(expect.objectContaining(firstMembers));
    });

    it('concurrent retries with one key record the choice once; every completed answer is the same', async () => {
      const { order, id } = await fx.lateDispute();
      const key = randomUUID();
      const results = await Promise.all(Array.from({ length: 10 }, () => fx.choose(id, order.merchantId, { option: 'OUT_OF_STOCK_REFUND' }, { idempotencyKey: key })));
      // 200 = the first answer; 409 = "still in progress, retry" while the first one runs.
      for (const r of results) expect([200, 409]).toContain(r.status);
      const ok = results.filter((r) => r.status === 200);
      expect(ok.length).toBeGreaterThanOrEqual(1);
      for (const r of ok) expect(r.body).toEqual(ok[0].body);
      for (const r of results.filter((x) => x.status === 409)) expectProblem(r, 409);
      const retry = await fx.choose(id, order.merchantId, { option: 'OUT_OF_STOCK_REFUND' }, { idempotencyKey: key });
      expectStatus(retry, 200);
      expect(retry.body).toEqual(ok[0].body);
      expect((await fx.timeline(id)).filter((e) => e.type === 'OptionChosen')).toHaveLength(1);
    });

    it('a malformed Idempotency-Key is refused with 400', async () => {
      const res = await api.post('/orders', fx.orderBody(), as.platform(), { headers: { 'idempotency-key': 'x'.repeat(300) } });
      expectProblem(res, 400);
    });

    it('a retry after a service restart (same store) still returns the first answer and records nothing', async () => {
      const server = servers.get(store);
      const { order, id } = await fx.lateDispute();
      const chooseKey = randomUUID();
      const first = await fx.choose(id, order.merchantId, { option: 'OUT_OF_STOCK_REFUND' }, { idempotencyKey: chooseKey });
      expectStatus(first, 200);
      const order2 = await fx.lateOrder();
      const openKey = randomUUID();
      const opened = await api.post('/disputes', { orderId: order2.orderId }, as.platform(), { idempotencyKey: openKey });
      expectStatus(opened, 201);
      const length = (await fx.timeline(id)).length;

      await server.restart();

      const again = await fx.choose(id, order.merchantId, { option: 'OUT_OF_STOCK_REFUND' }, { idempotencyKey: chooseKey });
      if (again.status !== 200) throw new Error(`after restart: ${show(again)}\n${server.logTail()}`);
      expect(again.body).toEqual(first.body);
      const reopened = await api.post('/disputes', { orderId: order2.orderId }, as.platform(), { idempotencyKey: openKey });
      expectStatus(reopened, 201);
      expect(reopened.body).toEqual(opened.body);
      expect(await fx.timeline(id)).toHaveLength(length);
      expect((await fx.getOrder(order2.orderId)).disputeIds).toEqual([opened.body.disputeId]);
      expectProblem(await fx.choose(id, order.merchantId, { option: 'CONSUMER_CANCELLED' }, { idempotencyKey: chooseKey }), 422);
      // The state survived the restart.
      expect((await fx.dispute(id)).status).toBe('AWAITING_CONSUMER');
    });
  });
});
