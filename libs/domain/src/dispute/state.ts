/** The dispute's state, folded from its stream: initial state and evolve. */
import type { AppealRecord } from '../appeal/appeal';
import type { JudgeContext, Judgement } from '../shared/rules';
import type { ShippingAssessment } from '../shared/shipping';
import { compact } from '../shared/time';
import type { DisputeStatus, Violation } from '../shared/types';
import type {
  ConsumerResponded,
  DeadlineFired,
  DisputeEvent,
  DisputeOpened,
  DisputeSettled,
  JudgementBasis,
  OptionChosen,
  OrderSummary,
  ReviewRequested,
  SettlementContested,
} from './events';

/** The case as opened — who, which order, which flow, when, the windows — kept unchanged by the state and the view. */
export type CaseOpening = Pick<DisputeOpened['data'], 'disputeId' | 'orderId' | 'merchantId' | 'consumerId' | 'flow' | 'openedAt' | 'responseDueAt' | 'settings'>;

export type ChoiceRecord = Omit<OptionChosen['data'], 'disputeId'>;

export type ConsumerResponseRecord = Omit<ConsumerResponded['data'], 'disputeId'>;

export type ContestRecord = Omit<SettlementContested['data'], 'disputeId'>;

export type ReviewRecord = Omit<ReviewRequested['data'], 'disputeId'>;

export type SettlementRecord = Omit<DisputeSettled['data'], 'disputeId'>;

export interface JudgementRecord {
  judgement: Judgement;
  basis: JudgementBasis;
  context: JudgeContext;
  /** When an appeal decision replaced this judgement. */
  supersededAt?: string;
}

export interface DisputeState extends CaseOpening {
  status: 'NONE' | DisputeStatus;
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
  consumerResponse: ConsumerResponseRecord | null;
  contest: ContestRecord | null;
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
  firedDeadlines: Omit<DeadlineFired['data'], 'disputeId'>[];
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
