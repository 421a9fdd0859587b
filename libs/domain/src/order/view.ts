/** What a dispute decision may rely on (the snapshot) and GET /orders/{id}. */
import { assessShipping, type ShippingAssessment } from '../shared/shipping';
import type { OrderDetails, OrderSnapshot } from '../shared/types';
import { type OrderFact, type OrderState, requireOrder } from './state';

/** The facts a dispute decision may rely on (drops recording metadata). */
export function orderSnapshot(state: OrderState): OrderSnapshot {
  const order = requireOrder(state);
  return {
    ...order,
    facts: state.facts.map(({ recordedAt: _r, ...ref }) => ({ ...ref })),
  };
}

export interface OrderView extends OrderDetails {
  registeredAt: string | null;
  facts: OrderFact[];
  activeDisputeId: string | null;
  disputeIds: string[];
  shipping: ShippingAssessment;
}

/** GET /orders/{id}: the order, its facts and its shipping assessment as of `now`. */
export function toOrderView(state: OrderState, now: string): OrderView {
  const order = requireOrder(state);
  return {
    ...order,
    registeredAt: state.registeredAt,
    facts: state.facts,
    activeDisputeId: state.activeDisputeId,
    disputeIds: state.disputeIds,
    shipping: assessShipping(orderSnapshot(state), now),
  };
}
