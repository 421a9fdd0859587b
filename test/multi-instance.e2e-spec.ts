/**
 * Two service instances on one PostgreSQL database (the api is stateless):
 *  - every deadline fires exactly once although both schedulers run;
 *  - each projection has exactly one leader, and the other instance takes over when the leader stops.
 */
import { Api, expectStatus } from './support/http';
import { TestServer, sleep, eventually } from './support/server';
import { as } from './support/tokens';
import { Fixtures } from './support/fixtures';

jest.setTimeout(180_000);

const SETTINGS = { RESPONSE_WINDOW: 'PT3S', DEADLINE_POLL_INTERVAL: 'PT0.3S' };

async function leaders(server: TestServer): Promise<Record<string, boolean>> {
  const res = await new Api(server).get('/health', as.platform()); // details need a platform/auditor token
  expectStatus(res, 200);
  return Object.fromEntries(Object.entries(res.body.projections as Record<string, { leaderHere: boolean }>).map(([k, v]) => [k, v.leaderHere]));
}

const until = <T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> => eventually(what, fn, timeoutMs, 200);

describe('two instances on one PostgreSQL database', () => {
  let a: TestServer;
  let b: TestServer;

  beforeAll(async () => {
    a = await TestServer.start('postgres', SETTINGS);
    b = await TestServer.start('postgres', { ...SETTINGS, DATABASE_URL: a.databaseUrl() });
  });
  afterAll(async () => {
    await b?.dispose();
    await a?.dispose();
  });

  it('fires every response deadline exactly once', async () => {
    const fa = new Fixtures(a);
    const fb = new Fixtures(b);
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) {
      const { id } = await (i % 2 ? fb : fa).lateDispute();
      ids.push(id);
    }
    for (const id of ids) {
      const d = await until(`dispute ${id} judged`, async () => {
        const body = await fa.dispute(id);
        return body.status === 'JUDGED' ? body : undefined;
      });
      expect(d.judgement).toMatchObject({ outcome: 'MERCHANT_LIABLE', violation: 'LATE_SHIPMENT', decidedBy: 'SYSTEM' });
    }
    // Give both schedulers more ticks to misbehave, then count what they recorded.
    await sleep(1500);
    for (const id of ids) {
      const timeline = await fb.timeline(id);
      expect(timeline.filter((e) => e.type === 'DeadlineFired')).toHaveLength(1);
      expect(timeline.filter((e) => e.type === 'DisputeJudged')).toHaveLength(1);
    }
    const runs = await Promise.all([a, b].map((s) => new Api(s).post('/deadlines/run', undefined, as.platform())));
    for (const r of runs) expect(r.body).toEqual({ fired: 0 });
  });

  it('runs each projection in exactly one instance and fails over when the leader stops', async () => {
    const [la, lb] = await Promise.all([leaders(a), leaders(b)]);
    for (const name of Object.keys(la)) expect(Number(la[name]) + Number(lb[name])).toBe(1);

    // Stop whichever instance leads the case list; the other must take over and keep the read model current.
    const leader = la.dispute_state ? a : b;
    const survivor = leader === a ? b : a;
    await leader.stop();
    const f = new Fixtures(survivor);
    const { id, order } = await f.lateDispute();
    const list = await until('the survivor to project the new case', async () => {
      const res = await f.api.get(`/disputes?merchantId=${order.merchantId}`, as.platform());
      return res.status === 200 && res.body.items.some((c: any) => c.disputeId === id) ? res.body : undefined;
    });
    expect(list.items).toHaveLength(1);
    const after = await leaders(survivor);
    expect(Object.values(after).every(Boolean)).toBe(true);
  });
});
