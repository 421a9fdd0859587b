/**
 * Authentication and authorization over HTTP: a role × route matrix over every route of the contract, the
 * token failures that must answer 401, tenant isolation (another tenant's resource is a 404, like an
 * unknown one), and problem+json on every error.
 *
 * The matrix sends deliberately invalid bodies ({}): guards run before validation, so an allowed role gets a
 * 400 (or 200 for reads) and nothing is recorded, while a forbidden role gets 403.
 */
import { Api, expectProblem, expectStatus, show, type Res } from './support/http';
import { ago, Fixtures, HOUR, uid, type OrderRef } from './support/fixtures';
import { STORES, TEST_SECRET, useServers } from './support/server';
import { as, mint, ROLES, tokenFor, unsigned, type Role } from './support/tokens';

jest.setTimeout(60_000);

const servers = useServers();

/** ISO week (YYYY-Www) of an instant, UTC. */
function isoWeek(d = new Date()): string {
  const t = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  const day = t.getUTCDay() || 7;
  t.setUTCDate(t.getUTCDate() + 4 - day);
  const year = t.getUTCFullYear();
  const week = Math.ceil(((t.getTime() - Date.UTC(year, 0, 1)) / 86_400_000 + 1) / 7);
  return `${year}-W${String(week).padStart(2, '0')}`;
}

interface Route {
  name: string;
  method: 'GET' | 'POST';
  path: (c: Ctx) => string;
  body?: unknown;
  /** Roles that pass authorization. */
  allowed: Role[];
}
interface Ctx {
  order: OrderRef;
  disputeId: string;
}

const ALL: Role[] = [...ROLES];
// Roles as in the contract; where it names none (reads), as the service documents them.
const ROUTES: Route[] = [
  { name: 'POST /orders', method: 'POST', path: () => '/orders', body: {}, allowed: ['platform'] },
  { name: 'POST /orders/{id}/facts', method: 'POST', path: (c) => `/orders/${c.order.orderId}/facts`, body: {}, allowed: ['platform'] },
  // Merchants and consumers read their own orders (tenant-scoped).
  { name: 'GET /orders/{id}', method: 'GET', path: (c) => `/orders/${c.order.orderId}`, allowed: ALL },
  { name: 'POST /disputes', method: 'POST', path: () => '/disputes', body: {}, allowed: ['platform'] },
  { name: 'GET /disputes/{id}', method: 'GET', path: (c) => `/disputes/${c.disputeId}`, allowed: ALL },
  { name: 'GET /disputes/{id}?at=0', method: 'GET', path: (c) => `/disputes/${c.disputeId}?at=0`, allowed: ALL },
  // The contract names the merchant; the service also lets the platform and adjudicators read the options.
  { name: 'GET /disputes/{id}/options', method: 'GET', path: (c) => `/disputes/${c.disputeId}/options`, allowed: ['merchant', 'platform', 'adjudicator'] },
  { name: 'POST /disputes/{id}/choice', method: 'POST', path: (c) => `/disputes/${c.disputeId}/choice`, body: {}, allowed: ['merchant'] },
  { name: 'POST /disputes/{id}/consumer-response', method: 'POST', path: (c) => `/disputes/${c.disputeId}/consumer-response`, body: {}, allowed: ['consumer'] },
  { name: 'POST /disputes/{id}/contest', method: 'POST', path: (c) => `/disputes/${c.disputeId}/contest`, body: {}, allowed: ['consumer'] },
  { name: 'POST /disputes/{id}/judgement', method: 'POST', path: (c) => `/disputes/${c.disputeId}/judgement`, body: {}, allowed: ['adjudicator'] },
  { name: 'GET /disputes/{id}/timeline', method: 'GET', path: (c) => `/disputes/${c.disputeId}/timeline`, allowed: ['adjudicator', 'auditor'] },
  { name: 'POST /disputes/{id}/replay', method: 'POST', path: (c) => `/disputes/${c.disputeId}/replay`, body: {}, allowed: ['adjudicator'] },
  { name: 'POST /deadlines/run', method: 'POST', path: () => '/deadlines/run', allowed: ['platform'] },
  // Read models and audit.
  { name: 'GET /disputes', method: 'GET', path: () => '/disputes', allowed: ALL },
  { name: 'GET /adjudication/queue', method: 'GET', path: () => '/adjudication/queue', allowed: ['adjudicator'] },
  { name: 'GET /judgements', method: 'GET', path: () => '/judgements', allowed: ['platform', 'merchant', 'adjudicator', 'auditor'] },
  {
    name: 'GET /merchants/{id}/scorecard',
    method: 'GET',
    path: (c) => `/merchants/${c.order.merchantId}/scorecard?week=${isoWeek()}`,
    allowed: ['platform', 'merchant', 'adjudicator', 'auditor'],
  },
  { name: 'GET /streams/{stream}', method: 'GET', path: (c) => `/streams/dispute-${c.disputeId}`, allowed: ['auditor'] },
  { name: 'GET /events', method: 'GET', path: () => '/events?limit=5', allowed: ['auditor'] },
  { name: 'GET /streams/{stream}/verify', method: 'GET', path: (c) => `/streams/dispute-${c.disputeId}/verify`, allowed: ['auditor'] },
  { name: 'GET /streams/{stream}/export', method: 'GET', path: (c) => `/streams/dispute-${c.disputeId}/export`, allowed: ['auditor'] },
];

describe.each(STORES)('authorization (%s store)', (store) => {
  let fx: Fixtures;
  let api: Api;
  let ctx: Ctx;
  let revisionBefore: number;
  beforeAll(async () => {
    fx = new Fixtures(servers.get(store));
    api = fx.api;
    const { order, id } = await fx.lateDispute({}, [{ type: 'CANCELLATION_REQUESTED', occurredAt: ago(HOUR) }]);
    ctx = { order, disputeId: id };
    revisionBefore = (await fx.dispute(id)).revision;
  });

  describe('role × route matrix', () => {
    const cases: [string, Role, boolean][] = [];
    for (const r of ROUTES) for (const role of ROLES) cases.push([r.name, role, r.allowed.includes(role)]);

    it.each(cases)('%s as %s (allowed: %s)', async (name, role, allowed) => {
      const route = ROUTES.find((r) => r.name === name)!;
      const res = await api.request(route.method, route.path(ctx), { token: tokenFor(role, ctx.order), body: route.body });
      if (allowed) {
        // Past the guard: a read answers 200; a write with the invalid body {} is refused by validation (400).
        const expected = route.body === undefined ? 200 : 400;
        if (res.status !== expected) throw new Error(`${name} as ${role} should pass authorization and answer ${expected}: ${show(res)}`);
        if (expected === 400) expectProblem(res, 400);
      } else {
        expectProblem(res, 403);
      }
    });

    it('the matrix recorded nothing on the dispute', async () => {
      expect((await fx.dispute(ctx.disputeId)).revision).toBe(revisionBefore);
    });
  });

  describe('authentication: 401 problem+json', () => {
    const claims = { sub: 'platform-x', role: 'platform' };
    const bad: [string, () => Promise<Record<string, string>>][] = [
      ['no Authorization header', async () => ({})],
      ['a non-Bearer scheme', async () => ({ authorization: `Basic ${Buffer.from('platform:secret').toString('base64')}` })],
      ['an empty bearer token', async () => ({ authorization: 'Bearer ' })],
      ['a garbage token', async () => ({ authorization: 'Bearer not.a.jwt' })],
      ['a bad signature (other secret)', async () => ({ authorization: `Bearer ${await mint(claims, { secret: 'another-secret-of-enough-length' })}` })],
      ['a tampered payload', async () => {
        const [h, , s] = (await mint(claims)).split('.');
        const p = Buffer.from(JSON.stringify({ sub: 'x', role: 'adjudicator', exp: Math.floor(Date.now() / 1000) + 600 })).toString('base64url');
        return { authorization: `Bearer ${h}.${p}.${s}` };
      }],
      ['alg none', async () => ({ authorization: `Bearer ${unsigned(claims)}` })],
      ['an expired token', async () => ({ authorization: `Bearer ${await mint(claims, { expiresIn: Math.floor(Date.now() / 1000) - 120 })}` })],
      ['an unknown role', async () => ({ authorization: `Bearer ${await mint({ sub: 'root', role: 'superuser' })}` })],
      ['no role', async () => ({ authorization: `Bearer ${await mint({ sub: 'nobody' } as any)}` })],
      ['no sub', async () => ({ authorization: `Bearer ${await mint({ role: 'platform' } as any)}` })],
      ['a merchant token without merchantId', async () => ({ authorization: `Bearer ${await mint({ sub: 'm', role: 'merchant' })}` })],
      ['a consumer token without consumerId', async () => ({ authorization: `Bearer ${await mint({ sub: 'c', role: 'consumer' })}` })],
      ['a token without exp', async () => ({ authorization: `Bearer ${await mint(claims, { expiresIn: null })}` })],
      ['a token expiring further ahead than AUTH_MAX_TOKEN_LIFETIME (12 h)', async () => ({ authorization: `Bearer ${await mint(claims, { expiresIn: '13h' })}` })],
    ];
    const targets: [string, string, unknown?][] = [
      ['POST', '/orders', {}],
      ['GET', '/disputes/{id}'],
      ['POST', '/deadlines/run'],
      ['GET', '/disputes/{id}/timeline'],
    ];
    it.each(bad)('%s → 401 on every route', async (_name, headers) => {
      for (const [method, path, body] of targets) {
        const res = await api.request(method, path.replace('{id}', ctx.disputeId), { headers: await headers(), body });
        expectProblem(res, 401);
        // RFC 6750 challenge: the realm always; error="invalid_token" when a token was sent and refused.
        expect(res.headers.get('www-authenticate')).toMatch(/^Bearer realm="dispute-service"/);
        const h = await headers();
        if (h.authorization && /^Bearer \S/.test(h.authorization)) expect(res.headers.get('www-authenticate')).toMatch(/error="invalid_token", error_description="[^"]+"/);
        if (h.authorization) expect(res.headers.get('cache-control')).toBe('no-store');
        expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      }
    });

    it('an HS512 token signed with the right secret is refused too (HS256 only)', async () => {
      const { SignJWT } = await import('jose');
      const t = await new SignJWT({ sub: 'p', role: 'platform' })
        .setProtectedHeader({ alg: 'HS512' })
        .setExpirationTime('1h')
        .sign(new TextEncoder().encode(TEST_SECRET));
      expectProblem(await api.get(`/disputes/${ctx.disputeId}`, t), 401);
    });

    it('GET /health needs no token', async () => {
      expectStatus(await api.get('/health'), 200);
    });
  });

  describe('tenancy: another tenant’s resource is a 404, exactly like an unknown one', () => {
    const otherMerchant = () => as.merchant(`other-${ctx.order.merchantId}`);
    const otherConsumer = () => as.consumer(`other-${ctx.order.consumerId}`);

    it('the owning merchant and consumer see the order and the dispute', async () => {
      for (const token of [as.merchant(ctx.order.merchantId), as.consumer(ctx.order.consumerId)]) {
        expectStatus(await api.get(`/orders/${ctx.order.orderId}`, token), 200);
        const d = await api.get(`/disputes/${ctx.disputeId}`, token);
        expectStatus(d, 200);
        expect(d.body.disputeId).toBe(ctx.disputeId);
      }
      expectStatus(await api.get(`/disputes/${ctx.disputeId}/options`, as.merchant(ctx.order.merchantId)), 200);
    });

    it('a merchant of another merchantId gets 404 for the order, the dispute, its options, and a choice (nothing recorded)', async () => {
      const results: Res[] = [
        await api.get(`/orders/${ctx.order.orderId}`, otherMerchant()),
        await api.get(`/disputes/${ctx.disputeId}`, otherMerchant()),
        await api.get(`/disputes/${ctx.disputeId}?at=0`, otherMerchant()),
        await api.get(`/disputes/${ctx.disputeId}/options`, otherMerchant()),
        await api.post(`/disputes/${ctx.disputeId}/choice`, { option: 'CONSUMER_CANCELLED' }, otherMerchant()),
      ];
      const unknown = await api.get(`/disputes/${uid('d')}`, otherMerchant());
      expectProblem(unknown, 404);
      for (const r of results) {
        expectProblem(r, 404);
        expect({ type: r.body.type, title: r.body.title }).toEqual({ type: unknown.body.type, title: unknown.body.title });
      }
      expect((await fx.dispute(ctx.disputeId)).revision).toBe(revisionBefore);
    });

    it('a consumer of another consumerId gets 404 for the order, the dispute, a response and a contest', async () => {
      const results: Res[] = [
        await api.get(`/orders/${ctx.order.orderId}`, otherConsumer()),
        await api.get(`/disputes/${ctx.disputeId}`, otherConsumer()),
        await api.post(`/disputes/${ctx.disputeId}/consumer-response`, { accepted: true }, otherConsumer()),
        await api.post(`/disputes/${ctx.disputeId}/contest`, { statement: 'not mine' }, otherConsumer()),
      ];
      for (const r of results) expectProblem(r, 404);
      expect((await fx.dispute(ctx.disputeId)).revision).toBe(revisionBefore);
    });

    it('the same merchant id in the token but a consumer role cannot act as the merchant (403)', async () => {
      const t = mint({ sub: 'sneaky', role: 'consumer', consumerId: ctx.order.consumerId, merchantId: ctx.order.merchantId });
      expectProblem(await api.post(`/disputes/${ctx.disputeId}/choice`, { option: 'CONSUMER_CANCELLED' }, t), 403);
    });

    it('lists never show another tenant’s cases; another merchant’s scorecard is 404', async () => {
      const listed = await api.get(`/disputes?merchantId=${ctx.order.merchantId}`, otherMerchant());
      if (listed.status === 200) expect(JSON.stringify(listed.body.items ?? [])).not.toContain(ctx.disputeId);
      else expectProblem(listed, listed.status);
      const mine = await api.get('/disputes', otherMerchant());
      expectStatus(mine, 200);
      expect(JSON.stringify(mine.body.items)).not.toContain(ctx.disputeId);
      const consumers = await api.get('/disputes', otherConsumer());
      expectStatus(consumers, 200);
      expect(JSON.stringify(consumers.body.items)).not.toContain(ctx.disputeId);
      const judgements = await api.get(`/judgements?merchantId=${ctx.order.merchantId}`, otherMerchant());
      expectStatus(judgements, 200);
      expect(JSON.stringify(judgements.body.items)).not.toContain(ctx.order.merchantId);
      expectProblem(await api.get(`/merchants/${ctx.order.merchantId}/scorecard?week=${isoWeek()}`, otherMerchant()), 404);
    });
  });

  describe('errors are problem+json', () => {
    it('an unknown route, 404', async () => {
      expectProblem(await api.get('/no-such-route', as.platform()), 404);
    });
  });
});
