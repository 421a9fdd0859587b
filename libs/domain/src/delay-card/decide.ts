/** The delay card's decide: sending, the consumer's answer, expiry. */
import type { Decider } from '../decider';
import { DomainError, invalidInput } from '../errors';
import { optionalText } from '../shared/input';
import { compact, iso, toMs } from '../shared/time';
import type { DelayCardCommand } from './commands';
import type { DelayCardEvent } from './events';
import { sendCard } from './send-delay-card';
import { type DelayCardState, evolveDelayCard, initialDelayCardState } from './state';

export function decideDelayCard(command: DelayCardCommand, state: DelayCardState): DelayCardEvent[] {
  switch (command.type) {
    case 'SendDelayCard':
      return sendCard(command, state);
    case 'RespondToDelayCard': {
      if (state.status === 'NONE') throw new DomainError('DELAY_CARD_NOT_FOUND', 'No delay card was sent for this order');
      if (command.consumerId !== state.consumerId) throw new DomainError('DELAY_CARD_NOT_FOUND', 'No delay card was sent for this order');
      const nowMs = toMs(command.now, 'now');
      if (typeof command.accepted !== 'boolean') throw invalidInput('accepted must be a boolean', { field: 'accepted' });
      const comment = optionalText(command.comment, 'comment');
      if (state.status === 'ACCEPTED' || state.status === 'REJECTED') {
        throw new DomainError('DELAY_CARD_ALREADY_ANSWERED', `The delay card was already answered (${state.status})`, { cardStatus: state.status });
      }
      if (state.status === 'CANCELLED' || nowMs > Date.parse(state.expiresAt!)) {
        throw new DomainError('DELAY_CARD_RESPONSE_WINDOW_CLOSED', `The delay card could be answered until ${state.expiresAt}; it is cancelled`, {
          expiresAt: state.expiresAt,
          cardStatus: 'CANCELLED',
        });
      }
      return [
        {
          type: 'DelayCardAnswered',
          data: compact({ cardId: state.cardId, orderId: state.orderId, accepted: command.accepted, comment, respondedAt: iso(nowMs) }),
        },
      ];
    }
    case 'ExpireDelayCard': {
      if (state.status === 'NONE') throw new DomainError('DELAY_CARD_NOT_FOUND', 'No delay card was sent for this order');
      const nowMs = toMs(command.now, 'now');
      if (state.status !== 'PENDING' || nowMs < Date.parse(state.expiresAt!)) return [];
      return [{ type: 'DelayCardExpired', data: { cardId: state.cardId, orderId: state.orderId, expiresAt: state.expiresAt!, cancelledAt: iso(nowMs) } }];
    }
    default:
      throw invalidInput(`Unknown delay card command ${(command as { type?: unknown }).type as string}`);
  }
}

export const delayCardDecider: Decider<DelayCardCommand, DelayCardEvent, DelayCardState> = {
  decide: decideDelayCard,
  evolve: evolveDelayCard,
  initialState: initialDelayCardState,
};
