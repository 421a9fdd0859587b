/**
 * Rate limits with low settings: 429 problem+json with Retry-After and the RateLimit / RateLimit-Policy headers;
 * per caller (reads and writes counted apart, writes tighter), per address without credentials, a tighter
 * per-address limit for failed authentication; and counters shared by two instances — on one PostgreSQL
 * database (the postgres store) and through Redis (REDIS_URL, default redis://127.0.0.1:6379).
 */
import { Api, expectProblem, type Res } from './support/http';
import { uid } from './support/fixtures';
import { TestServer, type Settings } from './support/server';
import { mint } from './support/tokens';

jest.setTimeout(180_000);

const REDIS_URL = process.env.E2E_REDIS_URL ?? 'redis://127.0.0.1:6379';
const LOW: Settings = {
  RATE_LIMIT_WINDOW: 'PT5M',
  RATE_LIMIT_READS: '4',
  RATE_LIMIT_WRITES: '2',
  RATE_LIMIT_ANONYMOUS: '3',
  RATE_LIMIT_AUTH_FAILURES: '2',
};

function expectLimited(res: Res, limit: string, max: number): void {
  expectProblem(res, 429, limit === 'auth_failures' ? 'TOO_MANY_AUTH_FAILURES' : 'RATE_LIMITED');
  expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
  expect(Number(res.headers.get('retry-after'))).toBeLessThanOrEqual(300);
  expect(res.headers.get('ratelimit-policy')).toBe(`"${limit}";q=${max};w=300`);
  expect(res.headers.get('ratelimit')).toMatch(new RegExp(`^"${limit}";r=0;t=\\d+$`));
}

const merchant = (id: string) => mint({ sub: `rl-${id}`, role: 'merchant', merchantId: id });

describe('rate limits (embedded store, memory counters)', () => {
  let server: TestServer;
  let api: Api;
  beforeAll(async () => {
    server = await TestServer.start('embedded', LOW);
    api = new Api(server);
  });
  afterAll(async () => server?.dispose());

  it('per caller: reads up to the limit with RateLimit headers, then 429; another caller is not affected', async () => {
    const id = uid('m');
    const token = await merchant(id);
    for (let i = 0; i < 4; i++) {
      const res = await api.get(`/orders/${uid('o')}`, token);
      expect(res.status).toBe(404);
      expect(res.headers.get('ratelimit-policy')).toBe('"read";q=4;w=300');
      expect(res.headers.get('ratelimit')).toMatch(new RegExp(`^"read";r=${3 - i};t=\\d+$`));
    }
    expectLimited(await api.get(`/orders/${uid('o')}`, token), 'read', 4);
    expect((await api.get(`/orders/${uid('o')}`, merchant(uid('m')))).status).toBe(404);
  });

  it('writes are counted apart from reads and limited sooner', async () => {
    const token = await mint({ sub: uid('platform-rl'), role: 'platform' });
    for (let i = 0; i < 2; i++) expect((await api.post('/orders', {}, token)).status).toBe(400);
    expectLimited(await api.post('/orders', {}, token), 'write', 2);
    expect((await api.get(`/orders/${uid('o')}`, token)).status).toBe(404); // reads still allowed
  });

  it('failed authentication is limited per address before the anonymous limit; probes are never limited', async () => {
    for (let i = 0; i < 2; i++) expectProblem(await api.get(`/orders/x`, `not-a-jwt-${i}`), 401);
    expectLimited(await api.get(`/orders/x`, 'not-a-jwt-again'), 'auth_failures', 2);
    // no credentials: the per-address anonymous limit (the two failed attempts counted there too)
    expectProblem(await api.get('/orders/x'), 401);
    expectLimited(await api.get('/orders/x'), 'anonymous', 3);
    // a valid caller from the same address is counted on its own
    expect((await api.get(`/orders/${uid('o')}`, merchant(uid('m')))).status).toBe(404);
    for (let i = 0; i < 5; i++) expect((await api.get('/health/live')).status).toBe(200);
    for (let i = 0; i < 5; i++) expect((await api.get('/docs-json')).status).toBe(429); // the API document is counted
    for (let i = 0; i < 5; i++) expect((await api.get('/docs')).status).not.toBe(429); // static UI is not
    expect((await api.get('/health')).status).toBe(200);
  });
});

describe.each([
  ['PostgreSQL counters', { RATE_LIMIT_STORE: 'postgres' }],
  ['Redis counters', { RATE_LIMIT_STORE: 'redis', REDIS_URL }],
])('rate limits shared by two instances on one PostgreSQL database (%s)', (_name, store) => {
  let a: TestServer;
  let b: TestServer;
  beforeAll(async () => {
    a = await TestServer.start('postgres', { ...LOW, ...store });
    b = await TestServer.start('postgres', { ...LOW, ...store, DATABASE_URL: a.databaseUrl() });
  });
  afterAll(async () => {
    await b?.dispose();
    await a?.dispose();
  });

  it("a caller's reads on one instance count on the other", async () => {
    const token = await merchant(uid('m'));
    const [apiA, apiB] = [new Api(a), new Api(b)];
    for (let i = 0; i < 2; i++) expect((await apiA.get(`/orders/${uid('o')}`, token)).status).toBe(404);
    const third = await apiB.get(`/orders/${uid('o')}`, token);
    expect(third.status).toBe(404);
    expect(third.headers.get('ratelimit')).toMatch(/^"read";r=1;t=\d+$/);
    expect((await apiA.get(`/orders/${uid('o')}`, token)).status).toBe(404);
    expectLimited(await apiB.get(`/orders/${uid('o')}`, token), 'read', 4);
    expectLimited(await apiA.get(`/orders/${uid('o')}`, token), 'read', 4);
  });
});
