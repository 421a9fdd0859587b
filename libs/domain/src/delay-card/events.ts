/** Events of the delay-card stream (`delay-card-{orderId}`). */


export interface DelayCardSent {
  type: 'DelayCardSent';
  data: {
    cardId: string;
    orderId: string;
    merchantId: string;
    consumerId: string;
    sentBy?: string;
    sentAt: string;
    expiresAt: string;
    message?: string;
    promisedShipAt?: string;
  };
}

export interface DelayCardAnswered {
  type: 'DelayCardAnswered';
  data: { cardId: string; orderId: string; accepted: boolean; comment?: string; respondedAt: string };
}

export interface DelayCardExpired {
  type: 'DelayCardExpired';
  data: { cardId: string; orderId: string; expiresAt: string; cancelledAt: string };
}

export type DelayCardEvent = DelayCardSent | DelayCardAnswered | DelayCardExpired;

export const DELAY_CARD_EVENT_TYPES = ['DelayCardSent', 'DelayCardAnswered', 'DelayCardExpired'] as const;
