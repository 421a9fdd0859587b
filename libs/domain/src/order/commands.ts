/** Commands of the order aggregate. */
import type { OrderDetails, OrderFactType } from '../shared/types';

export interface OrderFactInput {
  type: OrderFactType;
  occurredAt: string;
  carrier?: string;
  waybillNo?: string;
  amount?: number;
}

export interface RegisterOrder {
  type: 'RegisterOrder';
  order: OrderDetails;
  now: string;
}

export interface RecordOrderFact {
  type: 'RecordOrderFact';
  fact: OrderFactInput;
  now: string;
}

export interface OpenRushDispute {
  type: 'OpenRushDispute';
  disputeId: string;
  openedAt: string;
  /** Whether the order's currently active dispute (if any) is final, as read by the caller. */
  activeDisputeFinal: boolean;
  now: string;
}

export type OrderCommand = RegisterOrder | RecordOrderFact | OpenRushDispute;
