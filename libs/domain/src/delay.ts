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
import { DateTime } from 'luxon';
import type { Decider } from './decider';
import type { DelayExcuse } from './dispute';
import { DomainError, invalidInput } from './errors';
import { nonEmpty, optionalText, positiveMs, validateEvidence, type Evidence } from './shared/input';
import { isoWeekOf, weekBounds } from './shared/rules';
import { assessShipping } from './shared/shipping';
import { compact, HOUR_MS, iso, toMs } from './shared/time';
import { isOneOf, type EvidenceKind, type OrderSnapshot } from './shared/types';

// ------------------------------------------------------------------------------------------- constants

export const DELAY_REPORT_KINDS = ['PRE_REPORT', 'EMERGENCY_REPORT'] as const;
export type DelayReportKind = (typeof DELAY_REPORT_KINDS)[number];

export const DELAY_REPORT_REASONS = ['WEATHER', 'MAJOR_NATIONAL_EVENT', 'WAREHOUSE_MAINTENANCE', 'OTHER'] as const;
export type DelayReportReason = (typeof DELAY_REPORT_REASONS)[number];

export const DELAY_REPORT_STATUSES = ['PENDING', 'APPROVED', 'REJECTED', 'WITHDRAWN'] as const;
export type DelayReportStatus = (typeof DELAY_REPORT_STATUSES)[number];

export const DELAY_CARD_STATUSES = ['PENDING', 'ACCEPTED', 'REJECTED', 'CANCELLED'] as const;
export type DelayCardStatus = (typeof DELAY_CARD_STATUSES)[number];

/** A pre-report window may end at most this far after it is filed (7 days). */
export const PRE_REPORT_MAX_AHEAD_MS = 7 * 24 * HOUR_MS;
/** The platform reviews a report within this; an unreviewed report is flagged overdue after it (24 h). */
export const DELAY_REPORT_REVIEW_WINDOW_MS = 24 * HOUR_MS;
/** The consumer answers a delay card within this, else it is cancelled (48 h). */
export const DELAY_CARD_RESPONSE_WINDOW_MS = 48 * HOUR_MS;
/** An emergency report must carry at least one of these evidence kinds (chat log, SMS, call record). */
export const EMERGENCY_EVIDENCE_KINDS: readonly EvidenceKind[] = ['CHAT_LOG', 'SMS', 'CALL_RECORD'];

export { delayReportStream, delayCardStream, delayIndexStream, DELAY_REPORT_STREAM_PREFIX, DELAY_CARD_STREAM_PREFIX } from './streams';

/**
 * The emergency-report cut-off of an order: the end of the Sunday after the calendar week (Monday 00:00 to
 * Sunday 24:00 in `timezone`) the order was placed in, i.e. Monday 00:00 two weeks after the start of that
 * week. A report filed at or after this instant is too late.
 */
export function emergencyReportCutoff(placedAt: string, timezone: string): string {
  const { end } = weekBounds(isoWeekOf(placedAt, timezone), timezone);
  return DateTime.fromISO(end, { zone: timezone }).plus({ weeks: 1 }).toUTC().toISO()!;
}

// ------------------------------------------------------------------------------------- delay reports

export interface FileDelayReport {
  type: 'FileDelayReport';
  reportId: string;
  kind: DelayReportKind;
  /** The filing merchant (from the token). */
  merchantId: string;
  /** Who filed it (the token's sub). */
  filedBy?: string;
  /** PRE_REPORT: required. EMERGENCY_REPORT: optional. */
  reason?: DelayReportReason;
  /** Free text (备注). */
  note?: string;
  evidence?: Evidence[];
  /** PRE_REPORT: default `now`; may not be before `now`. */
  windowStart?: string;
  /** PRE_REPORT: required; after windowStart, at most 7 days after `now`. */
  windowEnd?: string;
  /** EMERGENCY_REPORT: the order (its snapshot is checked for assessment and the cut-off). */
  order?: OrderSnapshot;
  /** EMERGENCY_REPORT: the concrete ship date promised to the consumer. */
  promisedShipAt?: string;
  /** EMERGENCY_REPORT: BUSINESS_TIMEZONE, where calendar weeks begin and end. */
  timezone?: string;
  /** Default DELAY_REPORT_REVIEW_WINDOW_MS. */
  reviewWindowMs?: number;
  now: string;
}
export interface WithdrawDelayReport {
  type: 'WithdrawDelayReport';
  merchantId: string;
  now: string;
}
export interface ReviewDelayReport {
  type: 'ReviewDelayReport';
  approved: boolean;
  /** Required when rejecting. */
  reason?: string;
  reviewer?: string;
  now: string;
}
export interface FlagDelayReportOverdue {
  type: 'FlagDelayReportOverdue';
  now: string;
}
export type DelayReportCommand = FileDelayReport | WithdrawDelayReport | ReviewDelayReport | FlagDelayReportOverdue;

export interface DelayReportFiled {
  type: 'DelayReportFiled';
  data: {
    reportId: string;
    kind: DelayReportKind;
    merchantId: string;
    filedBy?: string;
    filedAt: string;
    reviewDueAt: string;
    reason?: DelayReportReason;
    note?: string;
    evidence: Evidence[];
    windowStart?: string;
    windowEnd?: string;
    orderId?: string;
    orderPlacedAt?: string;
    /** The order's shipping clock start as of filing (informational). */
    orderClockStartsAt?: string | null;
    cutoffAt?: string;
    promisedShipAt?: string;
    timezone?: string;
  };
}
export interface DelayReportWithdrawn {
  type: 'DelayReportWithdrawn';
  data: { reportId: string; withdrawnAt: string };
}
export interface DelayReportReviewed {
  type: 'DelayReportReviewed';
  data: { reportId: string; decision: 'APPROVED' | 'REJECTED'; reason?: string; reviewedBy?: string; reviewedAt: string };
}
export interface DelayReportReviewOverdue {
  type: 'DelayReportReviewOverdue';
  data: { reportId: string; reviewDueAt: string; flaggedAt: string };
}
export type DelayReportEvent = DelayReportFiled | DelayReportWithdrawn | DelayReportReviewed | DelayReportReviewOverdue;
export const DELAY_REPORT_EVENT_TYPES = ['DelayReportFiled', 'DelayReportWithdrawn', 'DelayReportReviewed', 'DelayReportReviewOverdue'] as const;

export interface DelayReportState {
  status: 'NONE' | DelayReportStatus;
  reportId: string;
  kind: DelayReportKind | null;
  merchantId: string;
  filedBy: string | null;
  filedAt: string | null;
  reviewDueAt: string | null;
  reason: DelayReportReason | null;
  note: string | null;
  evidence: Evidence[];
  windowStart: string | null;
  windowEnd: string | null;
  orderId: string | null;
  orderPlacedAt: string | null;
  orderClockStartsAt: string | null;
  cutoffAt: string | null;
  promisedShipAt: string | null;
  overdue: boolean;
  overdueFlaggedAt: string | null;
  review: { decision: 'APPROVED' | 'REJECTED'; reason?: string; reviewedBy?: string; reviewedAt: string } | null;
  withdrawnAt: string | null;
}

export function initialDelayReportState(): DelayReportState {
  return {
    status: 'NONE',
    reportId: '',
    kind: null,
    merchantId: '',
    filedBy: null,
    filedAt: null,
    reviewDueAt: null,
    reason: null,
    note: null,
    evidence: [],
    windowStart: null,
    windowEnd: null,
    orderId: null,
    orderPlacedAt: null,
    orderClockStartsAt: null,
    cutoffAt: null,
    promisedShipAt: null,
    overdue: false,
    overdueFlaggedAt: null,
    review: null,
    withdrawnAt: null,
  };
}

export function evolveDelayReport(state: DelayReportState, event: { type: string; data: unknown }): DelayReportState {
  const e = event as DelayReportEvent;
  switch (e.type) {
    case 'DelayReportFiled': {
      const d = e.data;
      return {
        ...state,
        status: 'PENDING',
        reportId: d.reportId,
        kind: d.kind,
        merchantId: d.merchantId,
        filedBy: d.filedBy ?? null,
        filedAt: d.filedAt,
        reviewDueAt: d.reviewDueAt,
        reason: d.reason ?? null,
        note: d.note ?? null,
        evidence: d.evidence ?? [],
        windowStart: d.windowStart ?? null,
        windowEnd: d.windowEnd ?? null,
        orderId: d.orderId ?? null,
        orderPlacedAt: d.orderPlacedAt ?? null,
        orderClockStartsAt: d.orderClockStartsAt ?? null,
        cutoffAt: d.cutoffAt ?? null,
        promisedShipAt: d.promisedShipAt ?? null,
      };
    }
    case 'DelayReportWithdrawn':
      return { ...state, status: 'WITHDRAWN', withdrawnAt: e.data.withdrawnAt };
    case 'DelayReportReviewed': {
      const { reportId: _id, ...review } = e.data;
      return { ...state, status: review.decision, review };
    }
    case 'DelayReportReviewOverdue':
      return { ...state, overdue: true, overdueFlaggedAt: e.data.flaggedAt };
    default:
      return state;
  }
}

function requireReport(state: DelayReportState): void {
  if (state.status === 'NONE') throw new DomainError('DELAY_REPORT_NOT_FOUND', 'Delay report not found');
}

function requirePending(state: DelayReportState, action: string): void {
  requireReport(state);
  if (state.status !== 'PENDING') {
    throw new DomainError('DELAY_REPORT_NOT_PENDING', `The report is ${state.status}; only a pending report can be ${action}`, { reportStatus: state.status });
  }
}

export function decideDelayReport(command: DelayReportCommand, state: DelayReportState): DelayReportEvent[] {
  switch (command.type) {
    case 'FileDelayReport':
      return fileReport(command, state);
    case 'WithdrawDelayReport': {
      requireReport(state);
      const nowMs = toMs(command.now, 'now');
      if (command.merchantId !== state.merchantId) throw new DomainError('DELAY_REPORT_NOT_FOUND', 'Delay report not found');
      requirePending(state, 'withdrawn');
      return [{ type: 'DelayReportWithdrawn', data: { reportId: state.reportId, withdrawnAt: iso(nowMs) } }];
    }
    case 'ReviewDelayReport': {
      requireReport(state);
      const nowMs = toMs(command.now, 'now');
      if (typeof command.approved !== 'boolean') throw invalidInput('approved must be a boolean', { field: 'approved' });
      const reason = optionalText(command.reason, 'reason');
      if (!command.approved && (reason === undefined || reason.trim() === '')) {
        throw invalidInput('A rejection must give the reason', { field: 'reason' });
      }
      requirePending(state, 'reviewed');
      return [
        {
          type: 'DelayReportReviewed',
          data: compact({
            reportId: state.reportId,
            decision: command.approved ? ('APPROVED' as const) : ('REJECTED' as const),
            reason: reason === undefined || reason.trim() === '' ? undefined : reason,
            reviewedBy: command.reviewer,
            reviewedAt: iso(nowMs),
          }),
        },
      ];
    }
    case 'FlagDelayReportOverdue': {
      requireReport(state);
      const nowMs = toMs(command.now, 'now');
      if (state.status !== 'PENDING' || state.overdue || nowMs < Date.parse(state.reviewDueAt!)) return [];
      return [{ type: 'DelayReportReviewOverdue', data: { reportId: state.reportId, reviewDueAt: state.reviewDueAt!, flaggedAt: iso(nowMs) } }];
    }
    default:
      throw invalidInput(`Unknown delay report command ${(command as { type?: unknown }).type as string}`);
  }
}

function fileReport(cmd: FileDelayReport, state: DelayReportState): DelayReportEvent[] {
  if (state.status !== 'NONE') throw new DomainError('DELAY_REPORT_ALREADY_EXISTS', `Delay report ${state.reportId} already exists`);
  const reportId = nonEmpty(cmd.reportId, 'reportId');
  const merchantId = nonEmpty(cmd.merchantId, 'merchantId');
  const nowMs = toMs(cmd.now, 'now');
  const now = iso(nowMs);
  if (!isOneOf(DELAY_REPORT_KINDS, cmd.kind)) throw invalidInput('kind must be PRE_REPORT or EMERGENCY_REPORT', { field: 'kind' });
  if (cmd.reason !== undefined && cmd.reason !== null && !isOneOf(DELAY_REPORT_REASONS, cmd.reason)) {
    throw invalidInput(`reason must be one of ${DELAY_REPORT_REASONS.join(', ')}`, { field: 'reason' });
  }
  const note = optionalText(cmd.note, 'note');
  const evidence = validateEvidence(cmd.evidence);
  const reviewDueAt = iso(nowMs + positiveMs(cmd.reviewWindowMs ?? DELAY_REPORT_REVIEW_WINDOW_MS, 'reviewWindowMs'));
  const base = { reportId, kind: cmd.kind, merchantId, filedBy: cmd.filedBy, filedAt: now, reviewDueAt, reason: cmd.reason ?? undefined, note, evidence };

  if (cmd.kind === 'PRE_REPORT') {
    if (cmd.order !== undefined && cmd.order !== null) throw invalidInput('A pre-report is not about one order', { field: 'orderId' });
    if (cmd.promisedShipAt !== undefined && cmd.promisedShipAt !== null) {
      throw invalidInput('promisedShipAt only applies to an emergency report', { field: 'promisedShipAt' });
    }
    const startMs = cmd.windowStart === undefined || cmd.windowStart === null ? nowMs : toMs(cmd.windowStart, 'windowStart');
    if (cmd.windowEnd === undefined || cmd.windowEnd === null) invalidMissing(['WINDOW_END']);
    const endMs = toMs(cmd.windowEnd, 'windowEnd');
    if (endMs <= startMs) throw invalidInput('windowEnd must be after windowStart', { field: 'windowEnd' });
    if (startMs < nowMs) {
      throw new DomainError('WINDOW_STARTS_IN_PAST', `A pre-report window may not start before now (${now})`, { windowStart: iso(startMs), now });
    }
    const maxEnd = iso(nowMs + PRE_REPORT_MAX_AHEAD_MS);
    if (endMs > nowMs + PRE_REPORT_MAX_AHEAD_MS) {
      throw new DomainError('WINDOW_TOO_FAR_AHEAD', `A pre-report window must end within 7 days, by ${maxEnd}`, { windowEnd: iso(endMs), maxWindowEnd: maxEnd });
    }
    const missing: string[] = [];
    if (cmd.reason === undefined || cmd.reason === null) missing.push('REASON');
    if (evidence.length === 0) missing.push('EVIDENCE');
    if (missing.length) invalidMissing(missing);
    return [{ type: 'DelayReportFiled', data: compact({ ...base, windowStart: iso(startMs), windowEnd: iso(endMs) }) }];
  }

  // EMERGENCY_REPORT
  if ((cmd.windowStart ?? cmd.windowEnd) !== undefined && (cmd.windowStart ?? cmd.windowEnd) !== null) {
    throw invalidInput('An emergency report has no window; it is about one order', { field: 'windowStart' });
  }
  const order = cmd.order;
  if (!order || typeof order !== 'object' || !Array.isArray(order.facts)) throw invalidInput('The order is required', { field: 'orderId' });
  if (order.merchantId !== merchantId) throw new DomainError('ORDER_NOT_FOUND', 'Order not found');
  const timezone = nonEmpty(cmd.timezone, 'timezone');
  const assessment = assessShipping(order, now);
  if (!assessment.assessed) {
    throw new DomainError(
      'ORDER_NOT_ASSESSED',
      `Order ${order.orderId} is not assessed for late shipment (${assessment.notAssessedReasons.join(', ')}); it needs no delay report`,
      { orderId: order.orderId, notAssessedReasons: assessment.notAssessedReasons },
    );
  }
  const cutoffAt = emergencyReportCutoff(order.placedAt, timezone);
  if (nowMs >= Date.parse(cutoffAt)) {
    throw new DomainError(
      'EMERGENCY_REPORT_TOO_LATE',
      `An emergency report for an order placed ${order.placedAt} had to be filed before the end of the following week's Sunday (${cutoffAt}, ${timezone})`,
      { orderId: order.orderId, placedAt: order.placedAt, cutoffAt, timezone },
    );
  }
  const missing: string[] = [];
  let promisedShipAt: string | undefined;
  if (cmd.promisedShipAt === undefined || cmd.promisedShipAt === null) missing.push('PROMISED_SHIP_AT');
  else {
    const promisedMs = toMs(cmd.promisedShipAt, 'promisedShipAt');
    if (promisedMs < Date.parse(order.placedAt)) {
      throw invalidInput('promisedShipAt may not be before the order was placed', { field: 'promisedShipAt' });
    }
    promisedShipAt = iso(promisedMs);
  }
  if (!evidence.some((e) => EMERGENCY_EVIDENCE_KINDS.includes(e.kind))) missing.push(`EVIDENCE:${EMERGENCY_EVIDENCE_KINDS.join('|')}`);
  if (missing.length) invalidMissing(missing);
  return [
    {
      type: 'DelayReportFiled',
      data: compact({
        ...base,
        orderId: order.orderId,
        orderPlacedAt: order.placedAt,
        orderClockStartsAt: assessment.clockStartsAt,
        cutoffAt,
        promisedShipAt,
        timezone,
      }),
    },
  ];
}

function invalidMissing(missing: string[]): never {
  throw new DomainError('PRECONDITIONS_NOT_MET', `The report cannot be filed: missing ${missing.join(', ')}`, { missing });
}

export interface DelayReportView {
  reportId: string;
  kind: DelayReportKind;
  merchantId: string;
  status: DelayReportStatus;
  reason?: DelayReportReason;
  note?: string;
  evidence: Evidence[];
  windowStart?: string;
  windowEnd?: string;
  orderId?: string;
  orderPlacedAt?: string;
  cutoffAt?: string;
  promisedShipAt?: string;
  filedAt: string;
  filedBy?: string;
  reviewDueAt: string;
  /** Flagged: still unreviewed when the review window ended. */
  overdue: boolean;
  overdueFlaggedAt?: string;
  review?: { decision: 'APPROVED' | 'REJECTED'; reason?: string; reviewedBy?: string; reviewedAt: string };
  withdrawnAt?: string;
}

export function toDelayReportView(state: DelayReportState): DelayReportView {
  requireReport(state);
  return compact({
    reportId: state.reportId,
    kind: state.kind!,
    merchantId: state.merchantId,
    status: state.status as DelayReportStatus,
    reason: state.reason ?? undefined,
    note: state.note ?? undefined,
    evidence: state.evidence,
    windowStart: state.windowStart ?? undefined,
    windowEnd: state.windowEnd ?? undefined,
    orderId: state.orderId ?? undefined,
    orderPlacedAt: state.orderPlacedAt ?? undefined,
    cutoffAt: state.cutoffAt ?? undefined,
    promisedShipAt: state.promisedShipAt ?? undefined,
    filedAt: state.filedAt!,
    filedBy: state.filedBy ?? undefined,
    reviewDueAt: state.reviewDueAt!,
    overdue: state.overdue,
    overdueFlaggedAt: state.overdueFlaggedAt ?? undefined,
    review: state.review ?? undefined,
    withdrawnAt: state.withdrawnAt ?? undefined,
  });
}

export const delayReportDecider: Decider<DelayReportCommand, DelayReportEvent, DelayReportState> = {
  decide: decideDelayReport,
  evolve: evolveDelayReport,
  initialState: initialDelayReportState,
};

// ------------------------------------------------------------------------------- merchant report index

/**
 * Stream `delay-index-{merchantId}`: one `DelayReportIndexed` per report the merchant filed, so the reports
 * bearing on an order can be found by reading streams (consistent), without waiting for a read model. The
 * app appends the entry just before the report itself (after the same FileDelayReport was decided on an
 * empty report); an entry whose report stream does not exist (a crash in between) is ignored by readers.
 */

export interface DelayIndexEntry {
  reportId: string;
  kind: DelayReportKind;
  filedAt: string;
  orderId?: string;
  windowStart?: string;
  windowEnd?: string;
}
export interface IndexDelayReport {
  type: 'IndexDelayReport';
  merchantId: string;
  entry: DelayIndexEntry;
  now: string;
}
export interface DelayReportIndexed {
  type: 'DelayReportIndexed';
  data: DelayIndexEntry & { merchantId: string; indexedAt: string };
}
export interface DelayIndexState {
  merchantId: string;
  entries: DelayIndexEntry[];
}

/** The index entry of a filed report. */
export function indexEntryOf(filed: DelayReportFiled['data']): DelayIndexEntry {
  return compact({
    reportId: filed.reportId,
    kind: filed.kind,
    filedAt: filed.filedAt,
    orderId: filed.orderId,
    windowStart: filed.windowStart,
    windowEnd: filed.windowEnd,
  });
}

/** Index entries that may bear on an order: pre-reports whose window ends at or after it was placed, and its emergency reports. */
export function indexedReportsFor(state: DelayIndexState, order: { orderId: string; placedAt: string }): string[] {
  const placedMs = Date.parse(order.placedAt);
  return state.entries
    .filter((e) => (e.kind === 'PRE_REPORT' ? e.windowEnd !== undefined && Date.parse(e.windowEnd) >= placedMs : e.orderId === order.orderId))
    .map((e) => e.reportId);
}

export const delayIndexDecider: Decider<IndexDelayReport, DelayReportIndexed, DelayIndexState> = {
  initialState: () => ({ merchantId: '', entries: [] }),
  evolve(state, event) {
    if (event.type !== 'DelayReportIndexed') return state;
    const { merchantId, indexedAt: _at, ...entry } = event.data;
    return { merchantId, entries: [...state.entries, entry] };
  },
  decide(cmd, state) {
    const merchantId = nonEmpty(cmd.merchantId, 'merchantId');
    const nowMs = toMs(cmd.now, 'now');
    const e = cmd.entry;
    if (!e || !isOneOf(DELAY_REPORT_KINDS, e.kind)) throw invalidInput('entry.kind must be PRE_REPORT or EMERGENCY_REPORT', { field: 'entry.kind' });
    nonEmpty(e.reportId, 'entry.reportId');
    if (state.merchantId !== '' && state.merchantId !== merchantId) throw invalidInput('This index belongs to another merchant', { field: 'merchantId' });
    if (state.entries.some((x) => x.reportId === e.reportId)) return [];
    return [{ type: 'DelayReportIndexed', data: compact({ ...e, merchantId, indexedAt: iso(nowMs) }) }];
  },
};

// --------------------------------------------------------------------------------------- delay cards

export interface SendDelayCard {
  type: 'SendDelayCard';
  cardId: string;
  /** The order (the card goes to its consumer). */
  order: OrderSnapshot;
  /** The sending merchant (from the token); must be the order's. */
  merchantId: string;
  sentBy?: string;
  message?: string;
  /** The new ship date proposed to the consumer (optional; not before now). */
  promisedShipAt?: string;
  /** Default DELAY_CARD_RESPONSE_WINDOW_MS. */
  responseWindowMs?: number;
  now: string;
}
export interface RespondToDelayCard {
  type: 'RespondToDelayCard';
  /** The answering consumer (from the token); must be the order's. */
  consumerId: string;
  accepted: boolean;
  comment?: string;
  now: string;
}
export interface ExpireDelayCard {
  type: 'ExpireDelayCard';
  now: string;
}
export type DelayCardCommand = SendDelayCard | RespondToDelayCard | ExpireDelayCard;

export interface DelayCardSent {
  type: 'DelayCardSent';
  data: {
    cardId: string;
    orderId: string;
    merchantId: string;
    consumerId: string;
    sentBy?: string;
    sentAt: string;
    expiresAt: string;
    message?: string;
    promisedShipAt?: string;
  };
}
export interface DelayCardAnswered {
  type: 'DelayCardAnswered';
  data: { cardId: string; orderId: string; accepted: boolean; comment?: string; respondedAt: string };
}
export interface DelayCardExpired {
  type: 'DelayCardExpired';
  data: { cardId: string; orderId: string; expiresAt: string; cancelledAt: string };
}
export type DelayCardEvent = DelayCardSent | DelayCardAnswered | DelayCardExpired;
export const DELAY_CARD_EVENT_TYPES = ['DelayCardSent', 'DelayCardAnswered', 'DelayCardExpired'] as const;

export interface DelayCardState {
  status: 'NONE' | DelayCardStatus;
  cardId: string;
  orderId: string;
  merchantId: string;
  consumerId: string;
  sentBy: string | null;
  sentAt: string | null;
  expiresAt: string | null;
  message: string | null;
  promisedShipAt: string | null;
  response: { accepted: boolean; comment?: string; respondedAt: string } | null;
  cancelledAt: string | null;
}

export function initialDelayCardState(): DelayCardState {
  return {
    status: 'NONE',
    cardId: '',
    orderId: '',
    merchantId: '',
    consumerId: '',
    sentBy: null,
    sentAt: null,
    expiresAt: null,
    message: null,
    promisedShipAt: null,
    response: null,
    cancelledAt: null,
  };
}

export function evolveDelayCard(state: DelayCardState, event: { type: string; data: unknown }): DelayCardState {
  const e = event as DelayCardEvent;
  switch (e.type) {
    case 'DelayCardSent': {
      const d = e.data;
      return {
        ...state,
        status: 'PENDING',
        cardId: d.cardId,
        orderId: d.orderId,
        merchantId: d.merchantId,
        consumerId: d.consumerId,
        sentBy: d.sentBy ?? null,
        sentAt: d.sentAt,
        expiresAt: d.expiresAt,
        message: d.message ?? null,
        promisedShipAt: d.promisedShipAt ?? null,
      };
    }
    case 'DelayCardAnswered':
      return {
        ...state,
        status: e.data.accepted ? 'ACCEPTED' : 'REJECTED',
        response: compact({ accepted: e.data.accepted, comment: e.data.comment, respondedAt: e.data.respondedAt }),
      };
    case 'DelayCardExpired':
      return { ...state, status: 'CANCELLED', cancelledAt: e.data.cancelledAt };
    default:
      return state;
  }
}

export function decideDelayCard(command: DelayCardCommand, state: DelayCardState): DelayCardEvent[] {
  switch (command.type) {
    case 'SendDelayCard':
      return sendCard(command, state);
    case 'RespondToDelayCard': {
      if (state.status === 'NONE') throw new DomainError('DELAY_CARD_NOT_FOUND', 'No delay card was sent for this order');
      if (command.consumerId !== state.consumerId) throw new DomainError('DELAY_CARD_NOT_FOUND', 'No delay card was sent for this order');
      const nowMs = toMs(command.now, 'now');
      if (typeof command.accepted !== 'boolean') throw invalidInput('accepted must be a boolean', { field: 'accepted' });
      const comment = optionalText(command.comment, 'comment');
      if (state.status === 'ACCEPTED' || state.status === 'REJECTED') {
        throw new DomainError('DELAY_CARD_ALREADY_ANSWERED', `The delay card was already answered (${state.status})`, { cardStatus: state.status });
      }
      if (state.status === 'CANCELLED' || nowMs > Date.parse(state.expiresAt!)) {
        throw new DomainError('DELAY_CARD_RESPONSE_WINDOW_CLOSED', `The delay card could be answered until ${state.expiresAt}; it is cancelled`, {
          expiresAt: state.expiresAt,
          cardStatus: 'CANCELLED',
        });
      }
      return [
        {
          type: 'DelayCardAnswered',
          data: compact({ cardId: state.cardId, orderId: state.orderId, accepted: command.accepted, comment, respondedAt: iso(nowMs) }),
        },
      ];
    }
    case 'ExpireDelayCard': {
      if (state.status === 'NONE') throw new DomainError('DELAY_CARD_NOT_FOUND', 'No delay card was sent for this order');
      const nowMs = toMs(command.now, 'now');
      if (state.status !== 'PENDING' || nowMs < Date.parse(state.expiresAt!)) return [];
      return [{ type: 'DelayCardExpired', data: { cardId: state.cardId, orderId: state.orderId, expiresAt: state.expiresAt!, cancelledAt: iso(nowMs) } }];
    }
    default:
      throw invalidInput(`Unknown delay card command ${(command as { type?: unknown }).type as string}`);
  }
}

function sendCard(cmd: SendDelayCard, state: DelayCardState): DelayCardEvent[] {
  if (state.status !== 'NONE') {
    throw new DomainError('DELAY_CARD_ALREADY_SENT', `A delay card was already sent for order ${state.orderId} (${state.status}); only one card per order, ever`, {
      cardId: state.cardId,
      cardStatus: state.status,
    });
  }
  const cardId = nonEmpty(cmd.cardId, 'cardId');
  const merchantId = nonEmpty(cmd.merchantId, 'merchantId');
  const nowMs = toMs(cmd.now, 'now');
  const now = iso(nowMs);
  const order = cmd.order;
  if (!order || typeof order !== 'object' || !Array.isArray(order.facts)) throw invalidInput('The order is required', { field: 'orderId' });
  if (order.merchantId !== merchantId) throw new DomainError('ORDER_NOT_FOUND', 'Order not found');
  const message = optionalText(cmd.message, 'message');
  let promisedShipAt: string | undefined;
  if (cmd.promisedShipAt !== undefined && cmd.promisedShipAt !== null) {
    const ms = toMs(cmd.promisedShipAt, 'promisedShipAt');
    if (ms < nowMs) throw invalidInput('promisedShipAt may not be in the past', { field: 'promisedShipAt' });
    promisedShipAt = iso(ms);
  }
  const assessment = assessShipping(order, now);
  if (!assessment.assessed) {
    throw new DomainError(
      'ORDER_NOT_ASSESSED',
      `Order ${order.orderId} is not assessed for late shipment (${assessment.notAssessedReasons.join(', ')}); it needs no delay card`,
      { orderId: order.orderId, notAssessedReasons: assessment.notAssessedReasons },
    );
  }
  const windowMs = positiveMs(cmd.responseWindowMs ?? DELAY_CARD_RESPONSE_WINDOW_MS, 'responseWindowMs');
  return [
    {
      type: 'DelayCardSent',
      data: compact({
        cardId,
        orderId: order.orderId,
        merchantId,
        consumerId: order.consumerId,
        sentBy: cmd.sentBy,
        sentAt: now,
        expiresAt: iso(nowMs + windowMs),
        message,
        promisedShipAt,
      }),
    },
  ];
}

export interface DelayCardView {
  cardId: string;
  orderId: string;
  merchantId: string;
  consumerId: string;
  status: DelayCardStatus;
  sentAt: string;
  sentBy?: string;
  expiresAt: string;
  message?: string;
  promisedShipAt?: string;
  response?: { accepted: boolean; comment?: string; respondedAt: string };
  cancelledAt?: string;
}

export function toDelayCardView(state: DelayCardState): DelayCardView {
  if (state.status === 'NONE') throw new DomainError('DELAY_CARD_NOT_FOUND', 'No delay card was sent for this order');
  return compact({
    cardId: state.cardId,
    orderId: state.orderId,
    merchantId: state.merchantId,
    consumerId: state.consumerId,
    status: state.status,
    sentAt: state.sentAt!,
    sentBy: state.sentBy ?? undefined,
    expiresAt: state.expiresAt!,
    message: state.message ?? undefined,
    promisedShipAt: state.promisedShipAt ?? undefined,
    response: state.response ?? undefined,
    cancelledAt: state.cancelledAt ?? undefined,
  });
}

export const delayCardDecider: Decider<DelayCardCommand, DelayCardEvent, DelayCardState> = {
  decide: decideDelayCard,
  evolve: evolveDelayCard,
  initialState: initialDelayCardState,
};

// ------------------------------------------------------------------------------------------- excuses

const EXCUSE_STATUS: Record<DelayReportStatus | DelayCardStatus, DelayExcuse['status']> = {
  PENDING: 'PENDING',
  APPROVED: 'APPROVED',
  ACCEPTED: 'APPROVED',
  REJECTED: 'REJECTED',
  WITHDRAWN: 'CANCELLED',
  CANCELLED: 'CANCELLED',
};

/**
 * The delay reports and delay cards that bear on an order, as the dispute decider's `DelayExcuse`s
 * (`coversOrder` says whether the record is about this order; the decider excuses the delay only when a
 * record both covers the order and is APPROVED):
 *  - a PRE_REPORT of the order's merchant whose window overlaps the order's period (placement to pickup due
 *    time): covers the order when it was **placed** inside the window (bounds inclusive; seed 000 / 001 Q9:
 *    报备的时间范围内产生的订单), whatever its shipping clock. Pre-reports of other merchants, or whose window
 *    does not touch the order, are left out;
 *  - an EMERGENCY_REPORT for this order (same merchant): covers it;
 *  - the DELAY_CARD of this order: covers it; ACCEPTED counts as APPROVED, a card still PENDING past its
 *    expiry counts as CANCELLED even before the expiry is recorded.
 * Status: PENDING / APPROVED / REJECTED; withdrawn reports and cancelled cards are CANCELLED. The result
 * is ordered: covering and approved first, then by kind and reference, so it is deterministic.
 */
export function delayExcusesFor(
  order: OrderSnapshot,
  reports: readonly DelayReportState[],
  cards: readonly DelayCardState[],
  now: string,
): DelayExcuse[] {
  const nowMs = toMs(now, 'now');
  const a = assessShipping(order, iso(nowMs));
  // Seed 000 (预报备标准 (二)) and 001 Q9: the orders *placed* inside an approved window are exempt (报备的时间范围内
  // 产生的订单), whatever their shipping clock — a prepaid order placed in the window and paid after it is covered,
  // one placed before the window and paid inside it is not.
  const placedMs = Date.parse(order.placedAt);
  const shippingEndMs = a.pickupDueAt === null ? placedMs : Math.max(placedMs, Date.parse(a.pickupDueAt));
  const out: DelayExcuse[] = [];
  for (const r of reports) {
    if (r.status === 'NONE' || r.merchantId !== order.merchantId) continue;
    const status = EXCUSE_STATUS[r.status];
    if (r.kind === 'PRE_REPORT') {
      if (!r.windowStart || !r.windowEnd) continue;
      const ws = Date.parse(r.windowStart);
      const we = Date.parse(r.windowEnd);
      if (we < placedMs || ws > shippingEndMs) continue; // does not touch the order (placement to pickup due time)
      const covers = ws <= placedMs && placedMs <= we;
      out.push({
        kind: 'PRE_REPORT',
        ref: r.reportId,
        status,
        coversOrder: covers,
        detail:
          `Pre-report ${r.reportId} (${r.reason ?? 'no reason'}) ${r.status}, window ${r.windowStart} – ${r.windowEnd}; ` +
          `the order was placed ${order.placedAt}: ${covers ? 'inside' : 'outside'} the window ` +
          `(orders placed in an approved pre-report's window are exempt${a.clockStartsAt && a.clockStartsAt !== order.placedAt ? `; its shipping clock starts ${a.clockStartsAt}` : ''})`,
      });
    } else if (r.kind === 'EMERGENCY_REPORT') {
      if (r.orderId !== order.orderId) continue;
      out.push({
        kind: 'EMERGENCY_REPORT',
        ref: r.reportId,
        status,
        coversOrder: true,
        detail: `Emergency report ${r.reportId} for order ${order.orderId} ${r.status}${r.review ? ` at ${r.review.reviewedAt}` : ''}; promised ship date ${r.promisedShipAt}`,
      });
    }
  }
  for (const c of cards) {
    if (c.status === 'NONE' || c.orderId !== order.orderId) continue;
    const effective: DelayCardStatus = c.status === 'PENDING' && c.expiresAt !== null && nowMs > Date.parse(c.expiresAt) ? 'CANCELLED' : c.status;
    out.push({
      kind: 'DELAY_CARD',
      ref: c.cardId,
      status: EXCUSE_STATUS[effective],
      coversOrder: true,
      detail:
        `Delay card ${c.cardId} for order ${order.orderId} sent ${c.sentAt}: ` +
        (effective === 'ACCEPTED' || effective === 'REJECTED'
          ? `${effective === 'ACCEPTED' ? 'accepted' : 'rejected'} by the consumer at ${c.response?.respondedAt}`
          : effective === 'CANCELLED'
            ? `not answered by ${c.expiresAt} (cancelled)`
            : `awaiting the consumer's answer until ${c.expiresAt}`),
    });
  }
  const rank = (x: DelayExcuse) => (x.coversOrder && x.status === 'APPROVED' ? 0 : 1);
  return out.sort((x, y) => rank(x) - rank(y) || x.kind.localeCompare(y.kind) || x.ref.localeCompare(y.ref));
}
