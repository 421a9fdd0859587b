/** Given/when/then specs: OpenRushDispute. */
import { at } from '../test-fixtures';
import type { OrderEvent } from './events';
import { registered, spec } from './testing';

describe('OpenRushDispute: at most one not-final dispute per order', () => {
  const open1: OrderEvent = { type: 'RushDisputeOpened', data: { orderId: 'o-1', disputeId: 'd-1', openedAt: at(30) } };
  it('opens the first dispute', () => {
    spec.given([registered]).when({ type: 'OpenRushDispute', disputeId: 'd-1', openedAt: at(30), activeDisputeFinal: false, now: at(30) }).then([open1]);
  });
  it('refuses a second while the active one is not final', () => {
    spec
      .given([registered, open1])
      .when({ type: 'OpenRushDispute', disputeId: 'd-2', openedAt: at(31), activeDisputeFinal: false, now: at(31) })
      .thenThrows('DISPUTE_ALREADY_OPEN', { activeDisputeId: 'd-1' });
  });
  it('opens a new one once the active one is final', () => {
    const state = spec
      .given([registered, open1])
      .when({ type: 'OpenRushDispute', disputeId: 'd-2', openedAt: at(80), activeDisputeFinal: true, now: at(80) })
      .thenState();
    expect(state.activeDisputeId).toBe('d-2');
    expect(state.disputeIds).toEqual(['d-1', 'd-2']);
  });
  it('refuses reusing a dispute id, unknown orders, future and pre-placement openings', () => {
    spec
      .given([registered, open1])
      .when({ type: 'OpenRushDispute', disputeId: 'd-1', openedAt: at(80), activeDisputeFinal: true, now: at(80) })
      .thenThrows('DISPUTE_ALREADY_EXISTS');
    spec.given([]).when({ type: 'OpenRushDispute', disputeId: 'd-1', openedAt: at(1), activeDisputeFinal: false, now: at(1) }).thenThrows('ORDER_NOT_FOUND');
    spec
      .given([registered])
      .when({ type: 'OpenRushDispute', disputeId: 'd-1', openedAt: at(2), activeDisputeFinal: false, now: at(1) })
      .thenThrows('OPENED_AT_IN_FUTURE');
    spec
      .given([registered])
      .when({ type: 'OpenRushDispute', disputeId: 'd-1', openedAt: at(-2), activeDisputeFinal: false, now: at(1) })
      .thenThrows('OPENED_BEFORE_PLACEMENT');
  });
});
