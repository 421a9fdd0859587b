/** Delay reports: kinds, reasons, statuses, windows, and the emergency-report cut-off. */
import { DateTime } from 'luxon';
import { isoWeekOf, weekBounds } from '../shared/rules';
import { HOUR_MS } from '../shared/time';
import type { EvidenceKind } from '../shared/types';

export const DELAY_REPORT_KINDS = ['PRE_REPORT', 'EMERGENCY_REPORT'] as const;

export type DelayReportKind = (typeof DELAY_REPORT_KINDS)[number];

export const DELAY_REPORT_REASONS = ['WEATHER', 'MAJOR_NATIONAL_EVENT', 'WAREHOUSE_MAINTENANCE', 'OTHER'] as const;

export type DelayReportReason = (typeof DELAY_REPORT_REASONS)[number];

export const DELAY_REPORT_STATUSES = ['PENDING', 'APPROVED', 'REJECTED', 'WITHDRAWN'] as const;

export type DelayReportStatus = (typeof DELAY_REPORT_STATUSES)[number];

/** A pre-report window may end at most this far after it is filed (7 days). */
export const PRE_REPORT_MAX_AHEAD_MS = 7 * 24 * HOUR_MS;

/** The platform reviews a report within this; an unreviewed report is flagged overdue after it (24 h). */
export const DELAY_REPORT_REVIEW_WINDOW_MS = 24 * HOUR_MS;

/** An emergency report must carry at least one of these evidence kinds (chat log, SMS, call record). */
export const EMERGENCY_EVIDENCE_KINDS: readonly EvidenceKind[] = ['CHAT_LOG', 'SMS', 'CALL_RECORD'];


/**
 * The emergency-report cut-off of an order: the end of the Sunday after the calendar week (Monday 00:00 to
 * Sunday 24:00 in `timezone`) the order was placed in, i.e. Monday 00:00 two weeks after the start of that
 * week. A report filed at or after this instant is too late.
 */
export function emergencyReportCutoff(placedAt: string, timezone: string): string {
  const { end } = weekBounds(isoWeekOf(placedAt, timezone), timezone);
  return DateTime.fromISO(end, { zone: timezone }).plus({ weeks: 1 }).toUTC().toISO()!;
}
