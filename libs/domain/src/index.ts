/**
 * Pure domain of the rush-order dispute service: deciders for the order and dispute streams, the shipping
 * assessment, rules versions / penalty points, and settings helpers. No Nest, no I/O, no clock: every
 * instant comes in a command.
 */
export type { Decider } from './decider';
export * from './errors';
export * from './shared/types';
export * from './shared/shipping';
export * from './shared/rules';
export * from './shared/rules-registry';
export * from './shared/settings';
export { toMs } from './shared/time';

// Stream names and prefixes (the one definition).
export * from './streams';

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
  lateShipmentExcuse,
  blocksNewDispute,
  type DisputeCommand,
  type DisputeEvent,
  type DisputeState,
  type DisputeView,
  type ChoiceView,
  type ChoiceRecord,
  type JudgementRecord,
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
  type RejudgedJudgement,
  type ReplayWeek,
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

// Delay reports (pre-report / emergency report) and delay cards.
export * as delay from './delay';
export {
  delayReportDecider,
  delayCardDecider,
  delayExcusesFor,
  delayIndexDecider,
  indexEntryOf,
  indexedReportsFor,
  emergencyReportCutoff,
  toDelayReportView,
  toDelayCardView,
  DELAY_REPORT_KINDS,
  DELAY_REPORT_REASONS,
  DELAY_REPORT_STATUSES,
  DELAY_CARD_STATUSES,
  DELAY_REPORT_EVENT_TYPES,
  DELAY_CARD_EVENT_TYPES,
  EMERGENCY_EVIDENCE_KINDS,
  PRE_REPORT_MAX_AHEAD_MS,
  DELAY_REPORT_REVIEW_WINDOW_MS,
  DELAY_CARD_RESPONSE_WINDOW_MS,
  type DelayReportKind,
  type DelayReportReason,
  type DelayReportStatus,
  type DelayCardStatus,
  type DelayReportCommand,
  type DelayReportEvent,
  type DelayReportState,
  type DelayReportView,
  type DelayCardCommand,
  type DelayCardEvent,
  type DelayCardState,
  type DelayCardView,
  type FileDelayReport,
  type WithdrawDelayReport,
  type ReviewDelayReport,
  type FlagDelayReportOverdue,
  type SendDelayCard,
  type RespondToDelayCard,
  type ExpireDelayCard,
  type DelayReportFiled,
  type DelayReportWithdrawn,
  type DelayReportReviewed,
  type DelayReportReviewOverdue,
  type DelayCardSent,
  type DelayCardAnswered,
  type DelayCardExpired,
  type DelayIndexEntry,
  type DelayIndexState,
  type IndexDelayReport,
  type DelayReportIndexed,
} from './delay';

// What-if simulations (a period re-judged under another rules version).
export * from './simulation/simulation';

// Merchant-week aggregate (week settlement of penalty points; one stream per merchant and ISO week).
export * as merchantWeek from './merchant-week';
export {
  merchantWeekDecider,
  weekCloseDueAt,
  latestClosableWeek,
  settledMerchantWeek,
  settledWeekPoints,
  lateReasonsAsOf,
  toMerchantWeekView,
  MERCHANT_WEEK_EVENT_TYPES,
  type MerchantWeekState,
  type MerchantWeekEvent,
  type MerchantWeekCommand,
  type MerchantWeekClosed,
  type MerchantWeekAssessmentCorrected,
  type MerchantWeekView,
  type MerchantWeekCorrection,
  type CloseMerchantWeek,
  type CorrectMerchantWeekAssessment,
  type LateOrderInput,
  type LateShipmentExcuse,
  type CountedLateOrder,
  type ExcusedLateOrder,
  type SettledWeekStats,
  type CorrectionReason,
} from './merchant-week';

// Appeals (part of the dispute aggregate: events in the dispute stream).
export {
  fileAppeal,
  judgeAppeal,
  appealBlocker,
  appealWindowEndsAt,
  type FileAppeal,
  type AppealFiled,
  type AppealRecord,
  type AppealEvidence,
  type AppealedJudgement,
} from './appeal/appeal';
