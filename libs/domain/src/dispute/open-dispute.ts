/** OpenDispute → DisputeOpened (the response window starts; the settings are recorded with the case). */
import { DomainError, invalidInput } from '../errors';
import { nonEmpty } from '../shared/input';
import { openingInstant } from '../shared/opening';
import { assessShipping } from '../shared/shipping';
import { compact, iso, toMs } from '../shared/time';
import { FLOWS, isOneOf } from '../shared/types';
import type { OpenDispute } from './commands';
import type { DisputeEvent } from './events';
import { validateOrder, validateSettings } from './guards';
import type { DisputeState } from './state';

export function openDispute(cmd: OpenDispute, state: DisputeState): DisputeEvent[] {
  if (state.status !== 'NONE') throw new DomainError('DISPUTE_ALREADY_EXISTS', `Dispute ${state.disputeId} already exists`);
  const disputeId = nonEmpty(cmd.disputeId, 'disputeId');
  const order = validateOrder(cmd.order);
  const nowMs = toMs(cmd.now, 'now');
  const openedMs = openingInstant(cmd.openedAt, nowMs, order.placedAt);
  if (!isOneOf(FLOWS, cmd.flow)) throw invalidInput('flow must be UNIFIED or LEGACY', { field: 'flow' });
  const settings = validateSettings(cmd.settings);
  return [
    {
      type: 'DisputeOpened',
      data: {
        disputeId,
        orderId: order.orderId,
        merchantId: order.merchantId,
        consumerId: order.consumerId,
        flow: cmd.flow,
        openedAt: iso(openedMs),
        responseDueAt: iso(openedMs + settings.responseWindowMs),
        settings,
        order: compact({
          placedAt: order.placedAt,
          paymentMethod: order.paymentMethod,
          orderKind: order.orderKind,
          promisedShipAt: order.promisedShipAt,
          amount: order.amount,
        }),
        shippingAtOpening: assessShipping(order, iso(openedMs)),
      },
    },
  ];
}
