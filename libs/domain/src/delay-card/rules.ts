/** Delay cards: statuses and the consumer's answer window. */
import { HOUR_MS } from '../shared/time';

export const DELAY_CARD_STATUSES = ['PENDING', 'ACCEPTED', 'REJECTED', 'CANCELLED'] as const;

export type DelayCardStatus = (typeof DELAY_CARD_STATUSES)[number];

/** The consumer answers a delay card within this, else it is cancelled (48 h). */
export const DELAY_CARD_RESPONSE_WINDOW_MS = 48 * HOUR_MS;
