/**
 * The merchant-week decider: settles a merchant's calendar week (business timezone) of late-shipment
 * points once, and corrects the settled assessment when a counted liability is overturned on appeal.
 *
 *  - CloseMerchantWeek: due at closeDueAt = end of the week + WEEK_CLOSE_DELAY (so every pickup due in the
 *    week is known). Before that, or when the week is already closed, it decides nothing ([]): firing twice
 *    or from two instances records one assessment (the app appends with the stream's exact revision).
 *    The command carries the week's statistics as of closeDueAt and every order late as of closeDueAt (with
 *    its facts); the decider checks each one is really late by those facts and due in the week, leaves out
 *    those a standing not-liable judgement excuses, and computes the points under the rules version in force.
 *  - CorrectMerchantWeekAssessment: a counted order's liability was overturned on appeal after the close →
 *    MerchantWeekAssessmentCorrected (the order leaves the count, the points are recomputed; the 48 h pickup
 *    rate is a logistics statistic and stays). Nothing when the week is not closed (nothing settled yet: the
 *    live scorecard already leaves the order out) or the order is not counted (already corrected).
 */
import type { Decider } from '../decider';
import { DomainError, invalidInput } from '../errors';
import { nonEmpty } from '../shared/input';
import { casePenalty, isoWeekOf, parseRulesVersion, weekBounds, weeklyPenaltyPoints, type MerchantWeek, type RulesVersion } from '../shared/rules';
import { compact, iso, toMs } from '../shared/time';
import type { LateReason } from '../shared/shipping';
import type { CorrectionReason, CountedLateOrder, ExcusedLateOrder, MerchantWeekEvent, SettledWeekStats } from './events';
import { evolve, initialState, type MerchantWeekState } from './state';

/** An order late as of the close instant, as the read model knows it (first waybill / pickup by occurredAt). */
export interface LateOrderInput {
  orderId: string;
  waybillDueAt: string;
  pickupDueAt: string;
  waybillUploadedAt: string | null;
  pickupScannedAt: string | null;
  fullyRefundedAt?: string | null;
}

/** A standing judgement that holds the merchant not liable for an order's late shipment. */
export interface LateShipmentExcuse {
  orderId: string;
  disputeId: string;
  basis: string;
  decidedAt: string;
}

export interface CloseMerchantWeek {
  type: 'CloseMerchantWeek';
  merchantId: string;
  week: string;
  timezone: string;
  closeDelayMs: number;
  rulesVersion: RulesVersion;
  trigger: 'DEADLINE' | 'BACKFILL';
  /** As of closeDueAt: assessed orders due in the week with a pickup obligation, and those picked up within 48 h. */
  ordersDue48h: number;
  pickedUpWithin48h: number;
  /** Every order due in the week and late as of closeDueAt. */
  lateOrders: LateOrderInput[];
  /** Standing not-liable judgements for late shipment (the orders they name are left out of the count). */
  excuses: LateShipmentExcuse[];
  /** Standing liable judgements (cited with the counted order). */
  liabilities?: { orderId: string; disputeId: string }[];
  now: string;
}

export interface CorrectMerchantWeekAssessment {
  type: 'CorrectMerchantWeekAssessment';
  orderId: string;
  disputeId: string;
  /** APPEAL_OVERTURNED: a counted liability was overturned on appeal; LATE_SHIPMENT_EXCUSED: another judgement excused the order after the close. */
  reason: CorrectionReason;
  decidedAt: string;
  now: string;
}

export type MerchantWeekCommand = CloseMerchantWeek | CorrectMerchantWeekAssessment;

/** When a week closes: its end in the timezone plus the close delay. */
export function weekCloseDueAt(week: string, timezone: string, closeDelayMs: number): string {
  return iso(Date.parse(weekBounds(week, timezone).end) + closeDelayMs);
}

/** The newest ISO week whose close is due at `now` (its end + delay ≤ now). */
export function latestClosableWeek(now: string, timezone: string, closeDelayMs: number): string {
  const candidate = isoWeekOf(iso(toMs(now, 'now') - closeDelayMs), timezone);
  // The week containing now − delay has not ended yet by definition; the one before it has.
  const { start } = weekBounds(candidate, timezone);
  return isoWeekOf(iso(Date.parse(start) - 1), timezone);
}

/** The week's statistics as a JudgeContext.merchantWeek (settled once the week closed). */
export function settledMerchantWeek(state: MerchantWeekState): MerchantWeek | null {
  if (state.status !== 'CLOSED') return null;
  return { week: state.week, ordersDue48h: state.stats.ordersDue48h, pickedUpWithin48h: state.stats.pickedUpWithin48h, lateOrders: state.stats.lateOrders };
}

/** The settled week's points under any rules version (the recorded version gives the recorded points). */
export function settledWeekPoints(state: MerchantWeekState, rulesVersion: RulesVersion) {
  if (state.status !== 'CLOSED') throw new DomainError('INVALID_STATE', `Week ${state.week || '?'} is not closed`);
  return weeklyPenaltyPoints(rulesVersion, state.stats);
}

function count(v: unknown, field: string): number {
  if (!Number.isSafeInteger(v) || (v as number) < 0) throw invalidInput(`${field} must be a non-negative integer`, { field });
  return v as number;
}

function optionalMs(v: unknown, field: string): number | null {
  return v === null || v === undefined ? null : toMs(v, field);
}

/** Why an order is late as of `atMs` (a port of assessShipping's step rule; [] = not late). */
export function lateReasonsAsOf(o: LateOrderInput, atMs: number): LateReason[] {
  const wDue = toMs(o.waybillDueAt, 'waybillDueAt');
  const pDue = toMs(o.pickupDueAt, 'pickupDueAt');
  const asOf = (v: number | null) => (v !== null && v <= atMs ? v : null);
  const w = asOf(optionalMs(o.waybillUploadedAt, 'waybillUploadedAt'));
  const p = asOf(optionalMs(o.pickupScannedAt, 'pickupScannedAt'));
  const r = asOf(optionalMs(o.fullyRefundedAt, 'fullyRefundedAt'));
  const stepLate = (done: number | null, due: number) => !(done !== null && done <= due) && !(r !== null && r <= due) && (done !== null || atMs > due);
  const out: LateReason[] = [];
  if (stepLate(w, wDue)) out.push('WAYBILL_LATE');
  if (stepLate(p, pDue)) out.push('PICKUP_LATE');
  return out;
}

function closeWeek(cmd: CloseMerchantWeek, state: MerchantWeekState): MerchantWeekEvent[] {
  const merchantId = nonEmpty(cmd.merchantId, 'merchantId');
  const rulesVersion = parseRulesVersion(cmd.rulesVersion);
  const bounds = weekBounds(cmd.week, cmd.timezone);
  if (!Number.isSafeInteger(cmd.closeDelayMs) || cmd.closeDelayMs < 0) throw invalidInput('closeDelayMs must be a non-negative integer', { field: 'closeDelayMs' });
  if (cmd.trigger !== 'DEADLINE' && cmd.trigger !== 'BACKFILL') throw invalidInput('trigger must be DEADLINE or BACKFILL', { field: 'trigger' });
  const nowMs = toMs(cmd.now, 'now');
  const closeDueMs = Date.parse(bounds.end) + cmd.closeDelayMs;
  if (state.status === 'CLOSED') return []; // exactly once
  if (state.merchantId !== '' && state.merchantId !== merchantId) throw invalidInput('This stream belongs to another merchant-week', { field: 'merchantId' });
  if (nowMs < closeDueMs) return []; // not due yet
  const ordersDue48h = count(cmd.ordersDue48h, 'ordersDue48h');
  const pickedUpWithin48h = count(cmd.pickedUpWithin48h, 'pickedUpWithin48h');
  if (pickedUpWithin48h > ordersDue48h) throw invalidInput('pickedUpWithin48h may not exceed ordersDue48h', { field: 'pickedUpWithin48h' });
  if (!Array.isArray(cmd.lateOrders) || !Array.isArray(cmd.excuses)) throw invalidInput('lateOrders and excuses must be lists');

  const startMs = Date.parse(bounds.start);
  const endMs = Date.parse(bounds.end);
  const excuses = new Map(cmd.excuses.map((x) => [x.orderId, x]));
  const liable = new Map((cmd.liabilities ?? []).map((x) => [x.orderId, x.disputeId]));
  const seen = new Set<string>();
  const late: { o: LateOrderInput; reasons: LateReason[] }[] = [];
  for (const o of cmd.lateOrders) {
    const orderId = nonEmpty(o?.orderId, 'lateOrders[].orderId');
    if (seen.has(orderId)) throw invalidInput(`order ${orderId} is listed twice`, { field: 'lateOrders' });
    seen.add(orderId);
    const due = toMs(o.pickupDueAt, 'pickupDueAt');
    if (due < startMs || due >= endMs) throw invalidInput(`order ${orderId}'s pickup is not due in ${cmd.week}`, { field: 'lateOrders', orderId });
    const reasons = lateReasonsAsOf(o, closeDueMs);
    if (reasons.length === 0) throw invalidInput(`order ${orderId} is not late as of ${iso(closeDueMs)} by the facts given`, { field: 'lateOrders', orderId });
    late.push({ o, reasons });
  }
  const counted = late.filter((l) => !excuses.has(l.o.orderId)).sort((a, b) => a.o.pickupDueAt.localeCompare(b.o.pickupDueAt) || a.o.orderId.localeCompare(b.o.orderId));
  const excused: ExcusedLateOrder[] = late
    .filter((l) => excuses.has(l.o.orderId))
    .map((l) => {
      const x = excuses.get(l.o.orderId)!;
      return { orderId: x.orderId, disputeId: nonEmpty(x.disputeId, 'excuses[].disputeId'), basis: nonEmpty(x.basis, 'excuses[].basis'), decidedAt: iso(toMs(x.decidedAt, 'excuses[].decidedAt')) };
    })
    .sort((a, b) => a.orderId.localeCompare(b.orderId));
  const stats: SettledWeekStats = { ordersDue48h, pickedUpWithin48h, lateOrders: counted.length };
  const weekly = weeklyPenaltyPoints(rulesVersion, stats);
  const casePoints = casePenalty(rulesVersion, 'MERCHANT_LIABLE', 'LATE_SHIPMENT', { week: cmd.week, ...stats }).points;
  const lateOrders: CountedLateOrder[] = counted.map(({ o, reasons }) =>
    compact({
      orderId: o.orderId,
      disputeId: liable.get(o.orderId),
      waybillDueAt: iso(Date.parse(o.waybillDueAt)),
      pickupDueAt: iso(Date.parse(o.pickupDueAt)),
      waybillUploadedAt: o.waybillUploadedAt ? iso(Date.parse(o.waybillUploadedAt)) : null,
      pickupScannedAt: o.pickupScannedAt ? iso(Date.parse(o.pickupScannedAt)) : null,
      reasons,
      casePoints,
    }),
  );
  return [
    {
      type: 'MerchantWeekClosed',
      data: {
        merchantId,
        week: cmd.week,
        timezone: cmd.timezone,
        weekStart: bounds.start,
        weekEnd: bounds.end,
        closeDueAt: iso(closeDueMs),
        closedAt: iso(nowMs),
        trigger: cmd.trigger,
        rulesVersion,
        closeDelayMs: cmd.closeDelayMs,
        stats,
        pickupRate48h: weekly.pickupRate48h,
        points: weekly.points,
        basis: weekly.basis,
        lateOrders,
        excusedOrders: excused,
      },
    },
  ];
}

function correct(cmd: CorrectMerchantWeekAssessment, state: MerchantWeekState): MerchantWeekEvent[] {
  const orderId = nonEmpty(cmd.orderId, 'orderId');
  const disputeId = nonEmpty(cmd.disputeId, 'disputeId');
  if (cmd.reason !== 'APPEAL_OVERTURNED' && cmd.reason !== 'LATE_SHIPMENT_EXCUSED') {
    throw invalidInput('reason must be APPEAL_OVERTURNED or LATE_SHIPMENT_EXCUSED', { field: 'reason' });
  }
  const nowMs = toMs(cmd.now, 'now');
  const decidedAt = iso(toMs(cmd.decidedAt, 'decidedAt'));
  if (state.status !== 'CLOSED') return [];
  const removed = state.lateOrders.find((o) => o.orderId === orderId);
  if (!removed) return [];
  const stats: SettledWeekStats = { ...state.stats, lateOrders: state.stats.lateOrders - 1 };
  const weekly = weeklyPenaltyPoints(state.rulesVersion!, stats);
  return [
    {
      type: 'MerchantWeekAssessmentCorrected',
      data: {
        merchantId: state.merchantId,
        week: state.week,
        correctedAt: iso(nowMs),
        reason: cmd.reason,
        orderId,
        disputeId,
        decidedAt,
        previousPoints: state.points,
        points: weekly.points,
        basis: weekly.basis,
        stats,
        pickupRate48h: weekly.pickupRate48h,
        removed,
      },
    },
  ];
}

export function decide(command: MerchantWeekCommand, state: MerchantWeekState): MerchantWeekEvent[] {
  switch (command.type) {
    case 'CloseMerchantWeek':
      return closeWeek(command, state);
    case 'CorrectMerchantWeekAssessment':
      return correct(command, state);
    default:
      throw invalidInput(`Unknown merchant-week command ${(command as { type?: unknown }).type as string}`);
  }
}

export const merchantWeekDecider: Decider<MerchantWeekCommand, MerchantWeekEvent, MerchantWeekState> = { decide, evolve, initialState };
