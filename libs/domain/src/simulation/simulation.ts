/**
 * What-if simulation: a whole period re-judged under another rules version, from the recorded judgement events
 * (they capture their inputs) and each merchant-week's statistics as the week-settlement rules say — as they
 * stand at the week's close, or at the time of asking for a week still open. Pure: the caller supplies the
 * events, the statistics and the instants.
 *
 *  - {@link periodWeeks}: the calendar weeks (business timezone) a period [from, to) touches, each simulated
 *    whole, with the instant its statistics are taken as of.
 *  - {@link weekFigures}: one merchant-week's points under the version in force and under the candidate.
 *  - {@link rejudgeCase}: one standing judgement's outcome and points as recorded and under the candidate.
 *  - {@link simulationTotals}: the totals of a finished run.
 */
import { invalidInput } from '../errors';
import type { RuleSet } from '../shared/rules-registry';
import { isoWeekOf, weekBounds, type Judgement, type JudgementReason, type MerchantWeek, type WeekStats } from '../shared/rules';
import type { Outcome, Violation } from '../shared/types';

/** At most this many calendar weeks in one simulation (five years). */
export const MAX_SIMULATION_WEEKS = 261;

export interface PeriodWeek {
  /** 'YYYY-Www' in the business timezone. */
  week: string;
  /** Monday 00:00 (inclusive) … next Monday 00:00 (exclusive), UTC ISO. */
  start: string;
  end: string;
  /** end + WEEK_CLOSE_DELAY: when the week's figures settle. */
  closesAt: string;
  /** closesAt ≤ now. */
  closed: boolean;
  /** The instant the week's statistics are taken as of: closesAt for a closed week, now for an open one. */
  asOf: string;
}

/**
 * Every calendar week (in `timezone`) that overlaps [from, to), oldest first; a week is always simulated
 * whole (a merchant's week points are defined per whole week only). Weeks starting after `now` are left out
 * (nothing is known of them yet). 400 INVALID_INPUT when from ≥ to or the period spans more than
 * {@link MAX_SIMULATION_WEEKS} weeks.
 */
export function periodWeeks(from: string, to: string, timezone: string, closeDelayMs: number, now: string): PeriodWeek[] {
  const f = Date.parse(from);
  const t = Date.parse(to);
  const n = Date.parse(now);
  if (!Number.isFinite(f) || !Number.isFinite(t)) throw invalidInput('from and to must be ISO-8601 instants', { field: 'from' });
  if (f >= t) throw invalidInput('from must be before to', { field: 'from' });
  if (!Number.isFinite(closeDelayMs) || closeDelayMs < 0) throw invalidInput('closeDelayMs must be ≥ 0', { field: 'closeDelayMs' });
  const weeks: PeriodWeek[] = [];
  let b = weekBounds(isoWeekOf(new Date(f).toISOString(), timezone), timezone);
  while (Date.parse(b.start) < t && Date.parse(b.start) <= n) {
    if (weeks.length >= MAX_SIMULATION_WEEKS) throw invalidInput(`the period spans more than ${MAX_SIMULATION_WEEKS} weeks`, { field: 'to' });
    const week = isoWeekOf(b.start, timezone);
    const closesAtMs = Date.parse(b.end) + closeDelayMs;
    const closed = closesAtMs <= n;
    weeks.push({ week, start: b.start, end: b.end, closesAt: new Date(closesAtMs).toISOString(), closed, asOf: closed ? new Date(closesAtMs).toISOString() : new Date(n).toISOString() });
    b = weekBounds(isoWeekOf(b.end, timezone), timezone);
  }
  return weeks;
}

export interface WeekFigures {
  pointsRecorded: number;
  pointsSimulated: number;
  basisRecorded: string;
  basisSimulated: string;
  pickupRate48h: number | null;
}

/** One merchant-week under the version in force (`recorded`) and under the candidate, from the same statistics. */
export function weekFigures(recorded: RuleSet, candidate: RuleSet, stats: WeekStats): WeekFigures {
  const r = recorded.weeklyPoints(stats);
  const s = candidate.weeklyPoints(stats);
  return { pointsRecorded: r.points, pointsSimulated: s.points, basisRecorded: r.basis, basisSimulated: s.basis, pickupRate48h: s.pickupRate48h };
}

/** The recorded judgement event's data, as far as the simulation reads it (DisputeJudged.data). */
export interface JudgedData {
  disputeId: string;
  judgement: Judgement;
  context?: { rulesVersion?: string; merchantWeek?: MerchantWeek | null } | null;
}

/**
 * The merchant-week a judgement's points count in: the week its judge context names (the week of the order's
 * pickup deadline, captured when it was judged), else the week it was decided in.
 */
export function caseWeek(d: JudgedData, timezone: string): string {
  return d.context?.merchantWeek?.week ?? isoWeekOf(d.judgement.decidedAt, timezone);
}

export interface CaseSide {
  outcome: Outcome;
  violation?: Violation;
  rulesVersion: string;
  points: number;
  basis: string;
}

export interface CaseResult {
  disputeId: string;
  merchantId: string;
  week: string;
  recorded: CaseSide;
  simulated: CaseSide & { merchantWeek: MerchantWeek };
  /** Outcome, violation or points differ. */
  changed: boolean;
  /** Why the simulated side is what it is: the candidate's points rule with the week's figures, then the rules and facts the judgement cites. */
  reasons: JudgementReason[];
}

/**
 * Re-judges one standing judgement under `candidate` with its merchant-week's statistics (at the week's close,
 * or at the time of asking for an open week). The outcome and violation are the recorded ones — they follow from
 * the case's facts, which no points rule changes — and the points are the candidate's for that outcome.
 */
export function rejudgeCase(c: { disputeId: string; merchantId: string; week: string; data: JudgedData }, candidate: RuleSet, stats: WeekStats | null): CaseResult {
  const j = c.data.judgement;
  const merchantWeek: MerchantWeek = {
    week: c.week,
    ordersDue48h: stats?.ordersDue48h ?? 0,
    pickedUpWithin48h: stats?.pickedUpWithin48h ?? 0,
    lateOrders: stats?.lateOrders ?? 0,
  };
  const penalty = candidate.casePenalty(j.outcome, j.violation, merchantWeek);
  const recorded: CaseSide = { outcome: j.outcome, rulesVersion: j.rulesVersion, points: j.penalty?.points ?? 0, basis: j.penalty?.basis ?? 'no penalty recorded' };
  if (j.violation !== undefined) recorded.violation = j.violation;
  const simulated: CaseResult['simulated'] = { outcome: j.outcome, rulesVersion: candidate.version, points: penalty.points, basis: penalty.basis, merchantWeek };
  if (j.violation !== undefined) simulated.violation = j.violation;
  const changed = recorded.outcome !== simulated.outcome || recorded.violation !== simulated.violation || recorded.points !== simulated.points;
  const reasons: JudgementReason[] = [
    {
      rule: `PENALTY_POINTS_${candidate.version}`,
      detail: `${penalty.basis} — recorded: ${recorded.points} point(s) under ${recorded.rulesVersion} (${recorded.basis}); week ${c.week}: ${merchantWeek.lateOrders} late order(s), ${merchantWeek.pickedUpWithin48h} of ${merchantWeek.ordersDue48h} due picked up within 48 h`,
    },
    ...(Array.isArray(j.reasons) ? j.reasons : []),
  ];
  return { disputeId: c.disputeId, merchantId: c.merchantId, week: c.week, recorded, simulated, changed, reasons };
}

export interface SimulationTotals {
  merchantWeeks: number;
  /** Merchants with at least one week whose points differ. */
  merchantsAffected: number;
  casesChanged: number;
  pointsRecorded: number;
  pointsSimulated: number;
}

export function simulationTotals(weeks: readonly { merchantId: string; pointsRecorded: number; pointsSimulated: number }[], casesChanged: number): SimulationTotals {
  const affected = new Set<string>();
  let rec = 0;
  let sim = 0;
  for (const w of weeks) {
    rec += w.pointsRecorded;
    sim += w.pointsSimulated;
    if (w.pointsRecorded !== w.pointsSimulated) affected.add(w.merchantId);
  }
  return { merchantWeeks: weeks.length, merchantsAffected: affected.size, casesChanged, pointsRecorded: rec, pointsSimulated: sim };
}
