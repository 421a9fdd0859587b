/** Given/when/then specs: evolve: replaying a case from its events. */
import { at, V2 } from '../test-fixtures';
import type { DisputeEvent } from './events';
import { choose, fold, play, shipped, U } from './testing';

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
