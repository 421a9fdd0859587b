import { orderDecider, orderSnapshot, toOrderView, type OrderEvent, type RegisterOrder } from './order';
import { DeciderSpecification } from './testing';
import { at, T0 } from './test-fixtures';

const spec = DeciderSpecification.for(orderDecider);
const details: RegisterOrder['order'] = {
  orderId: 'o-1',
  merchantId: 'm-1',
  consumerId: 'c-1',
  placedAt: T0,
  paymentMethod: 'ONLINE',
  orderKind: 'STANDARD',
  amount: 19900,
};
const registered: OrderEvent = { type: 'OrderRegistered', data: { ...details, registeredAt: at(1) } };
const recorded = (seq: number, type: string, hours: number, extra: Record<string, unknown> = {}): OrderEvent =>
  ({ type: 'OrderFactRecorded', data: { orderId: 'o-1', seq, type, occurredAt: at(hours), ...extra, recordedAt: at(hours) } }) as OrderEvent;

describe('RegisterOrder', () => {
  it('registers an order (times normalised to UTC)', () => {
    spec
      .given([])
      .when({ type: 'RegisterOrder', order: { ...details, placedAt: '2024-03-04T10:00:00+08:00' }, now: at(1) })
      .then([registered]);
  });
  it('keeps promisedShipAt', () => {
    spec
      .given([])
      .when({ type: 'RegisterOrder', order: { ...details, orderKind: 'PRESALE', promisedShipAt: at(200) }, now: at(1) })
      .thenMatches([{ type: 'OrderRegistered', data: { orderKind: 'PRESALE', promisedShipAt: at(200) } }]);
  });
  it('refuses a second registration', () => {
    spec.given([registered]).when({ type: 'RegisterOrder', order: details, now: at(2) }).thenThrows('ORDER_ALREADY_REGISTERED');
  });
  it('refuses a placement in the future, bad enums and amounts', () => {
    spec.given([]).when({ type: 'RegisterOrder', order: { ...details, placedAt: at(5) }, now: at(1) }).thenThrows('FACT_IN_FUTURE');
    spec.given([]).when({ type: 'RegisterOrder', order: { ...details, paymentMethod: 'CASH' as never }, now: at(1) }).thenThrows('INVALID_INPUT');
    spec.given([]).when({ type: 'RegisterOrder', order: { ...details, orderKind: 'X' as never }, now: at(1) }).thenThrows('INVALID_INPUT');
    spec.given([]).when({ type: 'RegisterOrder', order: { ...details, amount: 1.5 }, now: at(1) }).thenThrows('INVALID_INPUT');
    spec.given([]).when({ type: 'RegisterOrder', order: { ...details, placedAt: '2024-03-04' }, now: at(1) }).thenThrows('INVALID_INPUT');
    spec
      .given([])
      .when({ type: 'RegisterOrder', order: { ...details, promisedShipAt: at(-1) }, now: at(1) })
      .thenThrows('FACT_BEFORE_PLACEMENT');
  });
});

describe('RecordOrderFact', () => {
  it('records facts with their recording sequence', () => {
    spec
      .given([registered, recorded(0, 'PAID', 1)])
      .when({ type: 'RecordOrderFact', fact: { type: 'WAYBILL_UPLOADED', occurredAt: at(3), carrier: 'SF', waybillNo: 'SF1' }, now: at(4) })
      .then([
        {
          type: 'OrderFactRecorded',
          data: { orderId: 'o-1', seq: 1, type: 'WAYBILL_UPLOADED', occurredAt: at(3), carrier: 'SF', waybillNo: 'SF1', recordedAt: at(4) },
        },
      ]);
  });
  it('refuses unknown orders', () => {
    spec.given([]).when({ type: 'RecordOrderFact', fact: { type: 'PAID', occurredAt: at(1) }, now: at(1) }).thenThrows('ORDER_NOT_FOUND');
  });
  it('refuses facts in the future and before placement', () => {
    spec.given([registered]).when({ type: 'RecordOrderFact', fact: { type: 'PAID', occurredAt: at(2) }, now: at(1) }).thenThrows('FACT_IN_FUTURE');
    spec
      .given([registered])
      .when({ type: 'RecordOrderFact', fact: { type: 'PAID', occurredAt: at(-1) }, now: at(1) })
      .thenThrows('FACT_BEFORE_PLACEMENT');
  });
  it('a waybill upload needs carrier and waybill number', () => {
    spec
      .given([registered])
      .when({ type: 'RecordOrderFact', fact: { type: 'WAYBILL_UPLOADED', occurredAt: at(1) }, now: at(1) })
      .thenThrows('INVALID_FACT', { missing: ['carrier', 'waybillNo'] });
    spec
      .given([registered])
      .when({ type: 'RecordOrderFact', fact: { type: 'WAYBILL_UPLOADED', occurredAt: at(1), carrier: 'SF' }, now: at(1) })
      .thenThrows('INVALID_FACT', { missing: ['waybillNo'] });
  });
  it('refuses fields that do not apply to the fact type', () => {
    spec.given([registered]).when({ type: 'RecordOrderFact', fact: { type: 'PAID', occurredAt: at(1), carrier: 'SF' }, now: at(1) }).thenThrows('INVALID_FACT');
    spec
      .given([registered])
      .when({ type: 'RecordOrderFact', fact: { type: 'PICKUP_SCANNED', occurredAt: at(1), amount: 5 }, now: at(1) })
      .thenThrows('INVALID_FACT');
    spec.given([registered]).when({ type: 'RecordOrderFact', fact: { type: 'SHIPPED' as never, occurredAt: at(1) }, now: at(1) }).thenThrows('INVALID_INPUT');
  });
  it.each(['PAID', 'LOCKED', 'INVALIDATED'])('a second %s is refused', (type) => {
    spec
      .given([registered, recorded(0, type, 1)])
      .when({ type: 'RecordOrderFact', fact: { type: type as never, occurredAt: at(2) }, now: at(3) })
      .thenThrows('FACT_ALREADY_RECORDED');
  });
  it('several waybills, pickup scans and cancellation requests are allowed', () => {
    spec
      .given([registered, recorded(0, 'PICKUP_SCANNED', 1, { carrier: 'SF' })])
      .when({ type: 'RecordOrderFact', fact: { type: 'PICKUP_SCANNED', occurredAt: at(2), carrier: 'SF' }, now: at(3) })
      .thenMatches([{ data: { seq: 1 } }]);
    spec
      .given([registered, recorded(0, 'WAYBILL_UPLOADED', 1, { carrier: 'SF', waybillNo: 'A' })])
      .when({ type: 'RecordOrderFact', fact: { type: 'WAYBILL_UPLOADED', occurredAt: at(2), carrier: 'SF', waybillNo: 'B' }, now: at(3) })
      .thenMatches([{ data: { seq: 1, waybillNo: 'B' } }]);
    spec
      .given([registered, recorded(0, 'CANCELLATION_REQUESTED', 1)])
      .when({ type: 'RecordOrderFact', fact: { type: 'CANCELLATION_REQUESTED', occurredAt: at(2) }, now: at(3) })
      .thenMatches([{ data: { seq: 1 } }]);
  });
  it('an exact duplicate is refused', () => {
    spec
      .given([registered, recorded(0, 'PICKUP_SCANNED', 1, { carrier: 'SF' })])
      .when({ type: 'RecordOrderFact', fact: { type: 'PICKUP_SCANNED', occurredAt: at(1), carrier: 'SF' }, now: at(3) })
      .thenThrows('FACT_ALREADY_RECORDED', { seq: 0 });
  });
  it('partial refunds add up to at most the order amount', () => {
    spec
      .given([registered, recorded(0, 'REFUNDED', 1, { amount: 9900 })])
      .when({ type: 'RecordOrderFact', fact: { type: 'REFUNDED', occurredAt: at(2), amount: 10000 }, now: at(3) })
      .thenMatches([{ data: { type: 'REFUNDED', amount: 10000 } }]);
    spec
      .given([registered, recorded(0, 'REFUNDED', 1, { amount: 9900 })])
      .when({ type: 'RecordOrderFact', fact: { type: 'REFUNDED', occurredAt: at(2), amount: 10001 }, now: at(3) })
      .thenThrows('REFUND_EXCEEDS_ORDER_AMOUNT');
    spec
      .given([registered, recorded(0, 'REFUNDED', 1)])
      .when({ type: 'RecordOrderFact', fact: { type: 'REFUNDED', occurredAt: at(2), amount: 1 }, now: at(3) })
      .thenThrows('REFUND_EXCEEDS_ORDER_AMOUNT');
  });
});

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
