/**
 * Rules versions (published rule sets) and penalty points (积分) for late shipment.
 *
 *  - v1 (seed 004): 1 point per late order, at most 25 points in 7 days.
 *  - v2 (seed 001 Q5): store's weekly 48-hour pickup rate ≥ 95 %: 1 point per late order, at most 7 a
 *    week; below 95 %: 7 points (for the week).
 *
 * The versions themselves live in the registry (rules-registry.ts: one RuleSet per version, built from a rule
 * family with its parameters; a candidate version is one more entry). This file holds the judgement types,
 * the functions the deciders and read models call (they look the version up in {@link PUBLISHED_RULES}
 * unless given another registry), and the calendar weeks.
 *
 * Per-case attribution (what one judgement carries in `penalty`):
 *  - Only MERCHANT_LIABLE + LATE_SHIPMENT carries points. OUT_OF_STOCK and BREACH_OF_PROMISE carry 0 points
 *    here: neither published rule sets points for them (basis says so), so a replay never invents any.
 *  - v1: 1 point. The 25-in-7-days cap is a cap on a sum, so it is applied where cases are summed: the
 *    merchant scorecard ({@link weeklyPenaltyPoints}, per calendar week of the business timezone).
 *  - v2 with the merchant's week known (merchantWeek captured in the judgement event):
 *      rate ≥ 95 % → 1 point (weekly cap 7 applied on the scorecard);
 *      rate < 95 % → 7 points: the flat weekly penalty this late order triggers (the scorecard counts it
 *      once per week, not once per case).
 *  - v2 with merchantWeek unknown (null/absent) or a week with no order due for pickup (rate not
 *    applicable): treated as rate ≥ 95 % — the reading most favourable to the merchant, stated in the basis.
 *
 * The judgement event records the JudgeContext (rules version and merchantWeek), so a judgement can be
 * recomputed under another version from the recorded events alone (see rejudge in dispute.ts).
 */
import { DateTime, IANAZone } from 'luxon';
import { DomainError, invalidInput } from '../errors';
import { PUBLISHED_RULES, type WeeklyPenalty } from './rules-registry';
import { toMs } from './time';
import type { DecidedBy, OrderFactRef, Outcome, Violation } from './types';

/** The published versions' names (the registry {@link PUBLISHED_RULES} holds their rules). */
export const RULES_VERSIONS = ['v1', 'v2'] as const;
export type RulesVersion = (typeof RULES_VERSIONS)[number];
export const DEFAULT_RULES_VERSION: RulesVersion = 'v2';

export interface MerchantWeek {
  /** ISO week 'YYYY-Www' in the business timezone. */
  week: string;
  /** Orders whose 48 h pickup deadline fell in the week. */
  ordersDue48h: number;
  /** Of those, orders picked up within 48 h. */
  pickedUpWithin48h: number;
  /** Late orders of the week. */
  lateOrders: number;
}

export interface JudgeContext {
  rulesVersion: RulesVersion;
  merchantWeek?: MerchantWeek | null;
  /**
   * True when `merchantWeek` is the week's settled statistics (the week's assessment was recorded, see
   * merchant-week/): the judgement's points are then final. Absent/false: the week is still open and the
   * points are provisional (`penalty.provisional`).
   */
  weekFinal?: boolean;
}

export interface JudgementReason {
  rule: string;
  detail: string;
  facts?: OrderFactRef[];
}

export interface Penalty {
  points: number;
  basis: string;
  /**
   * True while the merchant-week the points depend on is open: a late-shipment liability rendered before the
   * week's assessment was recorded. The week's assessment (merchant-week stream) settles them. Judgements
   * without points (not liable, other violations) are never provisional. Absent on events recorded before
   * week settlement existed (read as provisional for late-shipment liabilities).
   */
  provisional?: boolean;
  /** The merchant-week ('YYYY-Www') whose statistics the points depend on, when known. */
  week?: string;
}

export interface Judgement {
  outcome: Outcome;
  violation?: Violation;
  decidedBy: DecidedBy;
  rulesVersion: RulesVersion;
  decidedAt: string;
  reasons: JudgementReason[];
  penalty: Penalty;
  /** The adjudicator's rationale (ADJUDICATOR judgements). */
  rationale?: string;
}

/** A judgement before the rules version is applied. */
export type JudgementInput = Omit<Judgement, 'rulesVersion' | 'penalty'>;

export function isRulesVersion(v: unknown): v is RulesVersion {
  return PUBLISHED_RULES.has(v) && (RULES_VERSIONS as readonly string[]).includes(v);
}

/** A published version's name, or DomainError UNKNOWN_RULES_VERSION (400). */
export function parseRulesVersion(v: unknown): RulesVersion {
  if (isRulesVersion(v)) return v;
  throw new DomainError('UNKNOWN_RULES_VERSION', `Unknown rules version ${String(v)}; known: ${RULES_VERSIONS.join(', ')}`);
}

const WEEK_RE = /^(\d{4})-W(\d{2})$/;

export function validateMerchantWeek(w: MerchantWeek | null | undefined): MerchantWeek | null {
  if (w === undefined || w === null) return null;
  if (typeof w.week !== 'string' || !WEEK_RE.test(w.week)) throw invalidInput('merchantWeek.week must be YYYY-Www', { field: 'merchantWeek.week' });
  for (const k of ['ordersDue48h', 'pickedUpWithin48h', 'lateOrders'] as const) {
    if (!Number.isSafeInteger(w[k]) || w[k] < 0) throw invalidInput(`merchantWeek.${k} must be a non-negative integer`, { field: `merchantWeek.${k}` });
  }
  if (w.pickedUpWithin48h > w.ordersDue48h) {
    throw invalidInput('merchantWeek.pickedUpWithin48h may not exceed ordersDue48h', { field: 'merchantWeek.pickedUpWithin48h' });
  }
  return { week: w.week, ordersDue48h: w.ordersDue48h, pickedUpWithin48h: w.pickedUpWithin48h, lateOrders: w.lateOrders };
}

export function validateJudgeContext(ctx: JudgeContext | undefined): JudgeContext {
  if (!ctx || typeof ctx !== 'object') throw invalidInput('rules (JudgeContext) is required', { field: 'rules' });
  const out: JudgeContext = { rulesVersion: parseRulesVersion(ctx.rulesVersion), merchantWeek: validateMerchantWeek(ctx.merchantWeek) };
  if (ctx.weekFinal === true) out.weekFinal = true;
  return out;
}

/** Points one judgement carries under a published rules version (see the attribution rules above). */
export function casePenalty(
  rulesVersion: RulesVersion,
  outcome: Outcome,
  violation: Violation | undefined,
  merchantWeek: MerchantWeek | null | undefined,
): Penalty {
  return PUBLISHED_RULES.get(rulesVersion).casePenalty(outcome, violation, merchantWeek);
}

/** Applies a rules version to a judgement input: the one place a judgement's penalty is computed. */
export function renderJudgement(input: JudgementInput, ctx: JudgeContext): Judgement {
  const penalty: Penalty = { ...casePenalty(ctx.rulesVersion, input.outcome, input.violation, ctx.merchantWeek), provisional: false };
  if (input.outcome === 'MERCHANT_LIABLE' && input.violation === 'LATE_SHIPMENT') {
    penalty.provisional = ctx.weekFinal !== true;
    if (ctx.merchantWeek) penalty.week = ctx.merchantWeek.week;
  }
  const j: Judgement = {
    outcome: input.outcome,
    decidedBy: input.decidedBy,
    rulesVersion: ctx.rulesVersion,
    decidedAt: input.decidedAt,
    reasons: input.reasons,
    penalty,
  };
  if (input.violation !== undefined) j.violation = input.violation;
  if (input.rationale !== undefined) j.rationale = input.rationale;
  return j;
}

export interface WeekStats {
  lateOrders: number;
  ordersDue48h: number;
  pickedUpWithin48h: number;
}

/**
 * A merchant's late-shipment points for one calendar week (scorecard), under a published version.
 *  - v1: min(lateOrders, 25).
 *  - v2: rate ≥ 95 % (or no order due: rate not applicable, treated as ≥ 95 %) → min(lateOrders, 7);
 *        rate < 95 % → 7 when lateOrders > 0, else 0 (no late order, no late-shipment penalty).
 */
export function weeklyPenaltyPoints(rulesVersion: RulesVersion, stats: WeekStats): WeeklyPenalty {
  return PUBLISHED_RULES.get(rulesVersion).weeklyPoints(stats);
}

// ------------------------------------------------------------------------------------------ calendar weeks

/** Zones already validated: IANAZone.isValidZone builds an Intl.DateTimeFormat each call (hot in the benchmark's profile). */
const validZones = new Set<string>();
function checkZone(timezone: string): void {
  if (typeof timezone === 'string' && validZones.has(timezone)) return;
  if (typeof timezone !== 'string' || !IANAZone.isValidZone(timezone)) throw invalidInput(`Unknown timezone ${timezone}`, { field: 'timezone' });
  validZones.add(timezone);
}

/** The ISO week ('YYYY-Www') containing `instant` in the business timezone. */
export function isoWeekOf(instant: string, timezone: string): string {
  checkZone(timezone);
  const dt = DateTime.fromMillis(toMs(instant, 'instant'), { zone: timezone });
  return `${String(dt.weekYear).padStart(4, '0')}-W${String(dt.weekNumber).padStart(2, '0')}`;
}

/** Monday 00:00 (inclusive) to the next Monday 00:00 (exclusive) of an ISO week in the business timezone, as UTC ISO strings. */
export function weekBounds(week: string, timezone: string): { start: string; end: string } {
  checkZone(timezone);
  const m = WEEK_RE.exec(typeof week === 'string' ? week : '');
  if (!m) throw new DomainError('INVALID_WEEK', `Week must look like 2024-W07, got ${String(week)}`);
  const weekYear = Number(m[1]);
  const weekNumber = Number(m[2]);
  const start = DateTime.fromObject({ weekYear, weekNumber, weekday: 1 }, { zone: timezone }).startOf('day');
  if (!start.isValid || start.weekYear !== weekYear || start.weekNumber !== weekNumber) {
    throw new DomainError('INVALID_WEEK', `${week} does not exist`);
  }
  const end = start.plus({ weeks: 1 });
  return { start: start.toUTC().toISO()!, end: end.toUTC().toISO()! };
}
