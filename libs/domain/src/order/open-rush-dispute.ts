/** OpenRushDispute → RushDisputeOpened: at most one not-final rush-order dispute per order. */
import { DomainError } from '../errors';
import { nonEmpty } from '../shared/input';
import { openingInstant } from '../shared/opening';
import { compact, iso, toMs } from '../shared/time';
import type { OpenRushDispute } from './commands';
import type { OrderEvent } from './events';
import { type OrderState, requireOrder } from './state';

export function openRushDispute(cmd: OpenRushDispute, state: OrderState): OrderEvent[] {
  const order = requireOrder(state);
  const nowMs = toMs(cmd.now, 'now');
  const disputeId = nonEmpty(cmd.disputeId, 'disputeId');
  const openedMs = openingInstant(cmd.openedAt, nowMs, order.placedAt);
  if (state.activeDisputeId !== null && !cmd.activeDisputeFinal) {
    throw new DomainError('DISPUTE_ALREADY_OPEN', 'Another rush-order dispute on this order is not yet final', {
      activeDisputeId: state.activeDisputeId,
    });
  }
  if (state.disputeIds.includes(disputeId)) throw new DomainError('DISPUTE_ALREADY_EXISTS', `Dispute ${disputeId} already exists`);
  return [
    {
      type: 'RushDisputeOpened',
      data: compact({ orderId: order.orderId, disputeId, openedAt: iso(openedMs), previousDisputeId: state.activeDisputeId ?? undefined }),
    },
  ];
}
