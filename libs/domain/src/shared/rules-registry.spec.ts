import { casePenalty, weeklyPenaltyPoints } from './rules';
import { PUBLISHED_RULES, pickupRateRule, perLateOrderRule, RulesRegistry, V1_RULES, V2_RULES } from './rules-registry';

/** A candidate version with other thresholds, registered in this test only (never published). */
const CANDIDATE = pickupRateRule({ version: 'v3-candidate', thresholdPercent: 90, weeklyCap: 5, lowRatePoints: 10 });

describe('rules-version registry', () => {
  it('publishes v1 and v2, in that order, and refuses unknown versions with UNKNOWN_RULES_VERSION (400)', () => {
    expect(PUBLISHED_RULES.versions()).toEqual(['v1', 'v2']);
    expect(PUBLISHED_RULES.get('v1')).toBe(V1_RULES);
    expect(PUBLISHED_RULES.get('v2')).toBe(V2_RULES);
    expect(() => PUBLISHED_RULES.get('v3-candidate')).toThrow(expect.objectContaining({ code: 'UNKNOWN_RULES_VERSION' }));
    expect(() => PUBLISHED_RULES.get(undefined)).toThrow(expect.objectContaining({ code: 'UNKNOWN_RULES_VERSION' }));
  });

  it('the façade functions are the registry’s v1/v2 rule sets', () => {
    const week = { week: '2026-W10', ordersDue48h: 40, pickedUpWithin48h: 37, lateOrders: 3 };
    for (const v of ['v1', 'v2'] as const) {
      expect(weeklyPenaltyPoints(v, week)).toEqual(PUBLISHED_RULES.get(v).weeklyPoints(week));
      expect(casePenalty(v, 'MERCHANT_LIABLE', 'LATE_SHIPMENT', week)).toEqual(PUBLISHED_RULES.get(v).casePenalty('MERCHANT_LIABLE', 'LATE_SHIPMENT', week));
    }
  });

  it('a candidate is one more entry: registered in a new registry, the published one unchanged', () => {
    const withCandidate = PUBLISHED_RULES.with(CANDIDATE);
    expect(withCandidate.versions()).toEqual(['v1', 'v2', 'v3-candidate']);
    expect(PUBLISHED_RULES.has('v3-candidate')).toBe(false);
    expect(() => withCandidate.with(pickupRateRule({ version: 'v2', thresholdPercent: 1, weeklyCap: 1, lowRatePoints: 1 }))).toThrow(/registered twice/);
  });

  it('the candidate applies its own thresholds: 92 % meets its 90 % (but not v2’s 95 %); cap 5; below: 10 points', () => {
    const at92 = { lateOrders: 8, ordersDue48h: 100, pickedUpWithin48h: 92 };
    expect(CANDIDATE.weeklyPoints(at92)).toMatchObject({ points: 5, pickupRate48h: 0.92 });
    expect(V2_RULES.weeklyPoints(at92).points).toBe(7);
    const at89 = { lateOrders: 2, ordersDue48h: 100, pickedUpWithin48h: 89 };
    expect(CANDIDATE.weeklyPoints(at89).points).toBe(10);
    expect(CANDIDATE.weeklyPoints({ ...at89, lateOrders: 0 }).points).toBe(0);
    expect(CANDIDATE.weeklyPoints({ lateOrders: 3, ordersDue48h: 0, pickedUpWithin48h: 0 })).toMatchObject({ points: 3, pickupRate48h: null });
    // exactly at the threshold meets it (integers: 90 * 100 >= 100 * 90)
    expect(CANDIDATE.weeklyPoints({ lateOrders: 1, ordersDue48h: 100, pickedUpWithin48h: 90 }).points).toBe(1);
    const w = { week: '2026-W10', ...at89 };
    expect(CANDIDATE.casePenalty('MERCHANT_LIABLE', 'LATE_SHIPMENT', w)).toEqual({
      points: 10,
      basis: "v3-candidate: store's 48h pickup rate in 2026-W10 is 89.0% (<90%): 10 points for the week (counted once per week on the scorecard)",
    });
    expect(CANDIDATE.casePenalty('MERCHANT_LIABLE', 'LATE_SHIPMENT', { ...w, pickedUpWithin48h: 92 }).points).toBe(1);
    expect(CANDIDATE.casePenalty('MERCHANT_NOT_LIABLE', undefined, w).points).toBe(0);
    expect(CANDIDATE.casePenalty('MERCHANT_LIABLE', 'OUT_OF_STOCK', w).points).toBe(0);
  });

  it('per-late-order family with another cap; invalid parameters are refused when the version is defined', () => {
    const capped = perLateOrderRule({ version: 'v1-cap10', cap: 10 });
    expect(capped.weeklyPoints({ lateOrders: 14, ordersDue48h: 20, pickedUpWithin48h: 6 }).points).toBe(10);
    expect(capped.casePenalty('MERCHANT_LIABLE', 'LATE_SHIPMENT', null).points).toBe(1);
    expect(() => pickupRateRule({ version: 'bad', thresholdPercent: 101, weeklyCap: 1, lowRatePoints: 1 })).toThrow();
    expect(() => perLateOrderRule({ version: 'Bad Name', cap: 1 })).toThrow();
    expect(() => new RulesRegistry([V1_RULES, V1_RULES])).toThrow(/registered twice/);
  });

  it('v1/v2 keep their published wording (the basis strings judgements already carry)', () => {
    expect(V2_RULES.casePenalty('MERCHANT_LIABLE', 'LATE_SHIPMENT', { week: '2026-W48', ordersDue48h: 5, pickedUpWithin48h: 0, lateOrders: 5 }).basis).toBe(
      "v2: store's 48h pickup rate in 2026-W48 is 0.0% (<95%): 7 points for the week (counted once per week on the scorecard)",
    );
    expect(V1_RULES.casePenalty('MERCHANT_LIABLE', 'LATE_SHIPMENT', null).basis).toBe('v1: 1 point per late order (at most 25 in 7 days, capped on the weekly scorecard)');
  });
});
