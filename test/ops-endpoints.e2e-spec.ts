/**
 * Operational endpoints and the headers of authenticated answers:
 *  - liveness (/health/live) says nothing internal; readiness (/health, /health/ready) gives only its status
 *    to anyone and its details to a platform/auditor JWT or OPS_TOKEN;
 *  - /metrics needs the same credentials (401 with an RFC 6750 challenge without, 403 for other roles);
 *  - every authenticated answer carries Cache-Control: no-store and X-Content-Type-Options: nosniff.
 */
import { Api, expectProblem, expectStatus } from './support/http';
import { Fixtures } from './support/fixtures';
import { STORES, useServers } from './support/server';
import { as, mint } from './support/tokens';

jest.setTimeout(60_000);

const OPS_TOKEN = 'ops-token-for-the-e2e-tests-0123456789';
const servers = useServers({ default: { OPS_TOKEN } });

describe.each(STORES)('operational endpoints (%s store)', (store) => {
  let api: Api;
  let fx: Fixtures;
  beforeAll(() => {
    fx = new Fixtures(servers.get(store));
    api = fx.api;
  });

  it('GET /health/live: 200 {"status":"ok"} and nothing else, no token needed', async () => {
    const res = await api.get('/health/live');
    expectStatus(res, 200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('GET /health and /health/ready without credentials: the status only', async () => {
    for (const path of ['/health', '/health/ready']) {
      const res = await api.get(path);
      expectStatus(res, 200);
      expect(res.body).toEqual({ status: 'ok' });
    }
  });

  it('readiness details for a platform or auditor JWT and for OPS_TOKEN', async () => {
    for (const token of [as.platform(), as.auditor(), OPS_TOKEN]) {
      const res = await api.get('/health', token);
      expectStatus(res, 200);
      expect(res.body).toEqual(expect.objectContaining({ status: 'ok', eventStore: expect.objectContaining({ status: 'up' }), readModels: expect.objectContaining({ status: 'up' }), projections: expect.any(Object) }));
      expect(res.headers.get('cache-control')).toBe('no-store');
    }
  });

  it('readiness details are refused to other roles (403) and to bad tokens (401), with a challenge', async () => {
    const forbidden = await api.get('/health', as.merchant('m-ops'));
    expectProblem(forbidden, 403, 'FORBIDDEN_ROLE');
    expect(forbidden.headers.get('www-authenticate')).toMatch(/^Bearer realm="dispute-service", error="insufficient_scope"/);
    const bad = await api.get('/health', 'not-the-ops-token-and-not-a-jwt');
    expectProblem(bad, 401, 'INVALID_TOKEN');
    expect(bad.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
  });

  it('GET /metrics: 401 without credentials, 403 for a merchant, the Prometheus text for platform/auditor/OPS_TOKEN', async () => {
    const anon = await api.get('/metrics');
    expectProblem(anon, 401, 'UNAUTHENTICATED');
    expect(anon.headers.get('www-authenticate')).toBe('Bearer realm="dispute-service"');
    expect(anon.text).not.toMatch(/http_request_duration_seconds|process_resident_memory/);
    expectProblem(await api.get('/metrics', as.merchant('m-ops')), 403, 'FORBIDDEN_ROLE');
    expectProblem(await api.get('/metrics', `${OPS_TOKEN}x`), 401, 'INVALID_TOKEN');
    expectProblem(await api.get('/metrics', await mint({ sub: 'p', role: 'platform' }, { expiresIn: null })), 401, 'INVALID_TOKEN');
    for (const token of [as.platform(), as.auditor(), OPS_TOKEN]) {
      const res = await api.get('/metrics', token);
      expectStatus(res, 200);
      expect(res.contentType).toMatch(/^text\/plain/);
      expect(res.text).toMatch(/^# HELP http_request_duration_seconds/m);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });

  it('authenticated answers (success and error) carry Cache-Control: no-store and nosniff', async () => {
    const order = await fx.order();
    const answers = [
      await api.get(`/orders/${order.orderId}`, as.merchant(order.merchantId)),
      await api.get(`/orders/${order.orderId}-unknown`, as.merchant(order.merchantId)),
      await api.post('/orders', {}, as.platform()),
    ];
    expect(answers.map((r) => r.status)).toEqual([200, 404, 400]);
    for (const res of answers) {
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });
});
