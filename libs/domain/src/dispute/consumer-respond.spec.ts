/** Given/when/then specs: ConsumerRespond and the CONSUMER_RESPONSE deadline. */
import { at, V2 } from '../test-fixtures';
import { pendingDeadlines } from './deadlines';
import { isFinal } from './finality';
import { choose, fire, fold, play, spec, U } from './testing';

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
