import { decide, evolve, initialState, rejudge, type DisputeCommand, type DisputeEvent, type DisputeState } from '../dispute';
import { casePenalty, isoWeekOf, renderJudgement, validateJudgeContext, weekBounds, weeklyPenaltyPoints, type JudgeContext, type MerchantWeek } from './rules';
import { at, opened, V1 } from '../test-fixtures';

const fold = (events: DisputeEvent[]): DisputeState => events.reduce(evolve, initialState());
function play(given: DisputeEvent[], ...commands: DisputeCommand[]): DisputeEvent[] {
  let events = [...given];
  for (const c of commands) events = [...events, ...decide(c, fold(events))];
  return events;
}

const goodWeek: MerchantWeek = { week: '2024-W10', ordersDue48h: 100, pickedUpWithin48h: 95, lateOrders: 5 };
const badWeek: MerchantWeek = { week: '2024-W10', ordersDue48h: 100, pickedUpWithin48h: 94, lateOrders: 6 };

describe('casePenalty: points one late-shipment judgement carries', () => {
  it('v1: 1 point per late order', () => {
    expect(casePenalty('v1', 'MERCHANT_LIABLE', 'LATE_SHIPMENT', badWeek).points).toBe(1);
    expect(casePenalty('v1', 'MERCHANT_LIABLE', 'LATE_SHIPMENT', null).points).toBe(1);
  });
  it('v2: rate ≥ 95 % → 1 point; below → 7; unknown week → treated as ≥ 95 %', () => {
    expect(casePenalty('v2', 'MERCHANT_LIABLE', 'LATE_SHIPMENT', goodWeek)).toMatchObject({ points: 1 });
    expect(casePenalty('v2', 'MERCHANT_LIABLE', 'LATE_SHIPMENT', badWeek)).toMatchObject({ points: 7 });
    expect(casePenalty('v2', 'MERCHANT_LIABLE', 'LATE_SHIPMENT', null).basis).toContain('unknown');
    expect(casePenalty('v2', 'MERCHANT_LIABLE', 'LATE_SHIPMENT', { ...badWeek, ordersDue48h: 0, pickedUpWithin48h: 0 }).points).toBe(1);
  });
  it('no points when not liable, nor for out-of-stock / breach of promise', () => {
    expect(casePenalty('v2', 'MERCHANT_NOT_LIABLE', undefined, badWeek).points).toBe(0);
    expect(casePenalty('v1', 'MERCHANT_LIABLE', 'OUT_OF_STOCK', badWeek).points).toBe(0);
    expect(casePenalty('v2', 'MERCHANT_LIABLE', 'BREACH_OF_PROMISE', badWeek).points).toBe(0);
  });
  it('renderJudgement applies the version', () => {
    const j = renderJudgement(
      { outcome: 'MERCHANT_LIABLE', violation: 'LATE_SHIPMENT', decidedBy: 'SYSTEM', decidedAt: at(1), reasons: [] },
      { rulesVersion: 'v2', merchantWeek: badWeek },
    );
    expect(j).toMatchObject({ rulesVersion: 'v2', penalty: { points: 7 } });
  });
  it('validates the judge context', () => {
    expect(() => validateJudgeContext({ rulesVersion: 'v3' as never })).toThrow(expect.objectContaining({ code: 'UNKNOWN_RULES_VERSION' }));
    expect(() => validateJudgeContext({ rulesVersion: 'v2', merchantWeek: { ...goodWeek, pickedUpWithin48h: 101 } })).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT' }),
    );
    expect(() => validateJudgeContext(undefined)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });
});

describe('weeklyPenaltyPoints (scorecard)', () => {
  it('v1: min(late, 25)', () => {
    expect(weeklyPenaltyPoints('v1', { lateOrders: 3, ordersDue48h: 10, pickedUpWithin48h: 7 }).points).toBe(3);
    expect(weeklyPenaltyPoints('v1', { lateOrders: 40, ordersDue48h: 100, pickedUpWithin48h: 60 }).points).toBe(25);
  });
  it('v2: rate ≥ 95 % → min(late, 7)', () => {
    expect(weeklyPenaltyPoints('v2', { lateOrders: 3, ordersDue48h: 100, pickedUpWithin48h: 97 })).toMatchObject({ points: 3, pickupRate48h: 0.97 });
    expect(weeklyPenaltyPoints('v2', { lateOrders: 10, ordersDue48h: 1000, pickedUpWithin48h: 950 }).points).toBe(7);
  });
  it('v2: exactly 95 % counts as ≥ 95 % (integer comparison)', () => {
    expect(weeklyPenaltyPoints('v2', { lateOrders: 1, ordersDue48h: 20, pickedUpWithin48h: 19 }).points).toBe(1);
  });
  it('v2: rate < 95 % → 7 when there is a late order, 0 otherwise', () => {
    expect(weeklyPenaltyPoints('v2', { lateOrders: 1, ordersDue48h: 20, pickedUpWithin48h: 18 }).points).toBe(7);
    expect(weeklyPenaltyPoints('v2', { lateOrders: 0, ordersDue48h: 20, pickedUpWithin48h: 18 }).points).toBe(0);
  });
  it('zero orders due: rate not applicable (null), treated as ≥ 95 %', () => {
    expect(weeklyPenaltyPoints('v2', { lateOrders: 2, ordersDue48h: 0, pickedUpWithin48h: 0 })).toMatchObject({ points: 2, pickupRate48h: null });
    expect(weeklyPenaltyPoints('v2', { lateOrders: 0, ordersDue48h: 0, pickedUpWithin48h: 0 }).points).toBe(0);
  });
  it('the same week differs between versions', () => {
    const w = { lateOrders: 2, ordersDue48h: 10, pickedUpWithin48h: 8 };
    expect([weeklyPenaltyPoints('v1', w).points, weeklyPenaltyPoints('v2', w).points]).toEqual([2, 7]);
  });
});

describe('rejudge: the same case under another rules version, from the recorded events alone', () => {
  const rules: JudgeContext = { rulesVersion: 'v1', merchantWeek: badWeek };
  const judged = play(opened('UNIFIED'), {
    type: 'FireDeadline',
    deadline: 'RESPONSE',
    order: { orderId: 'o-1', merchantId: 'm-1', consumerId: 'c-1', placedAt: at(0), paymentMethod: 'ONLINE', orderKind: 'STANDARD', amount: 1, facts: [{ seq: 0, type: 'PAID', occurredAt: at(0) }] },
    rules,
    now: at(54),
  });
  const events = JSON.parse(JSON.stringify(judged)) as DisputeEvent[];

  it('v1 recorded, v2 replayed: 1 point vs 7 points (pickup rate below 95 %)', () => {
    const r = rejudge(events, 'v2');
    expect(r.recorded).toMatchObject({ rulesVersion: 'v1', outcome: 'MERCHANT_LIABLE', violation: 'LATE_SHIPMENT', penalty: { points: 1 } });
    expect(r.replayed).toMatchObject({ rulesVersion: 'v2', outcome: 'MERCHANT_LIABLE', violation: 'LATE_SHIPMENT', penalty: { points: 7 } });
    expect(r.replayed!.reasons).toEqual(r.recorded!.reasons);
    expect(r.replayed!.decidedAt).toBe(r.recorded!.decidedAt);
    expect(r.differs).toBe(true);
    expect(r.differences).toEqual(['penalty points: 1 (v1) → 7 (v2)']);
    expect(r.state.judgement).toEqual(r.replayed);
  });
  it('the same version replays identically', () => {
    const r = rejudge(events, 'v1');
    expect(r.replayed).toEqual(r.recorded);
    expect(r.differs).toBe(false);
  });
  it('with a good week both versions agree on points (differs: false)', () => {
    const order = {
      orderId: 'o-1', merchantId: 'm-1', consumerId: 'c-1', placedAt: at(0), paymentMethod: 'ONLINE' as const, orderKind: 'STANDARD' as const, amount: 1,
      facts: [{ seq: 0, type: 'PAID' as const, occurredAt: at(0) }],
    };
    const good = play(opened('UNIFIED'), { type: 'FireDeadline', deadline: 'RESPONSE', order, rules: { ...V1, merchantWeek: goodWeek }, now: at(54) });
    const r = rejudge(good, 'v2');
    expect([r.recorded!.penalty.points, r.replayed!.penalty.points]).toEqual([1, 1]);
    expect(r.differs).toBe(false);
    expect(r.replayed!.penalty.basis).not.toEqual(r.recorded!.penalty.basis);
  });
  it('a case without a judgement replays to nothing', () => {
    const r = rejudge(opened('UNIFIED'), 'v2');
    expect(r).toMatchObject({ recorded: null, replayed: null, differs: false });
  });
  it('refuses unknown versions', () => {
    expect(() => rejudge(events, 'v9' as never)).toThrow(expect.objectContaining({ code: 'UNKNOWN_RULES_VERSION' }));
  });
});

describe('ISO weeks in the business timezone', () => {
  const tz = 'Asia/Shanghai';
  it('Monday 00:00 Shanghai is Sunday 16:00 UTC', () => {
    expect(weekBounds('2024-W10', tz)).toEqual({ start: '2024-03-03T16:00:00.000Z', end: '2024-03-10T16:00:00.000Z' });
  });
  it('an instant just before / after midnight Shanghai falls in different weeks', () => {
    expect(isoWeekOf('2024-03-10T15:59:59.999Z', tz)).toBe('2024-W10'); // Sunday 23:59:59.999 Shanghai
    expect(isoWeekOf('2024-03-10T16:00:00.000Z', tz)).toBe('2024-W11'); // Monday 00:00 Shanghai
    expect(isoWeekOf('2024-03-10T16:00:00.000Z', 'UTC')).toBe('2024-W10'); // still Sunday in UTC
  });
  it('week-years differ from calendar years at the edges', () => {
    expect(isoWeekOf('2024-12-30T01:00:00Z', tz)).toBe('2025-W01');
    expect(isoWeekOf('2021-01-01T12:00:00Z', tz)).toBe('2020-W53');
    expect(weekBounds('2020-W53', tz)).toEqual({ start: '2020-12-27T16:00:00.000Z', end: '2021-01-03T16:00:00.000Z' });
  });
  it('every instant of a week maps back to it', () => {
    const { start, end } = weekBounds('2024-W01', tz);
    expect(isoWeekOf(start, tz)).toBe('2024-W01');
    expect(isoWeekOf(new Date(Date.parse(end) - 1).toISOString(), tz)).toBe('2024-W01');
    expect(isoWeekOf(end, tz)).toBe('2024-W02');
  });
  it('refuses malformed or non-existent weeks and unknown zones', () => {
    expect(() => weekBounds('2024-10', tz)).toThrow(expect.objectContaining({ code: 'INVALID_WEEK' }));
    expect(() => weekBounds('2024-W53', tz)).toThrow(expect.objectContaining({ code: 'INVALID_WEEK' }));
    expect(() => weekBounds('2024-W00', tz)).toThrow(expect.objectContaining({ code: 'INVALID_WEEK' }));
    expect(() => isoWeekOf(at(0), 'Mars/Olympus')).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });
});
