/**
 * What-if simulations over real HTTP, on the embedded store and PostgreSQL: a seeded history with known late
 * orders and pickup rates in one closed week, simulated under v1 and v2 (v2 in force), figures checked against
 * hand-computed ones and against GET /merchants/{id}/scorecard/compare; a merchant filter; an empty period;
 * a crash (SIGKILL) mid-run and the resumed result; read-only; the role matrix; bad input.
 *
 * BUSINESS_TIMEZONE=UTC so the week is easy to compute by hand. Batches of 2 judgements with a 1 s pause make
 * a run last a few seconds, so that a crash lands mid-run.
 */
import { Api, expectProblem, expectStatus, problemFields } from './support/http';
import { STORES, TestServer } from './support/server';
import { as } from './support/tokens';
import { DAY, Fixtures, HOUR, iso, pickup, uid, waybill, type OrderRef } from './support/fixtures';

jest.setTimeout(300_000);

// The scheduler is pushed out of the way (POST /deadlines/run fires): the orders are registered weeks after their week
// closed, and a background week settlement in the middle of seeding would settle a half-registered week.
const SETTINGS = { BUSINESS_TIMEZONE: 'UTC', SIMULATION_BATCH_SIZE: '2', SIMULATION_BATCH_PAUSE: 'PT1S', DEADLINE_POLL_INTERVAL: 'PT1H' };

/** Monday 00:00 UTC of the ISO week containing `ms`. */
function mondayOf(ms: number): number {
  const d = new Date(ms);
  const day = (d.getUTCDay() + 6) % 7; // Monday = 0
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) - day * DAY;
}
function isoWeek(ms: number): string {
  const d = new Date(ms);
  const t = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  const dayNum = (t.getUTCDay() + 6) % 7;
  t.setUTCDate(t.getUTCDate() - dayNum + 3); // Thursday of the week
  const firstThursday = new Date(Date.UTC(t.getUTCFullYear(), 0, 4));
  const week = 1 + Math.round(((t.getTime() - firstThursday.getTime()) / DAY - 3 + ((firstThursday.getUTCDay() + 6) % 7)) / 7);
  return `${t.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 120_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe.each(STORES)('what-if simulations (%s)', (store) => {
  let server: TestServer;
  let api: Api;
  let fx: Fixtures;
  // The closed week: two weeks back (its end + WEEK_CLOSE_DELAY P2D is at least five days ago).
  const monday = mondayOf(Date.now() - 14 * DAY);
  const week = isoWeek(monday + 3 * DAY);
  const placed = monday + 12 * HOUR; // Monday 12:00 UTC: waybill due Tuesday 12:00, pickup due Wednesday 12:00
  const period = { from: iso(monday), to: iso(monday + 7 * DAY) };
  const M = { a: uid('ma'), b: uid('mb'), c: uid('mc') };
  const disputes: Record<string, string[]> = { a: [], b: [], c: [] };
  let notLiable = '';

  const onTime = (merchantId: string) => fx.order({ merchantId, placedAt: iso(placed) }, [{ type: 'PAID', occurredAt: iso(placed) }, waybill(iso(placed + 2 * HOUR)), pickup(iso(placed + 10 * HOUR))]);
  const lateWaybillOnly = (merchantId: string) =>
    fx.order({ merchantId, placedAt: iso(placed) }, [{ type: 'PAID', occurredAt: iso(placed) }, waybill(iso(placed + 30 * HOUR)), pickup(iso(placed + 40 * HOUR))]);
  const late = (merchantId: string) => fx.order({ merchantId, placedAt: iso(placed) }, [{ type: 'PAID', occurredAt: iso(placed) }]);
  const openPast = async (o: OrderRef) => (await fx.open(o, { openedAt: iso(placed + 3 * DAY) })).disputeId as string;

  async function simulate(body: Record<string, unknown>, token = as.adjudicator()) {
    const res = await api.post('/simulations', body, token);
    expectStatus(res, 202);
    expect(res.body).toEqual({ simulationId: expect.stringMatching(/^sim-/), status: 'RUNNING' });
    return res.body.simulationId as string;
  }
  async function done(id: string) {
    return until(`simulation ${id} DONE`, async () => {
      const r = await api.get(`/simulations/${id}`, as.platform());
      expectStatus(r, 200);
      if (r.body.status === 'FAILED') throw new Error(`simulation failed: ${JSON.stringify(r.body)}`);
      return r.body.status === 'DONE' ? r.body : undefined;
    });
  }
  async function allChanges(id: string) {
    const items: any[] = [];
    let cursor: string | undefined;
    do {
      const r = await api.get(`/simulations/${id}/changes?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, as.adjudicator());
      expectStatus(r, 200);
      items.push(...r.body.items);
      cursor = r.body.nextCursor;
    } while (cursor);
    return items;
  }
  const byMerchant = (weeks: any[]) => Object.fromEntries(weeks.map((w) => [w.merchantId, { week: w.week, pointsRecorded: w.pointsRecorded, pointsSimulated: w.pointsSimulated }]));

  beforeAll(async () => {
    server = await TestServer.start(store, SETTINGS);
    api = new Api(server);
    fx = new Fixtures(server);
    // A: 18 picked up in time, 2 not at all → 90 % < 95 %, 2 late: v1 2 points, v2 7.
    for (let i = 0; i < 17; i++) await onTime(M.a); // + the not-liable case’s order below: 18 in time
    for (let i = 0; i < 2; i++) disputes.a.push(await openPast(await late(M.a)));
    notLiable = await openPast(await onTime(M.a));
    // B: 19 in time, 1 late waybill but picked up in time, 1 not at all → 20 of 21 = 95.2 % ≥ 95 %, 2 late: v1 2, v2 2.
    for (let i = 0; i < 19; i++) await onTime(M.b);
    await lateWaybillOnly(M.b);
    disputes.b.push(await openPast(await late(M.b)));
    // C: 6 not picked up → 0 %, 6 late: v1 6, v2 7.
    for (let i = 0; i < 6; i++) {
      const o = await late(M.c);
      if (i < 2) disputes.c.push(await openPast(o));
    }
    // Every response deadline has passed: the system judges the cases (liable: late shipment; the on-time one: not liable).
    // (Under load the read models may lag behind a run's catch-up wait: run again until every case is judged.)
    await until('every seeded case judged', async () => {
      expectStatus(await fx.runDeadlines(), 200);
      for (const id of [...disputes.a, ...disputes.b, ...disputes.c, notLiable]) if ((await fx.dispute(id)).status !== 'JUDGED') return undefined;
      return true;
    });
    for (const id of [...disputes.a, ...disputes.b, ...disputes.c]) expect((await fx.dispute(id)).judgement).toMatchObject({ outcome: 'MERCHANT_LIABLE', violation: 'LATE_SHIPMENT', rulesVersion: 'v2' });
    expect((await fx.dispute(notLiable)).judgement).toMatchObject({ outcome: 'MERCHANT_NOT_LIABLE' });
  }, 240_000);
  afterAll(async () => server?.dispose());

  it('v1 over the period: per merchant-week points equal the hand-computed ones and compare; the cases of the weeks below 95 % change (7 → 1), citing rule and facts', async () => {
    const id = await simulate({ rulesVersion: 'v1', ...period });
    const r = await done(id);
    expect(r).toMatchObject({ simulationId: id, status: 'DONE', rulesVersion: 'v1', recordedRulesVersion: 'v2', from: period.from, to: period.to, progress: { phase: 'DONE', percent: 100 } });
    expect(byMerchant(r.weeks)).toEqual({
      [M.a]: { week, pointsRecorded: 7, pointsSimulated: 2 },
      [M.b]: { week, pointsRecorded: 2, pointsSimulated: 2 },
      [M.c]: { week, pointsRecorded: 7, pointsSimulated: 6 },
    });
    expect(r.weeks.find((w: any) => w.merchantId === M.a)).toMatchObject({ final: true, lateOrders: 2, ordersDue48h: 20, pickedUpWithin48h: 18, pickupRate48h: 0.9 });
    // The week closed (WEEK_CLOSE_DELAY after its end) before the response deadlines judged the cases, so each
    // recorded v2 judgement carries the settled week's points: 7 in A and C (below 95 %), 1 in B; v1 gives 1.
    expect(r.totals).toEqual({ merchantWeeks: 3, merchantsAffected: 2, casesChanged: 4, pointsRecorded: 16, pointsSimulated: 10 });
    const changes = await allChanges(id);
    expect(changes.map((c) => c.disputeId).sort()).toEqual([...disputes.a, ...disputes.c].sort());
    for (const c of changes) {
      expect(c).toMatchObject({ week, recorded: { outcome: 'MERCHANT_LIABLE', violation: 'LATE_SHIPMENT', rulesVersion: 'v2', points: 7 }, simulated: { rulesVersion: 'v1', points: 1 } });
      const recorded = (await fx.dispute(c.disputeId)).judgement;
      expect(recorded.penalty.points).toBe(c.recorded.points);
      expect(c.reasons[0]).toMatchObject({ rule: 'PENALTY_POINTS_v1' });
      expect(c.reasons.slice(1)).toEqual(recorded.reasons);
    }
    const a = changes.find((c) => c.merchantId === M.a);
    expect(a.simulated.merchantWeek).toEqual({ week, ordersDue48h: 20, pickedUpWithin48h: 18, lateOrders: 2 });
    for (const w of r.weeks) {
      const c = await api.get(`/merchants/${w.merchantId}/scorecard/compare?week=${w.week}`, as.adjudicator());
      expectStatus(c, 200);
      expect({ m: w.merchantId, recorded: c.body.v2.points, simulated: c.body.v1.points }).toEqual({ m: w.merchantId, recorded: w.pointsRecorded, simulated: w.pointsSimulated });
    }
  });

  it('v2 over the period: the recorded points are already the settled week’s (judged after the close, never as of an instant inside the week): no case changes', async () => {
    const id = await simulate({ rulesVersion: 'v2', ...period }, as.platform());
    const r = await done(id);
    expect(byMerchant(r.weeks)).toEqual({
      [M.a]: { week, pointsRecorded: 7, pointsSimulated: 7 },
      [M.b]: { week, pointsRecorded: 2, pointsSimulated: 2 },
      [M.c]: { week, pointsRecorded: 7, pointsSimulated: 7 },
    });
    expect(r.totals).toEqual({ merchantWeeks: 3, merchantsAffected: 0, casesChanged: 0, pointsRecorded: 16, pointsSimulated: 16 });
    expect(await allChanges(id)).toEqual([]);
  });

  it('a merchant filter: only that merchant’s weeks and cases', async () => {
    const id = await simulate({ rulesVersion: 'v2', ...period, merchantId: M.c });
    const r = await done(id);
    expect(r.merchantId).toBe(M.c);
    expect(byMerchant(r.weeks)).toEqual({ [M.c]: { week, pointsRecorded: 7, pointsSimulated: 7 } });
    expect(r.totals).toEqual({ merchantWeeks: 1, merchantsAffected: 0, casesChanged: 0, pointsRecorded: 7, pointsSimulated: 7 });
    expect(await allChanges(id)).toEqual([]);
    const v1 = await done(await simulate({ rulesVersion: 'v1', ...period, merchantId: M.c }));
    expect(v1.totals).toMatchObject({ merchantWeeks: 1, casesChanged: 2 });
  });

  it('an empty period: DONE with nothing in it', async () => {
    const from = iso(monday - 20 * 7 * DAY);
    const id = await simulate({ rulesVersion: 'v1', from, to: iso(monday - 10 * 7 * DAY) });
    const r = await done(id);
    expect(r.weeks).toEqual([]);
    expect(r.totals).toEqual({ merchantWeeks: 0, merchantsAffected: 0, casesChanged: 0, pointsRecorded: 0, pointsSimulated: 0 });
    expect(await allChanges(id)).toEqual([]);
  });

  it('read-only: no event, judgement or scorecard changes', async () => {
    const count = async () => {
      let n = 0;
      let from: string | undefined;
      for (;;) {
        const r = await api.get(`/events?limit=500${from ? `&from=${encodeURIComponent(from)}` : ''}`, as.auditor());
        expectStatus(r, 200);
        n += r.body.items.length;
        if (!r.body.nextCursor) return n;
        from = r.body.nextCursor;
      }
    };
    const snapshot = async () => ({
      events: await count(),
      judgements: (await api.get(`/judgements?merchantId=${M.a}`, as.adjudicator())).body,
      scorecard: (await api.get(`/merchants/${M.a}/scorecard?week=${week}`, as.adjudicator())).body.points,
    });
    const before = await snapshot();
    await done(await simulate({ rulesVersion: 'v1', ...period }));
    expect(await snapshot()).toEqual(before);
  });

  it('survives a crash mid-run: resumes after the restart and reports the whole result, never half of it', async () => {
    const id = await simulate({ rulesVersion: 'v1', ...period });
    const running = await until('a batch committed', async () => {
      const r = await api.get(`/simulations/${id}`, as.adjudicator());
      return r.body.status === 'RUNNING' && r.body.progress.judgementsDone > 0 ? r.body : undefined;
    });
    expect(running.totals).toBeUndefined();
    expect(running.weeks).toBeUndefined();
    expect(running.progress.judgementsDone).toBeLessThan(running.progress.judgementsTotal);
    expectProblem(await api.get(`/simulations/${id}/changes`, as.adjudicator()), 409, 'SIMULATION_NOT_DONE');
    await server.crash();
    await server.relaunch();
    const r = await done(id);
    expect(r.totals).toEqual({ merchantWeeks: 3, merchantsAffected: 2, casesChanged: 4, pointsRecorded: 16, pointsSimulated: 10 });
    expect(r.progress).toMatchObject({ judgementsDone: r.progress.judgementsTotal });
    expect((await allChanges(id)).map((c) => c.disputeId).sort()).toEqual([...disputes.a, ...disputes.c].sort());
  });

  it('role matrix: adjudicators and the platform may; merchants and consumers 403; no token 401', async () => {
    const body = { rulesVersion: 'v1', ...period };
    for (const t of [as.merchant(M.a), as.consumer('c-1'), as.auditor()]) {
      expectProblem(await api.post('/simulations', body, t), 403);
    }
    expectProblem(await api.post('/simulations', body), 401);
    const id = await simulate(body);
    for (const t of [as.merchant(M.a), as.consumer('c-1')]) {
      expectProblem(await api.get(`/simulations/${id}`, t), 403);
      expectProblem(await api.get(`/simulations/${id}/changes`, t), 403);
    }
    await done(id);
  });

  it('Idempotency-Key: a retry answers the same simulation; the same key with another body 422', async () => {
    const key = uid('k');
    const body = { rulesVersion: 'v1', ...period, merchantId: M.b };
    const first = await api.post('/simulations', body, as.adjudicator(), { idempotencyKey: key });
    expectStatus(first, 202);
    const again = await api.post('/simulations', body, as.adjudicator(), { idempotencyKey: key });
    expectStatus(again, 202);
    expect(again.body).toEqual(first.body);
    expectProblem(await api.post('/simulations', { ...body, rulesVersion: 'v2' }, as.adjudicator(), { idempotencyKey: key }), 422);
    expect(byMerchant((await done(first.body.simulationId)).weeks)).toEqual({ [M.b]: { week, pointsRecorded: 2, pointsSimulated: 2 } });
  });

  it('bad input: problem+json listing the field, nothing started; unknown simulation 404', async () => {
    const base = { rulesVersion: 'v1', ...period };
    const bad: [Record<string, unknown>, string][] = [
      [{ ...base, extra: 1 }, 'extra'],
      [{ ...base, rulesVersion: 'v3' }, 'rulesVersion'],
      [{ ...base, from: period.to, to: period.from }, 'from'],
      [{ ...base, from: 'yesterday' }, 'from'],
      [{ ...base, merchantId: 'bad id!' }, 'merchantId'],
      [{ from: period.from, to: period.to }, 'rulesVersion'],
    ];
    for (const [body, field] of bad) {
      const r = await api.post('/simulations', body, as.adjudicator());
      expectProblem(r, 400);
      expect(problemFields(r)).toContain(field);
    }
    expectProblem(await api.get('/simulations/sim-unknown', as.adjudicator()), 404, 'SIMULATION_NOT_FOUND');
    expectProblem(await api.get('/simulations/sim-unknown/changes', as.adjudicator()), 404, 'SIMULATION_NOT_FOUND');
    const id = await simulate(base);
    await done(id);
    expectProblem(await api.get(`/simulations/${id}/changes?cursor=bogus`, as.adjudicator()), 400, 'INVALID_CURSOR');
    expectProblem(await api.get(`/simulations/${id}/changes?limit=0`, as.adjudicator()), 400);
  });
});
