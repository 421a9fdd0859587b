import { pickupRateRule, PUBLISHED_RULES, V1_RULES, V2_RULES } from '../shared/rules-registry';
import type { Judgement } from '../shared/rules';
import { caseWeek, MAX_SIMULATION_WEEKS, periodWeeks, rejudgeCase, simulationTotals, weekFigures } from './simulation';

const DAY = 86_400_000;
const CANDIDATE = pickupRateRule({ version: 'v3-candidate', thresholdPercent: 90, weeklyCap: 5, lowRatePoints: 10 });

describe('periodWeeks', () => {
  it('every calendar week overlapping [from, to), whole, in the business timezone; closed once end + delay has passed', () => {
    // 2026-11-18 (Wed) .. 2026-11-24 (Tue): touches W47 and W48 (Asia/Shanghai, weeks start Monday 00:00 +08:00)
    const weeks = periodWeeks('2026-11-18T00:00:00Z', '2026-11-24T00:00:00Z', 'Asia/Shanghai', 2 * DAY, '2026-11-30T20:00:00Z');
    expect(weeks.map((w) => w.week)).toEqual(['2026-W47', '2026-W48']);
    expect(weeks[0]).toEqual({
      week: '2026-W47',
      start: '2026-11-15T16:00:00.000Z',
      end: '2026-11-22T16:00:00.000Z',
      closesAt: '2026-11-24T16:00:00.000Z',
      closed: true,
      asOf: '2026-11-24T16:00:00.000Z',
    });
    // W48 ends 2026-11-29T16:00Z, closes 2026-12-01T16:00Z: still open at now → as of now
    expect(weeks[1]).toMatchObject({ week: '2026-W48', closed: false, asOf: '2026-11-30T20:00:00.000Z' });
  });
  it('leaves out weeks not begun at now; refuses from ≥ to and too long a period', () => {
    expect(periodWeeks('2026-11-23T00:00:00Z', '2027-06-01T00:00:00Z', 'UTC', 0, '2026-11-25T00:00:00Z').map((w) => w.week)).toEqual(['2026-W48']);
    expect(() => periodWeeks('2026-11-23T00:00:00Z', '2026-11-23T00:00:00Z', 'UTC', 0, '2026-11-25T00:00:00Z')).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(() => periodWeeks('2000-01-03T00:00:00Z', '2026-11-23T00:00:00Z', 'UTC', 0, '2026-11-25T00:00:00Z')).toThrow(new RegExp(`more than ${MAX_SIMULATION_WEEKS}`));
  });
});

describe('weekFigures: one merchant-week under the version in force and a candidate', () => {
  const cases: [string, { lateOrders: number; ordersDue48h: number; pickedUpWithin48h: number }, number, number, number][] = [
    // name, stats, v1, v2, candidate (hand-computed)
    ['18 of 20 picked up (90 %), 2 late', { lateOrders: 2, ordersDue48h: 20, pickedUpWithin48h: 18 }, 2, 7, 2],
    ['19 of 20 (95 %), 1 late', { lateOrders: 1, ordersDue48h: 20, pickedUpWithin48h: 19 }, 1, 1, 1],
    ['0 of 30, 30 late', { lateOrders: 30, ordersDue48h: 30, pickedUpWithin48h: 0 }, 25, 7, 10],
    ['97 of 100, 9 late (late waybills)', { lateOrders: 9, ordersDue48h: 100, pickedUpWithin48h: 97 }, 9, 7, 5],
    ['nothing late', { lateOrders: 0, ordersDue48h: 10, pickedUpWithin48h: 5 }, 0, 0, 0],
  ];
  it.each(cases)('%s', (_n, stats, v1, v2, cand) => {
    expect(weekFigures(V2_RULES, V1_RULES, stats)).toMatchObject({ pointsRecorded: v2, pointsSimulated: v1 });
    expect(weekFigures(V1_RULES, V2_RULES, stats)).toMatchObject({ pointsRecorded: v1, pointsSimulated: v2 });
    expect(weekFigures(V2_RULES, CANDIDATE, stats)).toMatchObject({ pointsRecorded: v2, pointsSimulated: cand });
  });
});

const judgement = (over: Partial<Judgement> = {}): Judgement => ({
  outcome: 'MERCHANT_LIABLE',
  violation: 'LATE_SHIPMENT',
  decidedBy: 'SYSTEM',
  rulesVersion: 'v2',
  decidedAt: '2026-11-20T04:00:00.000Z',
  reasons: [{ rule: 'LATE_SHIPMENT', detail: 'pickup scan missing 48 h after payment', facts: [] }],
  penalty: { points: 1, basis: "v2: store's 48h pickup rate in 2026-W47 is 100.0% (≥95%): 1 point per late order (at most 7 a week, capped on the scorecard)" },
  ...over,
});

describe('rejudgeCase: a standing judgement under the candidate, with its week at the close', () => {
  const data = { disputeId: 'd-1', judgement: judgement(), context: { rulesVersion: 'v2', merchantWeek: { week: '2026-W47', ordersDue48h: 18, pickedUpWithin48h: 18, lateOrders: 0 } } };
  const closed = { lateOrders: 2, ordersDue48h: 20, pickedUpWithin48h: 18 };
  it('the week of the case is the one its judge context names, else its decision week', () => {
    expect(caseWeek(data, 'Asia/Shanghai')).toBe('2026-W47');
    expect(caseWeek({ ...data, context: { merchantWeek: null } }, 'Asia/Shanghai')).toBe('2026-W47');
    expect(caseWeek({ ...data, context: null, judgement: judgement({ decidedAt: '2026-11-22T17:00:00Z' }) }, 'Asia/Shanghai')).toBe('2026-W48');
  });
  it('v2 recorded mid-week (100 % as of its own deadline: 1 point) → 7 points at the close (90 %): changed, citing the rule and the week', () => {
    const r = rejudgeCase({ disputeId: 'd-1', merchantId: 'm-1', week: '2026-W47', data }, V2_RULES, closed);
    expect(r.changed).toBe(true);
    expect(r.recorded).toMatchObject({ outcome: 'MERCHANT_LIABLE', violation: 'LATE_SHIPMENT', rulesVersion: 'v2', points: 1 });
    expect(r.simulated).toMatchObject({ rulesVersion: 'v2', points: 7, merchantWeek: { week: '2026-W47', ordersDue48h: 20, pickedUpWithin48h: 18, lateOrders: 2 } });
    expect(r.reasons[0].rule).toBe('PENALTY_POINTS_v2');
    expect(r.reasons[0].detail).toContain('90.0% (<95%)');
    expect(r.reasons[1]).toEqual(data.judgement.reasons[0]);
  });
  it('v1: 1 point either way → unchanged; not liable → 0 under every version', () => {
    expect(rejudgeCase({ disputeId: 'd-1', merchantId: 'm-1', week: '2026-W47', data }, V1_RULES, closed).changed).toBe(false);
    const nl = { ...data, judgement: judgement({ outcome: 'MERCHANT_NOT_LIABLE', violation: undefined, penalty: { points: 0, basis: 'merchant not liable: no points' } }) };
    for (const v of [...PUBLISHED_RULES.versions().map((x) => PUBLISHED_RULES.get(x)), CANDIDATE]) {
      expect(rejudgeCase({ disputeId: 'd-2', merchantId: 'm-1', week: '2026-W47', data: nl }, v, closed)).toMatchObject({ changed: false, simulated: { points: 0 } });
    }
  });
  it('a week without statistics counts as no order due (rate n/a)', () => {
    const r = rejudgeCase({ disputeId: 'd-1', merchantId: 'm-1', week: '2026-W47', data }, CANDIDATE, null);
    expect(r.simulated).toMatchObject({ points: 1, merchantWeek: { ordersDue48h: 0, pickedUpWithin48h: 0, lateOrders: 0 } });
    expect(r.simulated.basis).toContain('n/a');
  });
});

describe('simulationTotals', () => {
  it('sums the weeks; merchants affected = merchants with a week whose points differ', () => {
    const weeks = [
      { merchantId: 'a', pointsRecorded: 7, pointsSimulated: 2 },
      { merchantId: 'a', pointsRecorded: 1, pointsSimulated: 1 },
      { merchantId: 'b', pointsRecorded: 1, pointsSimulated: 1 },
      { merchantId: 'c', pointsRecorded: 7, pointsSimulated: 25 },
    ];
    expect(simulationTotals(weeks, 3)).toEqual({ merchantWeeks: 4, merchantsAffected: 2, casesChanged: 3, pointsRecorded: 16, pointsSimulated: 29 });
    expect(simulationTotals([], 0)).toEqual({ merchantWeeks: 0, merchantsAffected: 0, casesChanged: 0, pointsRecorded: 0, pointsSimulated: 0 });
  });
});
