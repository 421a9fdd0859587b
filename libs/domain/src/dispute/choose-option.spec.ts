/** Given/when/then specs: ChooseOption: the settlement options of the option table (both flows). */
import { at, pickup, snapshot, waybill } from '../test-fixtures';
import { pendingDeadlines } from './deadlines';
import { decide } from './decide';
import type { DisputeEvent } from './events';
import { bare, cancelled, chat, choose, defend, fold, L, refunded, shipBy, shipped, spec, U } from './testing';

describe('option table: CONSUMER_CANCELLED', () => {
  it('accepted with a cancellation request on record → settled, capturing the fact', () => {
    spec
      .given(U)
      .when(choose('CONSUMER_CANCELLED', 31, cancelled))
      .thenMatches([
        {
          type: 'OptionChosen',
          data: {
            option: 'CONSUMER_CANCELLED',
            slot: 'SETTLEMENT',
            chosenAt: at(31),
            disposition: 'SETTLED',
            satisfiedBy: [{ seq: 1, type: 'CANCELLATION_REQUESTED', occurredAt: at(20) }],
            contestWindowEndsAt: at(31 + 72),
          },
        },
        { type: 'DisputeSettled', data: { option: 'CONSUMER_CANCELLED', via: 'CHOICE', settledAt: at(31), refund: false, contestWindowEndsAt: at(103) } },
      ]);
  });
  it('accepted with a refund on record', () => {
    spec
      .given(U)
      .when(choose('CONSUMER_CANCELLED', 31, refunded))
      .thenMatches([{ data: { satisfiedBy: [{ type: 'REFUNDED' }] } }, { type: 'DisputeSettled' }]);
  });
  it('refused without either', () => {
    spec
      .given(U)
      .when(choose('CONSUMER_CANCELLED', 31, shipped))
      .thenThrows('PRECONDITIONS_NOT_MET', { option: 'CONSUMER_CANCELLED', missing: ['CANCELLATION_REQUESTED_OR_REFUNDED'] });
  });
  it('a cancellation dated after `now` does not count', () => {
    spec.given(U).when(choose('CONSUMER_CANCELLED', 19, cancelled)).thenThrows('PRECONDITIONS_NOT_MET');
  });
});

describe('option table: SHIPPED_WITH_PICKUP', () => {
  it('accepted with waybill and pickup scan → settled, capturing both facts', () => {
    const out = spec
      .given(U)
      .when(choose('SHIPPED_WITH_PICKUP', 31, shipped))
      .thenMatches([
        {
          type: 'OptionChosen',
          data: {
            disposition: 'SETTLED',
            satisfiedBy: [
              { seq: 1, type: 'WAYBILL_UPLOADED', occurredAt: at(10), carrier: 'SF', waybillNo: 'SF123' },
              { seq: 2, type: 'PICKUP_SCANNED', occurredAt: at(20), carrier: 'SF', waybillNo: 'SF123' },
            ],
            assessment: { shippedWithinDeadline: true },
          },
        },
        { type: 'DisputeSettled', data: { via: 'CHOICE' } },
      ]);
    expect(fold([...U, ...out]).status).toBe('SETTLED');
  });
  it.each([
    ['nothing on record', bare, ['WAYBILL_UPLOADED', 'PICKUP_SCANNED']],
    ['no pickup scan', snapshot({}, [waybill(10)]), ['PICKUP_SCANNED']],
    ['no waybill', snapshot({}, [pickup(10)]), ['WAYBILL_UPLOADED']],
  ])('refused with %s', (_label, order, missing) => {
    spec.given(U).when(choose('SHIPPED_WITH_PICKUP', 31, order)).thenThrows('PRECONDITIONS_NOT_MET', { missing });
  });
});

describe('option table: SHIP_BY_AGREED_DATE', () => {
  it('accepted with a future agreed time and evidence → awaiting shipment', () => {
    const out = spec
      .given(U)
      .when(shipBy(31, 60))
      .thenMatches([
        { type: 'OptionChosen', data: { option: 'SHIP_BY_AGREED_DATE', agreedShipBy: at(60), evidence: [chat], disposition: 'AWAITING_SHIPMENT', satisfiedBy: [] } },
        { type: 'ShipmentAwaited', data: { agreedShipBy: at(60), since: at(31) } },
      ]);
    const s = fold([...U, ...out]);
    expect(s.status).toBe('AWAITING_SHIPMENT');
    expect(pendingDeadlines(s)).toEqual([
      { deadline: 'AGREED_SHIP_BY', dueAt: at(60) },
      { deadline: 'CONTEST', dueAt: at(103) },
    ]);
  });
  it.each([
    ['no agreed time', { agreedShipBy: undefined, evidence: [chat] }, ['AGREED_SHIP_BY']],
    ['an agreed time not in the future', { agreedShipBy: at(31), evidence: [chat] }, ['AGREED_SHIP_BY_IN_FUTURE']],
    ['an agreed time beyond the maximum delay', { agreedShipBy: at(31 + 7 * 24 + 1), evidence: [chat] }, ['AGREED_SHIP_BY_WITHIN_MAX_DELAY']],
    ['no evidence', { agreedShipBy: at(60), evidence: [] }, ['AGREEMENT_EVIDENCE']],
    ['nothing', {}, ['AGREED_SHIP_BY', 'AGREEMENT_EVIDENCE']],
  ])('refused with %s', (_label, extra, missing) => {
    spec.given(U).when(choose('SHIP_BY_AGREED_DATE', 31, bare, extra)).thenThrows('PRECONDITIONS_NOT_MET', { missing });
  });
  it('exactly at the maximum delay is accepted', () => {
    spec.given(U).when(shipBy(31, 31 + 7 * 24)).thenMatches([{ type: 'OptionChosen' }, { type: 'ShipmentAwaited' }]);
  });
  it('a pickup scan already on record (≤ agreed time) settles it at once', () => {
    spec
      .given(U)
      .when(shipBy(31, 60, snapshot({}, [pickup(31)])))
      .thenMatches([
        { type: 'OptionChosen', data: { disposition: 'SETTLED', satisfiedBy: [{ type: 'PICKUP_SCANNED', occurredAt: at(31) }] } },
        { type: 'DisputeSettled', data: { via: 'CHOICE', satisfiedBy: [{ type: 'PICKUP_SCANNED' }], contestWindowEndsAt: at(103) } },
      ]);
  });
  it('refuses malformed evidence', () => {
    spec.given(U).when(shipBy(31, 60, bare, [{ kind: 'VIDEO' as never, ref: 'x' }])).thenThrows('INVALID_INPUT');
    spec.given(U).when(shipBy(31, 60, bare, [{ kind: 'SMS', ref: '' }])).thenThrows('INVALID_INPUT');
  });
});

describe('option table: OUT_OF_STOCK_REFUND', () => {
  it('always selectable → awaiting the consumer', () => {
    const out = spec
      .given(U)
      .when(choose('OUT_OF_STOCK_REFUND', 31, shipped))
      .thenMatches([
        { type: 'OptionChosen', data: { option: 'OUT_OF_STOCK_REFUND', disposition: 'AWAITING_CONSUMER' } },
        { type: 'ConsumerResponseRequested', data: { consumerResponseDueAt: at(79), since: at(31) } },
      ]);
    expect(out[0].data).not.toHaveProperty('contestWindowEndsAt');
    expect(pendingDeadlines(fold([...U, ...out]))).toEqual([{ deadline: 'CONSUMER_RESPONSE', dueAt: at(79) }]);
  });
});

describe('option table in the legacy flow: same preconditions, same outcomes for a first choice', () => {
  const doc = [{ kind: 'DOCUMENT' as const, ref: 'x' }];
  it.each([
    ['CONSUMER_CANCELLED', choose('CONSUMER_CANCELLED', 31, cancelled)],
    ['SHIPPED_WITH_PICKUP', choose('SHIPPED_WITH_PICKUP', 31, shipped)],
    ['SHIP_BY_AGREED_DATE', shipBy(31, 60)],
    ['SHIP_BY_AGREED_DATE (pickup on record)', shipBy(31, 60, snapshot({}, [pickup(30)]))],
    ['OUT_OF_STOCK_REFUND', choose('OUT_OF_STOCK_REFUND', 31)],
    ['NO_FAULT_DEFENSE proven', defend('SHIPPED_WITHIN_DEADLINE', 31, shipped)],
    ['NO_FAULT_DEFENSE for review', defend('FORCE_MAJEURE', 31, bare, doc)],
  ])('%s', (_label, cmd) => {
    const strip = (events: DisputeEvent[]) => events.map((e) => e.type);
    expect(strip(decide(cmd, fold(L)))).toEqual(strip(decide(cmd, fold(U))));
    expect(fold([...L, ...decide(cmd, fold(L))]).status).toBe(fold([...U, ...decide(cmd, fold(U))]).status);
  });
  it.each([
    [choose('CONSUMER_CANCELLED', 31, bare), ['CANCELLATION_REQUESTED_OR_REFUNDED']],
    [choose('SHIPPED_WITH_PICKUP', 31, snapshot({}, [waybill(3)])), ['PICKUP_SCANNED']],
    [shipBy(31, 20), ['AGREED_SHIP_BY_IN_FUTURE']],
    [shipBy(31, 60, bare, []), ['AGREEMENT_EVIDENCE']],
    [defend('ABNORMAL_ORDER', 31), ['DEFENSE_EVIDENCE:CALL_RECORD|SMS|CHAT_LOG|PHOTO']],
  ])('refuses %#', (cmd, missing) => {
    spec.given(L).when(cmd).thenThrows('PRECONDITIONS_NOT_MET', { missing });
  });
});
