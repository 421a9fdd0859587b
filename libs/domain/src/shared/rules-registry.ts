/**
 * The rules-version registry: every rules version is one {@link RuleSet} — the points one judgement carries
 * (per-case attribution) and the points of a merchant's week (scorecard) — built from one of two published
 * rule families with its own parameters:
 *
 *  - {@link perLateOrderRule} (v1, seed 004): 1 point per late order, at most `cap` in the week.
 *  - {@link pickupRateRule} (v2, seed 001 Q5): weekly 48-hour pickup rate ≥ `thresholdPercent`: `pointsPerLateOrder`
 *    per late order, at most `weeklyCap`; below: `lowRatePoints` for the week (counted once per week).
 *
 * A new version (e.g. a candidate with other thresholds) is one more `pickupRateRule({...})` /
 * `perLateOrderRule({...})` registered with {@link RulesRegistry.with}; nothing else changes. The
 * service's published registry is {@link PUBLISHED_RULES} (v1, v2); a candidate may be registered in a
 * separate registry (e.g. in tests, or a what-if simulation) without becoming a version new judgements use.
 *
 * Per-case attribution (the same for every version):
 *  - only MERCHANT_LIABLE + LATE_SHIPMENT carries points; OUT_OF_STOCK and BREACH_OF_PROMISE carry 0 (no
 *    published rule sets points for them; the basis says so);
 *  - caps are caps on a sum, so they are applied where cases are summed (the weekly scorecard);
 *  - a week whose statistics are unknown (null) or with no order due for pickup (rate not applicable) is
 *    treated as meeting the threshold — the reading most favourable to the merchant, stated in the basis.
 */
import { DomainError } from '../errors';
import type { MerchantWeek, Penalty, WeekStats } from './rules';
import type { Outcome, Violation } from './types';

export interface WeeklyPenalty extends Penalty {
  /** pickedUpWithin48h / ordersDue48h, null when no order was due (not applicable). */
  pickupRate48h: number | null;
}

export interface RuleSet {
  /** The version's name, e.g. 'v2' ('rulesVersion' everywhere). */
  readonly version: string;
  /** One line for people (OpenAPI, console). */
  readonly summary: string;
  /** Points one judgement carries under this version, given its merchant-week's statistics. */
  casePenalty(outcome: Outcome, violation: Violation | undefined, merchantWeek: MerchantWeek | null | undefined): Penalty;
  /** The merchant's late-shipment points for one calendar week. */
  weeklyPoints(stats: WeekStats): WeeklyPenalty;
}

/** The weekly 48-hour pickup rate in [0,1], or null when no order was due (not applicable). */
export function pickupRate48h(stats: { ordersDue48h: number; pickedUpWithin48h: number }): number | null {
  if (stats.ordersDue48h <= 0) return null;
  return stats.pickedUpWithin48h / stats.ordersDue48h;
}

/** rate ≥ threshold, compared in integers (pickedUp * 100 ≥ due * threshold); no order due → true. */
export function rateMeets(stats: { ordersDue48h: number; pickedUpWithin48h: number }, thresholdPercent: number): boolean {
  if (stats.ordersDue48h <= 0) return true;
  return stats.pickedUpWithin48h * 100 >= stats.ordersDue48h * thresholdPercent;
}

/** The rate as people read it: '94.9%' (truncated to 0.1), 'n/a' when no order was due. */
export function formatRate(stats: { ordersDue48h: number; pickedUpWithin48h: number }): string {
  const r = pickupRate48h(stats);
  return r === null ? 'n/a' : `${(Math.floor(r * 1000) / 10).toFixed(1)}%`;
}

/** The attribution shared by every version: which judgements carry points at all (null: the version decides). */
function noPointsBasis(version: string, outcome: Outcome, violation: Violation | undefined): Penalty | null {
  if (outcome !== 'MERCHANT_LIABLE') return { points: 0, basis: 'merchant not liable: no points' };
  if (violation !== 'LATE_SHIPMENT') {
    return { points: 0, basis: `${version}: the published points rule covers late shipment only; ${violation ?? 'this violation'} carries no points` };
  }
  return null;
}

function checkCount(name: string, v: number, min: number): void {
  if (!Number.isSafeInteger(v) || v < min) throw new Error(`rules: ${name} must be an integer ≥ ${min}, got ${v}`);
}
function checkVersion(version: string): void {
  if (typeof version !== 'string' || !/^[a-z0-9][a-z0-9._-]{0,39}$/.test(version)) throw new Error(`rules: invalid version name ${String(version)}`);
}

/** The older family (seed 004): 1 point per late order, at most `cap` points in the week (7 days). */
export function perLateOrderRule(p: { version: string; cap: number }): RuleSet {
  checkVersion(p.version);
  checkCount('cap', p.cap, 0);
  return {
    version: p.version,
    summary: `1 point per late order, at most ${p.cap} in 7 days`,
    casePenalty(outcome, violation) {
      return noPointsBasis(p.version, outcome, violation) ?? { points: 1, basis: `${p.version}: 1 point per late order (at most ${p.cap} in 7 days, capped on the weekly scorecard)` };
    },
    weeklyPoints(stats) {
      const late = Math.max(0, stats.lateOrders);
      return { points: Math.min(late, p.cap), basis: `${p.version}: 1 point per late order, at most ${p.cap}`, pickupRate48h: pickupRate48h(stats) };
    },
  };
}

/** The newer family (seed 001 Q5): by the store's weekly 48-hour pickup rate. */
export function pickupRateRule(p: { version: string; thresholdPercent: number; pointsPerLateOrder?: number; weeklyCap: number; lowRatePoints: number }): RuleSet {
  checkVersion(p.version);
  const per = p.pointsPerLateOrder ?? 1;
  checkCount('thresholdPercent', p.thresholdPercent, 0);
  if (p.thresholdPercent > 100) throw new Error('rules: thresholdPercent must be ≤ 100');
  checkCount('pointsPerLateOrder', per, 0);
  checkCount('weeklyCap', p.weeklyCap, 0);
  checkCount('lowRatePoints', p.lowRatePoints, 0);
  const v = p.version;
  const t = p.thresholdPercent;
  const perText = per === 1 ? '1 point per late order' : `${per} points per late order`;
  return {
    version: v,
    summary: `weekly 48-hour pickup rate ≥ ${t}%: ${perText}, at most ${p.weeklyCap} a week; below: ${p.lowRatePoints} points`,
    casePenalty(outcome, violation, week) {
      const none = noPointsBasis(v, outcome, violation);
      if (none) return none;
      if (!week) {
        return { points: per, basis: `${v}: store's weekly 48h pickup rate unknown, treated as ≥${t}%: ${perText} (at most ${p.weeklyCap} a week, capped on the scorecard)` };
      }
      if (rateMeets(week, t)) {
        return { points: per, basis: `${v}: store's 48h pickup rate in ${week.week} is ${formatRate(week)} (≥${t}%): ${perText} (at most ${p.weeklyCap} a week, capped on the scorecard)` };
      }
      return { points: p.lowRatePoints, basis: `${v}: store's 48h pickup rate in ${week.week} is ${formatRate(week)} (<${t}%): ${p.lowRatePoints} points for the week (counted once per week on the scorecard)` };
    },
    weeklyPoints(stats) {
      const late = Math.max(0, stats.lateOrders);
      const rate = pickupRate48h(stats);
      if (rateMeets(stats, t)) {
        return {
          points: Math.min(late * per, p.weeklyCap),
          basis:
            rate === null
              ? `${v}: no order due for pickup this week (rate not applicable, treated as ≥${t}%): ${perText}, at most ${p.weeklyCap}`
              : `${v}: 48h pickup rate ${formatRate(stats)} ≥ ${t}%: ${perText}, at most ${p.weeklyCap}`,
          pickupRate48h: rate,
        };
      }
      return {
        points: late > 0 ? p.lowRatePoints : 0,
        basis: late > 0 ? `${v}: 48h pickup rate ${formatRate(stats)} < ${t}%: ${p.lowRatePoints} points` : `${v}: 48h pickup rate ${formatRate(stats)} < ${t}% but no late order: 0 points`,
        pickupRate48h: rate,
      };
    },
  };
}

/** An immutable set of rules versions by name. */
export class RulesRegistry {
  private readonly sets: ReadonlyMap<string, RuleSet>;
  constructor(sets: readonly RuleSet[]) {
    const m = new Map<string, RuleSet>();
    for (const s of sets) {
      if (m.has(s.version)) throw new Error(`rules: version ${s.version} registered twice`);
      m.set(s.version, s);
    }
    this.sets = m;
  }
  /** The version names, in registration order. */
  versions(): string[] {
    return [...this.sets.keys()];
  }
  has(version: unknown): version is string {
    return typeof version === 'string' && this.sets.has(version);
  }
  /** The rule set, or DomainError UNKNOWN_RULES_VERSION (400). */
  get(version: unknown): RuleSet {
    const s = typeof version === 'string' ? this.sets.get(version) : undefined;
    if (!s) throw new DomainError('UNKNOWN_RULES_VERSION', `Unknown rules version ${String(version)}; known: ${this.versions().join(', ')}`);
    return s;
  }
  /** A new registry with `set` added (this one is unchanged). */
  with(set: RuleSet): RulesRegistry {
    return new RulesRegistry([...this.sets.values(), set]);
  }
}

export const V1_WEEKLY_CAP = 25;
export const V2_WEEKLY_CAP = 7;
export const V2_LOW_RATE_POINTS = 7;
/** 95 %, compared in integers: pickedUp * 100 >= due * 95. */
export const V2_PICKUP_RATE_THRESHOLD_PERCENT = 95;

export const V1_RULES = perLateOrderRule({ version: 'v1', cap: V1_WEEKLY_CAP });
export const V2_RULES = pickupRateRule({ version: 'v2', thresholdPercent: V2_PICKUP_RATE_THRESHOLD_PERCENT, weeklyCap: V2_WEEKLY_CAP, lowRatePoints: V2_LOW_RATE_POINTS });

/** The published rules versions (the ones `RULES_VERSION` and `rulesVersion` in requests may name). */
export const PUBLISHED_RULES = new RulesRegistry([V1_RULES, V2_RULES]);
