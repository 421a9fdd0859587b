/** SendDelayCard → DelayCardSent: one card per order, ever, for an assessed order. */
import { DomainError, invalidInput } from '../errors';
import { nonEmpty, optionalText, positiveMs } from '../shared/input';
import { assessShipping } from '../shared/shipping';
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
  const order = cmd.order;
  if (!order || typeof order !== 'object' || !Array.isArray(order.facts)) throw invalidInput('The order is required', { field: 'orderId' });
  if (order.merchantId !== merchantId) throw new DomainError('ORDER_NOT_FOUND', 'Order not found');
  const message = optionalText(cmd.message, 'message');
  let promisedShipAt: string | undefined;
  if (cmd.promisedShipAt !== undefined && cmd.promisedShipAt !== null) {
    const ms = toMs(cmd.promisedShipAt, 'promisedShipAt');
    if (ms < nowMs) throw invalidInput('promisedShipAt may not be in the past', { field: 'promisedShipAt' });
    promisedShipAt = iso(ms);
  }
  const assessment = assessShipping(order, now);
  if (!assessment.assessed) {
    throw new DomainError(
      'ORDER_NOT_ASSESSED',
      `Order ${order.orderId} is not assessed for late shipment (${assessment.notAssessedReasons.join(', ')}); it needs no delay card`,
      { orderId: order.orderId, notAssessedReasons: assessment.notAssessedReasons },
    );
  }
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
