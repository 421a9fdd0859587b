/**
 * Week settlement of penalty points over HTTP (embedded store and PostgreSQL). The service's scheduler is
 * pushed out of the way (DEADLINE_POLL_INTERVAL=PT1H) so POST /deadlines/run decides when weeks close.
 *
 * A merchant's five orders of one calendar week five weeks ago (Asia/Shanghai) were all shipped late, so the
 * week's 48 h pickup rate is 0 %: v1 5 points, v2 7. One of them is judged liable by an adjudicator before
 * the week was ever settled (provisional points), then the first run of the scheduler backfills the week
 * (long past its close) once; the scorecard, compare, the replay and the dispute views then use the settled
 * statistics.
 */
import { DateTime } from 'luxon';
import { Api, expectProblem, expectStatus } from './support/http';
import { DOCUMENT_EVIDENCE, Fixtures, HOUR, iso, uid } from './support/fixtures';
import { STORES, useServers } from './support/server';
import { as } from './support/tokens';

jest.setTimeout(120_000);

const servers = useServers({ manual: { DEADLINE_POLL_INTERVAL: 'PT1H' } });

/** Monday 01:00 in Shanghai, `weeksAgo` weeks before this week, and that week's name. */
function pastWeek(weeksAgo: number): { monday: number; week: string } {
  const d = DateTime.now().setZone('Asia/Shanghai').startOf('week').minus({ weeks: weeksAgo }).plus({ hours: 1 });
  return { monday: d.toMillis(), week: `${d.weekYear}-W${String(d.weekNumber).padStart(2, '0')}` };
}

describe.each(STORES)('week settlement (%s store)', (store) => {
  let fx: Fixtures;
  let api: Api;
  beforeAll(() => {
    fx = new Fixtures(servers.get(store, 'manual'));
    api = fx.api;
  });

  it('settles a past week once: provisional points become final, scorecard/compare/replay use the week at its close', async () => {
    const merchantId = uid('m');
    const { monday, week } = pastWeek(5);
    const orders: Awaited<ReturnType<Fixtures['order']>>[] = [];
    for (let i = 0; i < 5; i++) {
      const paid = monday + i * HOUR;
      // Waybill after 30 h, pickup after 60 h: both late; nothing picked up within 48 h.
      orders.push(
        await fx.order({ merchantId, placedAt: iso(paid) }, [
          { type: 'PAID', occurredAt: iso(paid) },
          { type: 'WAYBILL_UPLOADED', occurredAt: iso(paid + 30 * HOUR), carrier: 'SF', waybillNo: `SF-${i}` },
          { type: 'PICKUP_SCANNED', occurredAt: iso(paid + 60 * HOUR), carrier: 'SF', waybillNo: `SF-${i}` },
        ]),
      );
    }
    // The first order (due first that week): a force-majeure defense, judged liable by an adjudicator.
    const d = await fx.open(orders[0]);
    expectStatus(await fx.choose(d.disputeId, merchantId, { option: 'NO_FAULT_DEFENSE', defense: { reason: 'FORCE_MAJEURE', statement: 'typhoon' }, evidence: DOCUMENT_EVIDENCE }), 200);
    const judged = await api.post(`/disputes/${d.disputeId}/judgement`, { outcome: 'MERCHANT_LIABLE', violation: 'LATE_SHIPMENT', rationale: 'no typhoon that week' }, as.adjudicator('adj-1'));
    expectStatus(judged, 200);
    // The week is not settled yet: the points are provisional, from the week's statistics at the time of asking (0 % → 7), not at an instant inside the week.
    expect(judged.body.judgement.penalty).toMatchObject({ points: 7, provisional: true, week });
    const judgedRevision = judged.body.revision;

    const open = await api.get(`/merchants/${merchantId}/scorecard?week=${week}`, as.platform(), { headers: { 'x-min-position': judged.headers.get('x-event-position')! } });
    expectStatus(open, 200);
    expect(open.body).toMatchObject({ final: false, lateOrders: 5, ordersDue48h: 5, pickedUpWithin48h: 0, points: 7 });
    expect((await api.get(`/merchants/${merchantId}/weeks/${week}`, as.adjudicator())).body).toMatchObject({ final: false });

    // First run: every week already past its close is assessed (BACKFILL), once.
    // (The scheduler settles only from read models that caught up with the log: on a loaded machine a run may wait.)
    let settled: any;
    for (let i = 0; i < 20 && !settled?.body?.final; i++) {
      const run = await fx.runDeadlines();
      expectStatus(run, 200);
      settled = await api.get(`/merchants/${merchantId}/weeks/${week}`, as.adjudicator());
      expectStatus(settled, 200);
    }
    expect(settled.body).toMatchObject({
      final: true,
      trigger: 'BACKFILL',
      rulesVersion: 'v2',
      stats: { ordersDue48h: 5, pickedUpWithin48h: 0, lateOrders: 5 },
      pickupRate48h: 0,
      points: 7,
      stream: `merchant-week-${week}-${merchantId}`,
    });
    expect(settled.body.lateOrders.map((o: any) => o.orderId).sort()).toEqual(orders.map((o) => o.orderId).sort());
    expect(settled.body.lateOrders.find((o: any) => o.orderId === orders[0].orderId)).toMatchObject({ disputeId: d.disputeId, reasons: ['WAYBILL_LATE', 'PICKUP_LATE'], casePoints: 7 });
    expect(Date.parse(settled.body.closeDueAt)).toBe(DateTime.fromMillis(monday).setZone('Asia/Shanghai').startOf('week').plus({ weeks: 1, days: 2 }).toMillis());

    // Exactly once: another run, and a restart, record nothing more for the week.
    await fx.runDeadlines();
    await fx.server.restart();
    await fx.runDeadlines();
    const raw = await api.get(`/streams/merchant-week-${week}-${merchantId}`, as.auditor());
    expectStatus(raw, 200);
    expect(raw.body.items.map((e: any) => e.type)).toEqual(['MerchantWeekClosed']);
    expect(raw.body.items[0].metadata.actor).toMatchObject({ sub: 'system:deadline:WEEK_CLOSE', role: 'platform' });

    // Scorecards: final, with closedAt; v1 vs v2 over the whole week.
    const pos = raw.body.items[0].position;
    let v2: any;
    for (let i = 0; i < 50 && !v2?.final; i++) {
      v2 = (await api.get(`/merchants/${merchantId}/scorecard?week=${week}&rulesVersion=v2`, as.platform(), { headers: { 'x-min-position': pos } })).body;
    }
    expect(v2).toMatchObject({ final: true, closedAt: settled.body.closedAt, points: 7, lateOrders: 5, pickupRate48h: 0, asOf: settled.body.closeDueAt });
    const v1 = (await api.get(`/merchants/${merchantId}/scorecard?week=${week}&rulesVersion=v1`, as.platform())).body;
    expect(v1).toMatchObject({ final: true, points: 5 });
    const compare = (await api.get(`/merchants/${merchantId}/scorecard/compare?week=${week}`, as.adjudicator())).body;
    expect(compare).toMatchObject({ final: true, closedAt: settled.body.closedAt, differs: true, pointsDifference: 2, v1: { points: 5 }, v2: { points: 7 } });

    // Replay under v1 uses the settled week: 7 (v2, settled) against 1 (v1) — a difference.
    const replay = await api.post(`/disputes/${d.disputeId}/replay`, { rulesVersion: 'v1' }, as.adjudicator());
    expectStatus(replay, 200);
    expect(replay.body).toMatchObject({ differs: true, weekStats: { final: true, merchantWeek: { week, ordersDue48h: 5, pickedUpWithin48h: 0 } } });
    expect(replay.body.settled.penalty).toMatchObject({ points: 7, provisional: false });
    expect(replay.body.replayed.penalty).toMatchObject({ points: 1 });

    // The dispute: points as they stood (provisional) and as settled; ?at= before the close shows no settlement.
    const now = await fx.dispute(d.disputeId);
    expect(now.judgement.penalty).toMatchObject({ points: 7, provisional: true });
    expect(now.judgement.settledPenalty).toMatchObject({ points: 7, provisional: false, counted: true, week, closedAt: settled.body.closedAt });
    const before = await fx.dispute(d.disputeId, `?at=${judgedRevision}`);
    expect(before.judgement.penalty).toMatchObject({ provisional: true });
    expect(before.judgement.settledPenalty).toBeUndefined();
    const atTime = await fx.dispute(d.disputeId, `?at=${encodeURIComponent(new Date(Date.parse(settled.body.closedAt) - 1).toISOString())}`);
    expect(atTime.judgement.settledPenalty).toBeUndefined();
    const tl = await api.get(`/disputes/${d.disputeId}/timeline`, as.auditor());
    expect(tl.body.settledPenalty).toMatchObject({ points: 7, counted: true });
    expect(tl.body.items[tl.body.items.length - 1].stateAfter.judgement.settledPenalty).toBeUndefined();

    // A judgement rendered after the close is final at once.
    const late = await fx.open(orders[1]);
    expectStatus(await fx.choose(late.disputeId, merchantId, { option: 'NO_FAULT_DEFENSE', defense: { reason: 'FORCE_MAJEURE', statement: 'typhoon' }, evidence: DOCUMENT_EVIDENCE }), 200);
    const after = await api.post(`/disputes/${late.disputeId}/judgement`, { outcome: 'MERCHANT_LIABLE', violation: 'LATE_SHIPMENT', rationale: 'no' }, as.adjudicator('adj-1'));
    expect(after.body.judgement.penalty).toMatchObject({ points: 7, provisional: false, week });
  });

  it('validates the week and keeps merchants to their own weeks', async () => {
    const merchantId = uid('m');
    expectProblem(await api.get(`/merchants/${merchantId}/weeks/2026-W99`, as.platform()), 400);
    expectProblem(await api.get(`/merchants/${merchantId}/weeks/2026-13`, as.platform()), 400);
    expect((await api.get(`/merchants/${merchantId}/weeks/2026-W01`, as.merchant(uid('m')))).status).toBe(404);
    expect((await api.get(`/merchants/${merchantId}/weeks/2026-W01`, as.consumer(uid('c')))).status).toBe(403);
    expect((await api.get(`/merchants/${merchantId}/weeks/2026-W01`, as.merchant(merchantId))).body).toMatchObject({ final: false });
  });
});
