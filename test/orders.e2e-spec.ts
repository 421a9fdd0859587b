/** Orders over HTTP: registration, facts, the shipping clock, and the contract's input errors. */
import { Api, expectProblem, expectStatus, problemFields } from './support/http';
import { ago, DAY, Fixtures, fromNow, HOUR, iso, MIN, pickup, SEC, uid, waybill } from './support/fixtures';
import { STORES, useServers } from './support/server';
import { as } from './support/tokens';

jest.setTimeout(30_000);

const servers = useServers();

describe.each(STORES)('orders (%s store)', (store) => {
  let fx: Fixtures;
  let api: Api;
  beforeAll(() => {
    fx = new Fixtures(servers.get(store));
    api = fx.api;
  });

  describe('POST /orders', () => {
    it('registers an order: 201 with the order, no facts, and the shipping assessment', async () => {
      const body = fx.orderBody({ placedAt: ago(2 * HOUR), paymentMethod: 'COD', amount: 4500 });
      const res = await api.post('/orders', body, as.platform());
      expectStatus(res, 201);
      expect(res.contentType).toMatch(/^application\/json/);
      expect(res.body).toEqual(
        expect.objectContaining({
          orderId: body.orderId,
          merchantId: body.merchantId,
          consumerId: body.consumerId,
          placedAt: body.placedAt,
          paymentMethod: 'COD',
          orderKind: 'STANDARD',
          amount: 4500,
          facts: [],
        }),
      );
      // COD: the clock starts at placement; waybill due +24 h, pickup +48 h.
      const placed = Date.parse(body.placedAt);
      expect(res.body.shipping).toEqual(
        expect.objectContaining({
          assessed: true,
          clockStartsAt: iso(placed),
          waybillDueAt: iso(placed + DAY),
          pickupDueAt: iso(placed + 2 * DAY),
          late: false,
        }),
      );
    });

    it('a prepaid order has no clock until it is paid; paid 3 days ago with nothing shipped it is late', async () => {
      const order = await fx.order({ placedAt: ago(3 * DAY) });
      expect(order.registered.shipping).toEqual(
        expect.objectContaining({ assessed: true, clockStartsAt: null, waybillDueAt: null, pickupDueAt: null, late: false }),
      );
      const paidAt = Date.parse(ago(3 * DAY - MIN));
      const res = await api.post(`/orders/${order.orderId}/facts`, { type: 'PAID', occurredAt: iso(paidAt) }, as.platform());
      expectStatus(res, 201);
      expect(res.body.shipping).toEqual(
        expect.objectContaining({ assessed: true, clockStartsAt: iso(paidAt), waybillDueAt: iso(paidAt + DAY), pickupDueAt: iso(paidAt + 2 * DAY), late: true }),
      );
    });

    it('orders that are not assessed (presale, post-office remittance) are never late', async () => {
      for (const over of [{ orderKind: 'PRESALE' }, { paymentMethod: 'POST_OFFICE_REMITTANCE' }, { orderKind: 'CUSTOM', promisedShipAt: ago(2 * DAY) }]) {
        const order = await fx.lateOrder(over);
        const view = await fx.getOrder(order.orderId);
        expect(view.shipping).toEqual(expect.objectContaining({ assessed: false, late: false }));
      }
    });

    it('a duplicate orderId is refused with 409 problem+json', async () => {
      const body = fx.orderBody();
      expectStatus(await api.post('/orders', body, as.platform()), 201);
      const again = await api.post('/orders', { ...body, amount: 1 }, as.platform());
      expectProblem(again, 409);
    });

    it('validation: 400 problem+json listing each bad field in errors[].field', async () => {
      const res = await api.post(
        '/orders',
        {
          orderId: 'has spaces!',
          merchantId: 42,
          consumerId: '',
          placedAt: 'yesterday',
          paymentMethod: 'CASH',
          orderKind: 'SPECIAL',
          promisedShipAt: '2026-13-45',
          amount: -5,
        },
        as.platform(),
      );
      expectProblem(res, 400);
      expect(problemFields(res).sort()).toEqual(
        ['amount', 'consumerId', 'merchantId', 'orderId', 'orderKind', 'paymentMethod', 'placedAt', 'promisedShipAt'].sort(),
      );
      for (const e of res.body.errors) {
        expect(Array.isArray(e.messages) || typeof e.message === 'string').toBe(true);
      }
    });

    it('validation: missing required fields are each listed', async () => {
      const res = await api.post('/orders', { orderId: uid('o') }, as.platform());
      expectProblem(res, 400);
      expect(problemFields(res)).toEqual(expect.arrayContaining(['merchantId', 'consumerId', 'placedAt', 'paymentMethod', 'orderKind', 'amount']));
      expect(problemFields(res)).not.toContain('orderId');
    });

    it('an unknown field is refused with 400 naming it', async () => {
      const res = await api.post('/orders', { ...fx.orderBody(), discountCode: 'SPRING' }, as.platform());
      expectProblem(res, 400);
      expect(problemFields(res)).toEqual(['discountCode']);
    });

    it('placedAt in the future is refused with 400', async () => {
      const res = await api.post('/orders', fx.orderBody({ placedAt: fromNow(HOUR) }), as.platform());
      expectProblem(res, 400);
    });

    it('a body larger than 1 MB is refused with 413 problem+json', async () => {
      const big = { ...fx.orderBody(), padding: 'x'.repeat(1024 * 1024 + 1) };
      const res = await api.post('/orders', big, as.platform());
      expectProblem(res, 413);
    });

    it('malformed JSON is refused with 400 problem+json', async () => {
      const res = await api.request('POST', '/orders', { raw: '{"orderId": "o-1", "merchantId": ', token: as.platform() });
      expectProblem(res, 400);
    });

    it('a body that is not JSON (text/plain) is refused with a 4xx problem+json', async () => {
      const res = await api.request('POST', '/orders', { raw: 'orderId=o-1', headers: { 'content-type': 'text/plain' }, token: as.platform() });
      expect([400, 415]).toContain(res.status);
      expectProblem(res, res.status);
    });

    it('the refused requests recorded nothing', async () => {
      const body = fx.orderBody();
      expectProblem(await api.post('/orders', { ...body, extra: 1 }, as.platform()), 400);
      expectProblem(await api.get(`/orders/${body.orderId}`, as.platform()), 404);
    });
  });

  describe('POST /orders/{orderId}/facts', () => {
    it('records each kind of fact (201) and GET /orders/{id} shows them with the shipping clock', async () => {
      const placedAt = ago(HOUR);
      const order = await fx.order({ placedAt });
      const facts = [
        { type: 'PAID', occurredAt: ago(HOUR - MIN), amount: 12900 },
        waybill(ago(30 * MIN)),
        pickup(ago(20 * MIN)),
        { type: 'CANCELLATION_REQUESTED', occurredAt: ago(10 * MIN) },
        { type: 'REFUNDED', occurredAt: ago(5 * MIN), amount: 100 },
      ];
      for (const f of facts) {
        const res = await api.post(`/orders/${order.orderId}/facts`, f, as.platform());
        expectStatus(res, 201);
        expect(res.body.facts.at(-1)).toEqual(expect.objectContaining({ type: f.type, occurredAt: f.occurredAt }));
      }
      const view = await fx.getOrder(order.orderId);
      expect(view.facts.map((f: any) => f.type)).toEqual(facts.map((f) => f.type));
      expect(view.facts[1]).toEqual(expect.objectContaining({ carrier: 'SF', waybillNo: (facts[1] as any).waybillNo }));
      expect(view.shipping).toEqual(
        expect.objectContaining({
          assessed: true,
          clockStartsAt: facts[0].occurredAt,
          waybillDueAt: iso(Date.parse(facts[0].occurredAt) + DAY),
          pickupDueAt: iso(Date.parse(facts[0].occurredAt) + 2 * DAY),
          late: false,
        }),
      );
    });

    it.each(['LOCKED', 'INVALIDATED'])('%s makes the order not assessed', async (type) => {
      const order = await fx.lateOrder();
      expect((await fx.getOrder(order.orderId)).shipping.late).toBe(true);
      await fx.fact(order, { type, occurredAt: ago(MIN) });
      expect((await fx.getOrder(order.orderId)).shipping).toEqual(expect.objectContaining({ assessed: false, late: false }));
    });

    it('a fact dated in the future is refused with 400 problem+json and not recorded', async () => {
      const order = await fx.order({ placedAt: ago(HOUR) });
      const res = await api.post(`/orders/${order.orderId}/facts`, { type: 'PAID', occurredAt: fromNow(10 * MIN) }, as.platform());
      expectProblem(res, 400);
      expect((await fx.getOrder(order.orderId)).facts).toEqual([]);
    });

    it('a fact for an unknown order is 404 problem+json', async () => {
      const res = await api.post(`/orders/${uid('nope')}/facts`, { type: 'PAID', occurredAt: ago(MIN) }, as.platform());
      expectProblem(res, 404);
    });

    it('a waybill upload without carrier/waybillNo is refused with 400 naming what is missing', async () => {
      const order = await fx.lateOrder();
      const res = await api.post(`/orders/${order.orderId}/facts`, { type: 'WAYBILL_UPLOADED', occurredAt: ago(MIN) }, as.platform());
      expectProblem(res, 400);
      expect(JSON.stringify(res.body)).toMatch(/carrier/);
      expect(JSON.stringify(res.body)).toMatch(/waybillNo/);
    });

    it('validation of a fact: unknown type, bad time, unknown field → 400 with each field', async () => {
      const order = await fx.lateOrder();
      const res = await api.post(`/orders/${order.orderId}/facts`, { type: 'DELIVERED', occurredAt: 'now', colour: 'red', amount: 1.5 }, as.platform());
      expectProblem(res, 400);
      expect(problemFields(res).sort()).toEqual(['amount', 'colour', 'occurredAt', 'type']);
    });

    it('PAID twice is a conflict (409)', async () => {
      const order = await fx.lateOrder();
      const res = await api.post(`/orders/${order.orderId}/facts`, { type: 'PAID', occurredAt: ago(HOUR) }, as.platform());
      expectProblem(res, 409);
    });

    it('a fact dated before the order was placed is refused (422)', async () => {
      const order = await fx.order({ placedAt: ago(HOUR) });
      const res = await api.post(`/orders/${order.orderId}/facts`, { type: 'PAID', occurredAt: ago(2 * HOUR) }, as.platform());
      expectProblem(res, 422);
    });
  });

  describe('GET /orders/{orderId}', () => {
    it('an unknown order is 404 problem+json', async () => {
      expectProblem(await api.get(`/orders/${uid('missing')}`, as.platform()), 404);
    });

    it('a malformed order id is 400, not 500', async () => {
      const res = await api.get(`/orders/${encodeURIComponent('bad id with spaces')}`, as.platform());
      expectProblem(res, 400);
    });

    it('the order lists its disputes once one is opened', async () => {
      const { order, id } = await fx.lateDispute();
      const view = await fx.getOrder(order.orderId);
      expect(view.shipping).toEqual(
        expect.objectContaining({ assessed: true, late: true, clockStartsAt: expect.any(String), waybillDueAt: expect.any(String), pickupDueAt: expect.any(String) }),
      );
      expect(JSON.stringify(view)).toContain(id);
    });

    it('the shipping clock of a paid order: waybill due 24 h and pickup due 48 h after payment', async () => {
      const paidAt = Date.parse(ago(5 * HOUR)) - (Date.now() % SEC);
      const order = await fx.order({ placedAt: iso(paidAt - MIN) }, [{ type: 'PAID', occurredAt: iso(paidAt) }]);
      const view = await fx.getOrder(order.orderId);
      expect(view.shipping).toEqual(
        expect.objectContaining({ assessed: true, clockStartsAt: iso(paidAt), waybillDueAt: iso(paidAt + DAY), pickupDueAt: iso(paidAt + 2 * DAY), late: false }),
      );
    });
  });
});
