/**
 * Hostile input over real HTTP: every request here got a 500, a non-problem answer, an amplified answer
 * or a silently normalised value before. Each must now get a 4xx application/problem+json naming the
 * field, change nothing, and leave the service up (it answers /health afterwards).
 */
import * as net from 'node:net';
import { Api, expectProblem, expectStatus, problemFields, type Res } from './support/http';
import { ago, Fixtures, HOUR, uid } from './support/fixtures';
import { STORES, useServers, type TestServer } from './support/server';
import { as } from './support/tokens';

jest.setTimeout(60_000);

const servers = useServers();

/** A raw HTTP/1.1 exchange (for requests fetch refuses to send). */
function rawHttp(server: TestServer, request: string): Promise<{ status: number; headers: string; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(server.port, '127.0.0.1');
    let data = '';
    socket.setEncoding('utf8');
    socket.on('data', (c) => (data += c));
    socket.on('error', (e) => (data ? undefined : reject(e)));
    socket.on('close', () => {
      const [head, ...rest] = data.split('\r\n\r\n');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0);
      resolve({ status, headers: head, body: rest.join('\r\n\r\n') });
    });
    socket.write(request);
  });
}

describe.each(STORES)('hostile input (%s store)', (store) => {
  let fx: Fixtures;
  let api: Api;
  beforeAll(() => {
    fx = new Fixtures(servers.get(store));
    api = fx.api;
  });
  afterEach(async () => {
    expectStatus(await api.get('/health'), 200);
  });

  const rawPost = (path: string, raw: string, token = as.platform()) => api.request('POST', path, { raw, token });

  describe('JSON bodies', () => {
    it.each([
      ['arrays', '['.repeat(1500) + ']'.repeat(1500)],
      ['objects', '{"a":'.repeat(1500) + '1' + '}'.repeat(1500)],
      ['inside a valid field', JSON.stringify({ orderId: 'o-1' }).replace('"o-1"', '['.repeat(40) + ']'.repeat(40))],
    ])('refuses nesting 1,500 deep (%s) with 400 INPUT_TOO_DEEP on every body route', async (_name, raw) => {
      for (const path of ['/orders', '/disputes', '/orders/o-1/facts', '/disputes/d-1/choice', '/delay-reports']) {
        const res = await rawPost(path, raw);
        expectProblem(res, 400, 'INPUT_TOO_DEEP');
      }
    });

    it('refuses NUL and lone surrogates anywhere in a body, naming the field, and stores nothing', async () => {
      const body = fx.orderBody();
      const nul = await api.post('/orders', { ...body, orderId: `${body.orderId}\u0000` }, as.platform());
      expectProblem(nul, 400, 'INVALID_STRING');
      expect(problemFields(nul)).toEqual(['orderId']);
      const lone = await rawPost('/orders', JSON.stringify({ ...body, merchantId: 'x' }).replace('"merchantId":"x"', '"merchantId":"m\\ud800"'));
      expectProblem(lone, 400, 'INVALID_STRING');
      expect(problemFields(lone)).toEqual(['merchantId']);
      const deep = await api.post('/disputes/d-1/choice', { option: 'SHIP_BY_AGREED_DATE', evidence: [{ kind: 'CHAT_LOG', ref: 'ok' }, { kind: 'CHAT_LOG', ref: 'a\u0000' }] }, as.merchant('m-1'));
      expectProblem(deep, 400, 'INVALID_STRING');
      expect(problemFields(deep)).toEqual(['evidence[1].ref']);
      const key = await rawPost('/orders', '{"a\\u0000":1}');
      expectProblem(key, 400, 'INVALID_STRING');
      expectProblem(await api.get(`/orders/${body.orderId}`, as.platform()), 404);
    });

    it('answers a 200 KB body of 100,000 bad items, and 50,000 unknown members, with a small 400 at once', async () => {
      const items = await rawPost('/disputes/d-1/choice', JSON.stringify({ option: 'X', evidence: Array(100_000).fill(1) }), as.merchant('m-1'));
      expectProblem(items, 400, 'INPUT_TOO_LARGE');
      expect(problemFields(items)).toEqual(['evidence']);
      expect(items.text.length).toBeLessThan(2000);
      const members = Object.fromEntries(Array.from({ length: 50_000 }, (_, i) => [`k${i}`, i]));
      const t0 = Date.now();
      const wide = await api.post('/orders', members, as.platform());
      expectProblem(wide, 400, 'INPUT_TOO_LARGE');
      expect(wide.text.length).toBeLessThan(2000);
      expect(Date.now() - t0).toBeLessThan(5000); // was ~8 s; now refused before validation (generous bound: shared machine)
    });

    it('caps validation answers at 20 field errors with the total count', async () => {
      const many = Object.fromEntries(Array.from({ length: 90 }, (_, i) => [`unknown${i}`, i]));
      const res = await api.post('/orders', many, as.platform());
      expectProblem(res, 400, 'VALIDATION_FAILED');
      expect(res.body.errors).toHaveLength(20);
      expect(res.body.errorCount).toBeGreaterThan(90); // 90 unknown members + the missing required fields
      expect(res.body.detail).toMatch(/and \d+ more$/);
    });

    it('refuses malformed JSON, other media types and a body on routes that take none', async () => {
      expectProblem(await rawPost('/orders', '{x'), 400, 'INVALID_JSON');
      expectProblem(await api.request('POST', '/orders', { raw: 'x', headers: { 'content-type': 'text/plain' }, token: as.platform() }), 415);
      for (const [path, token] of [
        ['/deadlines/run', as.platform()],
        ['/audit/checkpoints', as.platform()],
        ['/delay-reports/r-1/withdraw', as.merchant('m-1')],
      ] as const) {
        const res = await api.post(path, { surprise: true }, token);
        expectProblem(res, 400, 'BODY_NOT_ALLOWED');
      }
      expectStatus(await api.post('/deadlines/run', undefined, as.platform()), 200);
      expectStatus(await api.post('/deadlines/run', {}, as.platform()), 200);
    });
  });

  describe('times', () => {
    it.each(['2026-02-30T02:00:00Z', '0000-01-01T00:00:00Z', '2100-01-01T00:00:00Z', '1999-12-31T23:59:59Z', '2026-01-01T24:00:00Z', '2026-01-01T00:00:00'])(
      'refuses placedAt %s (not normalised, not stored)',
      async (placedAt) => {
        const body = fx.orderBody({ placedAt });
        const res = await api.post('/orders', body, as.platform());
        expectProblem(res, 400, 'VALIDATION_FAILED');
        expect(problemFields(res)).toEqual(['placedAt']);
        expect(res.body.detail + JSON.stringify(res.body.errors)).toMatch(/2000-01-01T00:00:00Z.*2100-01-01T00:00:00Z/);
        expectProblem(await api.get(`/orders/${body.orderId}`, as.platform()), 404);
      },
    );

    it('checks every time field: facts, openedAt, agreedShipBy, delay windows, ?at=, judgements from/to', async () => {
      const order = await fx.order({ placedAt: ago(3 * HOUR) });
      const fact = await api.post(`/orders/${order.orderId}/facts`, { type: 'PAID', occurredAt: '2026-02-29T00:00:00Z', amount: 1 }, as.platform());
      expect(problemFields(fact)).toEqual(['occurredAt']);
      const open = await api.post('/disputes', { orderId: order.orderId, openedAt: '2026-04-31T00:00:00Z' }, as.platform());
      expect(problemFields(open)).toEqual(['openedAt']);
      const choice = await api.post('/disputes/d-1/choice', { option: 'SHIP_BY_AGREED_DATE', agreedShipBy: '2026-11-31T00:00:00Z' }, as.merchant('m-1'));
      expect(problemFields(choice)).toEqual(['agreedShipBy']);
      const report = await api.post('/delay-reports', { kind: 'PRE_REPORT', reason: 'WEATHER', windowStart: '0000-01-01T00:00:00Z', windowEnd: '2026-13-01T00:00:00Z' }, as.merchant('m-1'));
      expect(problemFields(report).sort()).toEqual(['windowEnd', 'windowStart']);
      const card = await api.post(`/orders/${order.orderId}/delay-card`, { promisedShipAt: '2026-06-31T00:00:00Z' }, as.merchant(order.merchantId));
      expect(problemFields(card)).toEqual(['promisedShipAt']);
      const at = await api.get('/disputes/d-1?at=2026-02-30T00:00:00Z', as.platform());
      expectProblem(at, 400);
      const from = await api.get('/judgements?from=2026-02-30T00:00:00Z&to=9999-01-01T00:00:00Z', as.platform());
      expect(problemFields(from).sort()).toEqual(['from', 'to']);
      expectStatus(await api.get('/judgements?from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00%2B08:00', as.platform()), 200);
    });
  });

  describe('paths, queries and Fastify’s own errors', () => {
    it('refuses NUL in path parameters and query strings (eventId), and huge numbers', async () => {
      const inPath = await api.get('/orders/a%00b', as.platform());
      expectProblem(inPath, 400, 'INVALID_STRING');
      expect(problemFields(inPath)).toEqual(['orderId']);
      const eventId = await api.get('/audit/proofs/inclusion?eventId=a%00b', as.auditor());
      expectProblem(eventId, 400, 'INVALID_STRING');
      expect(problemFields(eventId)).toEqual(['eventId']);
      for (const path of [
        '/audit/proofs/consistency?from=99999999999999999999',
        '/audit/proofs/inclusion?eventId=e&treeSize=99999999999999999999',
        '/streams/order-o-1?from=99999999999999999999',
        '/events?from=99999999999999999999/1',
        '/events?from=9999999999999999999/1',
        '/disputes?limit=1e3',
      ]) {
        const res = await api.get(path, as.auditor());
        expectProblem(res, 400);
      }
      expectProblem(await api.get('/disputes?limit=99999999999999999999', as.platform()), 400);
      expectProblem(await api.get('/disputes', as.platform(), { headers: { 'x-min-position': '99999999999999999999/1' } }), 400, 'INVALID_POSITION');
    });

    it('refuses query parameters an operation does not take', async () => {
      const order = await fx.order({ placedAt: ago(HOUR) });
      const res = await api.get(`/orders/${order.orderId}?debug=1`, as.platform());
      expectProblem(res, 400, 'UNKNOWN_QUERY_PARAMETER');
      expect(problemFields(res)).toEqual(['debug']);
      expectProblem(await api.get('/disputes?debug=1', as.platform()), 400, 'VALIDATION_FAILED');
    });

    it('answers bad URL encoding, an overlong parameter, unknown routes and header overflow as problem+json', async () => {
      const expectFramework = (res: Res, status: number) => {
        expectStatus(res, status);
        expect(res.contentType).toMatch(/^application\/problem\+json/);
        expect(res.body).toEqual(expect.objectContaining({ status, type: expect.any(String), title: expect.any(String), detail: expect.any(String) }));
      };
      expectFramework(await api.get('/orders/%E0%A4%A', as.platform()), 400);
      expectFramework(await api.get(`/orders/${'a'.repeat(300)}`, as.platform()), 414);
      expectFramework(await api.get(`/nope/${uid('x')}`), 404);
      const big = await rawHttp(servers.get(store), `GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
      expect(big.status).toBe(431);
      expect(big.headers).toMatch(/content-type: application\/problem\+json/i);
      expect(JSON.parse(big.body)).toEqual(expect.objectContaining({ status: 431, code: 'HEADERS_TOO_LARGE' }));
    });
  });
});
