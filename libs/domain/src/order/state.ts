/** The order's state, folded from its stream: initial state and evolve. */
import { DomainError } from '../errors';
import type { OrderDetails, OrderFactRef } from '../shared/types';
import type { OrderEvent } from './events';

export interface OrderFact extends OrderFactRef {
  recordedAt: string;
}

export interface OrderState {
  status: 'NONE' | 'REGISTERED';
  order: OrderDetails | null;
  registeredAt: string | null;
  facts: OrderFact[];
  activeDisputeId: string | null;
  disputeIds: string[];
}

export function initialState(): OrderState {
  return { status: 'NONE', order: null, registeredAt: null, facts: [], activeDisputeId: null, disputeIds: [] };
}

export function evolve(state: OrderState, event: { type: string; data: unknown }): OrderState {
  const e = event as OrderEvent;
  switch (e.type) {
    case 'OrderRegistered': {
      const { registeredAt, ...order } = e.data;
      return { ...state, status: 'REGISTERED', order, registeredAt };
    }
    case 'OrderFactRecorded': {
      const { orderId: _orderId, ...fact } = e.data;
      return { ...state, facts: [...state.facts, fact] };
    }
    case 'RushDisputeOpened':
      return { ...state, activeDisputeId: e.data.disputeId, disputeIds: [...state.disputeIds, e.data.disputeId] };
    default:
      return state;
  }
}

export function requireOrder(state: OrderState): OrderDetails {
  if (state.status === 'NONE' || !state.order) throw new DomainError('ORDER_NOT_FOUND', 'Order not found');
  return state.order;
}
