/** Given/when/then specs: ChooseOption NO_FAULT_DEFENSE: requirements and system verification of each reason. */
import { at, opened, snapshot } from '../test-fixtures';
import { bare, choose, defend, fold, shipped, shippedLate, spec, U } from './testing';

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
