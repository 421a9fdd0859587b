/** Given/when/then specs: OpenDispute. */
import { at, SETTINGS } from '../test-fixtures';
import { bare, choose, spec, U } from './testing';

describe('OpenDispute', () => {
  it('records the flow, the response deadline and the settings windows', () => {
    expect(U).toHaveLength(1);
    expect(U[0]).toMatchObject({
      type: 'DisputeOpened',
      data: {
        disputeId: 'd-1',
        orderId: 'o-1',
        merchantId: 'm-1',
        consumerId: 'c-1',
        flow: 'UNIFIED',
        openedAt: at(30),
        responseDueAt: at(54),
        settings: { responseWindowMs: 86_400_000, consumerResponseWindowMs: 172_800_000, contestWindowMs: 259_200_000, maxAgreedShipDelayMs: 604_800_000 },
        order: { placedAt: at(0), paymentMethod: 'ONLINE', orderKind: 'STANDARD', amount: 19900 },
        shippingAtOpening: { late: true, lateReasons: ['WAYBILL_LATE'] },
      },
    });
    expect(JSON.parse(JSON.stringify(U))).toEqual(U);
  });
  it('refuses a second opening, future openings and bad settings', () => {
    const cmd = { type: 'OpenDispute' as const, disputeId: 'd-2', order: bare, openedAt: at(31), flow: 'UNIFIED' as const, settings: SETTINGS, now: at(30) };
    spec.given(U).when({ ...cmd, now: at(31) }).thenThrows('DISPUTE_ALREADY_EXISTS');
    spec.given([]).when(cmd).thenThrows('OPENED_AT_IN_FUTURE');
    spec.given([]).when({ ...cmd, openedAt: at(-1) }).thenThrows('OPENED_BEFORE_PLACEMENT');
    spec.given([]).when({ ...cmd, now: at(31), settings: { ...cmd.settings, contestWindowMs: 0 } }).thenThrows('INVALID_INPUT');
    spec.given([]).when({ ...cmd, now: at(31), flow: 'BOTH' as never }).thenThrows('INVALID_INPUT');
  });
  it('every other command needs an opened dispute', () => {
    spec.given([]).when(choose('OUT_OF_STOCK_REFUND', 31)).thenThrows('DISPUTE_NOT_FOUND');
  });
});
