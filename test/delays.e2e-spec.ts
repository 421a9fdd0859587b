/**
 * Delay reports (预报备 pre-report, 紧急报备 emergency report) and delay cards (延迟发货卡片) over HTTP, and the
 * no-fault defenses they excuse (DELAY_REPORTED, DELAY_CARD_ACCEPTED), judged by the system citing the
 * report / card. Two server profiles per store:
 *  - `default`: the rule windows (review 24 h, card 48 h);
 *  - `short`: DELAY_CARD_RESPONSE_WINDOW=PT2S, DELAY_REPORT_REVIEW_WINDOW=PT2S, scheduler every 0.25 s, so the
 *    card expiry and the overdue flag fire on their own during the test.
 * Histories are built in the past (facts may not be dated in the future).
 */
import { Api, expectProblem, expectStatus, problemFields, type Res } from './support/http';
import { ago, DAY, Fixtures, fromNow, HOUR, SEC, uid } from './support/fixtures';
import { sleep, STORES, useServers } from './support/server';
import { as } from './support/tokens';

jest.setTimeout(60_000);

const servers = useServers({
  default: {},
  short: { DELAY_CARD_RESPONSE_WINDOW: 'PT2S', DELAY_REPORT_REVIEW_WINDOW: 'PT2S', DEADLINE_POLL_INTERVAL: 'PT0.25S' },
  // The schedulers are pushed out of the way: only POST /deadlines/run fires, so its {fired} is exact.
  manual: { DELAY_CARD_RESPONSE_WINDOW: 'PT1S', DELAY_REPORT_REVIEW_WINDOW: 'PT1S', DEADLINE_POLL_INTERVAL: 'PT1H' },
});

const PHOTO = [{ kind: 'PHOTO', ref: 'oss://evidence/typhoon.png', description: 'weather warning' }];
const SMS = [{ kind: 'SMS', ref: 'oss://evidence/sms-1.png', description: 'consumer agreed to Friday' }];

async function poll<T>(get: () => Promise<T>, done: (x: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const x = await get();
    if (done(x) || Date.now() > end) return x;
    await sleep(200);
  }
}

/** The judgement reason / choice finding that verified the defense. */
function verified(dispute: any, rule: string): any {
  return dispute.judgement?.reasons?.find((r: any) => r.rule === rule);
}

describe.each(STORES)('delay reports and delay cards (%s store)', (store) => {
  let fx: Fixtures;
  let api: Api;
  beforeAll(() => {
    fx = new Fixtures(servers.get(store));
    api = fx.api;
  });

  const fileReport = (merchantId: string, body: Record<string, unknown>, opts: { idempotencyKey?: string } = {}) =>
    api.post('/delay-reports', body, as.merchant(merchantId), opts);
  const review = (id: string, body: Record<string, unknown>) => api.post(`/delay-reports/${id}/review`, body, as.platform());
  const preReport = (over: Record<string, unknown> = {}) => ({ kind: 'PRE_REPORT', reason: 'WEATHER', windowEnd: fromNow(2 * DAY), evidence: PHOTO, ...over });
  const defend = (id: string, merchantId: string, reason: string) =>
    fx.choose(id, merchantId, { option: 'NO_FAULT_DEFENSE', defense: { reason, statement: 'The delay was reported / agreed in advance.' } });

  // ----------------------------------------------------------------------------------------- pre-report

  describe('pre-report (预报备)', () => {
    it('is filed PENDING with its window, evidence and a 24 h review due time; the merchant reads it back', async () => {
      const merchantId = uid('m');
      const windowEnd = fromNow(3 * DAY);
      const res = await fileReport(merchantId, preReport({ windowEnd, note: 'typhoon' }));
      expectStatus(res, 201);
      expect(res.headers.get('x-event-position')).toMatch(/^\d+\/\d+$/);
      const r = res.body;
      expect(r).toEqual(
        expect.objectContaining({ reportId: expect.any(String), kind: 'PRE_REPORT', merchantId, status: 'PENDING', reason: 'WEATHER', note: 'typhoon', windowEnd, overdue: false }),
      );
      expect(Date.parse(r.windowStart)).toBeLessThanOrEqual(Date.now());
      expect(Date.parse(r.reviewDueAt) - Date.parse(r.filedAt)).toBe(DAY);
      expect(r.stream).toBe(`delay-report-${r.reportId}`);
      const got = await api.get(`/delay-reports/${r.reportId}`, as.merchant(merchantId));
      expectStatus(got, 200);
      expect(got.body).toEqual(expect.objectContaining({ reportId: r.reportId, status: 'PENDING' }));
    });

    it('refuses a window ending more than 7 days ahead (422 WINDOW_TOO_FAR_AHEAD)', async () => {
      const res = await fileReport(uid('m'), preReport({ windowEnd: fromNow(7 * DAY + HOUR) }));
      expectProblem(res, 422, 'WINDOW_TOO_FAR_AHEAD');
      expect(res.body.maxWindowEnd).toEqual(expect.any(String));
    });

    it('refuses a window starting in the past (422 WINDOW_STARTS_IN_PAST)', async () => {
      expectProblem(await fileReport(uid('m'), preReport({ windowStart: ago(HOUR) })), 422, 'WINDOW_STARTS_IN_PAST');
    });

    it('refuses a window ending before it starts (400), missing reason/evidence (422), unknown fields (400), other roles (403)', async () => {
      const backwards = await fileReport(uid('m'), preReport({ windowStart: fromNow(2 * HOUR), windowEnd: fromNow(HOUR) }));
      expectProblem(backwards, 400);
      expect(problemFields(backwards)).toContain('windowEnd');
      const missing = await fileReport(uid('m'), { kind: 'PRE_REPORT', windowEnd: fromNow(DAY) });
      expectProblem(missing, 422, 'PRECONDITIONS_NOT_MET');
      expect(missing.body.missing).toEqual(['REASON', 'EVIDENCE']);
      const unknown = await fileReport(uid('m'), preReport({ severity: 'high' }));
      expectProblem(unknown, 400);
      expect(problemFields(unknown)).toContain('severity');
      expectProblem(await api.post('/delay-reports', preReport(), as.consumer(uid('c'))), 403);
      expectProblem(await api.post('/delay-reports', preReport(), as.platform()), 403);
    });

    it('the merchant withdraws it before review; not twice, not after; the platform cannot review a withdrawn report', async () => {
      const merchantId = uid('m');
      const r = (await fileReport(merchantId, preReport())).body;
      const w = await api.post(`/delay-reports/${r.reportId}/withdraw`, undefined, as.merchant(merchantId));
      expectStatus(w, 200);
      expect(w.body).toEqual(expect.objectContaining({ status: 'WITHDRAWN', withdrawnAt: expect.any(String) }));
      expectProblem(await api.post(`/delay-reports/${r.reportId}/withdraw`, undefined, as.merchant(merchantId)), 409, 'DELAY_REPORT_NOT_PENDING');
      expectProblem(await review(r.reportId, { approved: true }), 409, 'DELAY_REPORT_NOT_PENDING');

      const reviewed = (await fileReport(merchantId, preReport())).body;
      expectStatus(await review(reviewed.reportId, { approved: true }), 200);
      expectProblem(await api.post(`/delay-reports/${reviewed.reportId}/withdraw`, undefined, as.merchant(merchantId)), 409, 'DELAY_REPORT_NOT_PENDING');
    });

    it("another merchant's report is 404 (read, withdraw); unknown ids are 404", async () => {
      const r = (await fileReport(uid('m'), preReport())).body;
      const other = uid('m');
      expectProblem(await api.get(`/delay-reports/${r.reportId}`, as.merchant(other)), 404);
      expectProblem(await api.post(`/delay-reports/${r.reportId}/withdraw`, undefined, as.merchant(other)), 404);
      expectProblem(await api.get(`/delay-reports/no-such-report`, as.platform()), 404);
      expectProblem(await review('no-such-report', { approved: true }), 404);
    });

    it('the platform approves, or rejects with a reason (a rejection without one is 400); reviewed once', async () => {
      const merchantId = uid('m');
      const a = (await fileReport(merchantId, preReport())).body;
      const approved = await review(a.reportId, { approved: true });
      expectStatus(approved, 200);
      expect(approved.body).toEqual(expect.objectContaining({ status: 'APPROVED', review: expect.objectContaining({ decision: 'APPROVED', reviewedBy: 'platform-pipeline' }) }));
      expectProblem(await review(a.reportId, { approved: false, reason: 'second thoughts' }), 409, 'DELAY_REPORT_NOT_PENDING');

      const b = (await fileReport(merchantId, preReport())).body;
      const noReason = await review(b.reportId, { approved: false });
      expectProblem(noReason, 400);
      expect(problemFields(noReason)).toContain('reason');
      const rejected = await review(b.reportId, { approved: false, reason: 'No weather warning for your area' });
      expectStatus(rejected, 200);
      expect(rejected.body).toEqual(expect.objectContaining({ status: 'REJECTED', review: expect.objectContaining({ reason: 'No weather warning for your area' }) }));
      expectProblem(await api.post(`/delay-reports/${b.reportId}/review`, { approved: true }, as.merchant(merchantId)), 403);
    });

    it('a retried filing with the same Idempotency-Key returns the first report', async () => {
      const merchantId = uid('m');
      const key = uid('key');
      const body = preReport();
      const first = await fileReport(merchantId, body, { idempotencyKey: key });
      const again = await fileReport(merchantId, body, { idempotencyKey: key });
      expectStatus(first, 201);
      expectStatus(again, 201);
      expect(again.body.reportId).toBe(first.body.reportId);
      const list = await api.get(`/delay-reports`, as.merchant(merchantId), { headers: { 'x-min-position': first.headers.get('x-event-position')! } });
      expect(list.body.items).toHaveLength(1);
    });

    it('DELAY_REPORTED on an order paid inside an approved pre-report window: JUDGED MERCHANT_NOT_LIABLE by SYSTEM citing the report', async () => {
      const merchantId = uid('m');
      const filed = await fileReport(merchantId, preReport({ reason: 'WAREHOUSE_MAINTENANCE' }));
      expectStatus(filed, 201);
      const reportId = filed.body.reportId;
      expectStatus(await review(reportId, { approved: true }), 200);
      await sleep(50);
      // Placed and paid after the window opened: its shipping clock starts inside the window.
      const order = await fx.order({ merchantId, placedAt: filed.body.windowStart }, [{ type: 'PAID', occurredAt: ago(10) }]);
      const dispute = await fx.open(order);
      const res = await defend(dispute.disputeId, merchantId, 'DELAY_REPORTED');
      expectStatus(res, 200);
      expect(res.body).toEqual(
        expect.objectContaining({ status: 'JUDGED', judgement: expect.objectContaining({ outcome: 'MERCHANT_NOT_LIABLE', decidedBy: 'SYSTEM' }) }),
      );
      const v = verified(res.body, 'DELAY_REPORTED_VERIFIED');
      expect(v).toEqual(expect.objectContaining({ excuses: [{ kind: 'PRE_REPORT', ref: reportId, status: 'APPROVED' }] }));
      expect(v.detail).toContain(reportId);
      expect(res.body.choice.delayExcuses).toEqual([expect.objectContaining({ kind: 'PRE_REPORT', ref: reportId, status: 'APPROVED', coversOrder: true })]);
      // The decision event itself records what it relied on.
      const tl = await fx.timeline(dispute.disputeId);
      const judged = tl.find((e) => e.type === 'DisputeJudged');
      expect(JSON.stringify(judged.data)).toContain(reportId);
      expect(tl.find((e) => e.type === 'OptionChosen').data.delayExcuses[0].ref).toBe(reportId);
    });

    it('an approved pre-report does not excuse an order paid before its window: to review, not proven', async () => {
      const merchantId = uid('m');
      const r = (await fileReport(merchantId, preReport())).body;
      expectStatus(await review(r.reportId, { approved: true }), 200);
      const { id } = await fx.lateDispute({ merchantId });
      const res = await defend(id, merchantId, 'DELAY_REPORTED');
      expectStatus(res, 200);
      expect(res.body.status).toBe('UNDER_REVIEW');
      expect(res.body.review.findings.map((f: any) => f.rule)).toContain('DELAY_REPORTED_NOT_PROVEN');
    });
  });

  // ----------------------------------------------------------------------------------- emergency report

  describe('emergency report (紧急报备)', () => {
    const emergency = (orderId: string, over: Record<string, unknown> = {}) => ({
      kind: 'EMERGENCY_REPORT',
      orderId,
      promisedShipAt: fromNow(2 * DAY),
      evidence: SMS,
      note: 'consumer agreed to wait',
      ...over,
    });

    it('is filed for one of the merchant’s orders with its cut-off; DELAY_REPORTED once approved: JUDGED MERCHANT_NOT_LIABLE by SYSTEM citing it', async () => {
      const { order, id } = await fx.lateDispute();
      const filed = await fileReport(order.merchantId, emergency(order.orderId));
      expectStatus(filed, 201);
      const r = filed.body;
      expect(r).toEqual(expect.objectContaining({ kind: 'EMERGENCY_REPORT', orderId: order.orderId, status: 'PENDING', cutoffAt: expect.any(String), promisedShipAt: expect.any(String) }));
      expect(Date.parse(r.cutoffAt)).toBeGreaterThan(Date.now());
      expectStatus(await review(r.reportId, { approved: true, reason: 'chat log confirms the agreement' }), 200);
      const res = await defend(id, order.merchantId, 'DELAY_REPORTED');
      expectStatus(res, 200);
      expect(res.body).toEqual(
        expect.objectContaining({ status: 'JUDGED', judgement: expect.objectContaining({ outcome: 'MERCHANT_NOT_LIABLE', decidedBy: 'SYSTEM' }) }),
      );
      expect(verified(res.body, 'DELAY_REPORTED_VERIFIED')).toEqual(expect.objectContaining({ excuses: [{ kind: 'EMERGENCY_REPORT', ref: r.reportId, status: 'APPROVED' }] }));
      expect(res.body.judgement.penalty.points).toBe(0);
    });

    it('while still pending it does not excuse: the defense goes to review with the report named in the findings', async () => {
      const { order, id } = await fx.lateDispute();
      const r = (await fileReport(order.merchantId, emergency(order.orderId))).body;
      const res = await defend(id, order.merchantId, 'DELAY_REPORTED');
      expectStatus(res, 200);
      expect(res.body.status).toBe('UNDER_REVIEW');
      const f = res.body.review.findings.find((x: any) => x.rule === 'DELAY_REPORTED_NOT_PROVEN');
      expect(f).toEqual(expect.objectContaining({ excuses: [{ kind: 'EMERGENCY_REPORT', ref: r.reportId, status: 'PENDING' }] }));
    });

    it('refuses a report after the end of the Sunday following the week the order was placed (422 EMERGENCY_REPORT_TOO_LATE)', async () => {
      // Placed 15 days ago: its week ended at least 8 days ago, the following Sunday at least a day ago.
      const order = await fx.lateOrder({ placedAt: ago(15 * DAY) });
      const res = await fileReport(order.merchantId, emergency(order.orderId));
      expectProblem(res, 422, 'EMERGENCY_REPORT_TOO_LATE');
      expect(res.body).toEqual(expect.objectContaining({ cutoffAt: expect.any(String), timezone: 'Asia/Shanghai' }));
      expect(Date.parse(res.body.cutoffAt)).toBeLessThan(Date.now());
    });

    it.each([
      ['a presale order', { orderKind: 'PRESALE' }, 'ORDER_KIND_PRESALE'],
      ['a company transfer', { paymentMethod: 'COMPANY_TRANSFER' }, 'PAYMENT_COMPANY_TRANSFER'],
      ['a post-office remittance', { paymentMethod: 'POST_OFFICE_REMITTANCE' }, 'PAYMENT_POST_OFFICE_REMITTANCE'],
    ])('refuses %s: not assessed, needs no report (422 ORDER_NOT_ASSESSED)', async (_label, over, reason) => {
      const order = await fx.lateOrder(over);
      const res = await fileReport(order.merchantId, emergency(order.orderId));
      expectProblem(res, 422, 'ORDER_NOT_ASSESSED');
      expect(res.body.notAssessedReasons).toEqual([reason]);
      expect(res.body.detail).toMatch(/needs no delay report/);
    });

    it('refuses a locked order', async () => {
      const order = await fx.lateOrder({}, [{ type: 'LOCKED', occurredAt: ago(HOUR) }]);
      expectProblem(await fileReport(order.merchantId, emergency(order.orderId)), 422, 'ORDER_NOT_ASSESSED');
    });

    it('needs a chat log / SMS / call record and the promised ship date (422), the orderId (400); another merchant’s order is 404', async () => {
      const order = await fx.lateOrder();
      const res = await fileReport(order.merchantId, emergency(order.orderId, { evidence: PHOTO, promisedShipAt: undefined }));
      expectProblem(res, 422, 'PRECONDITIONS_NOT_MET');
      expect(res.body.missing).toEqual(['PROMISED_SHIP_AT', 'EVIDENCE:CHAT_LOG|SMS|CALL_RECORD']);
      const noOrder = await fileReport(order.merchantId, emergency(order.orderId, { orderId: undefined }));
      expectProblem(noOrder, 400);
      expect(problemFields(noOrder)).toContain('orderId');
      expectProblem(await fileReport(uid('m'), emergency(order.orderId)), 404);
      expectProblem(await fileReport(order.merchantId, emergency('no-such-order')), 404);
    });
  });

  // ------------------------------------------------------------------------------------------ delay card

  describe('delay card (延迟发货卡片)', () => {
    it('sent once; the consumer accepts; DELAY_CARD_ACCEPTED: JUDGED MERCHANT_NOT_LIABLE by SYSTEM citing the card', async () => {
      const { order, id } = await fx.lateDispute();
      const sent = await api.post(`/orders/${order.orderId}/delay-card`, { message: 'Typhoon: we ship on Friday', promisedShipAt: fromNow(2 * DAY) }, as.merchant(order.merchantId));
      expectStatus(sent, 201);
      const card = sent.body;
      expect(card).toEqual(
        expect.objectContaining({ cardId: expect.any(String), orderId: order.orderId, consumerId: order.consumerId, status: 'PENDING', answerable: true }),
      );
      expect(Date.parse(card.expiresAt) - Date.parse(card.sentAt)).toBe(2 * DAY);
      const seen = await api.get(`/orders/${order.orderId}/delay-card`, as.consumer(order.consumerId));
      expectStatus(seen, 200);
      expect(seen.body.cardId).toBe(card.cardId);
      const accepted = await api.post(`/orders/${order.orderId}/delay-card/response`, { accepted: true, comment: 'fine' }, as.consumer(order.consumerId));
      expectStatus(accepted, 200);
      expect(accepted.body).toEqual(expect.objectContaining({ status: 'ACCEPTED', response: expect.objectContaining({ accepted: true }) }));
      expectProblem(await api.post(`/orders/${order.orderId}/delay-card/response`, { accepted: false }, as.consumer(order.consumerId)), 409, 'DELAY_CARD_ALREADY_ANSWERED');

      const res = await defend(id, order.merchantId, 'DELAY_CARD_ACCEPTED');
      expectStatus(res, 200);
      expect(res.body).toEqual(
        expect.objectContaining({ status: 'JUDGED', judgement: expect.objectContaining({ outcome: 'MERCHANT_NOT_LIABLE', decidedBy: 'SYSTEM' }) }),
      );
      const v = verified(res.body, 'DELAY_CARD_ACCEPTED_VERIFIED');
      expect(v).toEqual(expect.objectContaining({ excuses: [{ kind: 'DELAY_CARD', ref: card.cardId, status: 'APPROVED' }] }));
      expect(v.detail).toContain(card.cardId);
    });

    it('a second card for the same order is refused whatever became of the first (409 DELAY_CARD_ALREADY_SENT)', async () => {
      const pending = await fx.lateOrder();
      expectStatus(await api.post(`/orders/${pending.orderId}/delay-card`, {}, as.merchant(pending.merchantId)), 201);
      expectProblem(await api.post(`/orders/${pending.orderId}/delay-card`, {}, as.merchant(pending.merchantId)), 409, 'DELAY_CARD_ALREADY_SENT');

      const rejected = await fx.lateOrder();
      expectStatus(await api.post(`/orders/${rejected.orderId}/delay-card`, {}, as.merchant(rejected.merchantId)), 201);
      const no = await api.post(`/orders/${rejected.orderId}/delay-card/response`, { accepted: false }, as.consumer(rejected.consumerId));
      expectStatus(no, 200);
      expect(no.body.status).toBe('REJECTED');
      const again = await api.post(`/orders/${rejected.orderId}/delay-card`, { message: 'please?' }, as.merchant(rejected.merchantId));
      expectProblem(again, 409, 'DELAY_CARD_ALREADY_SENT');
      expect(again.body.cardStatus).toBe('REJECTED');
    });

    it("a rejected card does not excuse: DELAY_CARD_ACCEPTED goes to review", async () => {
      const { order, id } = await fx.lateDispute();
      expectStatus(await api.post(`/orders/${order.orderId}/delay-card`, {}, as.merchant(order.merchantId)), 201);
      expectStatus(await api.post(`/orders/${order.orderId}/delay-card/response`, { accepted: false }, as.consumer(order.consumerId)), 200);
      const res = await defend(id, order.merchantId, 'DELAY_CARD_ACCEPTED');
      expectStatus(res, 200);
      expect(res.body.status).toBe('UNDER_REVIEW');
      expect(res.body.review.findings.find((f: any) => f.rule === 'DELAY_CARD_ACCEPTED_NOT_PROVEN').excuses).toEqual([
        expect.objectContaining({ kind: 'DELAY_CARD', status: 'REJECTED' }),
      ]);
    });

    it("tenancy: another merchant's order and another consumer's card are 404; unassessed orders are refused", async () => {
      const order = await fx.lateOrder();
      expectProblem(await api.post(`/orders/${order.orderId}/delay-card`, {}, as.merchant(uid('m'))), 404);
      expectProblem(await api.get(`/orders/${order.orderId}/delay-card`, as.merchant(order.merchantId)), 404, 'DELAY_CARD_NOT_FOUND');
      expectStatus(await api.post(`/orders/${order.orderId}/delay-card`, {}, as.merchant(order.merchantId)), 201);
      expectProblem(await api.post(`/orders/${order.orderId}/delay-card/response`, { accepted: true }, as.consumer(uid('c'))), 404);
      expectProblem(await api.get(`/orders/${order.orderId}/delay-card`, as.consumer(uid('c'))), 404);
      expectProblem(await api.post(`/orders/${order.orderId}/delay-card/response`, { accepted: true }, as.merchant(order.merchantId)), 403);
      const presale = await fx.lateOrder({ orderKind: 'PRESALE' });
      expectProblem(await api.post(`/orders/${presale.orderId}/delay-card`, {}, as.merchant(presale.merchantId)), 422, 'ORDER_NOT_ASSESSED');
    });

    it('lists the merchant’s cards with their status', async () => {
      const merchantId = uid('m');
      const a = await fx.lateOrder({ merchantId });
      const b = await fx.lateOrder({ merchantId });
      await api.post(`/orders/${a.orderId}/delay-card`, {}, as.merchant(merchantId));
      const sent = await api.post(`/orders/${b.orderId}/delay-card`, {}, as.merchant(merchantId));
      const answered = await api.post(`/orders/${b.orderId}/delay-card/response`, { accepted: true }, as.consumer(b.consumerId));
      const min = { headers: { 'x-min-position': answered.headers.get('x-event-position')! } };
      expectStatus(sent, 201);
      const all = await api.get('/delay-cards', as.merchant(merchantId), min);
      expectStatus(all, 200);
      expect(all.body.items.map((c: any) => [c.orderId, c.status]).sort()).toEqual([[a.orderId, 'PENDING'], [b.orderId, 'ACCEPTED']].sort());
      const acc = await api.get('/delay-cards?status=ACCEPTED', as.merchant(merchantId), min);
      expect(acc.body.items.map((c: any) => c.orderId)).toEqual([b.orderId]);
      expect((await api.get(`/delay-cards?merchantId=${merchantId}`, as.merchant(uid('m')), min)).body.items).toEqual([]);
      const paged = await api.get(`/delay-cards?merchantId=${merchantId}&limit=1`, as.platform(), min);
      expect(paged.body.items).toHaveLength(1);
      expect(paged.body.nextCursor).toEqual(expect.any(String));
      const next = await api.get(`/delay-cards?merchantId=${merchantId}&limit=1&cursor=${paged.body.nextCursor}`, as.platform(), min);
      expect(next.body.items).toHaveLength(1);
      expect(next.body.nextCursor).toBeUndefined();
      expect((await api.get('/delay-cards', as.consumer(b.consumerId), min)).body.items.map((c: any) => c.orderId)).toEqual([b.orderId]);
    });
  });

  // ------------------------------------------------------------------------------------------ read models

  describe('read models', () => {
    it("a merchant's reports with their status; another merchant sees none of them", async () => {
      const merchantId = uid('m');
      const a = (await fileReport(merchantId, preReport())).body;
      const b = (await fileReport(merchantId, preReport({ reason: 'OTHER' }))).body;
      const w = await api.post(`/delay-reports/${b.reportId}/withdraw`, undefined, as.merchant(merchantId));
      const min = { headers: { 'x-min-position': w.headers.get('x-event-position')! } };
      const list = await api.get('/delay-reports', as.merchant(merchantId), min);
      expectStatus(list, 200);
      expect(list.headers.get('x-read-consistency')).toBe('caught-up');
      expect(list.body.items.map((r: any) => [r.reportId, r.status])).toEqual([
        [a.reportId, 'PENDING'],
        [b.reportId, 'WITHDRAWN'],
      ]);
      expect(list.body.nextCursor).toBeUndefined();
      const withdrawn = await api.get('/delay-reports?status=WITHDRAWN', as.merchant(merchantId), min);
      expect(withdrawn.body.items.map((r: any) => r.reportId)).toEqual([b.reportId]);
      expect((await api.get('/delay-reports', as.merchant(uid('m')), min)).body.items).toEqual([]);
      expect((await api.get(`/delay-reports?merchantId=${merchantId}`, as.merchant(uid('m')), min)).body.items).toEqual([]);
      expect((await api.get(`/delay-reports?merchantId=${merchantId}`, as.platform(), min)).body.items).toHaveLength(2);
      expectProblem(await api.get('/delay-reports?status=LOST', as.platform()), 400);
      expectProblem(await api.get('/delay-reports', as.consumer(uid('c'))), 403);
    });

    it('the platform review queue lists pending reports oldest first; reviewed ones leave it', async () => {
      const merchantId = uid('m');
      const first = (await fileReport(merchantId, preReport())).body;
      const second = (await fileReport(merchantId, preReport())).body;
      const done = (await fileReport(merchantId, preReport())).body;
      const rv = await review(done.reportId, { approved: true });
      const min = { headers: { 'x-min-position': rv.headers.get('x-event-position')! } };
      const items: any[] = [];
      let cursor: string | undefined;
      do {
        const page: Res = await api.get(`/delay-reports/review-queue?limit=100${cursor ? `&cursor=${cursor}` : ''}`, as.platform(), min);
        expectStatus(page, 200);
        items.push(...page.body.items);
        cursor = page.body.nextCursor;
      } while (cursor);
      const mine = items.filter((i) => i.merchantId === merchantId);
      expect(mine.map((i) => i.reportId)).toEqual([first.reportId, second.reportId]);
      expect(mine[0]).toEqual(expect.objectContaining({ status: 'PENDING', overdue: false, overdueNow: false, waitingSeconds: expect.any(Number) }));
      const filedTimes = items.map((i) => Date.parse(i.filedAt));
      expect([...filedTimes].sort((x, y) => x - y)).toEqual(filedTimes);
      expectProblem(await api.get('/delay-reports/review-queue', as.merchant(merchantId)), 403);
    });
  });

  it('publishes the endpoints in the OpenAPI document', async () => {
    const res = await api.get('/docs-json');
    expectStatus(res, 200);
    const paths = Object.keys(res.body.paths);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/delay-reports',
        '/delay-reports/review-queue',
        '/delay-reports/{id}',
        '/delay-reports/{id}/withdraw',
        '/delay-reports/{id}/review',
        '/orders/{orderId}/delay-card',
        '/orders/{orderId}/delay-card/response',
        '/delay-cards',
      ]),
    );
    expect(res.body.paths['/delay-reports'].post.requestBody).toBeDefined();
  });

  // ------------------------------------------------------------------------------ deadlines fire on their own

  describe('deadlines (short windows, scheduler running)', () => {
    let short: Fixtures;
    beforeAll(() => {
      short = new Fixtures(servers.get(store, 'short'));
    });

    it('an unanswered card is cancelled after its window; a late answer is refused; it still cannot be sent again', async () => {
      const order = await short.lateOrder();
      const sent = await short.api.post(`/orders/${order.orderId}/delay-card`, {}, as.merchant(order.merchantId));
      expectStatus(sent, 201);
      expect(Date.parse(sent.body.expiresAt) - Date.parse(sent.body.sentAt)).toBe(2 * SEC);
      await sleep(Date.parse(sent.body.expiresAt) - Date.now() + 300);
      const late = await short.api.post(`/orders/${order.orderId}/delay-card/response`, { accepted: true }, as.consumer(order.consumerId));
      expectProblem(late, 422, 'DELAY_CARD_RESPONSE_WINDOW_CLOSED');
      const card = await poll(
        async () => (await short.api.get(`/orders/${order.orderId}/delay-card`, as.merchant(order.merchantId))).body,
        (c) => c.status === 'CANCELLED',
      );
      expect(card).toEqual(expect.objectContaining({ status: 'CANCELLED', cancelledAt: expect.any(String), answerable: false }));
      expectProblem(await short.api.post(`/orders/${order.orderId}/delay-card`, {}, as.merchant(order.merchantId)), 409, 'DELAY_CARD_ALREADY_SENT');
      // A cancelled card excuses nothing.
      const dispute = await short.open(order);
      const res = await short.choose(dispute.disputeId, order.merchantId, { option: 'NO_FAULT_DEFENSE', defense: { reason: 'DELAY_CARD_ACCEPTED', statement: 'sent a card' } });
      expectStatus(res, 200);
      expect(res.body.status).toBe('UNDER_REVIEW');
      const timeline = await short.timeline(dispute.disputeId);
      expect(timeline.find((e) => e.type === 'OptionChosen').data.delayExcuses).toEqual([expect.objectContaining({ kind: 'DELAY_CARD', status: 'CANCELLED' })]);
    });

    it('POST /deadlines/run fires the due delay deadlines too (card expiry, overdue flag), each once', async () => {
      const manual = new Fixtures(servers.get(store, 'manual'));
      const order = await manual.lateOrder();
      const card = await manual.api.post(`/orders/${order.orderId}/delay-card`, {}, as.merchant(order.merchantId));
      expectStatus(card, 201);
      const report = await manual.api.post('/delay-reports', preReport(), as.merchant(order.merchantId));
      expectStatus(report, 201);
      await sleep(Math.max(Date.parse(card.body.expiresAt), Date.parse(report.body.reviewDueAt)) - Date.now() + 300);
      expect((await manual.api.get(`/orders/${order.orderId}/delay-card`, as.platform())).body.status).toBe('PENDING');
      const run = await manual.runDeadlines();
      expectStatus(run, 200);
      expect(run.body).toEqual({ fired: 2 });
      expect((await manual.api.get(`/orders/${order.orderId}/delay-card`, as.platform())).body.status).toBe('CANCELLED');
      expect((await manual.api.get(`/delay-reports/${report.body.reportId}`, as.platform())).body.overdue).toBe(true);
      expect((await manual.runDeadlines()).body).toEqual({ fired: 0 });
    });

    it('a report unreviewed past its review window is flagged overdue and stays in the queue, marked', async () => {
      const merchantId = uid('m');
      const r = (await short.api.post('/delay-reports', preReport(), as.merchant(merchantId))).body;
      const flagged = await poll(
        async () => (await short.api.get(`/delay-reports/${r.reportId}`, as.platform())).body,
        (x) => x.overdue === true,
      );
      expect(flagged).toEqual(expect.objectContaining({ status: 'PENDING', overdue: true, overdueFlaggedAt: expect.any(String) }));
      const queue = await poll(
        async () => (await short.api.get('/delay-reports/review-queue?limit=500', as.platform())).body,
        (q) => q.items.some((i: any) => i.reportId === r.reportId && i.overdue),
      );
      expect(queue.items.find((i: any) => i.reportId === r.reportId)).toEqual(expect.objectContaining({ overdue: true, overdueNow: true }));
      // Still reviewable once flagged.
      expectStatus(await short.api.post(`/delay-reports/${r.reportId}/review`, { approved: true }, as.platform()), 200);
    });
  });
});
