/** Given/when/then specs: order views. */
import { at } from '../test-fixtures';
import { orderDecider } from './decide';
import { recorded, registered } from './testing';
import { orderSnapshot, toOrderView } from './view';

describe('order views', () => {
  it('orderSnapshot keeps the facts a decision may rely on; toOrderView adds the shipping assessment', () => {
    const state = [registered, recorded(0, 'PAID', 1), recorded(1, 'WAYBILL_UPLOADED', 30, { carrier: 'SF', waybillNo: 'X' })].reduce(
      orderDecider.evolve,
      orderDecider.initialState(),
    );
    const snap = orderSnapshot(state);
    expect(snap.facts).toEqual([
      { seq: 0, type: 'PAID', occurredAt: at(1) },
      { seq: 1, type: 'WAYBILL_UPLOADED', occurredAt: at(30), carrier: 'SF', waybillNo: 'X' },
    ]);
    const view = toOrderView(state, at(40));
    expect(view.shipping).toMatchObject({ assessed: true, clockStartsAt: at(1), waybillDueAt: at(25), pickupDueAt: at(49), late: true });
    expect(view.facts[1].recordedAt).toBe(at(30));
  });
});
