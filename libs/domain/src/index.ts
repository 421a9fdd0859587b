/**
 * Pure domain of the rush-order dispute service: deciders for the order and dispute streams, the shipping
 * assessment, rules versions / penalty points, and settings helpers. No Nest, no I/O, no clock: every
 * instant comes in a command.
 */
export type { Decider } from './decider';
export * from './errors';
export * from './types';
export * from './shipping';
export * from './rules';
export * from './settings';

// Order aggregate (decide/evolve/initialState are namespaced to avoid clashing with the dispute's).
export * as order from './order';
export {
  orderDecider,
  orderSnapshot,
  toOrderView,
  ORDER_EVENT_TYPES,
  type OrderCommand,
  type OrderEvent,
  type OrderState,
  type OrderFact,
  type OrderFactInput,
  type OrderView,
  type RegisterOrder,
  type RecordOrderFact,
  type OpenRushDispute,
  type OrderRegistered,
  type OrderFactRecorded,
  type RushDisputeOpened,
} from './order';

// Dispute aggregate.
export * as dispute from './dispute';
export {
  disputeDecider,
  DEFENSE_REQUIREMENTS,
  DISPUTE_EVENT_TYPES,
  evaluateOptions,
  pendingDeadlines,
  isFinal,
  toDisputeView,
  rejudge,
  verifyDefense,
  assessmentFinding,
  type DisputeCommand,
  type DisputeEvent,
  type DisputeState,
  type DisputeView,
  type ChoiceView,
  type ChoiceRecord,
  type ReviewRecord,
  type SettlementRecord,
  type ChoiceInput,
  type ChoiceSlot,
  type ChoiceDisposition,
  type ReviewReason,
  type SettlementFailure,
  type SettledVia,
  type JudgementBasis,
  type DefenseRequirement,
  type Evidence,
  type Defense,
  type DelayExcuse,
  type Finding,
  type OrderSummary,
  type OptionEvaluation,
  type PendingDeadline,
  type RejudgeResult,
  type OpenDispute,
  type ChooseOption,
  type ConsumerRespond,
  type Contest,
  type Judge,
  type ObservePickup,
  type FireDeadline,
  type DisputeOpened,
  type OptionChosen,
  type ShipmentAwaited,
  type ConsumerResponseRequested,
  type ConsumerResponded,
  type SettlementContested,
  type DisputeSettled,
  type ReviewRequested,
  type DisputeJudged,
  type DeadlineFired,
  type ContestWindowClosed,
} from './dispute';
