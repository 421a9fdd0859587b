import { assessShipping, orderSnapshot, weeklyPenaltyPoints, type OrderFactInput } from '@app/domain';
import { disputeStateProjection } from './dispute-state.projection';
import { merchantWeeksProjection } from './merchant-week.projection';
import { createProjections } from './index';
import { orderShippingProjection, shippingSql } from './order-shipping.projection';
import { merchantWeekStats, scorecard } from './queries';
import { addHours, applyInBatches, projectionTables } from './test-support/spec-helpers';
import { Scenario } from './testing';

const P = [disputeStateProjection, orderShippingProjection, merchantWeeksProjection];
const SH = 'Asia/Shanghai'; // UTC+8 all year (no DST)

/*
 * Calendar weeks by hand.
 *   2026-W47 in Asia/Shanghai: Mon 2026-11-16 00:00 +08 = 2026-11-15T16:00Z  …  Mon 2026-11-23 00:00 +08 = 2026-11-22T16:00Z (excl.)
 *   2026-W47 in UTC:           2026-11-16T00:00Z … 2026-11-23T00:00Z (excl.)
 *   2026-W48 in Asia/Shanghai: 2026-11-22T16:00Z … 2026-11-29T16:00Z (excl.)
 *
 * Merchant M1 (every order STANDARD/ONLINE unless said; pickup due = clock start + 48 h, waybill due = + 24 h):
 *   A1  paid 11-16T02:00Z  waybill +3 h, pickup +20 h           due 11-18T02:00Z  on time
 *   A2  paid 11-16T04:00Z  waybill +30 h (late), pickup +40 h   due 11-18T04:00Z  LATE (waybill), picked up within 48 h
 *   A3  paid 11-17T00:00Z  waybill +5 h, pickup +50 h           due 11-19T00:00Z  LATE (pickup)
 *   A4  paid 11-18T00:00Z  nothing ever                         due 11-20T00:00Z  LATE (both, once the due times passed)
 *   A5  paid 11-20T15:30Z  waybill +4.5 h, pickup exactly at due due 11-22T15:30Z = Sun 23:30 +08: W47, on time (at due = on time)
 *   A6  paid 11-20T16:30Z  waybill +2 h, no pickup              due 11-22T16:30Z = Mon 11-23 00:30 +08 → W48 in Shanghai, but
 *                                                                 Sun 16:30 UTC → W47 in UTC. LATE (pickup).
 *   A7  PRESALE, paid 11-16T05:00Z, nothing                      not assessed → excluded
 *   A8  paid 11-16T06:00Z, fully refunded 11-16T10:00Z, nothing  refunded before due → no obligation: excluded from rate, not late
 *   A9  COD placed 11-19T00:00Z (clock = placement), waybill +1 h, pickup +24 h   due 11-21T00:00Z  on time
 *   A10 paid 11-17T06:00Z, LOCKED 11-17T08:00Z, nothing           not assessed → excluded
 *   A11 paid 11-13T00:00Z, nothing                               due 11-15T00:00Z = Sun 08:00 +08 → W46: excluded
 *   (M2's late order in the same week is another merchant's.)
 *
 * W47 Shanghai as of 2026-11-25T00:00Z (week over): due & assessed = A1 A2 A3 A4 A5 A8 A9; A8 refunded before due →
 *   ordersDue48h = 6 (A1 A2 A3 A4 A5 A9), pickedUpWithin48h = 4 (A1 A2 A5 A9), lateOrders = 3 (A2 A3 A4), rate 4/6 = 66.7 %.
 *   v1: min(3, 25) = 3 points. v2: rate < 95 % and late orders → 7 points.
 * W47 UTC: the same plus A6 → ordersDue48h 7, picked up 4, late 4: v1 4, v2 7.
 * W48 Shanghai: A6 alone → 1 due, 0 picked up, 1 late: v1 1, v2 7.
 *
 * As of Thu 2026-11-19T00:00Z (mid-week) in W47 Shanghai:
 *   A1 known, on time. A2 known, picked up in time, late waybill. A3: pickup due 11-19T00:00Z = now, not scanned yet:
 *   pending (exactly at the due time is not late yet). A4: waybill due 11-19T00:00Z = now: pending, not late. A9: pending.
 *   A5 not paid yet as of now (no clock). A8 refunded.
 *   → ordersDue48h 2, pickedUp 2, late 1, pending 3, rate 100 %: v1 1, v2 min(1, 7) = 1.
 *
 * Judgements of M1 (decided_at): DA1 settled 11-17T00:00Z (W47), DA3 OUT_OF_STOCK 11-18T03:00Z (W47),
 * DA4 LATE_SHIPMENT by the system 11-21T01:00Z (W47), DA6 LATE_SHIPMENT 11-23T17:00Z (W48 in both zones).
 */
function build(): Scenario {
  const s = new Scenario();
  const wb = (o: string, at: string) => s.fact(o, { type: 'WAYBILL_UPLOADED', occurredAt: at, carrier: 'SF', waybillNo: `W-${o}` });
  const pu = (o: string, at: string) => s.fact(o, { type: 'PICKUP_SCANNED', occurredAt: at, carrier: 'SF', waybillNo: `W-${o}` });

  s.paidOrder('A1', 'M1', '2026-11-16T02:00:00Z');
  wb('A1', '2026-11-16T05:00:00Z');
  pu('A1', '2026-11-16T22:00:00Z');
  s.paidOrder('A2', 'M1', '2026-11-16T04:00:00Z');
  wb('A2', '2026-11-17T10:00:00Z');
  pu('A2', '2026-11-17T20:00:00Z');
  s.paidOrder('A3', 'M1', '2026-11-17T00:00:00Z');
  wb('A3', '2026-11-17T05:00:00Z');
  s.paidOrder('A4', 'M1', '2026-11-18T00:00:00Z');
  s.paidOrder('A7', 'M1', '2026-11-16T05:00:00Z', { orderKind: 'PRESALE' });
  s.paidOrder('A8', 'M1', '2026-11-16T06:00:00Z');
  s.fact('A8', { type: 'REFUNDED', occurredAt: '2026-11-16T10:00:00Z' });
  s.paidOrder('A10', 'M1', '2026-11-17T06:00:00Z');
  s.fact('A10', { type: 'LOCKED', occurredAt: '2026-11-17T08:00:00Z' });
  s.paidOrder('A11', 'M1', '2026-11-13T00:00:00Z');
  s.paidOrder('B1', 'M2', '2026-11-17T00:00:00Z');

  // DA1: settled (A1 shipped and picked up).
  s.openDispute('DA1', 'A1', '2026-11-16T23:00:00Z');
  s.choose('DA1', { option: 'SHIPPED_WITH_PICKUP' }, '2026-11-17T00:00:00Z');
  // DA3: out of stock, the consumer rejects the refund → judged OUT_OF_STOCK.
  s.openDispute('DA3', 'A3', '2026-11-18T01:00:00Z');
  s.choose('DA3', { option: 'OUT_OF_STOCK_REFUND' }, '2026-11-18T02:00:00Z');
  s.respond('DA3', false, '2026-11-18T03:00:00Z');
  pu('A3', '2026-11-19T02:00:00Z');

  s.registerOrder({ orderId: 'A9', merchantId: 'M1', placedAt: '2026-11-19T00:00:00Z', paymentMethod: 'COD' });
  wb('A9', '2026-11-19T01:00:00Z');
  pu('A9', '2026-11-20T00:00:00Z');

  // DA4: no answer; the response deadline judges the late order.
  s.openDispute('DA4', 'A4', '2026-11-20T01:00:00Z');
  s.fire('DA4', 'RESPONSE', '2026-11-21T01:00:00Z');

  s.paidOrder('A5', 'M1', '2026-11-20T15:30:00Z');
  wb('A5', '2026-11-20T20:00:00Z');
  pu('A5', '2026-11-22T15:30:00Z');
  s.paidOrder('A6', 'M1', '2026-11-20T16:30:00Z');
  wb('A6', '2026-11-20T18:30:00Z');
  s.openDispute('DA6', 'A6', '2026-11-22T17:00:00Z');
  s.fire('DA6', 'RESPONSE', '2026-11-23T17:00:00Z');
  return s;
}

describe('merchant scorecard', () => {
  const tables = projectionTables(P, 'once');
  let s: Scenario;
  beforeAll(async () => {
    s = build();
    await applyInBatches(tables.db, P, s.log, [5]);
  });

  const after = '2026-11-25T00:00:00Z';

  it('W47 in Asia/Shanghai under v1 and v2 (hand-computed)', async () => {
    const v1 = await scorecard(tables.db, { merchantId: 'M1', week: '2026-W47', rulesVersion: 'v1', now: after, timezone: SH });
    expect(v1).toMatchObject({
      merchantId: 'M1',
      week: '2026-W47',
      rulesVersion: 'v1',
      timezone: SH,
      weekStart: '2026-11-15T16:00:00.000Z',
      weekEnd: '2026-11-22T16:00:00.000Z',
      ordersDue48h: 6,
      pickedUpWithin48h: 4,
      lateOrders: 3,
      pendingOrders: 0,
      refundedBeforeDue: 1,
      points: 3,
      violations: { LATE_SHIPMENT: 1, OUT_OF_STOCK: 1, BREACH_OF_PROMISE: 0 },
      judged: 2,
      settled: 1,
    });
    expect(v1.pickupRate48h).toBeCloseTo(4 / 6, 10);
    const v2 = await scorecard(tables.db, { merchantId: 'M1', week: '2026-W47', rulesVersion: 'v2', now: after, timezone: SH });
    expect(v2).toMatchObject({ ordersDue48h: 6, pickedUpWithin48h: 4, lateOrders: 3, points: 7 });
    expect(v2.pointsBasis).toMatch(/< 95%/);
  });

  it('puts an order whose pickup deadline crosses midnight in Shanghai into the next week there, but not in UTC', async () => {
    const utc = await scorecard(tables.db, { merchantId: 'M1', week: '2026-W47', rulesVersion: 'v1', now: after, timezone: 'UTC' });
    expect(utc).toMatchObject({ weekStart: '2026-11-16T00:00:00.000Z', ordersDue48h: 7, pickedUpWithin48h: 4, lateOrders: 4, points: 4 });
    expect((await scorecard(tables.db, { merchantId: 'M1', week: '2026-W47', rulesVersion: 'v2', now: after, timezone: 'UTC' })).points).toBe(7);

    const w48 = await scorecard(tables.db, { merchantId: 'M1', week: '2026-W48', rulesVersion: 'v1', now: after, timezone: SH });
    expect(w48).toMatchObject({ ordersDue48h: 1, pickedUpWithin48h: 0, lateOrders: 1, points: 1, violations: { LATE_SHIPMENT: 1, OUT_OF_STOCK: 0, BREACH_OF_PROMISE: 0 } });
    expect(w48.pickupRate48h).toBe(0);
    expect((await scorecard(tables.db, { merchantId: 'M1', week: '2026-W48', rulesVersion: 'v2', now: after, timezone: SH })).points).toBe(7);
  });

  it('computes lateness as of `now`: mid-week, orders still inside their deadlines are pending, not late', async () => {
    const mid = '2026-11-19T00:00:00Z';
    const v2 = await scorecard(tables.db, { merchantId: 'M1', week: '2026-W47', rulesVersion: 'v2', now: mid, timezone: SH });
    expect(v2).toMatchObject({ ordersDue48h: 2, pickedUpWithin48h: 2, lateOrders: 1, pendingOrders: 3, refundedBeforeDue: 1, pickupRate48h: 1, points: 1 });
    expect((await scorecard(tables.db, { merchantId: 'M1', week: '2026-W47', rulesVersion: 'v1', now: mid, timezone: SH })).points).toBe(1);
  });

  it('gives the judge its JudgeContext.merchantWeek, and binds the business timezone in createProjections', async () => {
    expect(await merchantWeekStats(tables.db, 'M1', '2026-11-19T00:00:00Z', SH, after)).toEqual({
      week: '2026-W47',
      ordersDue48h: 6,
      pickedUpWithin48h: 4,
      lateOrders: 3,
    });
    // Sun 2026-11-22T17:00Z is Monday 01:00 in Shanghai: W48 there.
    expect(await merchantWeekStats(tables.db, 'M1', '2026-11-22T17:00:00Z', SH, after)).toEqual({ week: '2026-W48', ordersDue48h: 1, pickedUpWithin48h: 0, lateOrders: 1 });
    const sh = createProjections({ timezone: SH });
    expect(await sh.merchantWeekStats(tables.db, 'M1', '2026-11-22T17:00:00Z', after)).toEqual({ week: '2026-W48', ordersDue48h: 1, pickedUpWithin48h: 0, lateOrders: 1 });
    expect((await sh.scorecard(tables.db, { merchantId: 'M1', week: '2026-W47', rulesVersion: 'v1', now: after })).points).toBe(3);
    const utc = createProjections({ timezone: 'UTC' });
    expect((await utc.scorecard(tables.db, { merchantId: 'M1', week: '2026-W47', rulesVersion: 'v1', now: after })).points).toBe(4);
    expect(() => createProjections({ timezone: 'Mars/Olympus' })).toThrow();
    // Another merchant and an empty week.
    expect(await scorecard(tables.db, { merchantId: 'M2', week: '2026-W47', rulesVersion: 'v2', now: after, timezone: SH })).toMatchObject({
      ordersDue48h: 1,
      pickedUpWithin48h: 0,
      lateOrders: 1,
      points: 7,
    });
    expect(await scorecard(tables.db, { merchantId: 'M9', week: '2026-W47', rulesVersion: 'v2', now: after, timezone: SH })).toMatchObject({
      ordersDue48h: 0,
      lateOrders: 0,
      pickupRate48h: null,
      points: 0,
    });
  });

  it('refuses bad weeks and rules versions with domain errors', async () => {
    await expect(scorecard(tables.db, { merchantId: 'M1', week: '2026-47', rulesVersion: 'v1', now: after, timezone: SH })).rejects.toMatchObject({ code: 'INVALID_WEEK' });
    await expect(scorecard(tables.db, { merchantId: 'M1', week: '2026-W47', rulesVersion: 'v9', now: after, timezone: SH })).rejects.toMatchObject({
      code: 'UNKNOWN_RULES_VERSION',
    });
  });
});

describe('scorecard points at the v2 threshold and the v1 cap', () => {
  const tables = projectionTables(P, 'once');

  it('M3: 19 of 20 picked up within 48 h (exactly 95 %) with 3 late orders → v1 3, v2 3; M4: 30 unshipped → v1 25 (cap), v2 7', async () => {
    const s = new Scenario();
    // All paid Tuesday 2026-11-17T00:00Z + i minutes → pickup due Thursday 11-19, inside W47 in Shanghai.
    for (let i = 0; i < 20; i++) {
      const id = `M3-${i}`;
      const paid = new Date(Date.parse('2026-11-17T00:00:00Z') + i * 60_000).toISOString();
      s.paidOrder(id, 'M3', paid);
      if (i === 19) continue; // never shipped: late, not picked up
      const waybillLate = i < 2; // M3-0, M3-1: waybill after 24 h (late), pickup still within 48 h
      s.ship(id, addHours(paid, waybillLate ? 25 : 1), addHours(paid, 30));
    }
    for (let i = 0; i < 30; i++) s.paidOrder(`M4-${i}`, 'M4', new Date(Date.parse('2026-11-18T00:00:00Z') + i * 60_000).toISOString());
    await applyInBatches(tables.db, P, s.log, [17]);
    const now = '2026-11-30T00:00:00Z';

    const m3v1 = await scorecard(tables.db, { merchantId: 'M3', week: '2026-W47', rulesVersion: 'v1', now, timezone: SH });
    const m3v2 = await scorecard(tables.db, { merchantId: 'M3', week: '2026-W47', rulesVersion: 'v2', now, timezone: SH });
    expect(m3v1).toMatchObject({ ordersDue48h: 20, pickedUpWithin48h: 19, lateOrders: 3, pickupRate48h: 0.95, points: 3 });
    expect(m3v2).toMatchObject({ points: 3 });
    expect(m3v2.pointsBasis).toMatch(/≥ 95%/);

    const m4v1 = await scorecard(tables.db, { merchantId: 'M4', week: '2026-W47', rulesVersion: 'v1', now, timezone: SH });
    const m4v2 = await scorecard(tables.db, { merchantId: 'M4', week: '2026-W47', rulesVersion: 'v2', now, timezone: SH });
    expect(m4v1).toMatchObject({ ordersDue48h: 30, pickedUpWithin48h: 0, lateOrders: 30, points: 25 });
    expect(m4v2).toMatchObject({ points: 7 });
    // Same as the domain's weekly function on the same stats.
    expect(m4v1.points).toBe(weeklyPenaltyPoints('v1', m4v1).points);
  });
});

describe('SQL lateness agrees with the domain assessShipping', () => {
  const tables = projectionTables(P, 'once');

  it('for random orders and random instants', async () => {
    let seed = 42;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)];
    const base = Date.parse('2026-11-16T00:00:00Z');
    const s = new Scenario();
    const ids: string[] = [];
    for (let i = 0; i < 120; i++) {
      const id = `R${i}`;
      ids.push(id);
      const placedMs = base + Math.floor(rnd() * 72) * 3_600_000;
      const at = (h: number) => new Date(placedMs + Math.round(h * 60) * 60_000).toISOString();
      const paymentMethod = pick(['ONLINE', 'ONLINE', 'ONLINE', 'COD', 'POST_OFFICE_REMITTANCE', 'COMPANY_TRANSFER'] as const);
      const orderKind = pick(['STANDARD', 'STANDARD', 'STANDARD', 'PRESALE', 'CUSTOM', 'LOC'] as const);
      const promisedShipAt = rnd() < 0.2 ? at(rnd() * 60) : undefined;
      s.registerOrder({ orderId: id, merchantId: 'MR', placedAt: at(0), paymentMethod, orderKind, promisedShipAt, amount: 1000 });
      const facts: OrderFactInput[] = [];
      if (rnd() < 0.85) facts.push({ type: 'PAID', occurredAt: at(rnd() * 10) });
      const nW = Math.floor(rnd() * 3);
      for (let k = 0; k < nW; k++) facts.push({ type: 'WAYBILL_UPLOADED', occurredAt: at(rnd() * 80), carrier: 'SF', waybillNo: `W${k}` });
      const nP = Math.floor(rnd() * 3);
      for (let k = 0; k < nP; k++) facts.push({ type: 'PICKUP_SCANNED', occurredAt: at(rnd() * 100), carrier: 'SF', waybillNo: `P${k}` });
      if (rnd() < 0.15) facts.push({ type: 'REFUNDED', occurredAt: at(rnd() * 80), amount: pick([400, 1000]) });
      if (rnd() < 0.1) facts.push({ type: 'REFUNDED', occurredAt: at(rnd() * 80), amount: 500 });
      if (rnd() < 0.08) facts.push({ type: pick(['LOCKED', 'INVALIDATED'] as const), occurredAt: at(rnd() * 80) });
      // Recorded in a shuffled order (facts may arrive out of time order).
      for (const f of facts.sort(() => rnd() - 0.5)) {
        try {
          s.fact(id, f, at(120));
        } catch {
          // e.g. refunds above the amount: the domain refuses; skip
        }
      }
    }
    await applyInBatches(tables.db, P, s.log, [7]);
    const sql = shippingSql('$1::timestamptz', 'o');
    let compared = 0;
    const seen = { late: 0, onTime: 0, notAssessed: 0, waybillOnly: 0, pickupOnly: 0 };
    for (let h = 0; h <= 200; h += 7) {
      const t = new Date(base + h * 3_600_000 + (h % 3) * 1_800_000).toISOString();
      const { rows } = await tables.db.query<{ order_id: string; assessed: boolean; wl: boolean; pl: boolean; late: boolean }>(
        `SELECT order_id, ${sql.assessed} AS assessed, ${sql.waybillLate} AS wl, ${sql.pickupLate} AS pl, ${sql.late} AS late FROM order_shipping o`,
        [t],
      );
      for (const r of rows) {
        const snap = orderSnapshot(s.orderState(r.order_id));
        if (Date.parse(t) < Date.parse(snap.placedAt)) continue;
        const a = assessShipping(snap, t);
        expect({ id: r.order_id, t, assessed: r.assessed, wl: r.wl, pl: r.pl, late: r.late }).toEqual({
          id: r.order_id,
          t,
          assessed: a.assessed,
          wl: a.waybillLate,
          pl: a.pickupLate,
          late: a.late,
        });
        compared++;
        if (!a.assessed) seen.notAssessed++;
        else if (a.late) seen.late++;
        else seen.onTime++;
        if (a.waybillLate && !a.pickupLate) seen.waybillOnly++;
        if (a.pickupLate && !a.waybillLate) seen.pickupOnly++;
      }
    }
    expect(compared).toBeGreaterThan(2000);
    // The sample exercises every branch.
    for (const n of Object.values(seen)) expect(n).toBeGreaterThan(50);
  });
});
