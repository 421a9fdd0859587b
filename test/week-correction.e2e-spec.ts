/**
 * The deadline scheduler's safety net for week settlement, over HTTP (embedded store and PostgreSQL): a closed
 * merchant-week still counting an order that a standing judgement now excuses gets its correction from
 * POST /deadlines/run (CorrectMerchantWeekCommand on the bus, reason LATE_SHIPMENT_EXCUSED), once. Here the
 * excuse is an adjudicator's not-liable judgement of a defense rendered after the close — the judge handler
 * corrects a settled week only for an overturned appeal, so nothing but the scheduler records this correction.
 * The service's own scheduler is pushed out of the way (DEADLINE_POLL_INTERVAL=PT1H).
 */
import { DateTime } from 'luxon';
import { Api, expectStatus } from './support/http';
import { DOCUMENT_EVIDENCE, Fixtures, HOUR, iso, uid } from './support/fixtures';
import { STORES, useServers } from './support/server';
import { as } from './support/tokens';

jest.setTimeout(120_000);

const servers = useServers({ manual: { DEADLINE_POLL_INTERVAL: 'PT1H' } });

describe.each(STORES)('week correction by the scheduler (%s store)', (store) => {
  let fx: Fixtures;
  let api: Api;
  beforeAll(() => {
    fx = new Fixtures(servers.get(store, 'manual'));
    api = fx.api;
  });

  const weekStream = async (merchantId: string, week: string) => {
    const r = await api.get(`/streams/merchant-week-${week}-${merchantId}`, as.auditor());
    expectStatus(r, 200);
    return r.body.items as any[];
  };

  it('a closed week counting an order a later not-liable judgement excuses is corrected by the next run, once', async () => {
    const merchantId = uid('m');
    const monday = DateTime.now().setZone('Asia/Shanghai').startOf('week').minus({ weeks: 6 }).plus({ hours: 2 });
    const week = `${monday.weekYear}-W${String(monday.weekNumber).padStart(2, '0')}`;
    await fx.lateOrder({ merchantId, placedAt: iso(monday.toMillis()) });
    const excused = await fx.lateOrder({ merchantId, placedAt: iso(monday.toMillis() + HOUR) });

    // The week closes counting both late orders (the scheduler settles only from read models caught up with the log: a run may wait).
    let closed: any;
    for (let i = 0; i < 20 && !closed?.final; i++) {
      expectStatus(await fx.runDeadlines(), 200);
      closed = (await api.get(`/merchants/${merchantId}/weeks/${week}`, as.adjudicator())).body;
    }
    expect(closed).toMatchObject({ final: true, stats: { lateOrders: 2 } });
    expect(closed.lateOrders.map((o: any) => o.orderId)).toContain(excused.orderId);

    // After the close: a force-majeure defense, and an adjudicator holds the merchant not liable. No correction yet.
    const d = await fx.open(excused);
    expectStatus(await fx.choose(d.disputeId, merchantId, { option: 'NO_FAULT_DEFENSE', defense: { reason: 'FORCE_MAJEURE', statement: 'typhoon' }, evidence: DOCUMENT_EVIDENCE }), 200);
    const judged = await api.post(`/disputes/${d.disputeId}/judgement`, { outcome: 'MERCHANT_NOT_LIABLE', rationale: 'the typhoon closed the depot' }, as.adjudicator('adj-1'));
    expectStatus(judged, 200);
    expect((await weekStream(merchantId, week)).map((e) => e.type)).toEqual(['MerchantWeekClosed']);

    // The next run (once the judgements read model has the judgement) records the correction.
    let items = await weekStream(merchantId, week);
    for (let i = 0; i < 20 && items.length < 2; i++) {
      expectStatus(await fx.runDeadlines(), 200);
      items = await weekStream(merchantId, week);
    }
    expect(items.map((e) => e.type)).toEqual(['MerchantWeekClosed', 'MerchantWeekAssessmentCorrected']);
    expect(items[1].data).toMatchObject({ reason: 'LATE_SHIPMENT_EXCUSED', orderId: excused.orderId, disputeId: d.disputeId, stats: { lateOrders: 1 } });
    expect(items[1].metadata.actor).toMatchObject({ sub: 'system:week-correction', role: 'platform' });
    const corrected = (await api.get(`/merchants/${merchantId}/weeks/${week}`, as.adjudicator())).body;
    expect(corrected).toMatchObject({ final: true, stats: { lateOrders: 1 }, corrections: [{ disputeId: d.disputeId }] });
    expect(corrected.lateOrders.map((o: any) => o.orderId)).not.toContain(excused.orderId);

    // Exactly once: later runs (with the read models caught up) record nothing more on the week.
    await fx.runDeadlines();
    await fx.runDeadlines();
    expect(await weekStream(merchantId, week)).toHaveLength(2);
  });
});
