/**
 * Delay reports (延迟发货报备) and delay cards (延迟发货卡片): the three ways a merchant can excuse a late
 * shipment before a rush-order dispute judges it (domain brief "Delay reports and delay cards", seeds 000
 * §3–4 and 001 Q2, Q9, Q10, Q12).
 *
 * Two aggregates, pure deciders (no I/O, every instant in the command):
 *
 * ## Delay report — stream `delay-report-{reportId}` (`delayReportDecider`)
 * One stream per report, of one of two kinds:
 *  - PRE_REPORT (预报备): a foreseeable cause (`reason`: WEATHER, MAJOR_NATIONAL_EVENT,
 *    WAREHOUSE_MAINTENANCE, OTHER) over a window `[windowStart, windowEnd]` (both inclusive) that starts no
 *    earlier than `now` (omitted: `now`) and ends after it starts and at most 7 days after `now`
 *    (PRE_REPORT_MAX_AHEAD_MS); at least one evidence item of any kind.
 *    Excuses every order of the merchant whose shipping clock starts inside the window, once approved.
 *  - EMERGENCY_REPORT (紧急报备): for one existing order of the merchant (the command carries its snapshot);
 *    evidence must include a chat log, an SMS or a call record (EMERGENCY_EVIDENCE_KINDS); the concrete
 *    promised ship date `promisedShipAt` (not before the order was placed) is required. Refused for orders
 *    that are not assessed for late shipment (ORDER_NOT_ASSESSED, naming the reasons) and after the cut-off:
 *    the end of the Sunday after the calendar week (Monday–Sunday, business timezone) the order was placed
 *    in (EMERGENCY_REPORT_TOO_LATE, naming `cutoffAt`). Excuses its order, once approved.
 * Commands: FileDelayReport → DelayReportFiled; WithdrawDelayReport → DelayReportWithdrawn (only while
 * PENDING); ReviewDelayReport → DelayReportReviewed (APPROVED, or REJECTED with a reason; only while
 * PENDING); FlagDelayReportOverdue → DelayReportReviewOverdue once, when still PENDING at `reviewDueAt`
 * (filedAt + 24 h by default), otherwise nothing (like a dispute deadline: firing twice is harmless).
 * Statuses: PENDING → APPROVED | REJECTED | WITHDRAWN (the overdue flag does not change the status; a
 * flagged report can still be reviewed or withdrawn).
 *
 * ## Delay card — stream `delay-card-{orderId}` (`delayCardDecider`)
 * One card per order, ever: SendDelayCard is refused with DELAY_CARD_ALREADY_SENT whenever the stream
 * already exists, whatever became of the card (accepted, rejected, cancelled). Only the order's merchant
 * sends it, only for an assessed order; the consumer answers (RespondToDelayCard: accepted → ACCEPTED,
 * rejected → REJECTED) by `expiresAt` (= sentAt + 48 h by default; exactly at it is still in time);
 * ExpireDelayCard at or after `expiresAt` cancels an unanswered card (CANCELLED), otherwise nothing.
 *
 * ## Excuses
 * {@link delayExcusesFor} turns the reports and cards of an order's merchant into the `DelayExcuse`s the
 * dispute decider judges DELAY_REPORTED / DELAY_CARD_ACCEPTED defenses with.
 */
export * from './delay-report';
export * from './delay-index';
export * from './delay-card';
export { delayExcusesFor } from './shared/delay-excuses';
export { delayReportStream, delayCardStream, delayIndexStream, DELAY_REPORT_STREAM_PREFIX, DELAY_CARD_STREAM_PREFIX } from './streams';
