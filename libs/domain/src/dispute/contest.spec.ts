/** Given/when/then specs: Contest. */
import { at, V2 } from '../test-fixtures';
import { pendingDeadlines } from './deadlines';
import { bare, choose, defend, fire, fold, play, shipBy, shipped, spec, U } from './testing';

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
