/** Given/when/then specs: RecordOrderFact. */
import { at } from '../test-fixtures';
import { recorded, registered, spec } from './testing';

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
