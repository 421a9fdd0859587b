/**
 * Which webhook event type a recorded dispute event is delivered as. Exactly one message per event of a
 * case: the specific type when the event has one, `dispute.updated` for every other change of the case.
 * Adding a mapping (e.g. the appeal event once appeals exist) is one line in SPECIFIC_TYPES.
 */
import { DISPUTE_STREAM_PREFIX } from '@app/domain';

export const WEBHOOK_EVENT_TYPES = ['dispute.opened', 'dispute.updated', 'dispute.settled', 'dispute.judged', 'dispute.appealed'] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

const SPECIFIC_TYPES: Record<string, WebhookEventType> = {
  DisputeOpened: 'dispute.opened',
  DisputeSettled: 'dispute.settled',
  DisputeJudged: 'dispute.judged',
  AppealFiled: 'dispute.appealed',
};

/** The webhook type of a recorded event, or null when it is not an event of a dispute's stream. */
export function webhookTypeOf(stream: string, eventType: string): WebhookEventType | null {
  if (!stream.startsWith(DISPUTE_STREAM_PREFIX)) return null;
  return SPECIFIC_TYPES[eventType] ?? 'dispute.updated';
}
