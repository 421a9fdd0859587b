/** Given/when/then specs: Final cases. */
import { at, pickup, V2 } from '../test-fixtures';
import { isFinal } from './finality';
import { cancelled, choose, fire, fold, play, spec, U } from './testing';
import { toDisputeView } from './view';

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
