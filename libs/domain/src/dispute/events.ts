/** Events of the dispute stream (plain JSON `{type, data}`) and the value types they carry. */
import type { AppealFiled } from '../appeal/appeal';
import type { Evidence } from '../shared/input';
import type { JudgeContext, Judgement, JudgementReason } from '../shared/rules';
import type { DisputeSettings } from '../shared/settings';
import type { ShippingAssessment } from '../shared/shipping';
import type { DeadlineKind, DefenseReason, DisputeOption, Flow, OrderFactRef, OrderSnapshot, Outcome, Violation } from '../shared/types';

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
