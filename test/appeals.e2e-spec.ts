/**
 * Appeals (申诉) over HTTP on the embedded store and PostgreSQL: POST /disputes/{id}/appeal by the case's
 * merchant, the appeal in the adjudication queue (reason APPEAL), four eyes on the decision, overturned
 * liabilities leaving the scorecard (and the settled week, as a correction event), the judgement history
 * (judgements[] with supersededAt) in the case, its timeline, ?at=, the replay and the judgements list, and
 * bad input (404 / 403 / 409 / 422 / 400, Idempotency-Key).
 */
import { DateTime } from 'luxon';
import { Api, expectProblem, expectStatus } from './support/http';
import { DOCUMENT_EVIDENCE, Fixtures, HOUR, iso, uid } from './support/fixtures';
import { sleep, STORES, useServers } from './support/server';
import { as } from './support/tokens';

jest.setTimeout(120_000);

const servers = useServers({
  // The scheduler is pushed out of the way: POST /deadlines/run decides when weeks close.
  manual: { DEADLINE_POLL_INTERVAL: 'PT1H' },
  shortAppeal: { APPEAL_WINDOW: 'PT2S', DEADLINE_POLL_INTERVAL: 'PT1H' },
});

const STATEMENT = 'The carrier scanned the parcel late; our handover sheet shows it left on time.';
const APPEAL_EVIDENCE = [{ kind: 'DOCUMENT', ref: 'oss://evidence/handover-sheet.pdf', description: 'signed handover sheet' }];

describe.each(STORES)('appeals (%s store)', (store) => {
  let fx: Fixtures;
  let api: Api;
  beforeAll(() => {
    fx = new Fixtures(servers.get(store, 'manual'));
    api = fx.api;
  });

  /** A late order whose force-majeure defense an adjudicator (`by`) judged MERCHANT_LIABLE / LATE_SHIPMENT. */
  async function liableByAdjudicator(by: string, over: Record<string, unknown> = {}, facts: any[] = []) {
    const order = await fx.lateOrder(over as never, facts);
    const d = await fx.open(order);
    expectStatus(await fx.choose(d.disputeId, order.merchantId, { option: 'NO_FAULT_DEFENSE', defense: { reason: 'FORCE_MAJEURE', statement: 'typhoon' }, evidence: DOCUMENT_EVIDENCE }), 200);
    const judged = await api.post(`/disputes/${d.disputeId}/judgement`, { outcome: 'MERCHANT_LIABLE', violation: 'LATE_SHIPMENT', rationale: 'no typhoon that day' }, as.adjudicator(by));
    expectStatus(judged, 200);
    return { order, id: d.disputeId as string, judged: judged.body };
  }

  it('overturned on appeal by a second adjudicator: the first judgement stays, superseded; the points leave the scorecard', async () => {
    const merchantId = uid('m');
    const placedAt = iso(Date.now() - 3 * 24 * HOUR);
    await fx.lateOrder({ merchantId, placedAt }); // another late order of the same week, not appealed
    const { order, id, judged } = await liableByAdjudicator('adj-1', { merchantId, placedAt });
    expect(judged.appealableUntil).toBe(new Date(Date.parse(judged.judgement.decidedAt) + 7 * 24 * HOUR).toISOString());
    const week = judged.judgement.penalty.week;
    let card = (await api.get(`/merchants/${merchantId}/scorecard?week=${week}&rulesVersion=v1`, as.platform())).body;
    for (let i = 0; i < 100 && card.lateOrders < 2; i++) {
      await sleep(200); // the scorecard is a read model: wait for it (bounded)
      card = (await api.get(`/merchants/${merchantId}/scorecard?week=${week}&rulesVersion=v1`, as.platform())).body;
    }
    expect(card).toMatchObject({ lateOrders: 2, points: 2, final: false });

    // Bad input changes nothing.
    const path = `/disputes/${id}/appeal`;
    const body = { statement: STATEMENT, evidence: APPEAL_EVIDENCE };
    expectProblem(await api.post(path, body, as.consumer(order.consumerId)), 403);
    expectProblem(await api.post(path, body, as.adjudicator()), 403);
    expectProblem(await api.post(path, body, as.merchant(uid('m'))), 404);
    expectProblem(await api.post(`/disputes/${uid('d')}/appeal`, body, as.merchant(merchantId)), 404);
    expectProblem(await api.post(path, { ...body, priority: 'high' }, as.merchant(merchantId)), 400);
    expectProblem(await api.post(path, { statement: '', evidence: APPEAL_EVIDENCE }, as.merchant(merchantId)), 400);
    expectProblem(await api.post(path, { statement: STATEMENT, evidence: [{ kind: 'VIDEO', ref: 'x' }] }, as.merchant(merchantId)), 400);
    const noEvidence = await api.post(path, { statement: STATEMENT }, as.merchant(merchantId));
    expectProblem(noEvidence, 422, 'APPEAL_EVIDENCE_REQUIRED');
    expectProblem(await api.post(path, { statement: STATEMENT, evidence: [] }, as.merchant(merchantId)), 422, 'APPEAL_EVIDENCE_REQUIRED');
    expect((await fx.timeline(id)).map((e) => e.type)).not.toContain('AppealFiled');

    // The appeal, retried with the same Idempotency-Key: one appeal.
    const appealed = await api.post(path, body, as.merchant(merchantId), { idempotencyKey: `appeal-${id}` });
    expectStatus(appealed, 200);
    expect(appealed.body).toMatchObject({ status: 'UNDER_REVIEW', review: { reason: 'APPEAL', allowedViolations: ['LATE_SHIPMENT'] }, appeal: { statement: STATEMENT, evidence: APPEAL_EVIDENCE } });
    expect(appealed.body.judgement).toEqual(judged.judgement); // the liability stands while the appeal is reviewed
    const retry = await api.post(path, body, as.merchant(merchantId), { idempotencyKey: `appeal-${id}` });
    expectStatus(retry, 200);
    expect(retry.body.revision).toBe(appealed.body.revision);
    expectProblem(await api.post(path, { ...body, statement: 'other' }, as.merchant(merchantId), { idempotencyKey: `appeal-${id}` }), 422);
    expectProblem(await api.post(path, body, as.merchant(merchantId)), 409, 'APPEAL_ALREADY_FILED');
    const tl = await fx.timeline(id);
    expect(tl.filter((e) => e.type === 'AppealFiled')).toHaveLength(1);
    const filed = tl.find((e) => e.type === 'AppealFiled');
    expect(filed.actor).toEqual({ sub: `merchant-user-${merchantId}`, role: 'merchant' });
    expect(filed.data).toMatchObject({ statement: STATEMENT, evidence: APPEAL_EVIDENCE, appealed: { decidedBy: 'ADJUDICATOR', adjudicator: 'adj-1', outcome: 'MERCHANT_LIABLE' } });

    // In the queue, oldest first with the others, reason APPEAL, not overdue yet (APPEAL_REVIEW_WINDOW P2D).
    const queue = await api.get('/adjudication/queue?limit=500', as.adjudicator(), { headers: { 'x-min-position': appealed.headers.get('x-event-position')! } });
    const item = queue.body.items.find((q: any) => q.disputeId === id);
    expect(item).toMatchObject({ reviewReason: 'APPEAL', overdue: false, appeal: { statement: STATEMENT } });
    expect(Date.parse(item.reviewDueAt) - Date.parse(item.underReviewSince)).toBe(2 * 24 * HOUR);

    // At most one open dispute per order: a case under appeal does not hold up a new urging.
    expectStatus(await api.post('/disputes', { orderId: order.orderId }, as.platform()), 201);

    // Four eyes: the adjudicator whose judgement is appealed may not decide it.
    const same = await api.post(`/disputes/${id}/judgement`, { outcome: 'MERCHANT_NOT_LIABLE', rationale: 'I was wrong' }, as.adjudicator('adj-1'));
    expectProblem(same, 403, 'FOUR_EYES_REQUIRED');
    const overturned = await api.post(`/disputes/${id}/judgement`, { outcome: 'MERCHANT_NOT_LIABLE', rationale: 'the handover sheet proves it' }, as.adjudicator('adj-2'));
    expectStatus(overturned, 200);
    expect(overturned.body).toMatchObject({ status: 'JUDGED', judgement: { outcome: 'MERCHANT_NOT_LIABLE', decidedBy: 'ADJUDICATOR', penalty: { points: 0 } }, appeal: { decision: { outcome: 'OVERTURNED', adjudicator: 'adj-2' } } });
    expect(overturned.body.judgements).toHaveLength(2);
    expect(overturned.body.judgements[0]).toMatchObject({ outcome: 'MERCHANT_LIABLE', violation: 'LATE_SHIPMENT', supersededAt: overturned.body.judgement.decidedAt });
    expect(overturned.body.judgements[1].supersededAt).toBeUndefined();
    expect(overturned.body.appealableUntil).toBeUndefined();
    expectProblem(await api.post(path, body, as.merchant(merchantId)), 409, 'APPEAL_ALREADY_FILED');

    // ?at= the appeal's revision: under review, the first judgement standing, alone.
    const atAppeal = await fx.dispute(id, `?at=${filed.revision + 1}`);
    expect(atAppeal).toMatchObject({ status: 'UNDER_REVIEW', judgement: { outcome: 'MERCHANT_LIABLE' } });
    expect(atAppeal.judgements).toHaveLength(1);
    const full = await fx.timeline(id);
    expect(full[full.length - 1].stateAfter.judgements).toHaveLength(2);

    // The points leave the scorecard: one late order counted, one excused.
    let after: any;
    for (let i = 0; i < 50; i++) {
      after = (await api.get(`/merchants/${merchantId}/scorecard?week=${week}&rulesVersion=v1`, as.platform(), { headers: { 'x-min-position': overturned.headers.get('x-event-position')! } })).body;
      if (after.lateOrders === 1) break;
      await sleep(200);
    }
    expect(after).toMatchObject({ lateOrders: 1, excusedLateOrders: 1, points: 1 });

    // The judgements list and the replay show both judgements.
    const list = await api.get(`/judgements?merchantId=${merchantId}`, as.adjudicator(), { headers: { 'x-min-position': overturned.headers.get('x-event-position')! } });
    const row = list.body.items.find((j: any) => j.disputeId === id);
    expect(row).toMatchObject({ outcome: 'MERCHANT_NOT_LIABLE', basis: 'APPEAL_OVERTURNED', points: 0 });
    expect(row.judgements.map((j: any) => [j.outcome, Boolean(j.supersededAt)])).toEqual([
      ['MERCHANT_LIABLE', true],
      ['MERCHANT_NOT_LIABLE', false],
    ]);
    const replay = await api.post(`/disputes/${id}/replay`, { rulesVersion: 'v1' }, as.adjudicator());
    expectStatus(replay, 200);
    expect(replay.body.judgements.map((j: any) => [j.recorded.outcome, j.replayed.penalty.points, j.supersededAt !== undefined])).toEqual([
      ['MERCHANT_LIABLE', 1, true],
      ['MERCHANT_NOT_LIABLE', 0, false],
    ]);
  });

  it('a system judgement may be appealed and decided by any adjudicator; upheld, the liability and its points stand', async () => {
    const order = await fx.lateOrder();
    const d = await fx.open(order);
    expectStatus(await fx.choose(d.disputeId, order.merchantId, { option: 'OUT_OF_STOCK_REFUND' }), 200);
    const rejected = await fx.respond(d.disputeId, order.consumerId, { accepted: false });
    expect(rejected.body.judgement).toMatchObject({ outcome: 'MERCHANT_LIABLE', violation: 'OUT_OF_STOCK', decidedBy: 'SYSTEM' });
    expectStatus(await api.post(`/disputes/${d.disputeId}/appeal`, { statement: 'we had stock', evidence: APPEAL_EVIDENCE }, as.merchant(order.merchantId)), 200);
    const wrong = await api.post(`/disputes/${d.disputeId}/judgement`, { outcome: 'MERCHANT_LIABLE', violation: 'LATE_SHIPMENT', rationale: 'x' }, as.adjudicator('adj-1'));
    expectProblem(wrong, 422, 'VIOLATION_NOT_APPLICABLE');
    const upheld = await api.post(`/disputes/${d.disputeId}/judgement`, { outcome: 'MERCHANT_LIABLE', rationale: 'no stock records' }, as.adjudicator('adj-1'));
    expectStatus(upheld, 200);
    expect(upheld.body).toMatchObject({ status: 'JUDGED', judgement: { outcome: 'MERCHANT_LIABLE', violation: 'OUT_OF_STOCK', decidedBy: 'ADJUDICATOR' }, appeal: { decision: { outcome: 'UPHELD' } } });
    expect(upheld.body.judgements.map((j: any) => [j.decidedBy, Boolean(j.supersededAt)])).toEqual([
      ['SYSTEM', true],
      ['ADJUDICATOR', false],
    ]);
    expectProblem(await api.post(`/disputes/${d.disputeId}/appeal`, { statement: 'again', evidence: APPEAL_EVIDENCE }, as.merchant(order.merchantId)), 409, 'APPEAL_ALREADY_FILED');
  });

  it('only a MERCHANT_LIABLE judgement is appealable (409 otherwise)', async () => {
    const open = await fx.lateDispute();
    expectProblem(await api.post(`/disputes/${open.id}/appeal`, { statement: 'x', evidence: APPEAL_EVIDENCE }, as.merchant(open.order.merchantId)), 409, 'NOT_APPEALABLE');
    const ok = await fx.inTimeOrder();
    const d = await fx.open(ok);
    const judged = await fx.choose(d.disputeId, ok.merchantId, { option: 'NO_FAULT_DEFENSE', defense: { reason: 'SHIPPED_WITHIN_DEADLINE', statement: 'on time' } });
    expect(judged.body.judgement.outcome).toBe('MERCHANT_NOT_LIABLE');
    expectProblem(await api.post(`/disputes/${d.disputeId}/appeal`, { statement: 'x', evidence: APPEAL_EVIDENCE }, as.merchant(ok.merchantId)), 409, 'NOT_APPEALABLE');
  });

  it('refuses an appeal after APPEAL_WINDOW (422 APPEAL_WINDOW_CLOSED)', async () => {
    const short = new Fixtures(servers.get(store, 'shortAppeal'));
    const order = await short.lateOrder();
    const d = await short.open(order);
    expectStatus(await short.choose(d.disputeId, order.merchantId, { option: 'OUT_OF_STOCK_REFUND' }), 200);
    const rejected = await short.respond(d.disputeId, order.consumerId, { accepted: false });
    await sleep(Date.parse(rejected.body.appealableUntil) - Date.now() + 300);
    const late = await short.api.post(`/disputes/${d.disputeId}/appeal`, { statement: 'x', evidence: APPEAL_EVIDENCE }, as.merchant(order.merchantId));
    expectProblem(late, 422, 'APPEAL_WINDOW_CLOSED');
  });

  it('an overturn after the week closed records a correction on the week (the assessment is never edited)', async () => {
    const merchantId = uid('m');
    const monday = DateTime.now().setZone('Asia/Shanghai').startOf('week').minus({ weeks: 6 }).plus({ hours: 2 }).toMillis();
    await fx.lateOrder({ merchantId, placedAt: iso(monday) });
    const { id, judged } = await liableByAdjudicator('adj-1', { merchantId, placedAt: iso(monday + HOUR) });
    const week = judged.judgement.penalty.week;
    // The scheduler settles only from read models that caught up with the log: on a loaded machine a run may wait.
    let closed: any;
    for (let i = 0; i < 20 && !closed?.final; i++) {
      expectStatus(await fx.runDeadlines(), 200);
      closed = (await api.get(`/merchants/${merchantId}/weeks/${week}`, as.adjudicator())).body;
    }
    expect(closed).toMatchObject({ final: true, stats: { lateOrders: 2 }, points: 7 });
    expectStatus(await api.post(`/disputes/${id}/appeal`, { statement: STATEMENT, evidence: APPEAL_EVIDENCE }, as.merchant(merchantId)), 200);
    expectStatus(await api.post(`/disputes/${id}/judgement`, { outcome: 'MERCHANT_NOT_LIABLE', rationale: 'carrier fault' }, as.adjudicator('adj-2')), 200);
    const stream = (await api.get(`/streams/merchant-week-${week}-${merchantId}`, as.auditor())).body.items;
    expect(stream.map((e: any) => e.type)).toEqual(['MerchantWeekClosed', 'MerchantWeekAssessmentCorrected']);
    expect(stream[0].data.points).toBe(7); // the assessment as recorded
    expect(stream[1].data).toMatchObject({ reason: 'APPEAL_OVERTURNED', disputeId: id, previousPoints: 7, points: 7, stats: { lateOrders: 1 } });
    const week1 = (await api.get(`/merchants/${merchantId}/weeks/${week}`, as.adjudicator())).body;
    expect(week1).toMatchObject({ final: true, assessedPoints: 7, points: 7, stats: { lateOrders: 1 }, corrections: [{ disputeId: id }] });
    // Another run reconciles nothing more (idempotent).
    await fx.runDeadlines();
    expect((await api.get(`/streams/merchant-week-${week}-${merchantId}`, as.auditor())).body.items).toHaveLength(2);
    const v1 = (await api.get(`/merchants/${merchantId}/scorecard?week=${week}&rulesVersion=v1`, as.platform(), { headers: { 'x-min-position': stream[1].position } })).body;
    expect(v1).toMatchObject({ final: true, lateOrders: 1, points: 1, assessment: { corrections: 1 } });
    const dispute = await fx.dispute(id);
    expect(dispute.judgement.settledPenalty).toMatchObject({ points: 0, counted: false });
  });
});
