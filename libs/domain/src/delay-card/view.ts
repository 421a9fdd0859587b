/** The contract's delay-card representation. */
import { DomainError } from '../errors';
import { compact } from '../shared/time';
import type { DelayCardStatus } from './rules';
import type { DelayCardState } from './state';

export interface DelayCardView {
  cardId: string;
  orderId: string;
  merchantId: string;
  consumerId: string;
  status: DelayCardStatus;
  sentAt: string;
  sentBy?: string;
  expiresAt: string;
  message?: string;
  promisedShipAt?: string;
  response?: { accepted: boolean; comment?: string; respondedAt: string };
  cancelledAt?: string;
}

export function toDelayCardView(state: DelayCardState): DelayCardView {
  if (state.status === 'NONE') throw new DomainError('DELAY_CARD_NOT_FOUND', 'No delay card was sent for this order');
  return compact({
    cardId: state.cardId,
    orderId: state.orderId,
    merchantId: state.merchantId,
    consumerId: state.consumerId,
    status: state.status,
    sentAt: state.sentAt!,
    sentBy: state.sentBy ?? undefined,
    expiresAt: state.expiresAt!,
    message: state.message ?? undefined,
    promisedShipAt: state.promisedShipAt ?? undefined,
    response: state.response ?? undefined,
    cancelledAt: state.cancelledAt ?? undefined,
  });
}
