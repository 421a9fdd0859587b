/** Given/when/then specs: FireDeadline (RESPONSE, AGREED_SHIP_BY, CONTEST) and ObservePickup. */
import { at, opened, pickup, snapshot, waybill } from '../test-fixtures';
import { pendingDeadlines } from './deadlines';
import { decide } from './decide';
import { isFinal } from './finality';
import { bare, cancelled, choose, fire, fold, play, shipBy, shipped, shippedLate, spec, U } from './testing';

describe('RESPONSE deadline: no choice by responseDueAt → judged by the system from the facts', () => {
  it('late → MERCHANT_LIABLE LATE_SHIPMENT, capturing the assessment', () => {
    const out = spec
      .given(U)
      .when(fire('RESPONSE', 54))
      .thenMatches([
        { type: 'DeadlineFired', data: { deadline: 'RESPONSE', dueAt: at(54), firedAt: at(54) } },
        {
          type: 'DisputeJudged',
          data: {
            basis: 'RESPONSE_DEADLINE_MISSED',
            judgement: { outcome: 'MERCHANT_LIABLE', violation: 'LATE_SHIPMENT', decidedBy: 'SYSTEM', rulesVersion: 'v2', penalty: { points: 1 } },
            assessment: { late: true, lateReasons: ['WAYBILL_LATE', 'PICKUP_LATE'] },
          },
        },
      ]);
    expect(fold([...U, ...out]).judgement!.reasons.map((r) => r.rule)).toEqual(['NO_RESPONSE_BY_DEADLINE', 'WAYBILL_LATE', 'PICKUP_LATE']);
    expect(isFinal(fold([...U, ...out]))).toBe(true);
  });
  it('late facts are cited', () => {
    const out = decide(fire('RESPONSE', 54, shippedLate), fold(U));
    const j = fold([...U, ...out]).judgement!;
    expect(j.reasons.find((r) => r.rule === 'WAYBILL_LATE')!.facts).toEqual([expect.objectContaining({ type: 'WAYBILL_UPLOADED', occurredAt: at(28) })]);
  });
  it('shipped in time → NOT_LIABLE', () => {
    spec
      .given(opened('UNIFIED', shipped))
      .when(fire('RESPONSE', 54, shipped))
      .thenMatches([{ type: 'DeadlineFired' }, { type: 'DisputeJudged', data: { judgement: { outcome: 'MERCHANT_NOT_LIABLE', penalty: { points: 0 } }, assessment: { shippedWithinDeadline: true } } }]);
  });
  it('not late yet → NOT_LIABLE', () => {
    const early = opened('UNIFIED', snapshot({}, [waybill(3)]), 5); // response due at +29 h, pickup due at +48 h
    spec
      .given(early)
      .when(fire('RESPONSE', 29, snapshot({}, [waybill(3)])))
      .thenMatches([{ type: 'DeadlineFired' }, { type: 'DisputeJudged', data: { judgement: { outcome: 'MERCHANT_NOT_LIABLE' }, assessment: { late: false } } }]);
  });
  it('not assessed → NOT_LIABLE', () => {
    const cod = snapshot({ paymentMethod: 'COMPANY_TRANSFER' });
    const out = spec
      .given(opened('UNIFIED', cod))
      .when(fire('RESPONSE', 60, cod))
      .thenMatches([{ type: 'DeadlineFired' }, { type: 'DisputeJudged', data: { judgement: { outcome: 'MERCHANT_NOT_LIABLE' } } }]);
    expect((out[1].data as { judgement: { reasons: { rule: string }[] } }).judgement.reasons.map((r) => r.rule)).toContain('ORDER_NOT_ASSESSED');
  });
  it('not yet due, not pending or already fired → no-op', () => {
    spec.given(U).when(fire('RESPONSE', 53.9)).thenNothing();
    spec.given(play(U, fire('RESPONSE', 54))).when(fire('RESPONSE', 55)).thenNothing();
    spec.given(play(U, choose('OUT_OF_STOCK_REFUND', 31))).when(fire('RESPONSE', 55)).thenNothing();
    spec.given(U).when(fire('CONTEST', 200)).thenNothing();
  });
  it('needs the order and the rules', () => {
    spec.given(U).when({ type: 'FireDeadline', deadline: 'RESPONSE', now: at(54) }).thenThrows('INVALID_INPUT');
  });
});

describe('AGREED_SHIP_BY deadline and pickup observation', () => {
  const waiting = play(U, shipBy(31, 60));
  it('a pickup scan ≤ agreedShipBy on record at the deadline → settled', () => {
    const order = snapshot({}, [pickup(59)]);
    spec
      .given(waiting)
      .when(fire('AGREED_SHIP_BY', 60, order))
      .thenMatches([
        { type: 'DeadlineFired' },
        { type: 'DisputeSettled', data: { option: 'SHIP_BY_AGREED_DATE', via: 'AGREED_SHIP_BY_DEADLINE', satisfiedBy: [{ type: 'PICKUP_SCANNED', occurredAt: at(59) }] } },
      ]);
  });
  it('none (or only a later one) → MERCHANT_LIABLE BREACH_OF_PROMISE by the system', () => {
    for (const order of [bare, snapshot({}, [pickup(61)])]) {
      spec
        .given(waiting)
        .when(fire('AGREED_SHIP_BY', 62, order))
        .thenMatches([
          { type: 'DeadlineFired' },
          { type: 'DisputeJudged', data: { basis: 'NO_PICKUP_BY_AGREED_DATE', judgement: { outcome: 'MERCHANT_LIABLE', violation: 'BREACH_OF_PROMISE', decidedBy: 'SYSTEM', penalty: { points: 0 } } } },
        ]);
    }
  });
  it('not due yet → no-op', () => {
    spec.given(waiting).when(fire('AGREED_SHIP_BY', 59)).thenNothing();
  });
  it('ObservePickup settles when the scan is ≤ agreedShipBy', () => {
    spec
      .given(waiting)
      .when({ type: 'ObservePickup', pickup: pickup(40), now: at(41) })
      .thenMatches([{ type: 'DisputeSettled', data: { via: 'PICKUP_OBSERVED', settledAt: at(41), satisfiedBy: [{ occurredAt: at(40), carrier: 'SF' }], contestWindowEndsAt: at(103) } }]);
  });
  it('ObservePickup captures only the fact fields', () => {
    const out = decide({ type: 'ObservePickup', pickup: { ...pickup(40), recordedAt: at(41) } as never, now: at(41) }, fold(waiting));
    expect((out[0].data as { satisfiedBy: object[] }).satisfiedBy[0]).toEqual({ seq: expect.any(Number), type: 'PICKUP_SCANNED', occurredAt: at(40), carrier: 'SF', waybillNo: 'SF123' });
  });
  it('ObservePickup is a no-op for a later scan or in another state', () => {
    spec.given(waiting).when({ type: 'ObservePickup', pickup: pickup(61), now: at(62) }).thenNothing();
    spec.given(U).when({ type: 'ObservePickup', pickup: pickup(40), now: at(41) }).thenNothing();
    spec.given(waiting).when({ type: 'ObservePickup', pickup: pickup(42), now: at(41) }).thenThrows('FACT_IN_FUTURE');
  });
});

describe('CONTEST deadline: the window closes and the case becomes final', () => {
  it('on a settled case → ContestWindowClosed, final', () => {
    const settled = play(U, choose('CONSUMER_CANCELLED', 31, cancelled));
    expect(isFinal(fold(settled))).toBe(false);
    expect(isFinal(fold(settled), at(104))).toBe(true);
    expect(pendingDeadlines(fold(settled))).toEqual([{ deadline: 'CONTEST', dueAt: at(103) }]);
    const out = spec
      .given(settled)
      .when(fire('CONTEST', 103))
      .then([
        { type: 'DeadlineFired', data: { disputeId: 'd-1', deadline: 'CONTEST', dueAt: at(103), firedAt: at(103) } },
        { type: 'ContestWindowClosed', data: { disputeId: 'd-1', contestWindowEndsAt: at(103), closedAt: at(103) } },
      ]);
    const s = fold([...settled, ...out]);
    expect(isFinal(s)).toBe(true);
    expect(pendingDeadlines(s)).toEqual([]);
    spec.given([...settled, ...out]).when(fire('CONTEST', 104)).thenNothing();
  });
  it('closing while awaiting shipment: a later pickup settles a case that is final at once', () => {
    const waiting = play(U, shipBy(40, 40 + 7 * 24)); // contest window ends at +112 h, agreed date +208 h
    const closed = play(waiting, fire('CONTEST', 112));
    expect(fold(closed).status).toBe('AWAITING_SHIPMENT');
    expect(isFinal(fold(closed))).toBe(false);
    const s = spec.given(closed).when({ type: 'ObservePickup', pickup: pickup(150), now: at(150) }).thenState();
    expect(s.status).toBe('SETTLED');
    expect(isFinal(s)).toBe(true);
  });
});
