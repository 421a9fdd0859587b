import {
  decide,
  disputeDecider,
  evaluateOptions,
  evolve,
  initialState,
  isFinal,
  pendingDeadlines,
  toDisputeView,
  type ChooseOption,
  type DisputeCommand,
  type DisputeEvent,
  type DisputeState,
  type Evidence,
} from './dispute';
import { DeciderSpecification } from './testing';
import { at, fact, opened, pickup, SETTINGS, snapshot, V2, waybill } from './test-fixtures';
import type { DisputeOption, OrderSnapshot } from './types';

const spec = DeciderSpecification.for(disputeDecider);
const fold = (events: DisputeEvent[]): DisputeState => events.reduce(evolve, initialState());
/** Applies commands in turn, returning all events (given + produced). */
function play(given: DisputeEvent[], ...commands: DisputeCommand[]): DisputeEvent[] {
  let events = [...given];
  for (const c of commands) events = [...events, ...decide(c, fold(events))];
  return events;
}

const chat: Evidence = { kind: 'CHAT_LOG', ref: 'oss://evidence/chat-1.png', description: 'consumer agrees' };
const bare = snapshot();
const cancelled = snapshot({}, [fact('CANCELLATION_REQUESTED', 20)]);
const refunded = snapshot({}, [fact('REFUNDED', 20)]);
const shipped = snapshot({}, [waybill(10), pickup(20)]);
const shippedLate = snapshot({}, [waybill(28), pickup(29)]);

function choose(option: DisputeOption, hours: number, order: OrderSnapshot = bare, extra: Partial<ChooseOption> = {}): ChooseOption {
  return { type: 'ChooseOption', option, order, now: at(hours), rules: V2, ...extra };
}
const shipBy = (hours: number, agreedAtHours: number, order: OrderSnapshot = bare, evidence: Evidence[] = [chat]) =>
  choose('SHIP_BY_AGREED_DATE', hours, order, { agreedShipBy: at(agreedAtHours), evidence });
const defend = (reason: string, hours: number, order: OrderSnapshot = bare, evidence: Evidence[] = [], extra: Partial<ChooseOption> = {}) =>
  choose('NO_FAULT_DEFENSE', hours, order, { defense: { reason: reason as never, statement: 'not my fault' }, evidence, ...extra });
const fire = (deadline: 'RESPONSE' | 'AGREED_SHIP_BY' | 'CONSUMER_RESPONSE' | 'CONTEST', hours: number, order: OrderSnapshot = bare): DisputeCommand => ({
  type: 'FireDeadline',
  deadline,
  order,
  rules: V2,
  now: at(hours),
});

const U = opened('UNIFIED'); // opened at +30 h, response due at +54 h
const L = opened('LEGACY');

describe('OpenDispute', () => {
  it('records the flow, the response deadline and the settings windows', () => {
    expect(U).toHaveLength(1);
    expect(U[0]).toMatchObject({
      type: 'DisputeOpened',
      data: {
        disputeId: 'd-1',
        orderId: 'o-1',
        merchantId: 'm-1',
        consumerId: 'c-1',
        flow: 'UNIFIED',
        openedAt: at(30),
        responseDueAt: at(54),
        settings: { responseWindowMs: 86_400_000, consumerResponseWindowMs: 172_800_000, contestWindowMs: 259_200_000, maxAgreedShipDelayMs: 604_800_000 },
        order: { placedAt: at(0), paymentMethod: 'ONLINE', orderKind: 'STANDARD', amount: 19900 },
        shippingAtOpening: { late: true, lateReasons: ['WAYBILL_LATE'] },
      },
    });
    expect(JSON.parse(JSON.stringify(U))).toEqual(U);
  });
  it('refuses a second opening, future openings and bad settings', () => {
    const cmd = { type: 'OpenDispute' as const, disputeId: 'd-2', order: bare, openedAt: at(31), flow: 'UNIFIED' as const, settings: SETTINGS, now: at(30) };
    spec.given(U).when({ ...cmd, now: at(31) }).thenThrows('DISPUTE_ALREADY_EXISTS');
    spec.given([]).when(cmd).thenThrows('OPENED_AT_IN_FUTURE');
    spec.given([]).when({ ...cmd, openedAt: at(-1) }).thenThrows('OPENED_BEFORE_PLACEMENT');
    spec.given([]).when({ ...cmd, now: at(31), settings: { ...cmd.settings, contestWindowMs: 0 } }).thenThrows('INVALID_INPUT');
    spec.given([]).when({ ...cmd, now: at(31), flow: 'BOTH' as never }).thenThrows('INVALID_INPUT');
  });
  it('every other command needs an opened dispute', () => {
    spec.given([]).when(choose('OUT_OF_STOCK_REFUND', 31)).thenThrows('DISPUTE_NOT_FOUND');
  });
});

describe('option table: CONSUMER_CANCELLED', () => {
  it('accepted with a cancellation request on record → settled, capturing the fact', () => {
    spec
      .given(U)
      .when(choose('CONSUMER_CANCELLED', 31, cancelled))
      .thenMatches([
        {
          type: 'OptionChosen',
          data: {
            option: 'CONSUMER_CANCELLED',
            slot: 'SETTLEMENT',
            chosenAt: at(31),
            disposition: 'SETTLED',
            satisfiedBy: [{ seq: 1, type: 'CANCELLATION_REQUESTED', occurredAt: at(20) }],
            contestWindowEndsAt: at(31 + 72),
          },
        },
        { type: 'DisputeSettled', data: { option: 'CONSUMER_CANCELLED', via: 'CHOICE', settledAt: at(31), refund: false, contestWindowEndsAt: at(103) } },
      ]);
  });
  it('accepted with a refund on record', () => {
    spec
      .given(U)
      .when(choose('CONSUMER_CANCELLED', 31, refunded))
      .thenMatches([{ data: { satisfiedBy: [{ type: 'REFUNDED' }] } }, { type: 'DisputeSettled' }]);
  });
  it('refused without either', () => {
    spec
      .given(U)
      .when(choose('CONSUMER_CANCELLED', 31, shipped))
      .thenThrows('PRECONDITIONS_NOT_MET', { option: 'CONSUMER_CANCELLED', missing: ['CANCELLATION_REQUESTED_OR_REFUNDED'] });
  });
  it('a cancellation dated after `now` does not count', () => {
    spec.given(U).when(choose('CONSUMER_CANCELLED', 19, cancelled)).thenThrows('PRECONDITIONS_NOT_MET');
  });
});

describe('option table: SHIPPED_WITH_PICKUP', () => {
  it('accepted with waybill and pickup scan → settled, capturing both facts', () => {
    const out = spec
      .given(U)
      .when(choose('SHIPPED_WITH_PICKUP', 31, shipped))
      .thenMatches([
        {
          type: 'OptionChosen',
          data: {
            disposition: 'SETTLED',
            satisfiedBy: [
              { seq: 1, type: 'WAYBILL_UPLOADED', occurredAt: at(10), carrier: 'SF', waybillNo: 'SF123' },
              { seq: 2, type: 'PICKUP_SCANNED', occurredAt: at(20), carrier: 'SF', waybillNo: 'SF123' },
            ],
            assessment: { shippedWithinDeadline: true },
          },
        },
        { type: 'DisputeSettled', data: { via: 'CHOICE' } },
      ]);
    expect(fold([...U, ...out]).status).toBe('SETTLED');
  });
  it.each([
    ['nothing on record', bare, ['WAYBILL_UPLOADED', 'PICKUP_SCANNED']],
    ['no pickup scan', snapshot({}, [waybill(10)]), ['PICKUP_SCANNED']],
    ['no waybill', snapshot({}, [pickup(10)]), ['WAYBILL_UPLOADED']],
  ])('refused with %s', (_label, order, missing) => {
    spec.given(U).when(choose('SHIPPED_WITH_PICKUP', 31, order)).thenThrows('PRECONDITIONS_NOT_MET', { missing });
  });
});

describe('option table: SHIP_BY_AGREED_DATE', () => {
  it('accepted with a future agreed time and evidence → awaiting shipment', () => {
    const out = spec
      .given(U)
      .when(shipBy(31, 60))
      .thenMatches([
        { type: 'OptionChosen', data: { option: 'SHIP_BY_AGREED_DATE', agreedShipBy: at(60), evidence: [chat], disposition: 'AWAITING_SHIPMENT', satisfiedBy: [] } },
        { type: 'ShipmentAwaited', data: { agreedShipBy: at(60), since: at(31) } },
      ]);
    const s = fold([...U, ...out]);
    expect(s.status).toBe('AWAITING_SHIPMENT');
    expect(pendingDeadlines(s)).toEqual([
      { deadline: 'AGREED_SHIP_BY', dueAt: at(60) },
      { deadline: 'CONTEST', dueAt: at(103) },
    ]);
  });
  it.each([
    ['no agreed time', { agreedShipBy: undefined, evidence: [chat] }, ['AGREED_SHIP_BY']],
    ['an agreed time not in the future', { agreedShipBy: at(31), evidence: [chat] }, ['AGREED_SHIP_BY_IN_FUTURE']],
    ['an agreed time beyond the maximum delay', { agreedShipBy: at(31 + 7 * 24 + 1), evidence: [chat] }, ['AGREED_SHIP_BY_WITHIN_MAX_DELAY']],
    ['no evidence', { agreedShipBy: at(60), evidence: [] }, ['AGREEMENT_EVIDENCE']],
    ['nothing', {}, ['AGREED_SHIP_BY', 'AGREEMENT_EVIDENCE']],
  ])('refused with %s', (_label, extra, missing) => {
    spec.given(U).when(choose('SHIP_BY_AGREED_DATE', 31, bare, extra)).thenThrows('PRECONDITIONS_NOT_MET', { missing });
  });
  it('exactly at the maximum delay is accepted', () => {
    spec.given(U).when(shipBy(31, 31 + 7 * 24)).thenMatches([{ type: 'OptionChosen' }, { type: 'ShipmentAwaited' }]);
  });
  it('a pickup scan already on record (≤ agreed time) settles it at once', () => {
    spec
      .given(U)
      .when(shipBy(31, 60, snapshot({}, [pickup(31)])))
      .thenMatches([
        { type: 'OptionChosen', data: { disposition: 'SETTLED', satisfiedBy: [{ type: 'PICKUP_SCANNED', occurredAt: at(31) }] } },
        { type: 'DisputeSettled', data: { via: 'CHOICE', satisfiedBy: [{ type: 'PICKUP_SCANNED' }], contestWindowEndsAt: at(103) } },
      ]);
  });
  it('refuses malformed evidence', () => {
    spec.given(U).when(shipBy(31, 60, bare, [{ kind: 'VIDEO' as never, ref: 'x' }])).thenThrows('INVALID_INPUT');
    spec.given(U).when(shipBy(31, 60, bare, [{ kind: 'SMS', ref: '' }])).thenThrows('INVALID_INPUT');
  });
});

describe('option table: OUT_OF_STOCK_REFUND', () => {
  it('always selectable → awaiting the consumer', () => {
    const out = spec
      .given(U)
      .when(choose('OUT_OF_STOCK_REFUND', 31, shipped))
      .thenMatches([
        { type: 'OptionChosen', data: { option: 'OUT_OF_STOCK_REFUND', disposition: 'AWAITING_CONSUMER' } },
        { type: 'ConsumerResponseRequested', data: { consumerResponseDueAt: at(79), since: at(31) } },
      ]);
    expect(out[0].data).not.toHaveProperty('contestWindowEndsAt');
    expect(pendingDeadlines(fold([...U, ...out]))).toEqual([{ deadline: 'CONSUMER_RESPONSE', dueAt: at(79) }]);
  });
});

describe('option table: NO_FAULT_DEFENSE', () => {
  it('SHIPPED_WITHIN_DEADLINE proven by the facts → judged NOT_LIABLE by the system', () => {
    const out = spec
      .given(U)
      .when(defend('SHIPPED_WITHIN_DEADLINE', 31, shipped))
      .thenMatches([
        { type: 'OptionChosen', data: { slot: 'DEFENSE', defense: { reason: 'SHIPPED_WITHIN_DEADLINE' }, disposition: 'JUDGED' } },
        {
          type: 'DisputeJudged',
          data: {
            basis: 'DEFENSE_VERIFIED',
            judgement: { outcome: 'MERCHANT_NOT_LIABLE', decidedBy: 'SYSTEM', rulesVersion: 'v2', decidedAt: at(31), penalty: { points: 0 } },
            context: { rulesVersion: 'v2', merchantWeek: null },
          },
        },
      ]);
    const j = fold([...U, ...out]).judgement!;
    expect(j.violation).toBeUndefined();
    expect(j.reasons.map((r) => r.rule)).toContain('SHIPPED_WITHIN_DEADLINE_VERIFIED');
    expect(j.reasons.find((r) => r.rule === 'SHIPPED_WITHIN_DEADLINE_VERIFIED')!.facts).toHaveLength(2);
  });
  it('SHIPPED_WITHIN_DEADLINE not proven → under review with findings', () => {
    const out = spec
      .given(U)
      .when(defend('SHIPPED_WITHIN_DEADLINE', 31, shippedLate))
      .thenMatches([
        { type: 'OptionChosen', data: { disposition: 'UNDER_REVIEW' } },
        { type: 'ReviewRequested', data: { reason: 'DEFENSE', defenseOnFile: true, allowedViolations: ['LATE_SHIPMENT'] } },
      ]);
    const review = fold([...U, ...out]).review!;
    expect(review.findings.map((f) => f.rule)).toEqual(expect.arrayContaining(['SHIPPING_ASSESSMENT', 'SHIPPED_WITHIN_DEADLINE_NOT_PROVEN']));
  });
  it('ORDER_NOT_ASSESSED proven (presale) → NOT_LIABLE; not proven → review', () => {
    const presale = opened('UNIFIED', snapshot({ orderKind: 'PRESALE' }));
    spec
      .given(presale)
      .when(defend('ORDER_NOT_ASSESSED', 31, snapshot({ orderKind: 'PRESALE' })))
      .thenMatches([{ type: 'OptionChosen' }, { type: 'DisputeJudged', data: { judgement: { outcome: 'MERCHANT_NOT_LIABLE' } } }]);
    spec.given(U).when(defend('ORDER_NOT_ASSESSED', 31)).thenMatches([{ type: 'OptionChosen' }, { type: 'ReviewRequested' }]);
  });
  it.each([
    ['FORCE_MAJEURE', { kind: 'DOCUMENT', ref: 'doc' }, { kind: 'CHAT_LOG', ref: 'c' }, 'DEFENSE_EVIDENCE:DOCUMENT|PHOTO|OTHER'],
    ['ABNORMAL_ORDER', { kind: 'CALL_RECORD', ref: 'call' }, { kind: 'DOCUMENT', ref: 'd' }, 'DEFENSE_EVIDENCE:CALL_RECORD|SMS|CHAT_LOG|PHOTO'],
    ['MALICIOUS_ORDER', { kind: 'CHAT_LOG', ref: 'chat' }, undefined, 'DEFENSE_EVIDENCE:CHAT_LOG|DOCUMENT|PHOTO|SMS|CALL_RECORD|OTHER'],
  ] as const)('%s: with the required evidence → review; without → refused', (reason, good, wrong, missing) => {
    const out = spec
      .given(U)
      .when(defend(reason, 31, bare, [good]))
      .thenMatches([
        { type: 'OptionChosen', data: { evidence: [good], disposition: 'UNDER_REVIEW' } },
        { type: 'ReviewRequested', data: { reason: 'DEFENSE' } },
      ]);
    expect(fold([...U, ...out]).review!.findings.map((f) => f.rule)).toEqual(
      expect.arrayContaining(['SHIPPING_ASSESSMENT', 'ADJUDICATOR_REVIEW_REQUIRED', 'DEFENSE_ON_FILE']),
    );
    spec.given(U).when(defend(reason, 31, bare, [])).thenThrows('PRECONDITIONS_NOT_MET', { missing: [missing] });
    if (wrong) spec.given(U).when(defend(reason, 31, bare, [wrong])).thenThrows('PRECONDITIONS_NOT_MET', { missing: [missing] });
  });
  it.each(['DELAY_REPORTED', 'DELAY_CARD_ACCEPTED'])('%s: not verifiable yet → review with a finding saying so', (reason) => {
    const out = spec.given(U).when(defend(reason, 31)).thenMatches([{ type: 'OptionChosen' }, { type: 'ReviewRequested' }]);
    expect(fold([...U, ...out]).review!.findings.map((f) => f.rule)).toContain('DELAY_EXCUSE_NOT_VERIFIED');
  });
  it('DELAY_REPORTED with delay excuses passed in: an approved report covering the order → NOT_LIABLE by system', () => {
    const report = { kind: 'EMERGENCY_REPORT' as const, ref: 'r-1', status: 'APPROVED' as const, coversOrder: true };
    spec
      .given(U)
      .when(defend('DELAY_REPORTED', 31, bare, [], { delayExcuses: [report] }))
      .thenMatches([{ type: 'OptionChosen', data: { delayExcuses: [report] } }, { type: 'DisputeJudged', data: { judgement: { outcome: 'MERCHANT_NOT_LIABLE' } } }]);
    spec
      .given(U)
      .when(defend('DELAY_REPORTED', 31, bare, [], { delayExcuses: [{ ...report, coversOrder: false }] }))
      .thenMatches([{ type: 'OptionChosen' }, { type: 'ReviewRequested' }]);
    spec
      .given(U)
      .when(defend('DELAY_CARD_ACCEPTED', 31, bare, [], { delayExcuses: [report] }))
      .thenMatches([{ type: 'OptionChosen' }, { type: 'ReviewRequested' }]);
    spec
      .given(U)
      .when(defend('DELAY_CARD_ACCEPTED', 31, bare, [], { delayExcuses: [{ ...report, kind: 'DELAY_CARD' }] }))
      .thenMatches([{ type: 'OptionChosen' }, { type: 'DisputeJudged' }]);
  });
  it('refused without a defense reason or statement', () => {
    spec.given(U).when(choose('NO_FAULT_DEFENSE', 31)).thenThrows('PRECONDITIONS_NOT_MET', { missing: ['DEFENSE'] });
    spec
      .given(U)
      .when(choose('NO_FAULT_DEFENSE', 31, bare, { defense: { reason: 'SHIPPED_WITHIN_DEADLINE', statement: ' ' } }))
      .thenThrows('PRECONDITIONS_NOT_MET', { missing: ['DEFENSE_STATEMENT'] });
    spec.given(U).when(choose('NO_FAULT_DEFENSE', 31, bare, { defense: { reason: 'BAD_LUCK' as never, statement: 'x' } })).thenThrows('INVALID_INPUT');
  });
  it('option-specific inputs on the wrong option are refused', () => {
    spec.given(U).when(choose('OUT_OF_STOCK_REFUND', 31, bare, { agreedShipBy: at(60) })).thenThrows('INVALID_INPUT');
    spec.given(U).when(choose('OUT_OF_STOCK_REFUND', 31, bare, { defense: { reason: 'FORCE_MAJEURE', statement: 'x' } })).thenThrows('INVALID_INPUT');
    spec.given(U).when(choose('CONSUMER_CANCELLED', 31, snapshot({ orderId: 'other' }))).thenThrows('INVALID_INPUT');
  });
});

describe('option table in the legacy flow: same preconditions, same outcomes for a first choice', () => {
  const doc = [{ kind: 'DOCUMENT' as const, ref: 'x' }];
  it.each([
    ['CONSUMER_CANCELLED', choose('CONSUMER_CANCELLED', 31, cancelled)],
    ['SHIPPED_WITH_PICKUP', choose('SHIPPED_WITH_PICKUP', 31, shipped)],
    ['SHIP_BY_AGREED_DATE', shipBy(31, 60)],
    ['SHIP_BY_AGREED_DATE (pickup on record)', shipBy(31, 60, snapshot({}, [pickup(30)]))],
    ['OUT_OF_STOCK_REFUND', choose('OUT_OF_STOCK_REFUND', 31)],
    ['NO_FAULT_DEFENSE proven', defend('SHIPPED_WITHIN_DEADLINE', 31, shipped)],
    ['NO_FAULT_DEFENSE for review', defend('FORCE_MAJEURE', 31, bare, doc)],
  ])('%s', (_label, cmd) => {
    const strip = (events: DisputeEvent[]) => events.map((e) => e.type);
    expect(strip(decide(cmd, fold(L)))).toEqual(strip(decide(cmd, fold(U))));
    expect(fold([...L, ...decide(cmd, fold(L))]).status).toBe(fold([...U, ...decide(cmd, fold(U))]).status);
  });
  it.each([
    [choose('CONSUMER_CANCELLED', 31, bare), ['CANCELLATION_REQUESTED_OR_REFUNDED']],
    [choose('SHIPPED_WITH_PICKUP', 31, snapshot({}, [waybill(3)])), ['PICKUP_SCANNED']],
    [shipBy(31, 20), ['AGREED_SHIP_BY_IN_FUTURE']],
    [shipBy(31, 60, bare, []), ['AGREEMENT_EVIDENCE']],
    [defend('ABNORMAL_ORDER', 31), ['DEFENSE_EVIDENCE:CALL_RECORD|SMS|CHAT_LOG|PHOTO']],
  ])('refuses %#', (cmd, missing) => {
    spec.given(L).when(cmd).thenThrows('PRECONDITIONS_NOT_MET', { missing });
  });
});

describe('unified flow: exactly one choice', () => {
  it.each([
    ['a settled choice', choose('SHIPPED_WITH_PICKUP', 31, shipped)],
    ['a choice awaiting shipment', shipBy(31, 60)],
    ['a choice awaiting the consumer', choose('OUT_OF_STOCK_REFUND', 31)],
    ['a defense under review', defend('FORCE_MAJEURE', 31, bare, [{ kind: 'DOCUMENT', ref: 'x' }])],
  ])('after %s any further choice is refused with CHOICE_ALREADY_MADE', (_label, first) => {
    const given = play(U, first);
    spec.given(given).when(choose('OUT_OF_STOCK_REFUND', 32)).thenThrows('CHOICE_ALREADY_MADE');
    spec.given(given).when(defend('SHIPPED_WITHIN_DEADLINE', 32, shipped)).thenThrows('CHOICE_ALREADY_MADE');
  });
  it('choices must be made by the response deadline', () => {
    spec.given(U).when(choose('OUT_OF_STOCK_REFUND', 54)).thenMatches([{ type: 'OptionChosen' }, { type: 'ConsumerResponseRequested' }]);
    spec.given(U).when(choose('OUT_OF_STOCK_REFUND', 54.01)).thenThrows('RESPONSE_WINDOW_CLOSED');
  });
});

describe('legacy flow: a settlement and a defense may both be filed', () => {
  const doc = [{ kind: 'DOCUMENT' as const, ref: 'storm-warning.pdf' }];
  it('a defense filed while a settlement is running is held as the fallback', () => {
    const given = play(L, shipBy(31, 60));
    const out = spec
      .given(given)
      .when(defend('FORCE_MAJEURE', 32, bare, doc))
      .thenMatches([{ type: 'OptionChosen', data: { slot: 'DEFENSE', disposition: 'HELD_AS_FALLBACK' } }]);
    expect(fold([...given, ...out]).status).toBe('AWAITING_SHIPMENT');
  });
  it('no pickup by the agreed date with a defense on file → review of the defense, not a direct violation', () => {
    const given = play(L, shipBy(31, 60), defend('FORCE_MAJEURE', 32, bare, doc));
    const out = spec
      .given(given)
      .when(fire('AGREED_SHIP_BY', 60))
      .thenMatches([
        { type: 'DeadlineFired', data: { deadline: 'AGREED_SHIP_BY', dueAt: at(60), firedAt: at(60) } },
        {
          type: 'ReviewRequested',
          data: { reason: 'SETTLEMENT_FAILED', failure: 'NO_PICKUP_BY_AGREED_DATE', defenseOnFile: true, allowedViolations: ['BREACH_OF_PROMISE', 'LATE_SHIPMENT'] },
        },
      ]);
    const s = fold([...given, ...out]);
    expect(s.review!.findings.map((f) => f.rule)).toEqual(expect.arrayContaining(['NO_PICKUP_BY_AGREED_DATE', 'DEFENSE_ON_FILE']));
    spec
      .given([...given, ...out])
      .when({ type: 'Judge', outcome: 'MERCHANT_LIABLE', violation: 'BREACH_OF_PROMISE', rationale: 'no storm that day', now: at(70), rules: V2 })
      .thenMatches([{ type: 'DisputeJudged', data: { judgement: { outcome: 'MERCHANT_LIABLE', violation: 'BREACH_OF_PROMISE', decidedBy: 'ADJUDICATOR' } } }]);
  });
  it('no pickup by the agreed date without a defense → breach of promise, as in the unified flow', () => {
    spec
      .given(play(L, shipBy(31, 60)))
      .when(fire('AGREED_SHIP_BY', 61))
      .thenMatches([{ type: 'DeadlineFired' }, { type: 'DisputeJudged', data: { judgement: { violation: 'BREACH_OF_PROMISE' } } }]);
  });
  it('the consumer rejecting the out-of-stock refund with a defense on file → review', () => {
    const given = play(L, choose('OUT_OF_STOCK_REFUND', 31), defend('ABNORMAL_ORDER', 32, bare, [{ kind: 'CALL_RECORD', ref: 'call-1' }]));
    spec
      .given(given)
      .when({ type: 'ConsumerRespond', accepted: false, comment: 'they have stock', now: at(40), rules: V2 })
      .thenMatches([
        { type: 'ConsumerResponded', data: { accepted: false } },
        { type: 'ReviewRequested', data: { reason: 'SETTLEMENT_FAILED', failure: 'CONSUMER_REJECTED_REFUND', allowedViolations: ['OUT_OF_STOCK', 'LATE_SHIPMENT'] } },
      ]);
  });
  it('a contested settlement with a defense on file → review with the defense attached', () => {
    const given = play(L, choose('CONSUMER_CANCELLED', 31, cancelled), defend('FORCE_MAJEURE', 32, bare, doc));
    spec
      .given(given)
      .when({ type: 'Contest', statement: 'I never agreed', now: at(40) })
      .thenMatches([
        { type: 'SettlementContested' },
        { type: 'ReviewRequested', data: { reason: 'SETTLEMENT_CONTESTED', defenseOnFile: true, allowedViolations: ['BREACH_OF_PROMISE', 'LATE_SHIPMENT'] } },
      ]);
  });
  it('a defense first (under review) and then a settlement: the settlement takes over', () => {
    const given = play(L, defend('FORCE_MAJEURE', 31, bare, doc));
    expect(fold(given).status).toBe('UNDER_REVIEW');
    const s = spec.given(given).when(choose('SHIPPED_WITH_PICKUP', 33, shipped)).thenState();
    expect(s.status).toBe('SETTLED');
    expect(s.review).toBeNull();
    expect(s.defenseChoice!.option).toBe('NO_FAULT_DEFENSE');
    expect(toDisputeView(s).choice!.option).toBe('SHIPPED_WITH_PICKUP');
    expect(toDisputeView(s).choices).toHaveLength(2);
  });
  it('a defense filed while under review is attached to the review', () => {
    const given = play(L, choose('OUT_OF_STOCK_REFUND', 31), fire('CONSUMER_RESPONSE', 79));
    expect(fold(given).review).toMatchObject({ reason: 'CONSUMER_NO_RESPONSE', defenseOnFile: false, allowedViolations: ['OUT_OF_STOCK'] });
    // the response window has closed by now: late filings are refused
    spec.given(given).when(defend('FORCE_MAJEURE', 80, bare, doc)).thenThrows('RESPONSE_WINDOW_CLOSED');
    const contested = play(L, choose('CONSUMER_CANCELLED', 31, cancelled), { type: 'Contest', statement: 'never agreed', now: at(33) });
    const s = spec
      .given(contested)
      .when(defend('FORCE_MAJEURE', 34, bare, doc))
      .thenMatches([{ type: 'OptionChosen', data: { disposition: 'ATTACHED_TO_REVIEW' } }]);
    expect(fold([...contested, ...s]).review).toMatchObject({ defenseOnFile: true, allowedViolations: ['BREACH_OF_PROMISE', 'LATE_SHIPMENT'] });
  });
  it('each slot at most once', () => {
    const given = play(L, shipBy(31, 60), defend('FORCE_MAJEURE', 32, bare, doc));
    spec.given(given).when(choose('OUT_OF_STOCK_REFUND', 33)).thenThrows('CHOICE_ALREADY_MADE', { slot: 'SETTLEMENT' });
    spec.given(given).when(defend('FORCE_MAJEURE', 33, bare, doc)).thenThrows('CHOICE_ALREADY_MADE', { slot: 'DEFENSE' });
  });
  it('a defense judged at once by the system ends the case: no settlement afterwards', () => {
    const given = play(L, defend('SHIPPED_WITHIN_DEADLINE', 31, shipped));
    expect(fold(given).status).toBe('JUDGED');
    spec.given(given).when(choose('SHIPPED_WITH_PICKUP', 32, shipped)).thenThrows('CASE_FINAL');
  });
  it('a second settlement is refused even once the first went to review', () => {
    const given = play(L, choose('OUT_OF_STOCK_REFUND', 31), fire('CONSUMER_RESPONSE', 79));
    spec.given(given).when(choose('SHIPPED_WITH_PICKUP', 50, shipped)).thenThrows('CHOICE_ALREADY_MADE');
  });
});

describe('RESPONSE deadline: no choice by responseDueAt → judged by the system from the facts', () => {
  it('late → MERCHANT_LIABLE LATE_SHIPMENT, capturing the assessment', () => {
    const out = spec
      .given(U)
      .when(fire('RESPONSE', 54))
      .thenMatches([
        { type: 'DeadlineFired', data: { deadline: 'RESPONSE', dueAt: at(54), firedAt: at(54) } },
        {
          type: 'DisputeJudged',
          data: {
            basis: 'RESPONSE_DEADLINE_MISSED',
            judgement: { outcome: 'MERCHANT_LIABLE', violation: 'LATE_SHIPMENT', decidedBy: 'SYSTEM', rulesVersion: 'v2', penalty: { points: 1 } },
            assessment: { late: true, lateReasons: ['WAYBILL_LATE', 'PICKUP_LATE'] },
          },
        },
      ]);
    expect(fold([...U, ...out]).judgement!.reasons.map((r) => r.rule)).toEqual(['NO_RESPONSE_BY_DEADLINE', 'WAYBILL_LATE', 'PICKUP_LATE']);
    expect(isFinal(fold([...U, ...out]))).toBe(true);
  });
  it('late facts are cited', () => {
    const out = decide(fire('RESPONSE', 54, shippedLate), fold(U));
    const j = fold([...U, ...out]).judgement!;
    expect(j.reasons.find((r) => r.rule === 'WAYBILL_LATE')!.facts).toEqual([expect.objectContaining({ type: 'WAYBILL_UPLOADED', occurredAt: at(28) })]);
  });
  it('shipped in time → NOT_LIABLE', () => {
    spec
      .given(opened('UNIFIED', shipped))
      .when(fire('RESPONSE', 54, shipped))
      .thenMatches([{ type: 'DeadlineFired' }, { type: 'DisputeJudged', data: { judgement: { outcome: 'MERCHANT_NOT_LIABLE', penalty: { points: 0 } }, assessment: { shippedWithinDeadline: true } } }]);
  });
  it('not late yet → NOT_LIABLE', () => {
    const early = opened('UNIFIED', snapshot({}, [waybill(3)]), 5); // response due at +29 h, pickup due at +48 h
    spec
      .given(early)
      .when(fire('RESPONSE', 29, snapshot({}, [waybill(3)])))
      .thenMatches([{ type: 'DeadlineFired' }, { type: 'DisputeJudged', data: { judgement: { outcome: 'MERCHANT_NOT_LIABLE' }, assessment: { late: false } } }]);
  });
  it('not assessed → NOT_LIABLE', () => {
    const cod = snapshot({ paymentMethod: 'COMPANY_TRANSFER' });
    const out = spec
      .given(opened('UNIFIED', cod))
      .when(fire('RESPONSE', 60, cod))
      .thenMatches([{ type: 'DeadlineFired' }, { type: 'DisputeJudged', data: { judgement: { outcome: 'MERCHANT_NOT_LIABLE' } } }]);
    expect((out[1].data as { judgement: { reasons: { rule: string }[] } }).judgement.reasons.map((r) => r.rule)).toContain('ORDER_NOT_ASSESSED');
  });
  it('not yet due, not pending or already fired → no-op', () => {
    spec.given(U).when(fire('RESPONSE', 53.9)).thenNothing();
    spec.given(play(U, fire('RESPONSE', 54))).when(fire('RESPONSE', 55)).thenNothing();
    spec.given(play(U, choose('OUT_OF_STOCK_REFUND', 31))).when(fire('RESPONSE', 55)).thenNothing();
    spec.given(U).when(fire('CONTEST', 200)).thenNothing();
  });
  it('needs the order and the rules', () => {
    spec.given(U).when({ type: 'FireDeadline', deadline: 'RESPONSE', now: at(54) }).thenThrows('INVALID_INPUT');
  });
});

describe('AGREED_SHIP_BY deadline and pickup observation', () => {
  const waiting = play(U, shipBy(31, 60));
  it('a pickup scan ≤ agreedShipBy on record at the deadline → settled', () => {
    const order = snapshot({}, [pickup(59)]);
    spec
      .given(waiting)
      .when(fire('AGREED_SHIP_BY', 60, order))
      .thenMatches([
        { type: 'DeadlineFired' },
        { type: 'DisputeSettled', data: { option: 'SHIP_BY_AGREED_DATE', via: 'AGREED_SHIP_BY_DEADLINE', satisfiedBy: [{ type: 'PICKUP_SCANNED', occurredAt: at(59) }] } },
      ]);
  });
  it('none (or only a later one) → MERCHANT_LIABLE BREACH_OF_PROMISE by the system', () => {
    for (const order of [bare, snapshot({}, [pickup(61)])]) {
      spec
        .given(waiting)
        .when(fire('AGREED_SHIP_BY', 62, order))
        .thenMatches([
          { type: 'DeadlineFired' },
          { type: 'DisputeJudged', data: { basis: 'NO_PICKUP_BY_AGREED_DATE', judgement: { outcome: 'MERCHANT_LIABLE', violation: 'BREACH_OF_PROMISE', decidedBy: 'SYSTEM', penalty: { points: 0 } } } },
        ]);
    }
  });
  it('not due yet → no-op', () => {
    spec.given(waiting).when(fire('AGREED_SHIP_BY', 59)).thenNothing();
  });
  it('ObservePickup settles when the scan is ≤ agreedShipBy', () => {
    spec
      .given(waiting)
      .when({ type: 'ObservePickup', pickup: pickup(40), now: at(41) })
      .thenMatches([{ type: 'DisputeSettled', data: { via: 'PICKUP_OBSERVED', settledAt: at(41), satisfiedBy: [{ occurredAt: at(40), carrier: 'SF' }], contestWindowEndsAt: at(103) } }]);
  });
  it('ObservePickup captures only the fact fields', () => {
    const out = decide({ type: 'ObservePickup', pickup: { ...pickup(40), recordedAt: at(41) } as never, now: at(41) }, fold(waiting));
    expect((out[0].data as { satisfiedBy: object[] }).satisfiedBy[0]).toEqual({ seq: expect.any(Number), type: 'PICKUP_SCANNED', occurredAt: at(40), carrier: 'SF', waybillNo: 'SF123' });
  });
  it('ObservePickup is a no-op for a later scan or in another state', () => {
    spec.given(waiting).when({ type: 'ObservePickup', pickup: pickup(61), now: at(62) }).thenNothing();
    spec.given(U).when({ type: 'ObservePickup', pickup: pickup(40), now: at(41) }).thenNothing();
    spec.given(waiting).when({ type: 'ObservePickup', pickup: pickup(42), now: at(41) }).thenThrows('FACT_IN_FUTURE');
  });
});

describe('consumer response to an out-of-stock refund', () => {
  const waiting = play(U, choose('OUT_OF_STOCK_REFUND', 31));
  it('accepted → settled with a refund, final at once', () => {
    const out = spec
      .given(waiting)
      .when({ type: 'ConsumerRespond', accepted: true, comment: 'ok', now: at(40), rules: V2 })
      .then([
        { type: 'ConsumerResponded', data: { disputeId: 'd-1', accepted: true, comment: 'ok', respondedAt: at(40) } },
        {
          type: 'DisputeSettled',
          data: { disputeId: 'd-1', option: 'OUT_OF_STOCK_REFUND', settledAt: at(40), via: 'CONSUMER_ACCEPTED', satisfiedBy: [], refund: true, contestWindowEndsAt: null },
        },
      ]);
    const s = fold([...waiting, ...out]);
    expect(isFinal(s)).toBe(true);
    expect(pendingDeadlines(s)).toEqual([]);
  });
  it('rejected → judged by the system: MERCHANT_LIABLE OUT_OF_STOCK', () => {
    spec
      .given(waiting)
      .when({ type: 'ConsumerRespond', accepted: false, now: at(40), rules: V2 })
      .thenMatches([
        { type: 'ConsumerResponded', data: { accepted: false } },
        { type: 'DisputeJudged', data: { basis: 'CONSUMER_REJECTED_REFUND', judgement: { outcome: 'MERCHANT_LIABLE', violation: 'OUT_OF_STOCK', decidedBy: 'SYSTEM' } } },
      ]);
  });
  it('silence until the deadline → under review', () => {
    spec
      .given(waiting)
      .when(fire('CONSUMER_RESPONSE', 79))
      .thenMatches([
        { type: 'DeadlineFired', data: { deadline: 'CONSUMER_RESPONSE', dueAt: at(79) } },
        { type: 'ReviewRequested', data: { reason: 'CONSUMER_NO_RESPONSE', since: at(79), allowedViolations: ['OUT_OF_STOCK'], defenseOnFile: false } },
      ]);
    spec.given(waiting).when(fire('CONSUMER_RESPONSE', 78)).thenNothing();
  });
  it('after the window the answer is refused; outside AWAITING_CONSUMER too', () => {
    spec.given(waiting).when({ type: 'ConsumerRespond', accepted: true, now: at(79.5), rules: V2 }).thenThrows('CONSUMER_RESPONSE_WINDOW_CLOSED');
    spec.given(U).when({ type: 'ConsumerRespond', accepted: true, now: at(40), rules: V2 }).thenThrows('INVALID_STATE');
  });
});

describe('contest: the consumer says a claimed settlement was never agreed', () => {
  const settled = play(U, choose('SHIPPED_WITH_PICKUP', 31, shipped));
  it('within the window on a settled case → under review (breach of promise at issue)', () => {
    const out = spec
      .given(settled)
      .when({ type: 'Contest', statement: 'I never agreed', now: at(103) })
      .thenMatches([
        { type: 'SettlementContested', data: { statement: 'I never agreed', contestedAt: at(103) } },
        { type: 'ReviewRequested', data: { reason: 'SETTLEMENT_CONTESTED', allowedViolations: ['BREACH_OF_PROMISE'], defenseOnFile: false } },
      ]);
    expect(pendingDeadlines(fold([...settled, ...out]))).toEqual([]);
  });
  it('while awaiting shipment → under review; the agreed-date deadline is gone', () => {
    const s = spec.given(play(U, shipBy(31, 60))).when({ type: 'Contest', statement: 'no agreement', now: at(40) }).thenState();
    expect(s.status).toBe('UNDER_REVIEW');
    expect(pendingDeadlines(s)).toEqual([]);
  });
  it('after the window → CONTEST_WINDOW_CLOSED (before and after the window-closing deadline fired)', () => {
    spec.given(settled).when({ type: 'Contest', statement: 'late', now: at(103.01) }).thenThrows('CONTEST_WINDOW_CLOSED');
    spec.given(play(settled, fire('CONTEST', 103))).when({ type: 'Contest', statement: 'late', now: at(103) }).thenThrows('CONTEST_WINDOW_CLOSED');
  });
  it('not contestable: out-of-stock refunds, defenses, and twice', () => {
    spec.given(play(U, choose('OUT_OF_STOCK_REFUND', 31))).when({ type: 'Contest', statement: 'x', now: at(32) }).thenThrows('NOT_CONTESTABLE');
    spec
      .given(play(U, defend('FORCE_MAJEURE', 31, bare, [{ kind: 'DOCUMENT', ref: 'x' }])))
      .when({ type: 'Contest', statement: 'x', now: at(32) })
      .thenThrows('NOT_CONTESTABLE');
    spec.given(play(U, choose('OUT_OF_STOCK_REFUND', 31), { type: 'ConsumerRespond', accepted: true, now: at(32), rules: V2 })).when({ type: 'Contest', statement: 'x', now: at(33) }).thenThrows('CASE_FINAL');
    spec.given(play(settled, { type: 'Contest', statement: 'x', now: at(33) })).when({ type: 'Contest', statement: 'x', now: at(34) }).thenThrows('ALREADY_CONTESTED');
    spec.given(settled).when({ type: 'Contest', statement: ' ', now: at(34) }).thenThrows('INVALID_INPUT');
  });
});

describe('CONTEST deadline: the window closes and the case becomes final', () => {
  it('on a settled case → ContestWindowClosed, final', () => {
    const settled = play(U, choose('CONSUMER_CANCELLED', 31, cancelled));
    expect(isFinal(fold(settled))).toBe(false);
    expect(isFinal(fold(settled), at(104))).toBe(true);
    expect(pendingDeadlines(fold(settled))).toEqual([{ deadline: 'CONTEST', dueAt: at(103) }]);
    const out = spec
      .given(settled)
      .when(fire('CONTEST', 103))
      .then([
        { type: 'DeadlineFired', data: { disputeId: 'd-1', deadline: 'CONTEST', dueAt: at(103), firedAt: at(103) } },
        { type: 'ContestWindowClosed', data: { disputeId: 'd-1', contestWindowEndsAt: at(103), closedAt: at(103) } },
      ]);
    const s = fold([...settled, ...out]);
    expect(isFinal(s)).toBe(true);
    expect(pendingDeadlines(s)).toEqual([]);
    spec.given([...settled, ...out]).when(fire('CONTEST', 104)).thenNothing();
  });
  it('closing while awaiting shipment: a later pickup settles a case that is final at once', () => {
    const waiting = play(U, shipBy(40, 40 + 7 * 24)); // contest window ends at +112 h, agreed date +208 h
    const closed = play(waiting, fire('CONTEST', 112));
    expect(fold(closed).status).toBe('AWAITING_SHIPMENT');
    expect(isFinal(fold(closed))).toBe(false);
    const s = spec.given(closed).when({ type: 'ObservePickup', pickup: pickup(150), now: at(150) }).thenState();
    expect(s.status).toBe('SETTLED');
    expect(isFinal(s)).toBe(true);
  });
});

describe('adjudicator judgement', () => {
  const review = play(U, defend('FORCE_MAJEURE', 31, bare, [{ kind: 'DOCUMENT', ref: 'x' }]));
  const judge = (outcome: 'MERCHANT_LIABLE' | 'MERCHANT_NOT_LIABLE', violation?: string, hours = 40): DisputeCommand => ({
    type: 'Judge',
    outcome,
    violation: violation as never,
    rationale: 'reviewed the evidence',
    now: at(hours),
    rules: V2,
  });
  it('renders the judgement with the rationale and the review findings', () => {
    const out = spec
      .given(review)
      .when(judge('MERCHANT_LIABLE', 'LATE_SHIPMENT'))
      .thenMatches([
        {
          type: 'DisputeJudged',
          data: {
            basis: 'ADJUDICATOR',
            judgement: { outcome: 'MERCHANT_LIABLE', violation: 'LATE_SHIPMENT', decidedBy: 'ADJUDICATOR', decidedAt: at(40), rationale: 'reviewed the evidence', penalty: { points: 1 } },
          },
        },
      ]);
    const j = fold([...review, ...out]).judgement!;
    expect(j.reasons[0]).toEqual({ rule: 'ADJUDICATOR_DECISION', detail: 'reviewed the evidence' });
    expect(j.reasons.map((r) => r.rule)).toContain('SHIPPING_ASSESSMENT');
  });
  it('not liable', () => {
    spec.given(review).when(judge('MERCHANT_NOT_LIABLE')).thenMatches([{ type: 'DisputeJudged', data: { judgement: { outcome: 'MERCHANT_NOT_LIABLE', penalty: { points: 0 } } } }]);
  });
  it('a liable judgement must name a violation that is at issue; a not-liable one none', () => {
    spec.given(review).when(judge('MERCHANT_LIABLE')).thenThrows('VIOLATION_REQUIRED', { allowed: ['LATE_SHIPMENT'] });
    spec.given(review).when(judge('MERCHANT_LIABLE', 'OUT_OF_STOCK')).thenThrows('VIOLATION_NOT_APPLICABLE');
    spec.given(review).when(judge('MERCHANT_NOT_LIABLE', 'LATE_SHIPMENT')).thenThrows('VIOLATION_NOT_APPLICABLE');
    spec.given(review).when(judge('MERCHANT_LIABLE', 'FRAUD')).thenThrows('INVALID_INPUT');
    spec.given(review).when({ ...(judge('MERCHANT_NOT_LIABLE') as object), rationale: '' } as DisputeCommand).thenThrows('INVALID_INPUT');
  });
  it('a contested settlement found liable is a breach of promise', () => {
    const contested = play(U, choose('SHIPPED_WITH_PICKUP', 31, shipped), { type: 'Contest', statement: 'never agreed', now: at(35) });
    spec.given(contested).when(judge('MERCHANT_LIABLE', 'LATE_SHIPMENT')).thenThrows('VIOLATION_NOT_APPLICABLE', { allowed: ['BREACH_OF_PROMISE'] });
    spec.given(contested).when(judge('MERCHANT_LIABLE', 'BREACH_OF_PROMISE')).thenMatches([{ type: 'DisputeJudged', data: { judgement: { violation: 'BREACH_OF_PROMISE' } } }]);
  });
  it('only a case under review can be judged', () => {
    spec.given(U).when(judge('MERCHANT_NOT_LIABLE')).thenThrows('INVALID_STATE');
    spec.given(play(U, choose('SHIPPED_WITH_PICKUP', 31, shipped))).when(judge('MERCHANT_NOT_LIABLE')).thenThrows('INVALID_STATE');
  });
});

describe('final cases refuse further commands', () => {
  const judged = play(U, fire('RESPONSE', 54));
  const settledFinal = play(U, choose('CONSUMER_CANCELLED', 31, cancelled), fire('CONTEST', 103));
  it.each([
    ['judged by the response deadline', judged],
    ['settled, contest window closed', settledFinal],
  ])('%s', (_label, given) => {
    expect(isFinal(fold(given))).toBe(true);
    expect(toDisputeView(fold(given)).final).toBe(true);
    spec.given(given).when({ type: 'ConsumerRespond', accepted: true, now: at(120), rules: V2 }).thenThrows('CASE_FINAL');
    spec.given(given).when({ type: 'Judge', outcome: 'MERCHANT_NOT_LIABLE', rationale: 'x', now: at(120), rules: V2 }).thenThrows('CASE_FINAL');
    for (const d of ['RESPONSE', 'AGREED_SHIP_BY', 'CONSUMER_RESPONSE', 'CONTEST'] as const) spec.given(given).when(fire(d, 500)).thenNothing();
    spec.given(given).when({ type: 'ObservePickup', pickup: pickup(100), now: at(120) }).thenNothing();
  });
  it('a choice after a deadline judgement is refused as final; after a choice as already made', () => {
    spec.given(judged).when(choose('OUT_OF_STOCK_REFUND', 55)).thenThrows('CASE_FINAL');
    spec.given(settledFinal).when(choose('OUT_OF_STOCK_REFUND', 50)).thenThrows('CHOICE_ALREADY_MADE');
    spec.given(play(judged)).when({ type: 'Contest', statement: 'x', now: at(60) }).thenThrows('CASE_FINAL');
    spec.given(settledFinal).when({ type: 'Contest', statement: 'x', now: at(60) }).thenThrows('CONTEST_WINDOW_CLOSED');
  });
});

describe('evaluateOptions (GET options)', () => {
  it('lists every option with availability, missing facts and required inputs', () => {
    const opts = evaluateOptions(fold(U), cancelled, at(31));
    expect(opts.map((o) => [o.option, o.available, o.missing, o.requires])).toEqual([
      ['CONSUMER_CANCELLED', true, [], []],
      ['SHIPPED_WITH_PICKUP', false, ['WAYBILL_UPLOADED', 'PICKUP_SCANNED'], []],
      ['SHIP_BY_AGREED_DATE', true, [], ['AGREED_SHIP_BY', 'AGREEMENT_EVIDENCE']],
      ['OUT_OF_STOCK_REFUND', true, [], []],
      ['NO_FAULT_DEFENSE', true, [], ['DEFENSE', 'DEFENSE_EVIDENCE']],
    ]);
    expect(opts[4].defenseReasons!.find((r) => r.reason === 'FORCE_MAJEURE')).toMatchObject({ minEvidence: 1, systemVerifiable: false });
  });
  it('with input, checks the supplied parameters like ChooseOption', () => {
    const opts = evaluateOptions(fold(U), bare, at(31), undefined, { agreedShipBy: at(20), defense: { reason: 'FORCE_MAJEURE', statement: 'storm' } });
    expect(opts[2]).toMatchObject({ available: false, missing: ['AGREED_SHIP_BY_IN_FUTURE', 'AGREEMENT_EVIDENCE'] });
    expect(opts[4]).toMatchObject({ available: false, missing: ['DEFENSE_EVIDENCE:DOCUMENT|PHOTO|OTHER'], requires: ['DEFENSE', 'DEFENSE_EVIDENCE:DOCUMENT|PHOTO|OTHER'] });
  });
  it('after the choice (unified) nothing is available', () => {
    const opts = evaluateOptions(fold(play(U, choose('OUT_OF_STOCK_REFUND', 31))), cancelled, at(32));
    expect(opts.every((o) => !o.available && o.blockedBy?.code === 'CHOICE_ALREADY_MADE')).toBe(true);
  });
  it('legacy: after a settlement only the defense is available', () => {
    const opts = evaluateOptions(fold(play(L, shipBy(31, 60))), cancelled, at(32));
    expect(opts.filter((o) => o.available).map((o) => o.option)).toEqual(['NO_FAULT_DEFENSE']);
  });
  it('after the response window nothing is available', () => {
    expect(evaluateOptions(fold(U), cancelled, at(55)).every((o) => o.blockedBy?.code === 'RESPONSE_WINDOW_CLOSED')).toBe(true);
  });
});

describe('toDisputeView', () => {
  it('has the contract fields', () => {
    const s = fold(play(U, shipBy(31, 60)));
    const v = toDisputeView(s);
    expect(v).toMatchObject({
      disputeId: 'd-1',
      orderId: 'o-1',
      merchantId: 'm-1',
      consumerId: 'c-1',
      status: 'AWAITING_SHIPMENT',
      flow: 'UNIFIED',
      openedAt: at(30),
      responseDueAt: at(54),
      choice: { option: 'SHIP_BY_AGREED_DATE', agreedShipBy: at(60), evidence: [chat] },
      final: false,
      deadlines: [
        { deadline: 'AGREED_SHIP_BY', dueAt: at(60) },
        { deadline: 'CONTEST', dueAt: at(103) },
      ],
      agreedShipBy: at(60),
    });
    expect(v).not.toHaveProperty('judgement');
    expect(JSON.parse(JSON.stringify(v))).toEqual(v);
  });
  it('a judged case carries the judgement', () => {
    const v = toDisputeView(fold(play(U, fire('RESPONSE', 54))));
    expect(v.judgement).toMatchObject({ outcome: 'MERCHANT_LIABLE', violation: 'LATE_SHIPMENT', decidedBy: 'SYSTEM', rulesVersion: 'v2', decidedAt: at(54) });
    expect(v.choice).toBeUndefined();
  });
});

describe('replaying a case needs no order stream', () => {
  it('every event is plain JSON and folding them reproduces the state', () => {
    const events = play(U, choose('SHIPPED_WITH_PICKUP', 31, shipped), { type: 'Contest', statement: 'no', now: at(40) }, {
      type: 'Judge',
      outcome: 'MERCHANT_LIABLE',
      violation: 'BREACH_OF_PROMISE',
      rationale: 'chat shows no agreement',
      now: at(50),
      rules: V2,
    });
    const roundTripped = JSON.parse(JSON.stringify(events)) as DisputeEvent[];
    expect(fold(roundTripped)).toEqual(fold(events));
    expect(events.map((e) => e.type)).toEqual(['DisputeOpened', 'OptionChosen', 'DisputeSettled', 'SettlementContested', 'ReviewRequested', 'DisputeJudged']);
  });
});
