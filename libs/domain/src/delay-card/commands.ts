/** Commands of the delay-card aggregate. */
import type { OrderSnapshot } from '../shared/types';

export interface SendDelayCard {
  type: 'SendDelayCard';
  cardId: string;
  /** The order (the card goes to its consumer). */
  order: OrderSnapshot;
  /** The sending merchant (from the token); must be the order's. */
  merchantId: string;
  sentBy?: string;
  message?: string;
  /** The new ship date proposed to the consumer (optional; not before now). */
  promisedShipAt?: string;
  /** Default DELAY_CARD_RESPONSE_WINDOW_MS. */
  responseWindowMs?: number;
  now: string;
}

export interface RespondToDelayCard {
  type: 'RespondToDelayCard';
  /** The answering consumer (from the token); must be the order's. */
  consumerId: string;
  accepted: boolean;
  comment?: string;
  now: string;
}

export interface ExpireDelayCard {
  type: 'ExpireDelayCard';
  now: string;
}

export type DelayCardCommand = SendDelayCard | RespondToDelayCard | ExpireDelayCard;
