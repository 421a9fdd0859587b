/** Given/when/then specs: Judge (adjudicator). */
import { at, V2 } from '../test-fixtures';
import type { DisputeCommand } from './commands';
import { bare, choose, defend, fold, play, shipped, spec, U } from './testing';

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
