/**
 * Rush-order dispute aggregate (one stream per dispute): the merchant's choice among the five options,
 * the consumer's answers, deadlines, the adjudicator's review and the judgement.
 *
 * ## Statuses
 * AWAITING_MERCHANT → (choice) → SETTLED | AWAITING_SHIPMENT | AWAITING_CONSUMER | UNDER_REVIEW | JUDGED
 * AWAITING_SHIPMENT → pickup scan ≤ agreedShipBy → SETTLED; none by agreedShipBy → JUDGED (BREACH_OF_PROMISE)
 * AWAITING_CONSUMER → accepted → SETTLED (refund, final); rejected → JUDGED (OUT_OF_STOCK); silence → UNDER_REVIEW
 * SETTLED / AWAITING_SHIPMENT (claimed settlements) → contest within the window → UNDER_REVIEW
 * UNDER_REVIEW → adjudicator → JUDGED
 *
 * ## Final
 * A case is final when JUDGED, or SETTLED and either the settlement was the consumer's own acceptance of an
 * out-of-stock refund (nothing left to contest) or the contest window closed (ContestWindowClosed recorded,
 * or — with `now` given to isFinal — the window's end has passed). Finality never reverts.
 *
 * ## Flows
 * UNIFIED (since seed 002): exactly one choice — one settlement or the no-fault defense. Any further
 * ChooseOption is refused with CHOICE_ALREADY_MADE (409).
 * LEGACY (before the change; settlement and defense ran in parallel):
 *  - the merchant may file at most one settlement and at most one defense (each slot once; a second one in
 *    the same slot: CHOICE_ALREADY_MADE), in either order, all by responseDueAt;
 *  - a defense filed while AWAITING_MERCHANT is processed at once exactly as in the unified flow (system
 *    judgement or UNDER_REVIEW reason DEFENSE);
 *  - a settlement may still be filed while that defense is UNDER_REVIEW; the settlement then takes over
 *    (the review is suspended, the defense stays on file);
 *  - a defense filed while a settlement is running (AWAITING_SHIPMENT, AWAITING_CONSUMER, SETTLED within
 *    the contest window) is held on file as the fallback; filed while UNDER_REVIEW it is attached to the
 *    review;
 *  - when a settlement fails — no pickup by agreedShipBy, consumer rejects the out-of-stock refund — and a
 *    defense is on file, the case goes to UNDER_REVIEW (reason SETTLEMENT_FAILED) for an adjudicator to
 *    review the defense, instead of the direct system violation; without a defense on file the unified
 *    outcome applies. Consumer silence and a contest go to UNDER_REVIEW in both flows (with the defense
 *    attached in legacy).
 *
 * ## Deadlines
 * pendingDeadlines(state) derives the due deadlines from state alone. FireDeadline for a deadline that is
 * not pending (not applicable, already fired, superseded) or not yet due returns [] (a no-op), so firing
 * twice is harmless and the app's optimistic concurrency makes it exactly-once.
 *
 * ## Time rules
 * Every merchant choice must be made by responseDueAt (RESPONSE_WINDOW_CLOSED, 422, even if the RESPONSE
 * deadline has not fired yet); the consumer's answer by consumerResponseDueAt
 * (CONSUMER_RESPONSE_WINDOW_CLOSED); a contest by contestWindowEndsAt = choice time + contestWindow
 * (CONTEST_WINDOW_CLOSED). Exactly at a due time is still in time; a deadline fires at now ≥ dueAt.
 */
import type { Decider } from './decider';
import { fileAppeal, judgeAppeal, type AppealFiled, type AppealRecord, type FileAppeal } from './appeal/appeal';
import { DomainError, invalidInput } from './errors';
import { nonEmpty, positiveMs, validateEvidence, type Evidence } from './shared/input';
import {
  renderJudgement,
  validateJudgeContext,
  type JudgeContext,
  type Judgement,
  type JudgementInput,
  type JudgementReason,
  type MerchantWeek,
  type RulesVersion,
  parseRulesVersion,
} from './rules';
import type { DisputeSettings } from './settings';
import { assessShipping, factsAsOf, type ShippingAssessment } from './shipping';
import { compact, iso, toMs } from './time';
import {
  CONTESTABLE_OPTIONS,
  DEADLINE_KINDS,
  DEFENSE_REASONS,
  DISPUTE_OPTIONS,
  FLOWS,
  isOneOf,
  OUTCOMES,
  VIOLATIONS,
  type DeadlineKind,
  type DefenseReason,
  type DisputeOption,
  type DisputeStatus,
  type EvidenceKind,
  type Flow,
  type OrderFactRef,
  type OrderSnapshot,
  type Outcome,
  type Violation,
} from './types';

// ------------------------------------------------------------------------------------- defense reasons

export interface DefenseRequirement {
  /** Evidence kinds that count for this reason (any of them); empty = no evidence needed. */
  requiredEvidenceKinds: EvidenceKind[];
  /** How many evidence items of those kinds are needed. */
  minEvidence: number;
  /** Whether the system can judge this reason from records, without an adjudicator. */
  systemVerifiable: boolean;
  /** What the verification rests on. */
  verifiedBy: 'ORDER_FACTS' | 'DELAY_EXCUSES' | 'ADJUDICATOR';
  description: string;
}

/**
 * What each no-fault defense reason requires and how it is judged.
 *  - SHIPPED_WITHIN_DEADLINE / ORDER_NOT_ASSESSED: no evidence; judged at once from the order facts:
 *    NOT_LIABLE when the facts prove it, otherwise UNDER_REVIEW with the findings.
 *  - DELAY_REPORTED / DELAY_CARD_ACCEPTED: no evidence (the reports/cards are platform records). When the
 *    command carries `delayExcuses` (from delay.ts `delayExcusesFor`: the reports / cards bearing on the
 *    order) they are judged at once like the above, the finding citing the reports / cards it rests on
 *    (`excuses`); a command without `delayExcuses` goes to UNDER_REVIEW with a finding saying so.
 *  - FORCE_MAJEURE / ABNORMAL_ORDER / MALICIOUS_ORDER: evidence required; always UNDER_REVIEW, with the
 *    system's findings (shipping assessment) attached.
 */
export const DEFENSE_REQUIREMENTS: Record<DefenseReason, DefenseRequirement> = {
  SHIPPED_WITHIN_DEADLINE: {
    requiredEvidenceKinds: [],
    minEvidence: 0,
    systemVerifiable: true,
    verifiedBy: 'ORDER_FACTS',
    description: 'Waybill uploaded within 24 h and first pickup scan within 48 h of the clock start (order facts).',
  },
  ORDER_NOT_ASSESSED: {
    requiredEvidenceKinds: [],
    minEvidence: 0,
    systemVerifiable: true,
    verifiedBy: 'ORDER_FACTS',
    description: 'Presale/LOC/custom, locked or invalidated order, or paid by post-office remittance or company transfer.',
  },
  DELAY_REPORTED: {
    requiredEvidenceKinds: [],
    minEvidence: 0,
    systemVerifiable: true,
    verifiedBy: 'DELAY_EXCUSES',
    description: 'An approved pre-report (预报备) or emergency report (紧急报备) covers the order.',
  },
  DELAY_CARD_ACCEPTED: {
    requiredEvidenceKinds: [],
    minEvidence: 0,
    systemVerifiable: true,
    verifiedBy: 'DELAY_EXCUSES',
    description: 'The consumer accepted the delay card (延迟发货卡片) for the order.',
  },
  FORCE_MAJEURE: {
    requiredEvidenceKinds: ['DOCUMENT', 'PHOTO', 'OTHER'],
    minEvidence: 1,
    systemVerifiable: false,
    verifiedBy: 'ADJUDICATOR',
    description: 'Natural disaster, major national event or policy; documents or photos proving it.',
  },
  ABNORMAL_ORDER: {
    requiredEvidenceKinds: ['CALL_RECORD', 'SMS', 'CHAT_LOG', 'PHOTO'],
    minEvidence: 1,
    systemVerifiable: false,
    verifiedBy: 'ADJUDICATOR',
    description: 'Address incomplete or phone unreachable (异常下单); call records, SMS, chat logs or screenshots.',
  },
  MALICIOUS_ORDER: {
    requiredEvidenceKinds: ['CHAT_LOG', 'DOCUMENT', 'PHOTO', 'SMS', 'CALL_RECORD', 'OTHER'],
    minEvidence: 1,
    systemVerifiable: false,
    verifiedBy: 'ADJUDICATOR',
    description: 'Suspected malicious order (恶意订单); any evidence of the malicious behaviour.',
  },
};

// -------------------------------------------------------------------------------------------- inputs

export type { Evidence } from './shared/input';

export interface Defense {
  reason: DefenseReason;
  statement: string;
}

/**
 * A platform record that may excuse a delay (the later delay-report feature passes these in ChooseOption).
 * A delay card the consumer accepted has status APPROVED.
 */
export interface DelayExcuse {
  kind: 'PRE_REPORT' | 'EMERGENCY_REPORT' | 'DELAY_CARD';
  ref: string;
  status: 'APPROVED' | 'REJECTED' | 'PENDING' | 'CANCELLED';
  coversOrder: boolean;
  detail?: string;
}

/**
 * A system finding attached to a choice or review (same shape as a judgement reason). Delay-excuse findings
 * also name the reports / cards they rest on (`excuses`), so the decision event cites them.
 */
export type Finding = JudgementReason & { excuses?: { kind: DelayExcuse['kind']; ref: string; status: DelayExcuse['status'] }[] };

export type ChoiceSlot = 'SETTLEMENT' | 'DEFENSE';
export type ReviewReason = 'DEFENSE' | 'SETTLEMENT_CONTESTED' | 'CONSUMER_NO_RESPONSE' | 'SETTLEMENT_FAILED' | 'APPEAL';
export type SettlementFailure = 'NO_PICKUP_BY_AGREED_DATE' | 'CONSUMER_REJECTED_REFUND';
export type SettledVia = 'CHOICE' | 'PICKUP_OBSERVED' | 'AGREED_SHIP_BY_DEADLINE' | 'CONSUMER_ACCEPTED';
export type ChoiceDisposition =
  | 'SETTLED'
  | 'AWAITING_SHIPMENT'
  | 'AWAITING_CONSUMER'
  | 'UNDER_REVIEW'
  | 'JUDGED'
  | 'HELD_AS_FALLBACK'
  | 'ATTACHED_TO_REVIEW';
export type JudgementBasis =
  | 'RESPONSE_DEADLINE_MISSED'
  | 'DEFENSE_VERIFIED'
  | 'CONSUMER_REJECTED_REFUND'
  | 'NO_PICKUP_BY_AGREED_DATE'
  | 'ADJUDICATOR'
  | 'APPEAL_UPHELD'
  | 'APPEAL_OVERTURNED';

// ------------------------------------------------------------------------------------------ commands

export interface OpenDispute {
  type: 'OpenDispute';
  disputeId: string;
  order: OrderSnapshot;
  openedAt: string;
  flow: Flow;
  settings: DisputeSettings;
  now: string;
}
export interface ChooseOption {
  type: 'ChooseOption';
  option: DisputeOption;
  agreedShipBy?: string;
  evidence?: Evidence[];
  defense?: Defense;
  /** Approved delay reports / accepted delay cards covering the order; absent until that feature exists. */
  delayExcuses?: DelayExcuse[];
  order: OrderSnapshot;
  now: string;
  rules: JudgeContext;
}
export interface ConsumerRespond {
  type: 'ConsumerRespond';
  accepted: boolean;
  comment?: string;
  now: string;
  rules: JudgeContext;
}
export interface Contest {
  type: 'Contest';
  statement: string;
  now: string;
}
export interface Judge {
  type: 'Judge';
  outcome: Outcome;
  violation?: Violation;
  rationale: string;
  now: string;
  rules: JudgeContext;
  /** The deciding adjudicator's sub (required to decide an appeal: four eyes). */
  adjudicator?: string;
}
export interface ObservePickup {
  type: 'ObservePickup';
  pickup: OrderFactRef;
  now: string;
}
export interface FireDeadline {
  type: 'FireDeadline';
  deadline: DeadlineKind;
  /** Needed for RESPONSE and AGREED_SHIP_BY. */
  order?: OrderSnapshot;
  /** Needed where a judgement may result (RESPONSE, AGREED_SHIP_BY). */
  rules?: JudgeContext;
  now: string;
}
export type DisputeCommand = OpenDispute | ChooseOption | ConsumerRespond | Contest | Judge | ObservePickup | FireDeadline | FileAppeal;

// -------------------------------------------------------------------------------------------- events

export interface OrderSummary {
  placedAt: string;
  paymentMethod: OrderSnapshot['paymentMethod'];
  orderKind: OrderSnapshot['orderKind'];
  promisedShipAt?: string;
  amount: number;
}

export interface DisputeOpened {
  type: 'DisputeOpened';
  data: {
    disputeId: string;
    orderId: string;
    merchantId: string;
    consumerId: string;
    flow: Flow;
    openedAt: string;
    responseDueAt: string;
    settings: DisputeSettings;
    order: OrderSummary;
    shippingAtOpening: ShippingAssessment;
  };
}
export interface OptionChosen {
  type: 'OptionChosen';
  data: {
    disputeId: string;
    option: DisputeOption;
    slot: ChoiceSlot;
    chosenAt: string;
    agreedShipBy?: string;
    evidence: Evidence[];
    defense?: Defense;
    delayExcuses?: DelayExcuse[];
    /** The order facts that satisfied the option's preconditions (or settle it at once). */
    satisfiedBy: OrderFactRef[];
    /** The shipping assessment as of the choice. */
    assessment: ShippingAssessment;
    findings: Finding[];
    disposition: ChoiceDisposition;
    /** Claimed settlements only: until when the consumer may contest. */
    contestWindowEndsAt?: string;
  };
}
export interface ShipmentAwaited {
  type: 'ShipmentAwaited';
  data: { disputeId: string; agreedShipBy: string; since: string };
}
export interface ConsumerResponseRequested {
  type: 'ConsumerResponseRequested';
  data: { disputeId: string; consumerResponseDueAt: string; since: string };
}
export interface ConsumerResponded {
  type: 'ConsumerResponded';
  data: { disputeId: string; accepted: boolean; comment?: string; respondedAt: string };
}
export interface SettlementContested {
  type: 'SettlementContested';
  data: { disputeId: string; statement: string; contestedAt: string };
}
export interface DisputeSettled {
  type: 'DisputeSettled';
  data: {
    disputeId: string;
    option: DisputeOption;
    settledAt: string;
    via: SettledVia;
    satisfiedBy: OrderFactRef[];
    refund: boolean;
    contestWindowEndsAt: string | null;
  };
}
export interface ReviewRequested {
  type: 'ReviewRequested';
  data: {
    disputeId: string;
    reason: ReviewReason;
    since: string;
    failure?: SettlementFailure;
    findings: Finding[];
    defenseOnFile: boolean;
    /** Violations an adjudicator may find in this review. */
    allowedViolations: Violation[];
    /** APPEAL reviews: flagged overdue in the queue after this (APPEAL_REVIEW_WINDOW). */
    reviewDueAt?: string;
  };
}
export interface DisputeJudged {
  type: 'DisputeJudged';
  data: {
    disputeId: string;
    judgement: Judgement;
    /** The rules inputs, recorded so the judgement can be recomputed under another version (rejudge). */
    context: JudgeContext;
    basis: JudgementBasis;
    assessment?: ShippingAssessment;
    /** An appeal decision: the judgement it replaces (the earlier one stays in the history, marked superseded). */
    supersedes?: { decidedAt: string; outcome: Outcome; violation?: Violation; decidedBy: Judgement['decidedBy'] };
    /** Appeal decisions: the deciding adjudicator's sub (four eyes). */
    adjudicator?: string;
  };
}
export interface DeadlineFired {
  type: 'DeadlineFired';
  data: { disputeId: string; deadline: DeadlineKind; dueAt: string; firedAt: string };
}
export interface ContestWindowClosed {
  type: 'ContestWindowClosed';
  data: { disputeId: string; contestWindowEndsAt: string; closedAt: string };
}
export type DisputeEvent =
  | DisputeOpened
  | OptionChosen
  | ShipmentAwaited
  | ConsumerResponseRequested
  | ConsumerResponded
  | SettlementContested
  | DisputeSettled
  | ReviewRequested
  | DisputeJudged
  | DeadlineFired
  | ContestWindowClosed
  | AppealFiled;
export const DISPUTE_EVENT_TYPES = [
  'DisputeOpened',
  'OptionChosen',
  'ShipmentAwaited',
  'ConsumerResponseRequested',
  'ConsumerResponded',
  'SettlementContested',
  'DisputeSettled',
  'ReviewRequested',
  'DisputeJudged',
  'DeadlineFired',
  'ContestWindowClosed',
  'AppealFiled',
] as const;

// --------------------------------------------------------------------------------------------- state

export type ChoiceRecord = Omit<OptionChosen['data'], 'disputeId'>;
export type ReviewRecord = Omit<ReviewRequested['data'], 'disputeId'>;
export type SettlementRecord = Omit<DisputeSettled['data'], 'disputeId'>;

export interface JudgementRecord {
  judgement: Judgement;
  basis: JudgementBasis;
  context: JudgeContext;
  /** When an appeal decision replaced this judgement. */
  supersededAt?: string;
}

export interface DisputeState {
  status: 'NONE' | DisputeStatus;
  disputeId: string;
  orderId: string;
  merchantId: string;
  consumerId: string;
  flow: Flow;
  openedAt: string;
  responseDueAt: string;
  settings: DisputeSettings;
  order: OrderSummary | null;
  shippingAtOpening: ShippingAssessment | null;
  /** Every accepted choice, in order. */
  choices: ChoiceRecord[];
  settlementChoice: ChoiceRecord | null;
  defenseChoice: ChoiceRecord | null;
  agreedShipBy: string | null;
  consumerResponseDueAt: string | null;
  contestWindowEndsAt: string | null;
  contestWindowClosed: boolean;
  settlement: SettlementRecord | null;
  consumerResponse: { accepted: boolean; comment?: string; respondedAt: string } | null;
  contest: { statement: string; contestedAt: string } | null;
  /** The current review (UNDER_REVIEW), kept on JUDGED as the review that led to the judgement. */
  review: ReviewRecord | null;
  judgement: Judgement | null;
  judgementContext: JudgeContext | null;
  /** How the standing judgement came about (DisputeJudged basis). */
  judgementBasis: JudgementBasis | null;
  /** Every judgement in order; one an appeal decision replaced carries `supersededAt`. */
  judgements: JudgementRecord[];
  /** The case's appeal (at most one), with its decision once decided. */
  appeal: AppealRecord | null;
  firedDeadlines: { deadline: DeadlineKind; dueAt: string; firedAt: string }[];
}

export function initialState(): DisputeState {
  return {
    status: 'NONE',
    disputeId: '',
    orderId: '',
    merchantId: '',
    consumerId: '',
    flow: 'UNIFIED',
    openedAt: '',
    responseDueAt: '',
    settings: { responseWindowMs: 0, consumerResponseWindowMs: 0, contestWindowMs: 0, maxAgreedShipDelayMs: 0 },
    order: null,
    shippingAtOpening: null,
    choices: [],
    settlementChoice: null,
    defenseChoice: null,
    agreedShipBy: null,
    consumerResponseDueAt: null,
    contestWindowEndsAt: null,
    contestWindowClosed: false,
    settlement: null,
    consumerResponse: null,
    contest: null,
    review: null,
    judgement: null,
    judgementContext: null,
    judgementBasis: null,
    judgements: [],
    appeal: null,
    firedDeadlines: [],
  };
}

export function evolve(state: DisputeState, event: { type: string; data: unknown }): DisputeState {
  const e = event as DisputeEvent;
  switch (e.type) {
    case 'DisputeOpened': {
      const d = e.data;
      return {
        ...state,
        status: 'AWAITING_MERCHANT',
        disputeId: d.disputeId,
        orderId: d.orderId,
        merchantId: d.merchantId,
        consumerId: d.consumerId,
        flow: d.flow,
        openedAt: d.openedAt,
        responseDueAt: d.responseDueAt,
        settings: d.settings,
        order: d.order ?? null,
        shippingAtOpening: d.shippingAtOpening ?? null,
      };
    }
    case 'OptionChosen': {
      const { disputeId: _id, ...choice } = e.data;
      const next: DisputeState = { ...state, choices: [...state.choices, choice] };
      if (choice.slot === 'SETTLEMENT') {
        next.settlementChoice = choice;
        next.contestWindowEndsAt = choice.contestWindowEndsAt ?? null;
      } else {
        next.defenseChoice = choice;
        if (state.status === 'UNDER_REVIEW' && state.review) {
          const allowed = state.review.allowedViolations.includes('LATE_SHIPMENT')
            ? state.review.allowedViolations
            : [...state.review.allowedViolations, 'LATE_SHIPMENT' as Violation];
          next.review = { ...state.review, defenseOnFile: true, allowedViolations: allowed };
        }
      }
      return next;
    }
    case 'ShipmentAwaited':
      return { ...state, status: 'AWAITING_SHIPMENT', agreedShipBy: e.data.agreedShipBy, review: null };
    case 'ConsumerResponseRequested':
      return { ...state, status: 'AWAITING_CONSUMER', consumerResponseDueAt: e.data.consumerResponseDueAt, review: null };
    case 'ConsumerResponded': {
      const { disputeId: _id, ...r } = e.data;
      return { ...state, consumerResponse: r };
    }
    case 'SettlementContested':
      return { ...state, contest: { statement: e.data.statement, contestedAt: e.data.contestedAt } };
    case 'DisputeSettled': {
      const { disputeId: _id, ...s } = e.data;
      return { ...state, status: 'SETTLED', settlement: s, review: null };
    }
    case 'ReviewRequested': {
      const { disputeId: _id, ...r } = e.data;
      return { ...state, status: 'UNDER_REVIEW', review: r };
    }
    case 'DisputeJudged': {
      const history = (state.judgements ?? []).map((r, i, all) =>
        e.data.supersedes && i === all.length - 1 ? { ...r, supersededAt: e.data.judgement.decidedAt } : r,
      );
      const record: JudgementRecord = { judgement: e.data.judgement, basis: e.data.basis, context: e.data.context };
      const appeal =
        state.appeal && (e.data.basis === 'APPEAL_UPHELD' || e.data.basis === 'APPEAL_OVERTURNED')
          ? {
              ...state.appeal,
              decision: compact({ outcome: e.data.basis === 'APPEAL_UPHELD' ? ('UPHELD' as const) : ('OVERTURNED' as const), decidedAt: e.data.judgement.decidedAt, adjudicator: e.data.adjudicator }),
            }
          : (state.appeal ?? null);
      return {
        ...state,
        status: 'JUDGED',
        judgement: e.data.judgement,
        judgementContext: e.data.context,
        judgementBasis: e.data.basis,
        judgements: [...history, record],
        appeal,
      };
    }
    case 'AppealFiled': {
      const { disputeId: _id, ...appeal } = e.data;
      return { ...state, appeal };
    }
    case 'DeadlineFired':
      return {
        ...state,
        firedDeadlines: [...state.firedDeadlines, { deadline: e.data.deadline, dueAt: e.data.dueAt, firedAt: e.data.firedAt }],
      };
    case 'ContestWindowClosed':
      return { ...state, contestWindowClosed: true };
    default:
      return state;
  }
}

// ----------------------------------------------------------------------------------- derived queries

/** Final: JUDGED, or SETTLED with nothing left to contest (see the header). `now` lets a passed window count. */
export function isFinal(state: DisputeState, now?: string): boolean {
  if (state.status === 'JUDGED') return true;
  if (state.status !== 'SETTLED') return false;
  if (state.contestWindowEndsAt === null || state.contestWindowClosed) return true;
  return now !== undefined && toMs(now, 'now') > Date.parse(state.contestWindowEndsAt);
}

/**
 * Whether the standing judgement holds the merchant not liable for the order's late shipment (so the order's
 * lateness is not counted on the scorecard or in the week's assessment): a verified no-fault defense, an
 * adjudicator's not-liable decision in a review where late shipment was at issue, or an appeal that
 * overturned a late-shipment liability. A not-liable judgement at the response deadline (the order was not
 * late yet, or not assessed) excuses nothing: lateness that comes later still counts.
 */
export function lateShipmentExcuse(state: DisputeState): { basis: JudgementBasis; decidedAt: string } | null {
  const j = state.judgement;
  if (!j || j.outcome !== 'MERCHANT_NOT_LIABLE' || state.status !== 'JUDGED') return null;
  const basis = state.judgementBasis;
  const excuse = { basis: basis!, decidedAt: j.decidedAt };
  switch (basis) {
    case 'DEFENSE_VERIFIED':
      return excuse;
    case 'ADJUDICATOR':
      return state.review?.allowedViolations.includes('LATE_SHIPMENT') ? excuse : null;
    case 'APPEAL_OVERTURNED': {
      const history = state.judgements ?? [];
      const appealed = history[history.length - 2]?.judgement;
      return appealed?.violation === 'LATE_SHIPMENT' ? excuse : null;
    }
    default:
      return null;
  }
}

function contestable(state: DisputeState): boolean {
  const c = state.settlementChoice;
  return c !== null && CONTESTABLE_OPTIONS.includes(c.option) && state.contestWindowEndsAt !== null;
}

export interface PendingDeadline {
  deadline: DeadlineKind;
  dueAt: string;
}

/** Deadlines that will fire (when due), derived from state only; the scheduler indexes these. */
export function pendingDeadlines(state: DisputeState): PendingDeadline[] {
  const out: PendingDeadline[] = [];
  switch (state.status) {
    case 'AWAITING_MERCHANT':
      out.push({ deadline: 'RESPONSE', dueAt: state.responseDueAt });
      break;
    case 'AWAITING_SHIPMENT':
      if (state.agreedShipBy) out.push({ deadline: 'AGREED_SHIP_BY', dueAt: state.agreedShipBy });
      break;
    case 'AWAITING_CONSUMER':
      if (state.consumerResponseDueAt) out.push({ deadline: 'CONSUMER_RESPONSE', dueAt: state.consumerResponseDueAt });
      break;
    default:
      break;
  }
  if (
    (state.status === 'SETTLED' || state.status === 'AWAITING_SHIPMENT') &&
    contestable(state) &&
    !state.contestWindowClosed &&
    state.contest === null
  ) {
    out.push({ deadline: 'CONTEST', dueAt: state.contestWindowEndsAt! });
  }
  return out.sort((a, b) => Date.parse(a.dueAt) - Date.parse(b.dueAt));
}

// ------------------------------------------------------------------------------------------- decide

export function decide(command: DisputeCommand, state: DisputeState): DisputeEvent[] {
  switch (command.type) {
    case 'OpenDispute':
      return openDispute(command, state);
    case 'ChooseOption':
      return chooseOption(command, state);
    case 'ConsumerRespond':
      return consumerRespond(command, state);
    case 'Contest':
      return contest(command, state);
    case 'Judge':
      return judge(command, state);
    case 'ObservePickup':
      return observePickup(command, state);
    case 'FireDeadline':
      return fireDeadline(command, state);
    case 'FileAppeal':
      return fileAppeal(command, state);
    default:
      throw invalidInput(`Unknown dispute command ${(command as { type?: unknown }).type as string}`);
  }
}

function requireOpened(state: DisputeState): void {
  if (state.status === 'NONE') throw new DomainError('DISPUTE_NOT_FOUND', 'Dispute not found');
}

function validateSettings(s: DisputeSettings | undefined): DisputeSettings {
  if (!s || typeof s !== 'object') throw invalidInput('settings are required', { field: 'settings' });
  const keys = ['responseWindowMs', 'consumerResponseWindowMs', 'contestWindowMs', 'maxAgreedShipDelayMs'] as const;
  for (const k of keys) positiveMs(s[k], `settings.${k}`);
  for (const k of ['appealWindowMs', 'appealReviewWindowMs'] as const) if (s[k] !== undefined) positiveMs(s[k], `settings.${k}`);
  return compact({
    responseWindowMs: s.responseWindowMs,
    consumerResponseWindowMs: s.consumerResponseWindowMs,
    contestWindowMs: s.contestWindowMs,
    maxAgreedShipDelayMs: s.maxAgreedShipDelayMs,
    appealWindowMs: s.appealWindowMs,
    appealReviewWindowMs: s.appealReviewWindowMs,
  });
}

function validateOrder(order: OrderSnapshot | undefined, state?: DisputeState): OrderSnapshot {
  if (!order || typeof order !== 'object' || !Array.isArray(order.facts)) throw invalidInput('order snapshot is required', { field: 'order' });
  if (state && state.status !== 'NONE' && order.orderId !== state.orderId) {
    throw invalidInput(`order snapshot is for ${order.orderId}, the dispute is about ${state.orderId}`, { field: 'order' });
  }
  return order;
}

function openDispute(cmd: OpenDispute, state: DisputeState): DisputeEvent[] {
  if (state.status !== 'NONE') throw new DomainError('DISPUTE_ALREADY_EXISTS', `Dispute ${state.disputeId} already exists`);
  const disputeId = nonEmpty(cmd.disputeId, 'disputeId');
  const order = validateOrder(cmd.order);
  const nowMs = toMs(cmd.now, 'now');
  const openedMs = toMs(cmd.openedAt, 'openedAt');
  if (openedMs > nowMs) throw new DomainError('OPENED_AT_IN_FUTURE', 'openedAt may not be in the future', { field: 'openedAt' });
  if (openedMs < Date.parse(order.placedAt)) {
    throw new DomainError('OPENED_BEFORE_PLACEMENT', 'A dispute cannot be opened before the order was placed', { field: 'openedAt' });
  }
  if (!isOneOf(FLOWS, cmd.flow)) throw invalidInput('flow must be UNIFIED or LEGACY', { field: 'flow' });
  const settings = validateSettings(cmd.settings);
  return [
    {
      type: 'DisputeOpened',
      data: {
        disputeId,
        orderId: order.orderId,
        merchantId: order.merchantId,
        consumerId: order.consumerId,
        flow: cmd.flow,
        openedAt: iso(openedMs),
        responseDueAt: iso(openedMs + settings.responseWindowMs),
        settings,
        order: compact({
          placedAt: order.placedAt,
          paymentMethod: order.paymentMethod,
          orderKind: order.orderKind,
          promisedShipAt: order.promisedShipAt,
          amount: order.amount,
        }),
        shippingAtOpening: assessShipping(order, iso(openedMs)),
      },
    },
  ];
}

// ---- choosing an option

function slotOf(option: DisputeOption): ChoiceSlot {
  return option === 'NO_FAULT_DEFENSE' ? 'DEFENSE' : 'SETTLEMENT';
}

/** Why the state does not allow a choice in this slot now, or null. */
function choiceBlocker(state: DisputeState, slot: ChoiceSlot, nowMs: number): DomainError | null {
  if (state.status === 'NONE') return new DomainError('DISPUTE_NOT_FOUND', 'Dispute not found');
  if (state.flow === 'UNIFIED') {
    if (state.choices.length > 0) {
      return new DomainError('CHOICE_ALREADY_MADE', 'A choice already stands for this dispute', { option: state.choices[0].option });
    }
  } else {
    const filed = slot === 'SETTLEMENT' ? state.settlementChoice : state.defenseChoice;
    if (filed) {
      return new DomainError('CHOICE_ALREADY_MADE', `A ${slot === 'SETTLEMENT' ? 'settlement' : 'defense'} is already filed for this dispute`, {
        slot,
        option: filed.option,
      });
    }
  }
  if (isFinal(state, iso(nowMs))) return new DomainError('CASE_FINAL', 'The case is final');
  if (nowMs > Date.parse(state.responseDueAt)) {
    return new DomainError('RESPONSE_WINDOW_CLOSED', `The merchant's response window closed at ${state.responseDueAt}`, {
      responseDueAt: state.responseDueAt,
    });
  }
  const s = state.status;
  const ok =
    state.flow === 'UNIFIED'
      ? s === 'AWAITING_MERCHANT'
      : slot === 'SETTLEMENT'
        ? s === 'AWAITING_MERCHANT' || (s === 'UNDER_REVIEW' && state.review?.reason === 'DEFENSE')
        : s === 'AWAITING_MERCHANT' || s === 'AWAITING_SHIPMENT' || s === 'AWAITING_CONSUMER' || s === 'SETTLED' || s === 'UNDER_REVIEW';
  if (!ok) return new DomainError('INVALID_STATE', `No ${slot.toLowerCase()} can be filed while the dispute is ${s}`, { status: s });
  return null;
}

export interface ChoiceInput {
  agreedShipBy?: string;
  evidence?: Evidence[];
  defense?: Defense;
  delayExcuses?: DelayExcuse[];
}

interface PreconditionResult {
  missing: string[];
  requires: string[];
  satisfiedBy: OrderFactRef[];
}

function evidenceMissing(reason: DefenseReason, evidence: Evidence[]): string | null {
  const req = DEFENSE_REQUIREMENTS[reason];
  if (req.minEvidence === 0) return null;
  const counted = evidence.filter((e) => req.requiredEvidenceKinds.length === 0 || req.requiredEvidenceKinds.includes(e.kind));
  return counted.length >= req.minEvidence ? null : `DEFENSE_EVIDENCE:${req.requiredEvidenceKinds.join('|')}`;
}

/**
 * The option table of the brief. `input` undefined = "what is available" (GET options): options whose
 * parameters the merchant supplies (SHIP_BY_AGREED_DATE, NO_FAULT_DEFENSE) report `requires` and no
 * `missing`; with `input` they are checked strictly.
 */
function checkPreconditions(
  option: DisputeOption,
  input: ChoiceInput | undefined,
  order: OrderSnapshot,
  nowMs: number,
  settings: DisputeSettings,
): PreconditionResult {
  const facts = factsAsOf(order, nowMs);
  switch (option) {
    case 'CONSUMER_CANCELLED': {
      const matching = facts.filter((f) => f.type === 'CANCELLATION_REQUESTED' || f.type === 'REFUNDED');
      return { missing: matching.length ? [] : ['CANCELLATION_REQUESTED_OR_REFUNDED'], requires: [], satisfiedBy: matching };
    }
    case 'SHIPPED_WITH_PICKUP': {
      const waybill = facts.find((f) => f.type === 'WAYBILL_UPLOADED');
      const pickup = facts.find((f) => f.type === 'PICKUP_SCANNED');
      const missing: string[] = [];
      if (!waybill) missing.push('WAYBILL_UPLOADED');
      if (!pickup) missing.push('PICKUP_SCANNED');
      return { missing, requires: [], satisfiedBy: [waybill, pickup].filter((f): f is OrderFactRef => f !== undefined) };
    }
    case 'SHIP_BY_AGREED_DATE': {
      const requires = ['AGREED_SHIP_BY', 'AGREEMENT_EVIDENCE'];
      if (!input) return { missing: [], requires, satisfiedBy: [] };
      const missing: string[] = [];
      let pickup: OrderFactRef | undefined;
      if (input.agreedShipBy === undefined || input.agreedShipBy === null) missing.push('AGREED_SHIP_BY');
      else {
        const byMs = toMs(input.agreedShipBy, 'agreedShipBy');
        if (byMs <= nowMs) missing.push('AGREED_SHIP_BY_IN_FUTURE');
        else if (byMs > nowMs + settings.maxAgreedShipDelayMs) missing.push('AGREED_SHIP_BY_WITHIN_MAX_DELAY');
        pickup = facts.find((f) => f.type === 'PICKUP_SCANNED' && Date.parse(f.occurredAt) <= byMs);
      }
      if (!input.evidence || input.evidence.length === 0) missing.push('AGREEMENT_EVIDENCE');
      return { missing, requires, satisfiedBy: pickup ? [pickup] : [] };
    }
    case 'OUT_OF_STOCK_REFUND':
      return { missing: [], requires: [], satisfiedBy: [] };
    case 'NO_FAULT_DEFENSE': {
      if (!input) return { missing: [], requires: ['DEFENSE', 'DEFENSE_EVIDENCE'], satisfiedBy: [] };
      const d = input.defense;
      if (!d || !isOneOf(DEFENSE_REASONS, d.reason)) return { missing: ['DEFENSE'], requires: ['DEFENSE', 'DEFENSE_EVIDENCE'], satisfiedBy: [] };
      const req = DEFENSE_REQUIREMENTS[d.reason];
      const requires = ['DEFENSE', ...(req.minEvidence > 0 ? [`DEFENSE_EVIDENCE:${req.requiredEvidenceKinds.join('|')}`] : [])];
      const missing: string[] = [];
      if (typeof d.statement !== 'string' || d.statement.trim() === '') missing.push('DEFENSE_STATEMENT');
      const ev = evidenceMissing(d.reason, input.evidence ?? []);
      if (ev) missing.push(ev);
      return { missing, requires, satisfiedBy: [] };
    }
  }
}

function validateDelayExcuses(x: unknown): DelayExcuse[] | undefined {
  if (x === undefined || x === null) return undefined;
  if (!Array.isArray(x)) throw invalidInput('delayExcuses must be a list', { field: 'delayExcuses' });
  return x.map((e: DelayExcuse, i) => {
    if (!e || !['PRE_REPORT', 'EMERGENCY_REPORT', 'DELAY_CARD'].includes(e.kind)) throw invalidInput(`delayExcuses[${i}].kind invalid`);
    if (!['APPROVED', 'REJECTED', 'PENDING', 'CANCELLED'].includes(e.status)) throw invalidInput(`delayExcuses[${i}].status invalid`);
    return compact({ kind: e.kind, ref: nonEmpty(e.ref, `delayExcuses[${i}].ref`), status: e.status, coversOrder: e.coversOrder === true, detail: e.detail });
  });
}

function factsOf(a: ShippingAssessment): OrderFactRef[] {
  return [a.waybillFact, a.pickupFact].filter((f): f is OrderFactRef => f !== null);
}

/** A human-readable shipping-assessment finding, carrying the facts it rests on. */
export function assessmentFinding(a: ShippingAssessment): Finding {
  let detail: string;
  if (!a.assessed) detail = `Order not assessed for late shipment (${a.notAssessedReasons.join(', ')})`;
  else if (a.clockStartsAt === null) detail = 'Shipping clock not started (order not paid)';
  else if (a.late) {
    detail = `Late as of ${a.asOf}: ${a.lateReasons.join(', ')} (clock ${a.clockStartsAt}, waybill due ${a.waybillDueAt}, pickup due ${a.pickupDueAt}; waybill ${a.waybillUploadedAt ?? 'missing'}, pickup ${a.pickupScannedAt ?? 'missing'})`;
  } else if (a.shippedWithinDeadline) detail = `Shipped within the deadlines (waybill ${a.waybillUploadedAt} ≤ ${a.waybillDueAt}, pickup ${a.pickupScannedAt} ≤ ${a.pickupDueAt})`;
  else detail = `Not late as of ${a.asOf} (waybill due ${a.waybillDueAt}, pickup due ${a.pickupDueAt}; waybill ${a.waybillUploadedAt ?? 'missing'}, pickup ${a.pickupScannedAt ?? 'missing'})`;
  const f: Finding = { rule: 'SHIPPING_ASSESSMENT', detail };
  const facts = factsOf(a);
  if (facts.length) f.facts = facts;
  return f;
}

/** The system's verification of a defense reason: proven (→ NOT_LIABLE by SYSTEM) or findings for review. */
export function verifyDefense(
  reason: DefenseReason,
  assessment: ShippingAssessment,
  delayExcuses: DelayExcuse[] | undefined,
): { proven: boolean; findings: Finding[] } {
  const findings: Finding[] = [assessmentFinding(assessment)];
  switch (reason) {
    case 'SHIPPED_WITHIN_DEADLINE': {
      const proven = assessment.shippedWithinDeadline;
      findings.push(
        proven
          ? { rule: 'SHIPPED_WITHIN_DEADLINE_VERIFIED', detail: 'Waybill and pickup scan on record within 24 h / 48 h of the clock start', facts: factsOf(assessment) }
          : { rule: 'SHIPPED_WITHIN_DEADLINE_NOT_PROVEN', detail: 'The order facts do not show a waybill within 24 h and a pickup scan within 48 h' },
      );
      return { proven, findings };
    }
    case 'ORDER_NOT_ASSESSED': {
      const proven = !assessment.assessed;
      findings.push(
        proven
          ? { rule: 'ORDER_NOT_ASSESSED_VERIFIED', detail: `Not assessed: ${assessment.notAssessedReasons.join(', ')}` }
          : { rule: 'ORDER_NOT_ASSESSED_NOT_PROVEN', detail: 'The order kind, payment method and status make it subject to the shipping deadlines' },
      );
      return { proven, findings };
    }
    case 'DELAY_REPORTED':
    case 'DELAY_CARD_ACCEPTED': {
      if (delayExcuses === undefined) {
        findings.push({
          rule: 'DELAY_EXCUSE_NOT_VERIFIED',
          detail: 'No delay reports or delay cards were looked up for this choice; an adjudicator reviews this defense',
        });
        return { proven: false, findings };
      }
      const kinds = reason === 'DELAY_REPORTED' ? ['PRE_REPORT', 'EMERGENCY_REPORT'] : ['DELAY_CARD'];
      const relevant = delayExcuses.filter((x) => kinds.includes(x.kind));
      const matching = relevant.filter((x) => x.status === 'APPROVED' && x.coversOrder);
      const cite = (xs: DelayExcuse[]) => xs.map((x) => ({ kind: x.kind, ref: x.ref, status: x.status }));
      const details = (xs: DelayExcuse[]) => xs.map((x) => x.detail).filter((d): d is string => !!d);
      if (matching.length) {
        const more = details(matching);
        findings.push({
          rule: `${reason}_VERIFIED`,
          detail: `Approved and covering the order: ${matching.map((m) => `${m.kind} ${m.ref}`).join(', ')}${more.length ? ` (${more.join('; ')})` : ''}`,
          excuses: cite(matching),
        });
      } else {
        const seen = relevant.map((x) => `${x.kind} ${x.ref} ${x.status}${x.coversOrder ? '' : ', not covering the order'}`);
        findings.push({
          rule: `${reason}_NOT_PROVEN`,
          detail: `No approved ${kinds.join(' / ')} covering the order is on record${seen.length ? `; on record: ${seen.join('; ')}` : ''}`,
          ...(relevant.length ? { excuses: cite(relevant) } : {}),
        });
      }
      return { proven: matching.length > 0, findings };
    }
    default:
      findings.push({ rule: 'ADJUDICATOR_REVIEW_REQUIRED', detail: `${reason} is judged by an adjudicator on the evidence` });
      return { proven: false, findings };
  }
}

function judgedEvent(
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

function reviewEvent(
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
function settlementFailed(
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

function chooseOption(cmd: ChooseOption, state: DisputeState): DisputeEvent[] {
  requireOpened(state);
  const nowMs = toMs(cmd.now, 'now');
  const now = iso(nowMs);
  if (!isOneOf(DISPUTE_OPTIONS, cmd.option)) throw invalidInput('Unknown option', { field: 'option' });
  const slot = slotOf(cmd.option);
  const blocker = choiceBlocker(state, slot, nowMs);
  if (blocker) throw blocker;
  const order = validateOrder(cmd.order, state);
  const rules = validateJudgeContext(cmd.rules);
  const evidence = validateEvidence(cmd.evidence);
  const delayExcuses = validateDelayExcuses(cmd.delayExcuses);
  if (cmd.defense !== undefined && cmd.defense !== null && cmd.option !== 'NO_FAULT_DEFENSE') {
    throw invalidInput('defense only applies to NO_FAULT_DEFENSE', { field: 'defense' });
  }
  if (cmd.agreedShipBy !== undefined && cmd.agreedShipBy !== null && cmd.option !== 'SHIP_BY_AGREED_DATE') {
    throw invalidInput('agreedShipBy only applies to SHIP_BY_AGREED_DATE', { field: 'agreedShipBy' });
  }
  if (cmd.defense && !isOneOf(DEFENSE_REASONS, cmd.defense.reason)) throw invalidInput('Unknown defense reason', { field: 'defense.reason' });

  const pre = checkPreconditions(cmd.option, { agreedShipBy: cmd.agreedShipBy, evidence, defense: cmd.defense, delayExcuses }, order, nowMs, state.settings);
  if (pre.missing.length) {
    throw new DomainError('PRECONDITIONS_NOT_MET', `${cmd.option} cannot be chosen: missing ${pre.missing.join(', ')}`, {
      option: cmd.option,
      missing: pre.missing,
    });
  }

  const assessment = assessShipping(order, now);
  const base = {
    disputeId: state.disputeId,
    option: cmd.option,
    slot,
    chosenAt: now,
    evidence,
    satisfiedBy: pre.satisfiedBy,
    assessment,
  };
  const contestWindowEndsAt = CONTESTABLE_OPTIONS.includes(cmd.option) ? iso(nowMs + state.settings.contestWindowMs) : undefined;
  const chosen = (extra: Partial<OptionChosen['data']> & { disposition: ChoiceDisposition; findings: Finding[] }): OptionChosen => ({
    type: 'OptionChosen',
    data: compact({ ...base, contestWindowEndsAt, ...extra }) as OptionChosen['data'],
  });
  const settled = (satisfiedBy: OrderFactRef[]): DisputeSettled => ({
    type: 'DisputeSettled',
    data: {
      disputeId: state.disputeId,
      option: cmd.option,
      settledAt: now,
      via: 'CHOICE',
      satisfiedBy,
      refund: false,
      contestWindowEndsAt: contestWindowEndsAt ?? null,
    },
  });
  const factFinding = (rule: string, detail: string): Finding[] => [{ rule, detail, facts: pre.satisfiedBy }];

  switch (cmd.option) {
    case 'CONSUMER_CANCELLED':
      return [
        chosen({ disposition: 'SETTLED', findings: factFinding('CANCELLATION_OR_REFUND_ON_RECORD', 'Consumer cancellation request or refund on record') }),
        settled(pre.satisfiedBy),
      ];
    case 'SHIPPED_WITH_PICKUP':
      return [
        chosen({ disposition: 'SETTLED', findings: factFinding('WAYBILL_AND_PICKUP_ON_RECORD', 'Waybill upload and carrier pickup scan on record') }),
        settled(pre.satisfiedBy),
      ];
    case 'SHIP_BY_AGREED_DATE': {
      const agreedShipBy = iso(toMs(cmd.agreedShipBy, 'agreedShipBy'));
      if (pre.satisfiedBy.length) {
        // A pickup scan dated no later than the agreed time is already on record: the promise is kept.
        return [
          chosen({
            agreedShipBy,
            disposition: 'SETTLED',
            findings: factFinding('PICKUP_BY_AGREED_DATE_ON_RECORD', `Pickup scan on record no later than ${agreedShipBy}`),
          }),
          settled(pre.satisfiedBy),
        ];
      }
      return [
        chosen({ agreedShipBy, disposition: 'AWAITING_SHIPMENT', findings: [] }),
        { type: 'ShipmentAwaited', data: { disputeId: state.disputeId, agreedShipBy, since: now } },
      ];
    }
    case 'OUT_OF_STOCK_REFUND':
      return [
        chosen({ disposition: 'AWAITING_CONSUMER', findings: [] }),
        {
          type: 'ConsumerResponseRequested',
          data: { disputeId: state.disputeId, consumerResponseDueAt: iso(nowMs + state.settings.consumerResponseWindowMs), since: now },
        },
      ];
    case 'NO_FAULT_DEFENSE': {
      const defense: Defense = { reason: cmd.defense!.reason, statement: cmd.defense!.statement };
      const { proven, findings } = verifyDefense(defense.reason, assessment, delayExcuses);
      const extra = { defense, delayExcuses, findings };
      if (state.status === 'UNDER_REVIEW') return [chosen({ ...extra, disposition: 'ATTACHED_TO_REVIEW' })];
      if (state.status !== 'AWAITING_MERCHANT') return [chosen({ ...extra, disposition: 'HELD_AS_FALLBACK' })];
      if (proven) {
        const reasons: JudgementReason[] = [{ rule: `DEFENSE_${defense.reason}`, detail: defense.statement }, ...findings];
        return [
          chosen({ ...extra, disposition: 'JUDGED' }),
          judgedEvent(state, { outcome: 'MERCHANT_NOT_LIABLE', decidedBy: 'SYSTEM', decidedAt: now, reasons }, rules, 'DEFENSE_VERIFIED', assessment),
        ];
      }
      const stateWithDefense = evolve(state, chosen({ ...extra, disposition: 'UNDER_REVIEW' }));
      return [
        chosen({ ...extra, disposition: 'UNDER_REVIEW' }),
        { ...reviewEvent(stateWithDefense, 'DEFENSE', now, [], ['LATE_SHIPMENT']) },
      ];
    }
  }
}

// ---- consumer

function consumerRespond(cmd: ConsumerRespond, state: DisputeState): DisputeEvent[] {
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

function contest(cmd: Contest, state: DisputeState): DisputeEvent[] {
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

// ---- adjudicator

function judge(cmd: Judge, state: DisputeState): DisputeEvent[] {
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

// ---- logistics

function observePickup(cmd: ObservePickup, state: DisputeState): DisputeEvent[] {
  requireOpened(state);
  const nowMs = toMs(cmd.now, 'now');
  const p = cmd.pickup;
  if (!p || p.type !== 'PICKUP_SCANNED') throw invalidInput('pickup must be a PICKUP_SCANNED fact', { field: 'pickup' });
  const occurredMs = toMs(p.occurredAt, 'pickup.occurredAt');
  if (occurredMs > nowMs) throw new DomainError('FACT_IN_FUTURE', 'A fact may not be dated in the future', { field: 'pickup.occurredAt' });
  if (state.status !== 'AWAITING_SHIPMENT' || occurredMs > Date.parse(state.agreedShipBy!)) return [];
  return [
    {
      type: 'DisputeSettled',
      data: {
        disputeId: state.disputeId,
        option: 'SHIP_BY_AGREED_DATE',
        settledAt: iso(nowMs),
        via: 'PICKUP_OBSERVED',
        satisfiedBy: [compact({ seq: p.seq, type: p.type, occurredAt: iso(occurredMs), carrier: p.carrier, waybillNo: p.waybillNo })],
        refund: false,
        contestWindowEndsAt: state.contestWindowEndsAt,
      },
    },
  ];
}

// ---- deadlines

function fireDeadline(cmd: FireDeadline, state: DisputeState): DisputeEvent[] {
  requireOpened(state);
  if (!isOneOf(DEADLINE_KINDS, cmd.deadline)) throw invalidInput('Unknown deadline', { field: 'deadline' });
  const nowMs = toMs(cmd.now, 'now');
  const now = iso(nowMs);
  const pending = pendingDeadlines(state).find((d) => d.deadline === cmd.deadline);
  if (!pending || nowMs < Date.parse(pending.dueAt)) return [];
  const fired: DeadlineFired = {
    type: 'DeadlineFired',
    data: { disputeId: state.disputeId, deadline: cmd.deadline, dueAt: pending.dueAt, firedAt: now },
  };

  switch (cmd.deadline) {
    case 'RESPONSE': {
      const order = validateOrder(cmd.order, state);
      const rules = validateJudgeContext(cmd.rules);
      const a = assessShipping(order, now);
      const reasons: JudgementReason[] = [
        { rule: 'NO_RESPONSE_BY_DEADLINE', detail: `The merchant chose no option by ${state.responseDueAt}; judged from the order facts` },
      ];
      if (a.late) {
        if (a.waybillLate) {
          reasons.push({
            rule: 'WAYBILL_LATE',
            detail: `Waybill due ${a.waybillDueAt}, ${a.waybillUploadedAt ? `uploaded ${a.waybillUploadedAt}` : `missing as of ${a.asOf}`}`,
            ...(a.waybillFact ? { facts: [a.waybillFact] } : {}),
          });
        }
        if (a.pickupLate) {
          reasons.push({
            rule: 'PICKUP_LATE',
            detail: `Pickup scan due ${a.pickupDueAt}, ${a.pickupScannedAt ? `scanned ${a.pickupScannedAt}` : `missing as of ${a.asOf}`}`,
            ...(a.pickupFact ? { facts: [a.pickupFact] } : {}),
          });
        }
        return [
          fired,
          judgedEvent(state, { outcome: 'MERCHANT_LIABLE', violation: 'LATE_SHIPMENT', decidedBy: 'SYSTEM', decidedAt: now, reasons }, rules, 'RESPONSE_DEADLINE_MISSED', a),
        ];
      }
      if (!a.assessed) reasons.push({ rule: 'ORDER_NOT_ASSESSED', detail: `Not assessed for late shipment: ${a.notAssessedReasons.join(', ')}` });
      else reasons.push(assessmentFinding(a));
      return [
        fired,
        judgedEvent(state, { outcome: 'MERCHANT_NOT_LIABLE', decidedBy: 'SYSTEM', decidedAt: now, reasons }, rules, 'RESPONSE_DEADLINE_MISSED', a),
      ];
    }
    case 'AGREED_SHIP_BY': {
      const order = validateOrder(cmd.order, state);
      const byMs = Date.parse(state.agreedShipBy!);
      const pickup = factsAsOf(order, nowMs).find((f) => f.type === 'PICKUP_SCANNED' && Date.parse(f.occurredAt) <= byMs);
      if (pickup) {
        return [
          fired,
          {
            type: 'DisputeSettled',
            data: {
              disputeId: state.disputeId,
              option: 'SHIP_BY_AGREED_DATE',
              settledAt: now,
              via: 'AGREED_SHIP_BY_DEADLINE',
              satisfiedBy: [pickup],
              refund: false,
              contestWindowEndsAt: state.contestWindowEndsAt,
            },
          },
        ];
      }
      const rules = validateJudgeContext(cmd.rules);
      const reason: JudgementReason = {
        rule: 'NO_PICKUP_BY_AGREED_DATE',
        detail: `No carrier pickup scan on record by the agreed ship-by time ${state.agreedShipBy} (breach of promise)`,
      };
      return [fired, ...settlementFailed(state, 'NO_PICKUP_BY_AGREED_DATE', 'BREACH_OF_PROMISE', reason, now, rules)];
    }
    case 'CONSUMER_RESPONSE':
      return [
        fired,
        reviewEvent(
          state,
          'CONSUMER_NO_RESPONSE',
          now,
          [{ rule: 'CONSUMER_NO_RESPONSE', detail: `The consumer did not answer the out-of-stock refund by ${state.consumerResponseDueAt}` }],
          ['OUT_OF_STOCK'],
        ),
      ];
    case 'CONTEST':
      return [fired, { type: 'ContestWindowClosed', data: { disputeId: state.disputeId, contestWindowEndsAt: pending.dueAt, closedAt: now } }];
  }
}

// ------------------------------------------------------------------------------------- option listing

export interface OptionEvaluation {
  option: DisputeOption;
  available: boolean;
  /** Missing facts / inputs (same names as PRECONDITIONS_NOT_MET details.missing). */
  missing: string[];
  /** What the merchant must supply with this option. */
  requires: string[];
  /** Why the dispute's state does not allow this option now (code of the error ChooseOption would throw). */
  blockedBy?: { code: string; message: string };
  /** NO_FAULT_DEFENSE only: what each reason requires. */
  defenseReasons?: (DefenseRequirement & { reason: DefenseReason })[];
}

/**
 * GET /disputes/{id}/options: each option with whether ChooseOption would accept it now. Without `input`,
 * SHIP_BY_AGREED_DATE and NO_FAULT_DEFENSE are available when the state allows them, listing in
 * `requires` what must be supplied; with `input` they are checked as ChooseOption would check them.
 * The settings recorded when the dispute opened are used (the `settings` argument only applies to a
 * dispute not yet opened).
 */
export function evaluateOptions(
  state: DisputeState,
  order: OrderSnapshot,
  now: string,
  settings?: DisputeSettings,
  input?: ChoiceInput,
): OptionEvaluation[] {
  requireOpened(state);
  const nowMs = toMs(now, 'now');
  const s = state.status !== 'NONE' ? state.settings : (settings ?? state.settings);
  return DISPUTE_OPTIONS.map((option) => {
    const blocker = choiceBlocker(state, slotOf(option), nowMs);
    const pre = checkPreconditions(option, input, order, nowMs, s);
    const ev: OptionEvaluation = { option, available: !blocker && pre.missing.length === 0, missing: pre.missing, requires: pre.requires };
    if (blocker) ev.blockedBy = { code: blocker.code, message: blocker.message };
    if (option === 'NO_FAULT_DEFENSE') ev.defenseReasons = DEFENSE_REASONS.map((reason) => ({ reason, ...DEFENSE_REQUIREMENTS[reason] }));
    return ev;
  });
}

// --------------------------------------------------------------------------------------------- views

export interface ChoiceView {
  option: DisputeOption;
  slot: ChoiceSlot;
  chosenAt: string;
  agreedShipBy?: string;
  evidence: Evidence[];
  defense?: Defense;
  /** NO_FAULT_DEFENSE: the delay reports / cards the system looked at (as recorded in OptionChosen). */
  delayExcuses?: DelayExcuse[];
  satisfiedBy: OrderFactRef[];
  findings: Finding[];
  disposition: ChoiceDisposition;
  contestWindowEndsAt?: string;
}

export interface DisputeView {
  disputeId: string;
  orderId: string;
  merchantId: string;
  consumerId: string;
  status: DisputeStatus;
  flow: Flow;
  openedAt: string;
  responseDueAt: string;
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
  consumerResponse?: { accepted: boolean; comment?: string; respondedAt: string };
  contest?: { statement: string; contestedAt: string };
  /** The case's appeal (statement, evidence, who filed it, the appealed judgement, its decision). */
  appeal?: AppealRecord;
  /** Until when the standing liability may be appealed (absent when it may not be). */
  appealableUntil?: string;
  settings: DisputeSettings;
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

function appealableUntil(state: DisputeState): string | undefined {
  const j = state.judgement;
  const w = state.settings.appealWindowMs;
  if (state.appeal || state.status !== 'JUDGED' || !j || j.outcome !== 'MERCHANT_LIABLE' || w === undefined) return undefined;
  return iso(Date.parse(j.decidedAt) + w);
}

/**
 * Whether the case still counts as the order's open rush-order dispute (a new one is refused while it does):
 * not final — except a case whose judgement is under appeal. An appeal reviews a judgement; it does not
 * reopen the dispute (no choice, no consumer step, no deadline), so it never holds up a new urging.
 */
export function blocksNewDispute(state: DisputeState, now?: string): boolean {
  if (isFinal(state, now)) return false;
  return !(state.status === 'UNDER_REVIEW' && state.review?.reason === 'APPEAL');
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
    appealableUntil: appealableUntil(state),
    settings: state.settings,
  });
}

// -------------------------------------------------------------------------------------------- replay

export interface RejudgedJudgement {
  /** As recorded in its DisputeJudged event (points as they stood then; provisional while the week was open). */
  recorded: Judgement;
  /** The recorded judgement under its own rules version with the week statistics of the replay (`weekStats`): its points as settled / as they stand now. */
  settled: Judgement;
  /** The same judgement under the replay's rules version and week statistics. */
  replayed: Judgement;
  differs: boolean;
  differences: string[];
  /** Set on a judgement an appeal decision replaced. */
  supersededAt?: string;
}

export interface RejudgeResult {
  rulesVersion: RulesVersion;
  /** The standing judgement as recorded (null when the case has none). */
  recorded: Judgement | null;
  /** The standing judgement under its own version with the replay's week statistics (= recorded without `weekStats`). */
  settled: Judgement | null;
  /** The standing judgement recomputed under `rulesVersion` from the recorded inputs. */
  replayed: Judgement | null;
  /** Whether outcome, violation or penalty points differ between `settled` and `replayed`. */
  differs: boolean;
  differences: string[];
  /** Every judgement of the case in order (an appealed one and its appeal decision). */
  judgements: RejudgedJudgement[];
  /** The dispute state folded from the events with the replayed judgements. */
  state: DisputeState;
}

/** The week statistics a replay judges with: the week's settled statistics, or those at the time of asking. */
export interface ReplayWeek {
  merchantWeek: MerchantWeek | null;
  /** True when `merchantWeek` is the settled week (its assessment was recorded). */
  weekFinal: boolean;
}

function compareJudgements(a: Judgement, b: Judgement): string[] {
  const out: string[] = [];
  if (a.outcome !== b.outcome) out.push(`outcome: ${a.outcome} → ${b.outcome}`);
  if (a.violation !== b.violation) out.push(`violation: ${a.violation} → ${b.violation}`);
  if (a.penalty.points !== b.penalty.points) out.push(`penalty points: ${a.penalty.points} (${a.rulesVersion}) → ${b.penalty.points} (${b.rulesVersion})`);
  return out;
}

/**
 * Recomputes a case's judgements under another rules version from its recorded events alone: every
 * DisputeJudged event carries the judgement input (outcome, violation, reasons, decidedBy/At) and the
 * JudgeContext it was rendered with; the same renderJudgement is applied with the other version. Order
 * facts are not needed (they are captured in the events).
 *
 * `weekStats`: the merchant-week statistics to judge late-shipment points by — the app passes the week's
 * settled statistics (closed week) or those at the time of asking (open week), never the instant inside the
 * week the judgement was rendered at (v2 points depend on the whole week). Without it the recorded context is
 * used.
 */
export function rejudge(events: readonly { type: string; data: unknown }[], rulesVersion: RulesVersion, weekStats?: ReplayWeek): RejudgeResult {
  const version = parseRulesVersion(rulesVersion);
  let state = initialState();
  const judgements: RejudgedJudgement[] = [];
  for (const event of events) {
    if (event.type === 'DisputeJudged') {
      const d = (event as DisputeJudged).data;
      const { rulesVersion: recordedVersion, penalty: _p, ...input } = d.judgement;
      const week: JudgeContext = weekStats
        ? { rulesVersion: version, merchantWeek: weekStats.merchantWeek, ...(weekStats.weekFinal ? { weekFinal: true } : {}) }
        : { rulesVersion: version, merchantWeek: d.context?.merchantWeek ?? null, ...(d.context?.weekFinal ? { weekFinal: true } : {}) };
      const replayed = renderJudgement(input, week);
      const settled = weekStats ? renderJudgement(input, { ...week, rulesVersion: recordedVersion }) : d.judgement;
      const prev = judgements[judgements.length - 1];
      if (prev && d.supersedes) prev.supersededAt = d.judgement.decidedAt;
      const differences = compareJudgements(settled, replayed);
      judgements.push({ recorded: d.judgement, settled, replayed, differs: differences.length > 0, differences });
      state = evolve(state, { type: 'DisputeJudged', data: { ...d, judgement: replayed, context: week } });
    } else {
      state = evolve(state, event);
    }
  }
  const last = judgements[judgements.length - 1];
  return {
    rulesVersion: version,
    recorded: last?.recorded ?? null,
    settled: last?.settled ?? null,
    replayed: last?.replayed ?? null,
    differs: last?.differs ?? false,
    differences: last?.differences ?? [],
    judgements,
    state,
  };
}

export const decider: Decider<DisputeCommand, DisputeEvent, DisputeState> = { decide, evolve, initialState };
export const disputeDecider = decider;
