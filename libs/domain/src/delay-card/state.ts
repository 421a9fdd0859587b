/** The delay card's state, folded from its stream. */
import { compact } from '../shared/time';
import type { DelayCardEvent } from './events';
import type { DelayCardStatus } from './rules';

export interface DelayCardState {
  status: 'NONE' | DelayCardStatus;
  cardId: string;
  orderId: string;
  merchantId: string;
  consumerId: string;
  sentBy: string | null;
  sentAt: string | null;
  expiresAt: string | null;
  message: string | null;
  promisedShipAt: string | null;
  response: { accepted: boolean; comment?: string; respondedAt: string } | null;
  cancelledAt: string | null;
}

export function initialDelayCardState(): DelayCardState {
  return {
    status: 'NONE',
    cardId: '',
    orderId: '',
    merchantId: '',
    consumerId: '',
    sentBy: null,
    sentAt: null,
    expiresAt: null,
    message: null,
    promisedShipAt: null,
    response: null,
    cancelledAt: null,
  };
}

export function evolveDelayCard(state: DelayCardState, event: { type: string; data: unknown }): DelayCardState {
  const e = event as DelayCardEvent;
  switch (e.type) {
    case 'DelayCardSent': {
      const d = e.data;
      return {
        ...state,
        status: 'PENDING',
        cardId: d.cardId,
        orderId: d.orderId,
        merchantId: d.merchantId,
        consumerId: d.consumerId,
        sentBy: d.sentBy ?? null,
        sentAt: d.sentAt,
        expiresAt: d.expiresAt,
        message: d.message ?? null,
        promisedShipAt: d.promisedShipAt ?? null,
      };
    }
    case 'DelayCardAnswered':
      return {
        ...state,
        status: e.data.accepted ? 'ACCEPTED' : 'REJECTED',
        response: compact({ accepted: e.data.accepted, comment: e.data.comment, respondedAt: e.data.respondedAt }),
      };
    case 'DelayCardExpired':
      return { ...state, status: 'CANCELLED', cancelledAt: e.data.cancelledAt };
    default:
      return state;
  }
}
