/** The contract's dispute representation (GET /disputes/{id}). */
import { appealWindowEndsAt, type AppealRecord } from '../appeal/appeal';
import type { Judgement } from '../shared/rules';
import { compact } from '../shared/time';
import type { DisputeStatus } from '../shared/types';
import { type PendingDeadline, pendingDeadlines } from './deadlines';
import { isFinal } from './finality';
import { requireOpened } from './guards';
import type { CaseOpening, ChoiceRecord, ConsumerResponseRecord, ContestRecord, DisputeState, ReviewRecord, SettlementRecord } from './state';

/** A choice as recorded in OptionChosen (NO_FAULT_DEFENSE: with the delay reports / cards the system looked at), but the assessment. */
export type ChoiceView = Omit<ChoiceRecord, 'assessment'>;

export interface DisputeView extends CaseOpening {
  status: DisputeStatus;
  /** The standing choice: the (only) choice in the unified flow; in legacy the settlement, else the defense. */
  choice?: ChoiceView;
  choices: ChoiceView[];
  judgement?: Judgement;
  /** Every judgement in order: one an appeal decision replaced carries `supersededAt`; `judgement` is the standing one. */
  judgements: (Judgement & { supersededAt?: string })[];
  final: boolean;
  deadlines: PendingDeadline[];
  agreedShipBy?: string;
  consumerResponseDueAt?: string;
  contestWindowEndsAt?: string;
  contestWindowClosed: boolean;
  settlement?: SettlementRecord;
  review?: ReviewRecord;
  consumerResponse?: ConsumerResponseRecord;
  contest?: ContestRecord;
  /** The case's appeal (statement, evidence, who filed it, the appealed judgement, its decision). */
  appeal?: AppealRecord;
  /** Until when the standing liability may be appealed (absent when it may not be). */
  appealableUntil?: string;
}

function choiceView(c: ChoiceRecord): ChoiceView {
  return compact({
    option: c.option,
    slot: c.slot,
    chosenAt: c.chosenAt,
    agreedShipBy: c.agreedShipBy,
    evidence: c.evidence,
    defense: c.defense,
    delayExcuses: c.delayExcuses,
    satisfiedBy: c.satisfiedBy,
    findings: c.findings,
    disposition: c.disposition,
    contestWindowEndsAt: c.contestWindowEndsAt,
  });
}

/** The contract's dispute representation (the app adds `revision` and `stream`). */
export function toDisputeView(state: DisputeState, now?: string): DisputeView {
  requireOpened(state);
  const standing = state.settlementChoice ?? state.defenseChoice;
  return compact({
    disputeId: state.disputeId,
    orderId: state.orderId,
    merchantId: state.merchantId,
    consumerId: state.consumerId,
    status: state.status as DisputeStatus,
    flow: state.flow,
    openedAt: state.openedAt,
    responseDueAt: state.responseDueAt,
    choice: standing ? choiceView(standing) : undefined,
    choices: state.choices.map(choiceView),
    judgement: state.judgement ?? undefined,
    judgements: (state.judgements ?? []).map((r) => (r.supersededAt ? { ...r.judgement, supersededAt: r.supersededAt } : r.judgement)),
    final: isFinal(state, now),
    deadlines: pendingDeadlines(state),
    agreedShipBy: state.agreedShipBy ?? undefined,
    consumerResponseDueAt: state.consumerResponseDueAt ?? undefined,
    contestWindowEndsAt: state.contestWindowEndsAt ?? undefined,
    contestWindowClosed: state.contestWindowClosed,
    settlement: state.settlement ?? undefined,
    review: state.review ?? undefined,
    consumerResponse: state.consumerResponse ?? undefined,
    contest: state.contest ?? undefined,
    appeal: state.appeal ?? undefined,
    appealableUntil: appealWindowEndsAt(state) ?? undefined,
    settings: state.settings,
  });
}
