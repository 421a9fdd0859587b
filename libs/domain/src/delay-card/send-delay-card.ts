/** SendDelayCard → DelayCardSent: one card per order, ever, for an assessed order. */
import { DomainError, invalidInput } from '../errors';
import { nonEmpty, optionalText, positiveMs } from '../shared/input';
import { merchantsOrder, requireAssessed } from '../shared/assessed-order';
import { compact, iso, toMs } from '../shared/time';
import type { SendDelayCard } from './commands';
import type { DelayCardEvent } from './events';
import { DELAY_CARD_RESPONSE_WINDOW_MS } from './rules';
import type { DelayCardState } from './state';

export function sendCard(cmd: SendDelayCard, state: DelayCardState): DelayCardEvent[] {
  if (state.status !== 'NONE') {
    throw new DomainError('DELAY_CARD_ALREADY_SENT', `A delay card was already sent for order ${state.orderId} (${state.status}); only one card per order, ever`, {
      cardId: state.cardId,
      cardStatus: state.status,
    });
  }
  const cardId = nonEmpty(cmd.cardId, 'cardId');
  const merchantId = nonEmpty(cmd.merchantId, 'merchantId');
  const nowMs = toMs(cmd.now, 'now');
  const now = iso(nowMs);
  const order = merchantsOrder(cmd.order, merchantId);
  const message = optionalText(cmd.message, 'message');
  let promisedShipAt: string | undefined;
  if (cmd.promisedShipAt !== undefined && cmd.promisedShipAt !== null) {
    const ms = toMs(cmd.promisedShipAt, 'promisedShipAt');
    if (ms < nowMs) throw invalidInput('promisedShipAt may not be in the past', { field: 'promisedShipAt' });
    promisedShipAt = iso(ms);
  }
  requireAssessed(order, now, 'delay card');
  const windowMs = positiveMs(cmd.responseWindowMs ?? DELAY_CARD_RESPONSE_WINDOW_MS, 'responseWindowMs');
  return [
    {
      type: 'DelayCardSent',
      data: compact({
        cardId,
        orderId: order.orderId,
        merchantId,
        consumerId: order.consumerId,
        sentBy: cmd.sentBy,
        sentAt: now,
        expiresAt: iso(nowMs + windowMs),
        message,
        promisedShipAt,
      }),
    },
  ];
}
