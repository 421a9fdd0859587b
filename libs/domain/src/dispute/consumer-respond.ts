/** ConsumerRespond (out-of-stock refund): accepted → settled with a refund, final at once; rejected → the settlement failed. */
import { DomainError, invalidInput } from '../errors';
import { type JudgementReason, validateJudgeContext } from '../shared/rules';
import { compact, iso, toMs } from '../shared/time';
import type { ConsumerRespond } from './commands';
import type { ConsumerResponded, DisputeEvent } from './events';
import { isFinal } from './finality';
import { requireOpened } from './guards';
import { settlementFailed } from './outcomes';
import type { DisputeState } from './state';

export function consumerRespond(cmd: ConsumerRespond, state: DisputeState): DisputeEvent[] {
  requireOpened(state);
  const nowMs = toMs(cmd.now, 'now');
  const now = iso(nowMs);
  if (state.status !== 'AWAITING_CONSUMER') {
    if (isFinal(state, now)) throw new DomainError('CASE_FINAL', 'The case is final');
    throw new DomainError('INVALID_STATE', `The dispute is ${state.status}, not awaiting the consumer`, { status: state.status });
  }
  if (typeof cmd.accepted !== 'boolean') throw invalidInput('accepted must be a boolean', { field: 'accepted' });
  if (cmd.comment !== undefined && cmd.comment !== null && typeof cmd.comment !== 'string') throw invalidInput('comment must be a string', { field: 'comment' });
  if (nowMs > Date.parse(state.consumerResponseDueAt!)) {
    throw new DomainError('CONSUMER_RESPONSE_WINDOW_CLOSED', `The consumer's response window closed at ${state.consumerResponseDueAt}`);
  }
  const rules = validateJudgeContext(cmd.rules);
  const responded: ConsumerResponded = {
    type: 'ConsumerResponded',
    data: compact({ disputeId: state.disputeId, accepted: cmd.accepted, comment: cmd.comment ?? undefined, respondedAt: now }),
  };
  if (cmd.accepted) {
    return [
      responded,
      {
        type: 'DisputeSettled',
        data: {
          disputeId: state.disputeId,
          option: 'OUT_OF_STOCK_REFUND',
          settledAt: now,
          via: 'CONSUMER_ACCEPTED',
          satisfiedBy: [],
          refund: true,
          contestWindowEndsAt: null,
        },
      },
    ];
  }
  const reason: JudgementReason = {
    rule: 'CONSUMER_REJECTED_OUT_OF_STOCK_REFUND',
    detail: `The consumer rejected the out-of-stock refund${cmd.comment ? `: ${cmd.comment}` : ''}`,
  };
  return [responded, ...settlementFailed(state, 'CONSUMER_REJECTED_REFUND', 'OUT_OF_STOCK', reason, now, rules)];
}
