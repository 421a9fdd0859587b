/** Events of the order stream. */
import type { OrderDetails, OrderFactRef } from '../shared/types';

export interface OrderRegistered {
  type: 'OrderRegistered';
  data: OrderDetails & { registeredAt: string };
}

export interface OrderFactRecorded {
  type: 'OrderFactRecorded';
  data: OrderFactRef & { orderId: string; recordedAt: string };
}

export interface RushDisputeOpened {
  type: 'RushDisputeOpened';
  data: { orderId: string; disputeId: string; openedAt: string; previousDisputeId?: string };
}

export type OrderEvent = OrderRegistered | OrderFactRecorded | RushDisputeOpened;

export const ORDER_EVENT_TYPES = ['OrderRegistered', 'OrderFactRecorded', 'RushDisputeOpened'] as const;
