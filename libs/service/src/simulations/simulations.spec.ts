/**
 * Simulations against a real (in-memory PGlite) event store and the real read models, on a random history:
 *  - property: for every merchant-week of the period (a few hundred), the simulation's figures equal what the
 *    scorecard `compare` computes for that merchant-week (the same call GET …/scorecard/compare makes);
 *  - a candidate rules version registered only here runs through the whole service (inline re-judging), and
 *    its figures equal the candidate's rules applied to the scorecard's statistics, case by case too.
 * The seed is printed with every failure; SIM_SEED=<n> replays one.
 */
import { disputeStream, isoWeekOf, pickupRateRule, PUBLISHED_RULES, V1_RULES, V2_RULES, weekFigures, type OrderFactInput, type WeekStats } from '@app/domain';
import { PgliteDatabase, SqlEventStore, START, type Position, type RecordedEvent } from '@app/event-store';
import { createProjections, periodWeekStats } from '@app/projections';
import { Scenario } from '@app/projections/projections/testing';
import { Logger } from '@nestjs/common';
import type { ModuleRef } from '@nestjs/core';
import { loadConfig } from '@app/config';
import { SimulationsService } from './simulations.service';

Logger.overrideLogger(false);
const SH = 'Asia/Shanghai';
const H = 3_600_000;
const SEED = Number(process.env.SIM_SEED ?? Date.now() % 1_000_000);
const CANDIDATE = pickupRateRule({ version: 'v3-candidate', thresholdPercent: 90, weeklyCap: 5, lowRatePoints: 10 });

function mulberry32(a: number) {
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// 2026-W36 … 2026-W43 in Asia/Shanghai: Mon 2026-08-31 00:00 +08 = 2026-08-30T16:00Z, eight weeks.
const FROM = '2026-08-30T16:00:00.000Z';
const TO = '2026-10-25T16:00:00.000Z';
const WEEKS = 8;
const MERCHANTS = 45;

function build(seed: number): { s: Scenario; judged: string[] } {
  const rnd = mulberry32(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)];
  const s = new Scenario();
  const iso = (ms: number) => new Date(ms).toISOString();
  const judged: string[] = [];
  let n = 0;
  for (let m = 0; m < MERCHANTS; m++) {
    const merchantId = `M${m}`;
    const quality = 0.6 + 0.4 * rnd(); // share of orders shipped in time
    for (let w = 0; w < WEEKS; w++) {
      const orders = Math.floor(rnd() * 7); // 0..6: some weeks are empty
      for (let k = 0; k < orders; k++) {
        const id = `O${n++}`;
        // pickup due = clock + 48 h, spread over the week and a little beyond both ends
        const clock = Date.parse(FROM) + w * 7 * 24 * H - 50 * H + Math.floor(rnd() * (7 * 24 + 4)) * H + Math.floor(rnd() * 60) * 60_000;
        const kind = rnd() < quality ? 'ON_TIME' : pick(['LATE_WAYBILL', 'LATE_PICKUP', 'NEVER', 'NEVER', 'REFUNDED', 'PRESALE', 'LOCKED', 'AT_DUE', 'COD_LATE'] as const);
        const fact = (f: OrderFactInput) => s.fact(id, f);
        if (kind === 'COD_LATE') {
          s.registerOrder({ orderId: id, merchantId, placedAt: iso(clock), paymentMethod: 'COD' });
          s.ship(id, iso(clock + 30 * H), iso(clock + 60 * H));
          continue;
        }
        s.paidOrder(id, merchantId, iso(clock), kind === 'PRESALE' ? { orderKind: 'PRESALE' } : {});
        if (kind === 'ON_TIME') s.ship(id, iso(clock + (1 + Math.floor(rnd() * 20)) * H), iso(clock + (22 + Math.floor(rnd() * 25)) * H));
        if (kind === 'LATE_WAYBILL') s.ship(id, iso(clock + 26 * H), iso(clock + 40 * H));
        if (kind === 'LATE_PICKUP') s.ship(id, iso(clock + 3 * H), iso(clock + (49 + Math.floor(rnd() * 30)) * H));
        if (kind === 'AT_DUE') s.ship(id, iso(clock + 2 * H), iso(clock + 48 * H));
        if (kind === 'REFUNDED') fact({ type: 'REFUNDED', occurredAt: iso(clock + 10 * H) });
        if (kind === 'LOCKED') fact({ type: 'LOCKED', occurredAt: iso(clock + 5 * H) });
        if (kind === 'NEVER' && rnd() < 0.6) {
          const d = `D${id}`;
          s.openDispute(d, id, iso(clock + 49 * H));
          s.fire(d, 'RESPONSE', iso(clock + 73 * H)); // the system judges the late order (merchantWeek not captured: 1 point under v2)
          judged.push(d);
        }
      }
    }
  }
  return { s, judged };
}

describe(`simulations on a random history (seed ${SEED})`, () => {
  let db: PgliteDatabase;
  let store: SqlEventStore;
  let judged: string[];
  const read = createProjections({ timezone: SH });
  const now = new Date().toISOString();

  beforeAll(async () => {
    db = await PgliteDatabase.create();
    store = new SqlEventStore(db, { kind: 'embedded' });
    await store.init();
    const built = build(SEED);
    judged = built.judged;
    await built.s.appendTo(store);
    for (const p of read.projections) for (const ddl of p.ddl) await db.query(ddl.replace(/\{prefix\}/g, ''));
    let after: Position = START;
    for (;;) {
      const page = await store.readAll({ after, maxCount: 2000 });
      const events: RecordedEvent[] = page.events;
      if (events.length) await db.transaction(async (tx) => {
        for (const p of read.projections) await p.apply(tx, events, '');
      });
      after = page.lastPosition;
      if (page.isEnd) break;
    }
  }, 240_000);
  afterAll(async () => {
    await store?.close();
    await db?.close();
  });

  /** What GET /merchants/{m}/scorecard/compare answers for one merchant-week (the controller's own call). */
  const compare = async (merchantId: string, week: string) => {
    const [v1, v2] = await Promise.all((['v1', 'v2'] as const).map((rulesVersion) => read.scorecard(db, { merchantId, week, rulesVersion, now })));
    return { v1, v2 };
  };

  it('every merchant-week of the period: the simulation’s statistics and points equal compare’s (v2 in force, v1 simulated)', async () => {
    const weeks = Array.from({ length: WEEKS }, (_, w) => {
      const start = new Date(Date.parse(FROM) + w * 7 * 24 * H).toISOString();
      const end = new Date(Date.parse(start) + 7 * 24 * H).toISOString();
      const week = `2026-W${36 + w}`;
      return { week, start, end, asOf: new Date(Date.parse(end) + 48 * H).toISOString() }; // at the close (WEEK_CLOSE_DELAY P2D)
    });
    const rows = await periodWeekStats(db, weeks);
    const bySim = new Map(rows.map((r) => [`${r.merchantId}|${r.week}`, r]));
    let checked = 0;
    let withOrders = 0;
    let differing = 0;
    for (let m = 0; m < MERCHANTS; m++) {
      for (const w of weeks) {
        const c = await compare(`M${m}`, w.week);
        const sim = bySim.get(`M${m}|${w.week}`);
        const stats: WeekStats = sim ?? { lateOrders: 0, ordersDue48h: 0, pickedUpWithin48h: 0 };
        const f = weekFigures(V2_RULES, V1_RULES, stats);
        const tag = `seed ${SEED}, M${m} ${w.week}`;
        expect({ tag, recorded: f.pointsRecorded, simulated: f.pointsSimulated, late: stats.lateOrders, due: stats.ordersDue48h, picked: stats.pickedUpWithin48h }).toEqual({
          tag,
          recorded: c.v2.points,
          simulated: c.v1.points,
          late: c.v1.lateOrders,
          due: c.v1.ordersDue48h,
          picked: c.v1.pickedUpWithin48h,
        });
        // a merchant-week without a row has no assessed order due in it
        if (!sim) expect({ tag, due: c.v1.ordersDue48h + c.v1.pendingOrders + c.v1.refundedBeforeDue }).toEqual({ tag, due: 0 });
        checked++;
        if (sim) withOrders++;
        if (c.v1.points !== c.v2.points) differing++;
      }
    }
    expect(checked).toBe(MERCHANTS * WEEKS);
    expect(withOrders).toBeGreaterThan(200); // a few hundred merchant-weeks with orders
    expect(differing).toBeGreaterThan(20); // and the versions disagree on many of them
  }, 240_000);

  it('a candidate version registered only in this test runs through the service: week and case figures are the candidate’s rules on compare’s statistics', async () => {
    const config = loadConfig({ BUSINESS_TIMEZONE: SH, RUN_BACKGROUND: 'false', SIMULATION_BATCH_SIZE: '7' });
    const noProjections = { get: () => { throw new Error('no ProjectionsService here'); } } as unknown as ModuleRef;
    const service = new SimulationsService(db, store, config, noProjections);
    service.registry = PUBLISHED_RULES.with(CANDIDATE);
    await service.store.migrate();
    const { simulationId } = await service.start({ rulesVersion: 'v3-candidate', from: FROM, to: TO }, { sub: 'adjudicator-1', role: 'adjudicator' } as never);
    await service.settled(simulationId);
    const r = (await service.view(simulationId)) as any;
    expect({ seed: SEED, status: r.status, error: r.error }).toEqual({ seed: SEED, status: 'DONE', error: undefined });
    expect(r.progress).toMatchObject({ phase: 'DONE', judgementsDone: r.progress.judgementsTotal });
    let moved = 0;
    for (const w of r.weeks) {
      const c = await compare(w.merchantId, w.week);
      expect({ seed: SEED, m: w.merchantId, week: w.week, recorded: w.pointsRecorded, simulated: w.pointsSimulated }).toEqual({
        seed: SEED,
        m: w.merchantId,
        week: w.week,
        recorded: c.v2.points,
        simulated: CANDIDATE.weeklyPoints(c.v2).points,
      });
      moved += Math.abs(w.pointsSimulated - w.pointsRecorded);
    }
    expect(moved).toBeGreaterThan(0);
    // case by case: every judged late order carries 1 point as recorded; under the candidate, 10 when its week is below 90 %
    const changes: any[] = [];
    let cursor: string | undefined;
    do {
      const page = (await service.changes(simulationId, cursor, 50)) as { items: any[]; nextCursor?: string };
      changes.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    const expected: string[] = [];
    for (const d of judged) {
      const events = await store.readStream(disputeStream(d));
      const ev = events.find((e) => e.type === 'DisputeJudged')!;
      const j = (ev.data as any).judgement;
      const week: string = (ev.data as any).context?.merchantWeek?.week ?? isoWeekOf(j.decidedAt, SH);
      if (week < '2026-W36' || week > '2026-W43') continue;
      const c = await compare(String(events[0].data.merchantId), week);
      const p = CANDIDATE.casePenalty(j.outcome, j.violation, { ...c.v2, week });
      if (p.points !== j.penalty.points) expected.push(d);
    }
    expect({ seed: SEED, changed: changes.map((c) => c.disputeId).sort() }).toEqual({ seed: SEED, changed: expected.sort() });
    expect(r.totals.casesChanged).toBe(expected.length);
    expect(expected.length).toBeGreaterThan(0); // the history has weeks below 90 %: the candidate changes cases
  }, 240_000);
});
