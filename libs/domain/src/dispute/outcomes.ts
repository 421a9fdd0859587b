/** The outcome events several commands end in: a judgement, a review, a failed settlement. */
import { type JudgeContext, type JudgementInput, type JudgementReason, renderJudgement } from '../shared/rules';
import type { ShippingAssessment } from '../shared/shipping';
import { compact } from '../shared/time';
import type { Violation } from '../shared/types';
import type { DisputeEvent, DisputeJudged, Finding, JudgementBasis, ReviewReason, ReviewRequested, SettlementFailure } from './events';
import type { DisputeState } from './state';

export function judgedEvent(
  state: DisputeState,
  input: JudgementInput,
  ctx: JudgeContext,
  basis: JudgementBasis,
  assessment?: ShippingAssessment,
): DisputeJudged {
  const context: JudgeContext = { rulesVersion: ctx.rulesVersion, merchantWeek: ctx.merchantWeek ?? null };
  if (ctx.weekFinal === true) context.weekFinal = true;
  return {
    type: 'DisputeJudged',
    data: compact({ disputeId: state.disputeId, judgement: renderJudgement(input, context), context, basis, assessment }),
  };
}

export function reviewEvent(
  state: DisputeState,
  reason: ReviewReason,
  since: string,
  findings: Finding[],
  allowed: Violation[],
  failure?: SettlementFailure,
): ReviewRequested {
  const defenseOnFile = state.defenseChoice !== null;
  const allowedViolations = defenseOnFile && !allowed.includes('LATE_SHIPMENT') ? [...allowed, 'LATE_SHIPMENT' as Violation] : allowed;
  const defenseFindings = state.defenseChoice
    ? [
        { rule: 'DEFENSE_ON_FILE', detail: `${state.defenseChoice.defense?.reason}: ${state.defenseChoice.defense?.statement}` },
        ...state.defenseChoice.findings,
      ]
    : [];
  return {
    type: 'ReviewRequested',
    data: compact({
      disputeId: state.disputeId,
      reason,
      since,
      failure,
      findings: [...findings, ...defenseFindings],
      defenseOnFile,
      allowedViolations,
    }),
  };
}

/** A settlement failed: legacy with a defense on file → review; otherwise the direct system violation. */
export function settlementFailed(
  state: DisputeState,
  failure: SettlementFailure,
  violation: Violation,
  reason: JudgementReason,
  now: string,
  ctx: JudgeContext,
): DisputeEvent[] {
  if (state.flow === 'LEGACY' && state.defenseChoice) {
    return [reviewEvent(state, 'SETTLEMENT_FAILED', now, [reason], [violation], failure)];
  }
  return [judgedEvent(state, { outcome: 'MERCHANT_LIABLE', violation, decidedBy: 'SYSTEM', decidedAt: now, reasons: [reason] }, ctx, failure)];
}
