/** Given/when/then specs: The unified flow (one choice) and the legacy flow (a settlement and a defense). */
import { at, V2 } from '../test-fixtures';
import { bare, cancelled, choose, defend, fire, fold, L, play, shipBy, shipped, spec, U } from './testing';
import { toDisputeView } from './view';

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
