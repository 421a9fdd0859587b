/**
 * Appeals (申诉) of the dispute aggregate: the merchant appeals a liability once, within the appeal window,
 * with a statement and new evidence; the case goes back to review (reason APPEAL) and an adjudicator other
 * than the one who rendered the appealed judgement decides (four eyes). Upheld: the liability stands (a new
 * judgement replaces the first); overturned: MERCHANT_NOT_LIABLE. Nothing is rewritten: the first judgement
 * stays in the case's history, marked superseded (`supersededAt`).
 *
 * The events live in the dispute stream (`AppealFiled` + `ReviewRequested`, then `DisputeJudged` with basis
 * APPEAL_UPHELD / APPEAL_OVERTURNED and `supersedes`); dispute.ts wires these functions into its decide/evolve.
 */
import { DomainError, invalidInput } from '../errors';
import { nonEmpty, positiveMs, validateEvidence, type Evidence } from '../shared/input';
import { renderJudgement, validateJudgeContext, type JudgeContext, type Judgement, type JudgementReason } from '../shared/rules';
import { compact, iso, toMs } from '../shared/time';
import { isOneOf, OUTCOMES, VIOLATIONS, type Outcome, type Violation } from '../shared/types';
import type { DisputeEvent, DisputeState, Finding } from '../dispute';

/** An appeal's evidence item (the same shape as a choice's). */
export type AppealEvidence = Evidence;

export interface FileAppeal {
  type: 'FileAppeal';
  statement: string;
  evidence: AppealEvidence[];
  /** Who appeals (recorded in the event; the app also records it in the metadata). */
  filedBy: { sub: string; role: string };
  /** The sub of the adjudicator who rendered the appealed judgement (from its event's metadata), if any. */
  appealedAdjudicator?: string;
  /** APPEAL_WINDOW / APPEAL_REVIEW_WINDOW, used when the dispute did not record them when it opened. */
  appealWindowMs: number;
  reviewWindowMs: number;
  now: string;
}

/** The appealed judgement, as the appeal records it. */
export interface AppealedJudgement {
  decidedAt: string;
  decidedBy: Judgement['decidedBy'];
  /** Sub of the adjudicator (ADJUDICATOR judgements): may not decide the appeal. */
  adjudicator?: string;
  outcome: Outcome;
  violation?: Violation;
  rulesVersion: string;
  points: number;
}

export interface AppealFiled {
  type: 'AppealFiled';
  data: {
    disputeId: string;
    appealedAt: string;
    statement: string;
    evidence: AppealEvidence[];
    filedBy: { sub: string; role: string };
    appealed: AppealedJudgement;
    appealWindowEndsAt: string;
    reviewDueAt: string;
  };
}

export interface AppealRecord extends Omit<AppealFiled['data'], 'disputeId'> {
  /** Set once an adjudicator decided the appeal. */
  decision?: { outcome: 'UPHELD' | 'OVERTURNED'; decidedAt: string; adjudicator?: string };
}

/**
 * Whether the case may be appealed now, and why not: only a standing MERCHANT_LIABLE judgement (by the
 * system or an adjudicator), once per case (an appeal decision is final), within the window.
 */
export function appealBlocker(state: DisputeState, nowMs: number, windowMs: number): DomainError | null {
  if (state.appeal) {
    return new DomainError('APPEAL_ALREADY_FILED', state.appeal.decision ? 'The case was already appealed and the appeal decided' : 'An appeal already stands for this case', {
      appealedAt: state.appeal.appealedAt,
    });
  }
  const j = state.judgement;
  if (state.status !== 'JUDGED' || !j) return new DomainError('NOT_APPEALABLE', `Only a judged case can be appealed; the dispute is ${state.status}`, { status: state.status });
  if (j.outcome !== 'MERCHANT_LIABLE') return new DomainError('NOT_APPEALABLE', 'Only a MERCHANT_LIABLE judgement can be appealed', { outcome: j.outcome });
  const endsMs = Date.parse(j.decidedAt) + (state.settings.appealWindowMs ?? windowMs);
  if (nowMs > endsMs) {
    return new DomainError('APPEAL_WINDOW_CLOSED', `The appeal window closed at ${iso(endsMs)}`, { decidedAt: j.decidedAt, appealWindowEndsAt: iso(endsMs) });
  }
  return null;
}

/** When the standing liability's appeal window ends (null when it is not appealable at all). */
export function appealWindowEndsAt(state: DisputeState, windowMs?: number): string | null {
  const j = state.judgement;
  const w = state.settings.appealWindowMs ?? windowMs;
  if (state.appeal || state.status !== 'JUDGED' || !j || j.outcome !== 'MERCHANT_LIABLE' || w === undefined) return null;
  return iso(Date.parse(j.decidedAt) + w);
}

export function fileAppeal(cmd: FileAppeal, state: DisputeState): DisputeEvent[] {
  if (state.status === 'NONE') throw new DomainError('DISPUTE_NOT_FOUND', 'Dispute not found');
  const nowMs = toMs(cmd.now, 'now');
  const now = iso(nowMs);
  const windowMs = positiveMs(cmd.appealWindowMs, 'appealWindowMs');
  const reviewMs = state.settings.appealReviewWindowMs ?? positiveMs(cmd.reviewWindowMs, 'reviewWindowMs');
  const blocker = appealBlocker(state, nowMs, windowMs);
  if (blocker) throw blocker;
  const statement = nonEmpty(cmd.statement, 'statement');
  const evidence = validateEvidence(cmd.evidence);
  if (evidence.length === 0) {
    throw new DomainError('APPEAL_EVIDENCE_REQUIRED', 'An appeal needs at least one evidence item', { missing: ['EVIDENCE'] });
  }
  const filedBy = { sub: nonEmpty(cmd.filedBy?.sub, 'filedBy.sub'), role: nonEmpty(cmd.filedBy?.role, 'filedBy.role') };
  const j = state.judgement!;
  const appealed: AppealedJudgement = compact({
    decidedAt: j.decidedAt,
    decidedBy: j.decidedBy,
    adjudicator: j.decidedBy === 'ADJUDICATOR' ? cmd.appealedAdjudicator : undefined,
    outcome: j.outcome,
    violation: j.violation,
    rulesVersion: j.rulesVersion,
    points: j.penalty?.points ?? 0,
  });
  const endsAt = iso(Date.parse(j.decidedAt) + (state.settings.appealWindowMs ?? windowMs));
  const reviewDueAt = iso(nowMs + reviewMs);
  const findings: Finding[] = [
    { rule: 'APPEAL', detail: `The merchant appeals the ${j.violation ?? ''} liability decided ${j.decidedAt} by ${j.decidedBy}: ${statement}` },
    { rule: 'APPEAL_EVIDENCE', detail: evidence.map((e) => `${e.kind} ${e.ref}${e.description ? ` (${e.description})` : ''}`).join('; ') },
    ...j.reasons,
  ];
  return [
    { type: 'AppealFiled', data: { disputeId: state.disputeId, appealedAt: now, statement, evidence, filedBy, appealed, appealWindowEndsAt: endsAt, reviewDueAt } },
    {
      type: 'ReviewRequested',
      data: compact({
        disputeId: state.disputeId,
        reason: 'APPEAL' as const,
        since: now,
        findings,
        defenseOnFile: state.defenseChoice !== null,
        allowedViolations: j.violation ? [j.violation] : [],
        reviewDueAt,
      }),
    },
  ];
}

/**
 * An adjudicator decides the appeal (the dispute's Judge command while the review's reason is APPEAL):
 * four eyes — the adjudicator whose judgement is appealed may not decide it (FOUR_EYES_REQUIRED, 403); a
 * system judgement may be decided by any adjudicator. MERCHANT_LIABLE upholds (the violation defaults to
 * the appealed one and may not differ), MERCHANT_NOT_LIABLE overturns.
 */
export function judgeAppeal(
  cmd: { outcome: Outcome; violation?: Violation; rationale: string; now: string; rules: JudgeContext; adjudicator?: string },
  state: DisputeState,
): DisputeEvent[] {
  const appeal = state.appeal!;
  const now = iso(toMs(cmd.now, 'now'));
  if (!isOneOf(OUTCOMES, cmd.outcome)) throw invalidInput('outcome must be MERCHANT_LIABLE or MERCHANT_NOT_LIABLE', { field: 'outcome' });
  const rationale = nonEmpty(cmd.rationale, 'rationale');
  const adjudicator = nonEmpty(cmd.adjudicator, 'adjudicator');
  if (appeal.appealed.decidedBy === 'ADJUDICATOR' && appeal.appealed.adjudicator === adjudicator) {
    throw new DomainError('FOUR_EYES_REQUIRED', 'The adjudicator who rendered the appealed judgement may not decide the appeal; another adjudicator must', {
      appealedJudgementBy: adjudicator,
    });
  }
  let violation = cmd.violation ?? undefined;
  if (violation !== undefined && !isOneOf(VIOLATIONS, violation)) throw invalidInput('Unknown violation', { field: 'violation' });
  const upheld = cmd.outcome === 'MERCHANT_LIABLE';
  if (upheld) {
    violation ??= appeal.appealed.violation;
    if (violation !== appeal.appealed.violation) {
      throw new DomainError('VIOLATION_NOT_APPLICABLE', `An appeal decides the appealed ${appeal.appealed.violation} liability only`, { allowed: state.review?.allowedViolations ?? [] });
    }
  } else if (violation) {
    throw new DomainError('VIOLATION_NOT_APPLICABLE', 'A not-liable judgement names no violation');
  }
  const rules = validateJudgeContext(cmd.rules);
  const basis = upheld ? 'APPEAL_UPHELD' : 'APPEAL_OVERTURNED';
  const reasons: JudgementReason[] = [
    { rule: basis, detail: `${upheld ? 'Appeal upheld: the liability stands' : 'Appeal overturned: the merchant is not liable'} — ${rationale}` },
    ...(state.review?.findings ?? []),
  ];
  const judgement = renderJudgement(compact({ outcome: cmd.outcome, violation, decidedBy: 'ADJUDICATOR' as const, decidedAt: now, reasons, rationale }), rules);
  const context: JudgeContext = { rulesVersion: rules.rulesVersion, merchantWeek: rules.merchantWeek ?? null, ...(rules.weekFinal ? { weekFinal: true } : {}) };
  return [
    {
      type: 'DisputeJudged',
      data: {
        disputeId: state.disputeId,
        judgement,
        context,
        basis,
        supersedes: compact({ decidedAt: appeal.appealed.decidedAt, outcome: appeal.appealed.outcome, violation: appeal.appealed.violation, decidedBy: appeal.appealed.decidedBy }),
        adjudicator,
      },
    },
  ];
}
