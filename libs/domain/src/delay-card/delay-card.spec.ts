/** Given/when/then specs: delay card (延迟发货卡片). */
import { cards, foldCard, ms, play, send } from '../delay-report/testing';
import { HOUR_MS } from '../shared/time';
import { at, snapshot } from '../test-fixtures';
import { delayCardDecider } from './decide';
import { DELAY_CARD_RESPONSE_WINDOW_MS } from './rules';
import { toDelayCardView } from './view';

describe('delay card (延迟发货卡片)', () => {
  const sent = play(delayCardDecider, send(30));
  const respond = (hours: number, accepted: boolean, consumerId = 'c-1', delta = 0) => ({
    type: 'RespondToDelayCard' as const,
    consumerId,
    accepted,
    now: ms(at(hours), delta),
  });
  const expire = (hours: number, delta = 0) => ({ type: 'ExpireDelayCard' as const, now: ms(at(hours), delta) });

  it("is sent to the order's consumer and expires 48 h later", () => {
    cards.given([]).when(send(30, snapshot(), { sentBy: 'u-merchant', promisedShipAt: at(80) })).then([
      {
        type: 'DelayCardSent',
        data: {
          cardId: 'card-1',
          orderId: 'o-1',
          merchantId: 'm-1',
          consumerId: 'c-1',
          sentBy: 'u-merchant',
          sentAt: at(30),
          expiresAt: at(78),
          message: 'Storm: we ship on Friday',
          promisedShipAt: at(80),
        },
      },
    ]);
    expect(DELAY_CARD_RESPONSE_WINDOW_MS).toBe(48 * HOUR_MS);
  });
  it.each([
    ['pending', sent],
    ['accepted', play(delayCardDecider, send(30), respond(31, true))],
    ['rejected', play(delayCardDecider, send(30), respond(31, false))],
    ['cancelled (expired)', play(delayCardDecider, send(30), expire(78))],
  ])('a second card for the same order is refused (first one %s)', (_label, given) => {
    cards.given(given).when(send(90, snapshot(), { cardId: 'card-2' })).thenThrows('DELAY_CARD_ALREADY_SENT', { cardId: 'card-1', cardStatus: _label.split(' ')[0].toUpperCase() });
  });
  it("refuses another merchant's order, unassessed orders and a proposed date in the past", () => {
    cards.given([]).when(send(30, snapshot(), { merchantId: 'm-2' })).thenThrows('ORDER_NOT_FOUND');
    cards.given([]).when(send(30, snapshot({ orderKind: 'PRESALE' }))).thenThrows('ORDER_NOT_ASSESSED', { notAssessedReasons: ['ORDER_KIND_PRESALE'] });
    cards.given([]).when(send(30, snapshot({ paymentMethod: 'COMPANY_TRANSFER' }))).thenThrows('ORDER_NOT_ASSESSED');
    cards.given([]).when(send(30, snapshot(), { promisedShipAt: at(29) })).thenThrows('INVALID_INPUT', { field: 'promisedShipAt' });
  });
  it('the consumer accepts (the delay is excused) or rejects', () => {
    const acc = cards.given(sent).when({ ...respond(31, true), comment: 'ok' }).then([
      { type: 'DelayCardAnswered', data: { cardId: 'card-1', orderId: 'o-1', accepted: true, comment: 'ok', respondedAt: at(31) } },
    ]);
    expect(toDelayCardView(foldCard([...sent, ...acc]))).toMatchObject({ status: 'ACCEPTED', response: { accepted: true, respondedAt: at(31) } });
    const rej = cards.given(sent).when(respond(31, false)).thenMatches([{ data: { accepted: false } }]);
    expect(foldCard([...sent, ...rej]).status).toBe('REJECTED');
  });
  it('answers exactly at the 48 h mark are in time; a millisecond later the card is closed', () => {
    cards.given(sent).when(respond(78, true)).thenMatches([{ type: 'DelayCardAnswered' }]);
    cards.given(sent).when(respond(78, true, 'c-1', 1)).thenThrows('DELAY_CARD_RESPONSE_WINDOW_CLOSED', { expiresAt: at(78), cardStatus: 'CANCELLED' });
  });
  it('an answer after the expiry was recorded is refused', () => {
    cards.given(play(delayCardDecider, send(30), expire(79))).when(respond(79, true)).thenThrows('DELAY_CARD_RESPONSE_WINDOW_CLOSED');
  });
  it('is answered once, by its consumer only', () => {
    cards.given(play(delayCardDecider, send(30), respond(31, false))).when(respond(32, true)).thenThrows('DELAY_CARD_ALREADY_ANSWERED', { cardStatus: 'REJECTED' });
    cards.given(sent).when(respond(31, true, 'c-2')).thenThrows('DELAY_CARD_NOT_FOUND');
    cards.given([]).when(respond(31, true)).thenThrows('DELAY_CARD_NOT_FOUND');
  });
  it('without an answer within 48 h the card is cancelled, once', () => {
    cards.given(sent).when(expire(78, -1)).thenNothing();
    const out = cards.given(sent).when(expire(78)).then([{ type: 'DelayCardExpired', data: { cardId: 'card-1', orderId: 'o-1', expiresAt: at(78), cancelledAt: at(78) } }]);
    cards.given([...sent, ...out]).when(expire(90)).thenNothing();
    expect(toDelayCardView(foldCard([...sent, ...out]))).toMatchObject({ status: 'CANCELLED', cancelledAt: at(78) });
  });
  it('an answered card never expires', () => {
    cards.given(play(delayCardDecider, send(30), respond(31, true))).when(expire(90)).thenNothing();
  });
  it('the response window may be set per command (recorded in the event)', () => {
    cards.given([]).when(send(30, snapshot(), { responseWindowMs: HOUR_MS })).thenMatches([{ data: { expiresAt: at(31) } }]);
  });
});
