import { assessShipping } from './shipping';
import { at, fact, pickup, snapshot, T0, waybill } from '../test-fixtures';

describe('assessShipping: the clock', () => {
  it('ONLINE prepaid: starts at payment', () => {
    const s = snapshot({}, []);
    s.facts = [fact('PAID', 5)];
    const a = assessShipping(s, at(10));
    expect(a).toMatchObject({ assessed: true, clockStartsAt: at(5), clockBasis: 'PAID', waybillDueAt: at(29), pickupDueAt: at(53), late: false });
  });

  it('ONLINE unpaid: clock not started, never late', () => {
    const s = snapshot();
    s.facts = [];
    const a = assessShipping(s, at(500));
    expect(a).toMatchObject({ assessed: true, clockStartsAt: null, waybillDueAt: null, late: false, shippedWithinDeadline: false });
    expect(a.notes.join()).toContain('AWAITING_PAYMENT');
  });

  it('COD: starts at placedAt, a PAID fact does not move it', () => {
    const s = snapshot({ paymentMethod: 'COD' }, [fact('PAID', 60)]);
    const a = assessShipping(s, at(30));
    expect(a).toMatchObject({ assessed: true, clockStartsAt: T0, clockBasis: 'PLACED', waybillDueAt: at(24), late: true, lateReasons: ['WAYBILL_LATE'] });
  });

  it.each(['POST_OFFICE_REMITTANCE', 'COMPANY_TRANSFER'] as const)('%s: not assessed (clock reported for information)', (pm) => {
    const a = assessShipping(snapshot({ paymentMethod: pm }), at(100));
    expect(a).toMatchObject({ assessed: false, notAssessedReasons: [`PAYMENT_${pm}`], clockStartsAt: T0, late: false, lateReasons: [] });
  });

  it.each(['PRESALE', 'LOC', 'CUSTOM'] as const)('%s orders: not assessed, even with a promisedShipAt', (kind) => {
    const a = assessShipping(snapshot({ orderKind: kind, promisedShipAt: at(10) }), at(100));
    expect(a).toMatchObject({ assessed: false, notAssessedReasons: [`ORDER_KIND_${kind}`], clockStartsAt: at(10), late: false });
  });

  it('STANDARD with promisedShipAt: clock starts at promisedShipAt', () => {
    const a = assessShipping(snapshot({ promisedShipAt: at(72) }), at(90));
    expect(a).toMatchObject({ assessed: true, clockStartsAt: at(72), clockBasis: 'PROMISED_SHIP_AT', waybillDueAt: at(96), late: false });
    expect(assessShipping(snapshot({ promisedShipAt: at(72) }), at(97)).lateReasons).toEqual(['WAYBILL_LATE']);
  });

  it('promisedShipAt before payment: the clock starts at payment', () => {
    const s = snapshot({ promisedShipAt: at(1) });
    s.facts = [fact('PAID', 5)];
    expect(assessShipping(s, at(6))).toMatchObject({ clockStartsAt: at(5), clockBasis: 'PAID' });
  });

  it.each([
    ['LOCKED', 'ORDER_LOCKED'],
    ['INVALIDATED', 'ORDER_INVALIDATED'],
  ] as const)('%s orders are not assessed', (type, reason) => {
    const a = assessShipping(snapshot({}, [fact(type, 2)]), at(100));
    expect(a).toMatchObject({ assessed: false, notAssessedReasons: [reason], late: false });
  });

  it('several reasons accumulate', () => {
    const a = assessShipping(snapshot({ orderKind: 'LOC', paymentMethod: 'COMPANY_TRANSFER' }, [fact('LOCKED', 1)]), at(5));
    expect(a.notAssessedReasons).toEqual(['ORDER_KIND_LOC', 'PAYMENT_COMPANY_TRANSFER', 'ORDER_LOCKED']);
  });
});

describe('assessShipping: lateness', () => {
  it('on time exactly at the due times', () => {
    const a = assessShipping(snapshot({}, [waybill(24), pickup(48)]), at(100));
    expect(a).toMatchObject({ late: false, shippedWithinDeadline: true, waybillUploadedAt: at(24), pickupScannedAt: at(48) });
  });

  it('a waybill uploaded after 24 h is late', () => {
    const a = assessShipping(snapshot({}, [waybill(25), pickup(30)]), at(100));
    expect(a).toMatchObject({ late: true, lateReasons: ['WAYBILL_LATE'], shippedWithinDeadline: false });
  });

  it('a pickup scan after 48 h is late', () => {
    const a = assessShipping(snapshot({}, [waybill(2), pickup(49)]), at(100));
    expect(a).toMatchObject({ late: true, lateReasons: ['PICKUP_LATE'] });
  });

  it('missing steps are late only once their due time has passed', () => {
    expect(assessShipping(snapshot(), at(24)).late).toBe(false);
    expect(assessShipping(snapshot(), at(25)).lateReasons).toEqual(['WAYBILL_LATE']);
    expect(assessShipping(snapshot(), at(49)).lateReasons).toEqual(['WAYBILL_LATE', 'PICKUP_LATE']);
    expect(assessShipping(snapshot({}, [waybill(3)]), at(47))).toMatchObject({ late: false, shippedWithinDeadline: false });
  });

  it('uses the first waybill and the first pickup by occurredAt, and ignores facts after `now`', () => {
    const a = assessShipping(snapshot({}, [waybill(30), waybill(10), pickup(40), pickup(20)]), at(35));
    expect(a).toMatchObject({ waybillUploadedAt: at(10), pickupScannedAt: at(20), late: false, shippedWithinDeadline: true });
    expect(a.pickupFact).toMatchObject({ type: 'PICKUP_SCANNED', occurredAt: at(20), carrier: 'SF', waybillNo: 'SF123' });
    expect(assessShipping(snapshot({}, [waybill(30)]), at(26)).waybillUploadedAt).toBeNull();
  });

  it('a full refund before a due time ends the obligation; a partial refund does not', () => {
    expect(assessShipping(snapshot({}, [fact('REFUNDED', 10)]), at(100)).late).toBe(false);
    expect(assessShipping(snapshot({}, [fact('REFUNDED', 10, { amount: 100 })]), at(100)).late).toBe(true);
    expect(assessShipping(snapshot({}, [fact('REFUNDED', 10, { amount: 100 }), fact('REFUNDED', 11, { amount: 19800 })]), at(100)).late).toBe(false);
    // refunded between the two due times: the waybill was already late
    expect(assessShipping(snapshot({}, [fact('REFUNDED', 30)]), at(100)).lateReasons).toEqual(['WAYBILL_LATE']);
  });

  it('a cancellation request does not stop the clock', () => {
    expect(assessShipping(snapshot({}, [fact('CANCELLATION_REQUESTED', 2)]), at(30)).late).toBe(true);
  });
});
