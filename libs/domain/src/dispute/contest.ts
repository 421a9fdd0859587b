/** Contest: the consumer says a claimed settlement was never agreed → review (breach of promise at issue). */
import { DomainError } from '../errors';
import { nonEmpty } from '../shared/input';
import { iso, toMs } from '../shared/time';
import type { Contest } from './commands';
import { contestable } from './deadlines';
import type { DisputeEvent } from './events';
import { isFinal } from './finality';
import { requireOpened } from './guards';
import { reviewEvent } from './outcomes';
import type { DisputeState } from './state';

export function contest(cmd: Contest, state: DisputeState): DisputeEvent[] {
  requireOpened(state);
  const nowMs = toMs(cmd.now, 'now');
  const now = iso(nowMs);
  if (state.contest) throw new DomainError('ALREADY_CONTESTED', 'The settlement was already contested');
  const canContest = contestable(state);
  if (canContest && (state.contestWindowClosed || nowMs > Date.parse(state.contestWindowEndsAt!))) {
    throw new DomainError('CONTEST_WINDOW_CLOSED', `The contest window closed at ${state.contestWindowEndsAt}`, {
      contestWindowEndsAt: state.contestWindowEndsAt,
    });
  }
  if (isFinal(state, now)) throw new DomainError('CASE_FINAL', 'The case is final');
  if (!canContest || (state.status !== 'SETTLED' && state.status !== 'AWAITING_SHIPMENT')) {
    throw new DomainError('NOT_CONTESTABLE', 'Only a settlement the merchant claims was agreed (and that still stands) can be contested', {
      status: state.status,
      option: state.settlementChoice?.option ?? null,
    });
  }
  const statement = nonEmpty(cmd.statement, 'statement');
  const choice = state.settlementChoice!;
  return [
    { type: 'SettlementContested', data: { disputeId: state.disputeId, statement, contestedAt: now } },
    reviewEvent(
      state,
      'SETTLEMENT_CONTESTED',
      now,
      [
        {
          rule: 'SETTLEMENT_CONTESTED',
          detail: `The consumer says the ${choice.option} settlement chosen at ${choice.chosenAt} was never agreed: ${statement}`,
        },
      ],
      ['BREACH_OF_PROMISE'],
    ),
  ];
}
