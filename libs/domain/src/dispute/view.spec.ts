/** Given/when/then specs: toDisputeView. */
import { at } from '../test-fixtures';
import { chat, fire, fold, play, shipBy, U } from './testing';
import { toDisputeView } from './view';

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
