import {
  DELAY_CARD_RESPONSE_WINDOW_MS,
  delayCardDecider,
  delayExcusesFor,
  delayIndexDecider,
  delayReportDecider,
  indexedReportsFor,
  indexEntryOf,
  emergencyReportCutoff,
  toDelayCardView,
  toDelayReportView,
  type DelayCardEvent,
  type DelayCardState,
  type DelayReportCommand,
  type DelayReportEvent,
  type DelayReportFiled,
  type DelayReportIndexed,
  type IndexDelayReport,
  type DelayReportState,
  type FileDelayReport,
  type SendDelayCard,
} from './delay';
import { decide as decideDispute, evolve as evolveDispute, initialState as initialDispute, type DisputeEvent, type Evidence } from './dispute';
import { DeciderSpecification } from './testing';
import { at, fact, opened, snapshot, T0, V2 } from './test-fixtures';
import { HOUR_MS, iso } from './shared/time';
import type { OrderSnapshot } from './shared/types';

const reports = DeciderSpecification.for(delayReportDecider);
const cards = DeciderSpecification.for(delayCardDecider);
const foldReport = (events: DelayReportEvent[]): DelayReportState => events.reduce(delayReportDecider.evolve, delayReportDecider.initialState());
const foldCard = (events: DelayCardEvent[]): DelayCardState => events.reduce(delayCardDecider.evolve, delayCardDecider.initialState());
const ms = (t: string, delta: number) => iso(Date.parse(t) + delta);

const photo: Evidence = { kind: 'PHOTO', ref: 'oss://evidence/storm.png' };
const chat: Evidence = { kind: 'CHAT_LOG', ref: 'oss://evidence/chat.png', description: 'consumer agrees to ship on Friday' };
const SHANGHAI = 'Asia/Shanghai';

function preReport(hours: number, extra: Partial<FileDelayReport> = {}): FileDelayReport {
  return {
    type: 'FileDelayReport',
    reportId: 'r-1',
    kind: 'PRE_REPORT',
    merchantId: 'm-1',
    filedBy: 'u-merchant',
    reason: 'WEATHER',
    note: 'typhoon warning',
    evidence: [photo],
    windowStart: at(hours + 1),
    windowEnd: at(hours + 49),
    now: at(hours),
    ...extra,
  };
}
function emergency(hours: number, order: OrderSnapshot = snapshot(), extra: Partial<FileDelayReport> = {}): FileDelayReport {
  return {
    type: 'FileDelayReport',
    reportId: 'r-2',
    kind: 'EMERGENCY_REPORT',
    merchantId: 'm-1',
    order,
    evidence: [chat],
    promisedShipAt: at(hours + 72),
    timezone: SHANGHAI,
    now: at(hours),
    ...extra,
  };
}
const send = (hours: number, order: OrderSnapshot = snapshot(), extra: Partial<SendDelayCard> = {}): SendDelayCard => ({
  type: 'SendDelayCard',
  cardId: 'card-1',
  order,
  merchantId: 'm-1',
  message: 'Storm: we ship on Friday',
  now: at(hours),
  ...extra,
});
const play = <C, E, S>(decider: { decide(c: C, s: S): E[]; evolve(s: S, e: E): S; initialState(): S }, ...commands: C[]): E[] => {
  let events: E[] = [];
  for (const c of commands) events = [...events, ...decider.decide(c, events.reduce(decider.evolve, decider.initialState()))];
  return events;
};

// ------------------------------------------------------------------------------------------- pre-report

describe('pre-report (预报备): filing', () => {
  it('records reason, window, evidence and the 24 h review due time', () => {
    reports.given([]).when(preReport(0)).then([
      {
        type: 'DelayReportFiled',
        data: {
          reportId: 'r-1',
          kind: 'PRE_REPORT',
          merchantId: 'm-1',
          filedBy: 'u-merchant',
          filedAt: at(0),
          reviewDueAt: at(24),
          reason: 'WEATHER',
          note: 'typhoon warning',
          evidence: [photo],
          windowStart: at(1),
          windowEnd: at(49),
        },
      },
    ]);
  });
  it('a window without a start begins now', () => {
    reports.given([]).when(preReport(0, { windowStart: undefined })).thenMatches([{ data: { windowStart: at(0), windowEnd: at(49) } }]);
  });
  it('the window may start exactly now, not a millisecond earlier', () => {
    reports.given([]).when(preReport(0, { windowStart: at(0) })).thenMatches([{ type: 'DelayReportFiled' }]);
    reports.given([]).when(preReport(0, { windowStart: ms(at(0), -1) })).thenThrows('WINDOW_STARTS_IN_PAST', { windowStart: ms(at(0), -1), now: at(0) });
    reports.given([]).when(preReport(0, { windowStart: at(-24) })).thenThrows('WINDOW_STARTS_IN_PAST');
  });
  it('the window may end exactly 7 days ahead, not a millisecond later', () => {
    reports.given([]).when(preReport(0, { windowEnd: at(7 * 24) })).thenMatches([{ data: { windowEnd: at(168) } }]);
    reports.given([]).when(preReport(0, { windowEnd: ms(at(168), 1) })).thenThrows('WINDOW_TOO_FAR_AHEAD', { maxWindowEnd: at(168) });
    reports.given([]).when(preReport(0, { windowStart: at(100), windowEnd: at(200) })).thenThrows('WINDOW_TOO_FAR_AHEAD');
  });
  it('the window must end after it starts', () => {
    reports.given([]).when(preReport(0, { windowStart: at(5), windowEnd: at(5) })).thenThrows('INVALID_INPUT', { field: 'windowEnd' });
    reports.given([]).when(preReport(0, { windowStart: at(5), windowEnd: at(4) })).thenThrows('INVALID_INPUT', { field: 'windowEnd' });
  });
  it('needs a reason, evidence and a window end; refuses unknown reasons and emergency-only fields', () => {
    reports.given([]).when(preReport(0, { reason: undefined, evidence: [] })).thenThrows('PRECONDITIONS_NOT_MET', { missing: ['REASON', 'EVIDENCE'] });
    reports.given([]).when(preReport(0, { windowEnd: undefined })).thenThrows('PRECONDITIONS_NOT_MET', { missing: ['WINDOW_END'] });
    reports.given([]).when(preReport(0, { reason: 'BAD_LUCK' as never })).thenThrows('INVALID_INPUT', { field: 'reason' });
    reports.given([]).when(preReport(0, { promisedShipAt: at(30) })).thenThrows('INVALID_INPUT', { field: 'promisedShipAt' });
    reports.given([]).when(preReport(0, { order: snapshot() })).thenThrows('INVALID_INPUT');
    reports.given([]).when(preReport(0, { evidence: [{ kind: 'VIDEO' as never, ref: 'x' }] })).thenThrows('INVALID_INPUT');
  });
  it('every reason of the rules is accepted', () => {
    for (const reason of ['WEATHER', 'MAJOR_NATIONAL_EVENT', 'WAREHOUSE_MAINTENANCE', 'OTHER'] as const) {
      reports.given([]).when(preReport(0, { reason })).thenMatches([{ data: { reason } }]);
    }
  });
  it('a report id is filed once', () => {
    reports.given(play(delayReportDecider, preReport(0))).when(preReport(1)).thenThrows('DELAY_REPORT_ALREADY_EXISTS');
  });
});

describe('delay report: withdrawal', () => {
  const filed = play(delayReportDecider, preReport(0));
  const withdraw = (hours: number, merchantId = 'm-1'): DelayReportCommand => ({ type: 'WithdrawDelayReport', merchantId, now: at(hours) });
  const review = (hours: number, approved: boolean, reason?: string): DelayReportCommand => ({ type: 'ReviewDelayReport', approved, reason, reviewer: 'u-platform', now: at(hours) });
  it('the merchant withdraws a pending report', () => {
    const out = reports.given(filed).when(withdraw(2)).then([{ type: 'DelayReportWithdrawn', data: { reportId: 'r-1', withdrawnAt: at(2) } }]);
    expect(toDelayReportView(foldReport([...filed, ...out])).status).toBe('WITHDRAWN');
  });
  it('not after the review, not twice', () => {
    reports.given([...filed, ...delayReportDecider.decide(review(3, true), foldReport(filed))]).when(withdraw(4)).thenThrows('DELAY_REPORT_NOT_PENDING', { reportStatus: 'APPROVED' });
    reports.given(play(delayReportDecider, preReport(0), withdraw(1))).when(withdraw(2)).thenThrows('DELAY_REPORT_NOT_PENDING', { reportStatus: 'WITHDRAWN' });
  });
  it('a withdrawn report cannot be reviewed', () => {
    reports.given(play(delayReportDecider, preReport(0), withdraw(1))).when(review(2, true)).thenThrows('DELAY_REPORT_NOT_PENDING');
  });
  it("another merchant's or an unknown report is not found", () => {
    reports.given(filed).when(withdraw(2, 'm-2')).thenThrows('DELAY_REPORT_NOT_FOUND');
    reports.given([]).when(withdraw(2)).thenThrows('DELAY_REPORT_NOT_FOUND');
  });
  it('an overdue-flagged report can still be withdrawn', () => {
    const flagged = play(delayReportDecider, preReport(0), { type: 'FlagDelayReportOverdue', now: at(25) });
    reports.given(flagged).when(withdraw(26)).thenMatches([{ type: 'DelayReportWithdrawn' }]);
  });
});

describe('delay report: platform review', () => {
  const filed = play(delayReportDecider, preReport(0));
  it('approves (with an optional note) or rejects with a reason', () => {
    reports
      .given(filed)
      .when({ type: 'ReviewDelayReport', approved: true, reviewer: 'u-platform', now: at(3) })
      .then([{ type: 'DelayReportReviewed', data: { reportId: 'r-1', decision: 'APPROVED', reviewedBy: 'u-platform', reviewedAt: at(3) } }]);
    const out = reports
      .given(filed)
      .when({ type: 'ReviewDelayReport', approved: false, reason: 'No weather warning on record', reviewer: 'u-platform', now: at(3) })
      .thenMatches([{ data: { decision: 'REJECTED', reason: 'No weather warning on record' } }]);
    expect(toDelayReportView(foldReport([...filed, ...out]))).toMatchObject({ status: 'REJECTED', review: { decision: 'REJECTED', reason: 'No weather warning on record' } });
  });
  it('a rejection without a reason is refused', () => {
    reports.given(filed).when({ type: 'ReviewDelayReport', approved: false, now: at(3) }).thenThrows('INVALID_INPUT', { field: 'reason' });
    reports.given(filed).when({ type: 'ReviewDelayReport', approved: false, reason: '  ', now: at(3) }).thenThrows('INVALID_INPUT', { field: 'reason' });
  });
  it('is reviewed once', () => {
    const approved = play(delayReportDecider, preReport(0), { type: 'ReviewDelayReport', approved: true, now: at(3) });
    reports.given(approved).when({ type: 'ReviewDelayReport', approved: false, reason: 'changed my mind', now: at(4) }).thenThrows('DELAY_REPORT_NOT_PENDING', { reportStatus: 'APPROVED' });
  });
  it('an unknown report is not found', () => {
    reports.given([]).when({ type: 'ReviewDelayReport', approved: true, now: at(3) }).thenThrows('DELAY_REPORT_NOT_FOUND');
  });
});

describe('delay report: unreviewed after 24 h is flagged overdue', () => {
  const filed = play(delayReportDecider, preReport(0));
  const flag = (hours: number, delta = 0): DelayReportCommand => ({ type: 'FlagDelayReportOverdue', now: ms(at(hours), delta) });
  it('not before the review due time; at it, once', () => {
    reports.given(filed).when(flag(24, -1)).thenNothing();
    const out = reports.given(filed).when(flag(24)).then([{ type: 'DelayReportReviewOverdue', data: { reportId: 'r-1', reviewDueAt: at(24), flaggedAt: at(24) } }]);
    reports.given([...filed, ...out]).when(flag(30)).thenNothing();
    expect(toDelayReportView(foldReport([...filed, ...out]))).toMatchObject({ status: 'PENDING', overdue: true, overdueFlaggedAt: at(24) });
  });
  it('a reviewed or withdrawn report is never flagged', () => {
    reports.given(play(delayReportDecider, preReport(0), { type: 'ReviewDelayReport', approved: true, now: at(3) })).when(flag(30)).thenNothing();
    reports.given(play(delayReportDecider, preReport(0), { type: 'WithdrawDelayReport', merchantId: 'm-1', now: at(3) })).when(flag(30)).thenNothing();
  });
  it('a flagged report can still be reviewed', () => {
    reports
      .given(play(delayReportDecider, preReport(0), flag(25)))
      .when({ type: 'ReviewDelayReport', approved: true, now: at(26) })
      .thenMatches([{ type: 'DelayReportReviewed', data: { decision: 'APPROVED' } }]);
  });
  it('the review window may be set per command (recorded in the event)', () => {
    reports.given([]).when(preReport(0, { reviewWindowMs: 2 * HOUR_MS })).thenMatches([{ data: { reviewDueAt: at(2) } }]);
    reports.given([]).when(preReport(0, { reviewWindowMs: 0 })).thenThrows('INVALID_INPUT');
  });
});

// ------------------------------------------------------------------------------------- emergency report

describe('emergency report (紧急报备)', () => {
  it('records the order, its evidence, the promised ship date and the cut-off', () => {
    reports.given([]).when(emergency(30)).then([
      {
        type: 'DelayReportFiled',
        data: {
          reportId: 'r-2',
          kind: 'EMERGENCY_REPORT',
          merchantId: 'm-1',
          filedAt: at(30),
          reviewDueAt: at(54),
          evidence: [chat],
          orderId: 'o-1',
          orderPlacedAt: T0,
          orderClockStartsAt: T0,
          // placed Monday 2024-03-04 (week 10, Shanghai): cut-off at the end of Sunday 2024-03-17, Shanghai time
          cutoffAt: '2024-03-17T16:00:00.000Z',
          promisedShipAt: at(102),
          timezone: SHANGHAI,
        },
      },
    ]);
  });
  it.each(['CHAT_LOG', 'SMS', 'CALL_RECORD'] as const)('accepts %s as evidence', (kind) => {
    reports.given([]).when(emergency(30, snapshot(), { evidence: [{ kind, ref: 'oss://x' }] })).thenMatches([{ type: 'DelayReportFiled' }]);
  });
  it('needs a chat log, SMS or call record, and the promised ship date', () => {
    reports
      .given([])
      .when(emergency(30, snapshot(), { evidence: [photo], promisedShipAt: undefined }))
      .thenThrows('PRECONDITIONS_NOT_MET', { missing: ['PROMISED_SHIP_AT', 'EVIDENCE:CHAT_LOG|SMS|CALL_RECORD'] });
    reports.given([]).when(emergency(30, snapshot(), { evidence: [photo, chat] })).thenMatches([{ type: 'DelayReportFiled' }]);
    reports.given([]).when(emergency(30, snapshot(), { promisedShipAt: at(-1) })).thenThrows('INVALID_INPUT', { field: 'promisedShipAt' });
  });
  it("refuses another merchant's order as not found, and pre-report fields", () => {
    reports.given([]).when(emergency(30, snapshot({ merchantId: 'm-2' }))).thenThrows('ORDER_NOT_FOUND');
    reports.given([]).when(emergency(30, snapshot(), { windowEnd: at(40) })).thenThrows('INVALID_INPUT');
    reports.given([]).when(emergency(30, undefined as never, { order: undefined })).thenThrows('INVALID_INPUT');
  });
  it.each([
    ['a presale order', snapshot({ orderKind: 'PRESALE' }), ['ORDER_KIND_PRESALE']],
    ['a LOC order', snapshot({ orderKind: 'LOC' }), ['ORDER_KIND_LOC']],
    ['a custom order', snapshot({ orderKind: 'CUSTOM' }), ['ORDER_KIND_CUSTOM']],
    ['a locked order', snapshot({}, [fact('LOCKED', 5)]), ['ORDER_LOCKED']],
    ['an invalidated order', snapshot({}, [fact('INVALIDATED', 5)]), ['ORDER_INVALIDATED']],
    ['a post-office remittance', snapshot({ paymentMethod: 'POST_OFFICE_REMITTANCE' }), ['PAYMENT_POST_OFFICE_REMITTANCE']],
    ['a company transfer', snapshot({ paymentMethod: 'COMPANY_TRANSFER' }), ['PAYMENT_COMPANY_TRANSFER']],
  ])('refuses %s: not assessed, needs no report', (_label, order, reasons) => {
    const err = reports.given([]).when(emergency(30, order)).thenThrows('ORDER_NOT_ASSESSED', { orderId: 'o-1', notAssessedReasons: reasons });
    expect(err.message).toContain('needs no delay report');
  });

  describe('the Sunday cut-off, in the business timezone', () => {
    // Sunday 2024-03-10 23:30 in Shanghai = 15:30 UTC (week 10 in Shanghai); 30 min later it is Monday in
    // Shanghai (week 11) although still Sunday in UTC.
    const sundayNight = snapshot({ placedAt: '2024-03-10T15:30:00.000Z' }, []);
    const mondayJustAfterMidnight = snapshot({ placedAt: '2024-03-10T16:00:00.000Z' }, []);
    const fileAt = (order: OrderSnapshot, now: string, timezone = SHANGHAI) =>
      emergency(0, { ...order, facts: [{ seq: 0, type: 'PAID', occurredAt: order.placedAt }] }, { now, promisedShipAt: '2024-03-20T00:00:00.000Z', timezone });
    it('computes the end of the following Sunday from the week of placement', () => {
      expect(emergencyReportCutoff('2024-03-10T15:30:00.000Z', SHANGHAI)).toBe('2024-03-17T16:00:00.000Z');
      expect(emergencyReportCutoff('2024-03-10T16:00:00.000Z', SHANGHAI)).toBe('2024-03-24T16:00:00.000Z');
      expect(emergencyReportCutoff('2024-03-10T15:30:00.000Z', 'UTC')).toBe('2024-03-18T00:00:00.000Z');
      expect(emergencyReportCutoff(T0, SHANGHAI)).toBe('2024-03-17T16:00:00.000Z');
    });
    it('accepts a report up to the last millisecond of that Sunday, refuses one at midnight', () => {
      reports.given([]).when(fileAt(sundayNight, '2024-03-17T15:59:59.999Z')).thenMatches([{ data: { cutoffAt: '2024-03-17T16:00:00.000Z' } }]);
      reports
        .given([])
        .when(fileAt(sundayNight, '2024-03-17T16:00:00.000Z'))
        .thenThrows('EMERGENCY_REPORT_TOO_LATE', { cutoffAt: '2024-03-17T16:00:00.000Z', timezone: SHANGHAI, placedAt: '2024-03-10T15:30:00.000Z' });
    });
    it('an order placed 30 minutes later falls in the next Shanghai week and gets a week more', () => {
      reports.given([]).when(fileAt(mondayJustAfterMidnight, '2024-03-17T16:00:00.000Z')).thenMatches([{ data: { cutoffAt: '2024-03-24T16:00:00.000Z' } }]);
      reports.given([]).when(fileAt(mondayJustAfterMidnight, '2024-03-24T16:00:00.000Z')).thenThrows('EMERGENCY_REPORT_TOO_LATE');
    });
    it('the same instant counted in UTC gives a later cut-off', () => {
      reports.given([]).when(fileAt(sundayNight, '2024-03-17T16:00:00.000Z', 'UTC')).thenMatches([{ data: { cutoffAt: '2024-03-18T00:00:00.000Z', timezone: 'UTC' } }]);
    });
  });
});

// ------------------------------------------------------------------------------------------- delay card

describe('delay card (延迟发货卡片)', () => {
  const sent = play(delayCardDecider, send(30));
  const respond = (hours: number, accepted: boolean, consumerId = 'c-1', delta = 0) => ({
    type: 'RespondToDelayCard' as const,
    consumerId,
    accepted,
    now: ms(at(hours), delta),
  });
  const expire = (hours: number, delta = 0) => ({ type: 'ExpireDelayCard' as const, now: ms(at(hours), delta) });

  it("is sent to the order's consumer and expires 48 h later", () => {
    cards.given([]).when(send(30, snapshot(), { sentBy: 'u-merchant', promisedShipAt: at(80) })).then([
      {
        type: 'DelayCardSent',
        data: {
          cardId: 'card-1',
          orderId: 'o-1',
          merchantId: 'm-1',
          consumerId: 'c-1',
          sentBy: 'u-merchant',
          sentAt: at(30),
          expiresAt: at(78),
          message: 'Storm: we ship on Friday',
          promisedShipAt: at(80),
        },
      },
    ]);
    expect(DELAY_CARD_RESPONSE_WINDOW_MS).toBe(48 * HOUR_MS);
  });
  it.each([
    ['pending', sent],
    ['accepted', play(delayCardDecider, send(30), respond(31, true))],
    ['rejected', play(delayCardDecider, send(30), respond(31, false))],
    ['cancelled (expired)', play(delayCardDecider, send(30), expire(78))],
  ])('a second card for the same order is refused (first one %s)', (_label, given) => {
    cards.given(given).when(send(90, snapshot(), { cardId: 'card-2' })).thenThrows('DELAY_CARD_ALREADY_SENT', { cardId: 'card-1', cardStatus: _label.split(' ')[0].toUpperCase() });
  });
  it("refuses another merchant's order, unassessed orders and a proposed date in the past", () => {
    cards.given([]).when(send(30, snapshot(), { merchantId: 'm-2' })).thenThrows('ORDER_NOT_FOUND');
    cards.given([]).when(send(30, snapshot({ orderKind: 'PRESALE' }))).thenThrows('ORDER_NOT_ASSESSED', { notAssessedReasons: ['ORDER_KIND_PRESALE'] });
    cards.given([]).when(send(30, snapshot({ paymentMethod: 'COMPANY_TRANSFER' }))).thenThrows('ORDER_NOT_ASSESSED');
    cards.given([]).when(send(30, snapshot(), { promisedShipAt: at(29) })).thenThrows('INVALID_INPUT', { field: 'promisedShipAt' });
  });
  it('the consumer accepts (the delay is excused) or rejects', () => {
    const acc = cards.given(sent).when({ ...respond(31, true), comment: 'ok' }).then([
      { type: 'DelayCardAnswered', data: { cardId: 'card-1', orderId: 'o-1', accepted: true, comment: 'ok', respondedAt: at(31) } },
    ]);
    expect(toDelayCardView(foldCard([...sent, ...acc]))).toMatchObject({ status: 'ACCEPTED', response: { accepted: true, respondedAt: at(31) } });
    const rej = cards.given(sent).when(respond(31, false)).thenMatches([{ data: { accepted: false } }]);
    expect(foldCard([...sent, ...rej]).status).toBe('REJECTED');
  });
  it('answers exactly at the 48 h mark are in time; a millisecond later the card is closed', () => {
    cards.given(sent).when(respond(78, true)).thenMatches([{ type: 'DelayCardAnswered' }]);
    cards.given(sent).when(respond(78, true, 'c-1', 1)).thenThrows('DELAY_CARD_RESPONSE_WINDOW_CLOSED', { expiresAt: at(78), cardStatus: 'CANCELLED' });
  });
  it('an answer after the expiry was recorded is refused', () => {
    cards.given(play(delayCardDecider, send(30), expire(79))).when(respond(79, true)).thenThrows('DELAY_CARD_RESPONSE_WINDOW_CLOSED');
  });
  it('is answered once, by its consumer only', () => {
    cards.given(play(delayCardDecider, send(30), respond(31, false))).when(respond(32, true)).thenThrows('DELAY_CARD_ALREADY_ANSWERED', { cardStatus: 'REJECTED' });
    cards.given(sent).when(respond(31, true, 'c-2')).thenThrows('DELAY_CARD_NOT_FOUND');
    cards.given([]).when(respond(31, true)).thenThrows('DELAY_CARD_NOT_FOUND');
  });
  it('without an answer within 48 h the card is cancelled, once', () => {
    cards.given(sent).when(expire(78, -1)).thenNothing();
    const out = cards.given(sent).when(expire(78)).then([{ type: 'DelayCardExpired', data: { cardId: 'card-1', orderId: 'o-1', expiresAt: at(78), cancelledAt: at(78) } }]);
    cards.given([...sent, ...out]).when(expire(90)).thenNothing();
    expect(toDelayCardView(foldCard([...sent, ...out]))).toMatchObject({ status: 'CANCELLED', cancelledAt: at(78) });
  });
  it('an answered card never expires', () => {
    cards.given(play(delayCardDecider, send(30), respond(31, true))).when(expire(90)).thenNothing();
  });
  it('the response window may be set per command (recorded in the event)', () => {
    cards.given([]).when(send(30, snapshot(), { responseWindowMs: HOUR_MS })).thenMatches([{ data: { expiresAt: at(31) } }]);
  });
});

// ------------------------------------------------------------------------------------------- excuses

describe('delayExcusesFor', () => {
  // Pre-report filed at -10 h for [-5 h, +40 h]; the fixture order is placed and paid at T0.
  const preFiled = play(delayReportDecider, preReport(-10, { windowStart: at(-5), windowEnd: at(40) }));
  const approve = { type: 'ReviewDelayReport' as const, approved: true, now: at(-9) };
  const approvedPre = foldReport(play(delayReportDecider, preReport(-10, { windowStart: at(-5), windowEnd: at(40) }), approve));
  const order = snapshot();

  it('an approved pre-report covers an order placed inside the window', () => {
    expect(delayExcusesFor(order, [approvedPre], [], at(50))).toEqual([
      expect.objectContaining({ kind: 'PRE_REPORT', ref: 'r-1', status: 'APPROVED', coversOrder: true }),
    ]);
    expect(delayExcusesFor(order, [foldReport(preFiled)], [], at(50))).toEqual([expect.objectContaining({ status: 'PENDING', coversOrder: true })]);
  });
  it('window bounds are inclusive', () => {
    const edge = (ws: number, we: number) =>
      foldReport(play(delayReportDecider, preReport(-10, { windowStart: at(ws), windowEnd: at(we) }), approve));
    expect(delayExcusesFor(order, [edge(-5, 0)], [], at(50))[0]).toMatchObject({ coversOrder: true });
    expect(delayExcusesFor(order, [edge(0, 40)].map((r) => ({ ...r, windowStart: at(0) })), [], at(50))[0]).toMatchObject({ coversOrder: true });
  });
  // Changed with issue 12 (seed 000 预报备标准 (二), 001 Q9: the orders *placed* in the window are exempt): it used to
  // be the shipping clock start, which differs for prepaid orders paid later than placed.
  it('the placement is what counts: placed before the window but paid inside it is not covered; placed inside but paid after it is', () => {
    const placedEarly = { ...snapshot({ placedAt: at(-8) }), facts: [{ seq: 0, type: 'PAID' as const, occurredAt: at(1) }] };
    const early = delayExcusesFor(placedEarly, [approvedPre], [], at(50))[0];
    expect(early).toMatchObject({ coversOrder: false, status: 'APPROVED' });
    expect(early.detail).toContain(`placed ${at(-8)}: outside the window`);
    const paidLater = { ...snapshot({ placedAt: at(39) }), facts: [{ seq: 0, type: 'PAID' as const, occurredAt: at(45) }] };
    const inside = delayExcusesFor(paidLater, [approvedPre], [], at(100))[0];
    expect(inside).toMatchObject({ coversOrder: true, status: 'APPROVED' });
    expect(inside.detail).toContain(`placed ${at(39)}: inside the window`);
    expect(inside.detail).toContain(`shipping clock starts ${at(45)}`);
    const cod = { ...snapshot({ placedAt: at(-8), paymentMethod: 'COD' }), facts: [] };
    expect(delayExcusesFor(cod, [approvedPre], [], at(50))[0]).toMatchObject({ coversOrder: false, status: 'APPROVED' });
  });
  it('leaves out pre-reports of other merchants and windows not touching the order; an unpaid order placed in the window is covered', () => {
    expect(delayExcusesFor(order, [{ ...approvedPre, merchantId: 'm-2' }], [], at(50))).toEqual([]);
    const later = foldReport(play(delayReportDecider, preReport(-10, { windowStart: at(49), windowEnd: at(60) }), approve));
    expect(delayExcusesFor(order, [later], [], at(50))).toEqual([]);
    const unpaid = { ...snapshot(), facts: [] };
    expect(delayExcusesFor(unpaid, [approvedPre], [], at(50))).toEqual([expect.objectContaining({ kind: 'PRE_REPORT', coversOrder: true })]);
  });
  it('an emergency report covers its own order only; withdrawn counts as cancelled', () => {
    const em = foldReport(play(delayReportDecider, emergency(30), { type: 'ReviewDelayReport', approved: true, now: at(31) }));
    expect(delayExcusesFor(order, [em], [], at(50))).toEqual([expect.objectContaining({ kind: 'EMERGENCY_REPORT', ref: 'r-2', status: 'APPROVED', coversOrder: true })]);
    expect(delayExcusesFor({ ...order, orderId: 'o-9' }, [em], [], at(50))).toEqual([]);
    const withdrawn = foldReport(play(delayReportDecider, emergency(30), { type: 'WithdrawDelayReport', merchantId: 'm-1', now: at(31) }));
    expect(delayExcusesFor(order, [withdrawn], [], at(50))[0]).toMatchObject({ status: 'CANCELLED' });
    const rejected = foldReport(play(delayReportDecider, emergency(30), { type: 'ReviewDelayReport', approved: false, reason: 'no proof', now: at(31) }));
    expect(delayExcusesFor(order, [rejected], [], at(50))[0]).toMatchObject({ status: 'REJECTED' });
  });
  it('a card: accepted = APPROVED, rejected = REJECTED, pending past its expiry = CANCELLED', () => {
    const accepted = foldCard(play(delayCardDecider, send(30), { type: 'RespondToDelayCard', consumerId: 'c-1', accepted: true, now: at(31) }));
    expect(delayExcusesFor(order, [], [accepted], at(50))).toEqual([expect.objectContaining({ kind: 'DELAY_CARD', ref: 'card-1', status: 'APPROVED', coversOrder: true })]);
    const rejected = foldCard(play(delayCardDecider, send(30), { type: 'RespondToDelayCard', consumerId: 'c-1', accepted: false, now: at(31) }));
    expect(delayExcusesFor(order, [], [rejected], at(50))[0]).toMatchObject({ status: 'REJECTED' });
    const pending = foldCard(play(delayCardDecider, send(30)));
    expect(delayExcusesFor(order, [], [pending], at(50))[0]).toMatchObject({ status: 'PENDING' });
    expect(delayExcusesFor(order, [], [pending], at(79))[0]).toMatchObject({ status: 'CANCELLED' });
    expect(delayExcusesFor({ ...order, orderId: 'o-9' }, [], [accepted], at(50))).toEqual([]);
  });
  it('is deterministic: covering approved records first', () => {
    const pendingEm = foldReport(play(delayReportDecider, emergency(30)));
    const out = delayExcusesFor(order, [pendingEm, approvedPre], [], at(50));
    expect(out.map((x) => x.ref)).toEqual(['r-1', 'r-2']);
  });
});

// ------------------------------------------------------------------- the dispute judged from the excuses

describe('DELAY_REPORTED / DELAY_CARD_ACCEPTED judged by the system from delayExcusesFor', () => {
  const U = opened('UNIFIED'); // opened at +30 h, order late (no waybill)
  const foldDispute = (events: DisputeEvent[]) => events.reduce(evolveDispute, initialDispute());
  const defend = (reason: 'DELAY_REPORTED' | 'DELAY_CARD_ACCEPTED', excuses: ReturnType<typeof delayExcusesFor>) =>
    decideDispute(
      { type: 'ChooseOption', option: 'NO_FAULT_DEFENSE', defense: { reason, statement: 'excused' }, order: snapshot(), now: at(31), rules: V2, delayExcuses: excuses },
      foldDispute(U),
    );
  const approvedEmergency = foldReport(play(delayReportDecider, emergency(20), { type: 'ReviewDelayReport', approved: true, now: at(21) }));
  const acceptedCard = foldCard(play(delayCardDecider, send(20), { type: 'RespondToDelayCard', consumerId: 'c-1', accepted: true, now: at(21) }));

  it('an approved emergency report: JUDGED NOT_LIABLE by SYSTEM, citing the report', () => {
    const out = defend('DELAY_REPORTED', delayExcusesFor(snapshot(), [approvedEmergency], [], at(31)));
    expect(out).toMatchObject([
      { type: 'OptionChosen', data: { disposition: 'JUDGED', delayExcuses: [{ kind: 'EMERGENCY_REPORT', ref: 'r-2', status: 'APPROVED', coversOrder: true }] } },
      { type: 'DisputeJudged', data: { basis: 'DEFENSE_VERIFIED', judgement: { outcome: 'MERCHANT_NOT_LIABLE', decidedBy: 'SYSTEM' } } },
    ]);
    const verified = (out[1] as Extract<DisputeEvent, { type: 'DisputeJudged' }>).data.judgement.reasons.find((r) => r.rule === 'DELAY_REPORTED_VERIFIED');
    expect(verified).toMatchObject({ excuses: [{ kind: 'EMERGENCY_REPORT', ref: 'r-2', status: 'APPROVED' }] });
    expect(verified!.detail).toContain('r-2');
  });
  it('an approved pre-report covering the placement: JUDGED NOT_LIABLE by SYSTEM, the reason (placed inside the window) kept in the findings', () => {
    const pre = foldReport(play(delayReportDecider, preReport(-10, { windowStart: at(-5), windowEnd: at(40) }), { type: 'ReviewDelayReport', approved: true, now: at(-9) }));
    const out = defend('DELAY_REPORTED', delayExcusesFor(snapshot(), [pre], [], at(31)));
    expect(out[1]).toMatchObject({ type: 'DisputeJudged', data: { judgement: { outcome: 'MERCHANT_NOT_LIABLE', reasons: expect.arrayContaining([expect.objectContaining({ excuses: [{ kind: 'PRE_REPORT', ref: 'r-1', status: 'APPROVED' }] })]) } } });
    const verified = (out[1] as Extract<DisputeEvent, { type: 'DisputeJudged' }>).data.judgement.reasons.find((r) => r.rule === 'DELAY_REPORTED_VERIFIED');
    expect(verified!.detail).toContain(`the order was placed ${at(0)}: inside the window`);
  });
  it('an accepted card: JUDGED NOT_LIABLE by SYSTEM, citing the card', () => {
    const out = defend('DELAY_CARD_ACCEPTED', delayExcusesFor(snapshot(), [], [acceptedCard], at(31)));
    expect(out[1]).toMatchObject({ type: 'DisputeJudged', data: { judgement: { outcome: 'MERCHANT_NOT_LIABLE', decidedBy: 'SYSTEM' } } });
    const reasons = (out[1] as Extract<DisputeEvent, { type: 'DisputeJudged' }>).data.judgement.reasons;
    expect(reasons.find((r) => r.rule === 'DELAY_CARD_ACCEPTED_VERIFIED')).toMatchObject({ excuses: [{ kind: 'DELAY_CARD', ref: 'card-1' }] });
  });
  it('a pending report, a rejected card or the wrong kind: to review, with the findings naming what is on record', () => {
    const pending = foldReport(play(delayReportDecider, emergency(20)));
    const out = defend('DELAY_REPORTED', delayExcusesFor(snapshot(), [pending], [acceptedCard], at(31)));
    expect(out.map((e) => e.type)).toEqual(['OptionChosen', 'ReviewRequested']);
    const notProven = foldDispute([...U, ...out]).review!.findings.find((f) => f.rule === 'DELAY_REPORTED_NOT_PROVEN');
    expect(notProven).toMatchObject({ excuses: [{ kind: 'EMERGENCY_REPORT', ref: 'r-2', status: 'PENDING' }] });
    expect(notProven!.detail).toContain('r-2 PENDING');
    const rejectedCard = foldCard(play(delayCardDecider, send(20), { type: 'RespondToDelayCard', consumerId: 'c-1', accepted: false, now: at(21) }));
    expect(defend('DELAY_CARD_ACCEPTED', delayExcusesFor(snapshot(), [approvedEmergency], [rejectedCard], at(31))).map((e) => e.type)).toEqual([
      'OptionChosen',
      'ReviewRequested',
    ]);
  });
  it('nothing on record: to review with a NOT_PROVEN finding', () => {
    const out = defend('DELAY_CARD_ACCEPTED', []);
    expect(foldDispute([...U, ...out]).review!.findings.map((f) => f.rule)).toContain('DELAY_CARD_ACCEPTED_NOT_PROVEN');
  });
});

// ------------------------------------------------------------------------------- merchant report index

describe('merchant report index (delay-index-{merchantId})', () => {
  const idx = DeciderSpecification.for(delayIndexDecider);
  const filedData = (cmd: FileDelayReport) => (delayReportDecider.decide(cmd, delayReportDecider.initialState())[0] as DelayReportFiled).data;
  const index = (cmd: FileDelayReport): IndexDelayReport => ({ type: 'IndexDelayReport', merchantId: 'm-1', entry: indexEntryOf(filedData(cmd)), now: cmd.now });
  const foldIndex = (events: DelayReportIndexed[]) => events.reduce(delayIndexDecider.evolve, delayIndexDecider.initialState());

  it('records one entry per report (kind, window or order), once', () => {
    const out = idx.given([]).when(index(preReport(0))).then([
      {
        type: 'DelayReportIndexed',
        data: { reportId: 'r-1', kind: 'PRE_REPORT', filedAt: at(0), windowStart: at(1), windowEnd: at(49), merchantId: 'm-1', indexedAt: at(0) },
      },
    ]);
    idx.given(out).when(index(preReport(0))).thenNothing();
    idx.given(out).when({ ...index(preReport(0)), merchantId: 'm-2' }).thenThrows('INVALID_INPUT');
  });
  it('names the reports that may bear on an order: pre-reports ending after placement, emergency reports for it', () => {
    const events = [
      ...delayIndexDecider.decide(index(preReport(-10, { reportId: 'early', windowStart: at(-9), windowEnd: at(-1) })), foldIndex([])),
    ];
    events.push(...delayIndexDecider.decide(index(preReport(-10, { reportId: 'covering', windowStart: at(-5), windowEnd: at(40) })), foldIndex(events)));
    events.push(...delayIndexDecider.decide(index(emergency(30)), foldIndex(events)));
    events.push(...delayIndexDecider.decide(index(emergency(30, snapshot({ orderId: 'o-2' }), { reportId: 'other-order' })), foldIndex(events)));
    const state = foldIndex(events);
    expect(indexedReportsFor(state, { orderId: 'o-1', placedAt: at(0) })).toEqual(['covering', 'r-2']);
    expect(indexedReportsFor(state, { orderId: 'o-2', placedAt: at(-2) })).toEqual(['early', 'covering', 'other-order']);
  });
});
