/** FileDelayReport → DelayReportFiled: a pre-report (a window) or an emergency report (one order). */
import { DomainError, invalidInput } from '../errors';
import { nonEmpty, optionalText, positiveMs, validateEvidence } from '../shared/input';
import { merchantsOrder, requireAssessed } from '../shared/assessed-order';
import { compact, iso, toMs } from '../shared/time';
import { isOneOf } from '../shared/types';
import type { FileDelayReport } from './commands';
import type { DelayReportEvent } from './events';
import { DELAY_REPORT_KINDS, DELAY_REPORT_REASONS, DELAY_REPORT_REVIEW_WINDOW_MS, EMERGENCY_EVIDENCE_KINDS, emergencyReportCutoff, PRE_REPORT_MAX_AHEAD_MS } from './rules';
import type { DelayReportState } from './state';

export function fileReport(cmd: FileDelayReport, state: DelayReportState): DelayReportEvent[] {
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
  const order = merchantsOrder(cmd.order, merchantId);
  const timezone = nonEmpty(cmd.timezone, 'timezone');
  const assessment = requireAssessed(order, now, 'delay report');
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

export function invalidMissing(missing: string[]): never {
  throw new DomainError('PRECONDITIONS_NOT_MET', `The report cannot be filed: missing ${missing.join(', ')}`, { missing });
}
