/** Judge: the adjudicator decides a case under review (an appeal review is decided by judgeAppeal, appeal/). */
import { judgeAppeal } from '../appeal/appeal';
import { DomainError, invalidInput } from '../errors';
import { nonEmpty } from '../shared/input';
import { type JudgementReason, validateJudgeContext } from '../shared/rules';
import { compact, iso, toMs } from '../shared/time';
import { isOneOf, OUTCOMES, VIOLATIONS } from '../shared/types';
import type { Judge } from './commands';
import type { DisputeEvent } from './events';
import { isFinal } from './finality';
import { requireOpened } from './guards';
import { judgedEvent } from './outcomes';
import type { DisputeState } from './state';

export function judge(cmd: Judge, state: DisputeState): DisputeEvent[] {
  requireOpened(state);
  const nowMs = toMs(cmd.now, 'now');
  const now = iso(nowMs);
  if (state.status !== 'UNDER_REVIEW') {
    if (isFinal(state, now)) throw new DomainError('CASE_FINAL', 'The case is final');
    throw new DomainError('INVALID_STATE', `Only a case under review can be judged; the dispute is ${state.status}`, { status: state.status });
  }
  if (state.review?.reason === 'APPEAL' && state.appeal && !state.appeal.decision) return judgeAppeal(cmd, state);
  if (!isOneOf(OUTCOMES, cmd.outcome)) throw invalidInput('outcome must be MERCHANT_LIABLE or MERCHANT_NOT_LIABLE', { field: 'outcome' });
  const rationale = nonEmpty(cmd.rationale, 'rationale');
  const violation = cmd.violation ?? undefined;
  if (violation !== undefined && !isOneOf(VIOLATIONS, violation)) throw invalidInput('Unknown violation', { field: 'violation' });
  const review = state.review!;
  if (cmd.outcome === 'MERCHANT_LIABLE') {
    if (!violation) {
      throw new DomainError('VIOLATION_REQUIRED', 'A liable judgement must name the violation', { allowed: review.allowedViolations });
    }
    if (!review.allowedViolations.includes(violation)) {
      throw new DomainError('VIOLATION_NOT_APPLICABLE', `${violation} is not at issue in a ${review.reason} review`, {
        allowed: review.allowedViolations,
      });
    }
  } else if (violation) {
    throw new DomainError('VIOLATION_NOT_APPLICABLE', 'A not-liable judgement names no violation');
  }
  const rules = validateJudgeContext(cmd.rules);
  const reasons: JudgementReason[] = [{ rule: 'ADJUDICATOR_DECISION', detail: rationale }, ...review.findings];
  return [
    judgedEvent(
      state,
      compact({ outcome: cmd.outcome, violation, decidedBy: 'ADJUDICATOR' as const, decidedAt: now, reasons, rationale }),
      rules,
      'ADJUDICATOR',
    ),
  ];
}
