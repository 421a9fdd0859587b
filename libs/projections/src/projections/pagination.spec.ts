import { decodeCursor, encodeCursor } from './cursor';
import { disputeStateProjection } from './dispute-state.projection';
import { adjudicationQueue, listCases, listJudgements, type CaseListItem } from './queries';
import { addMinutes, applyInBatches, projectionTables } from './test-support/spec-helpers';
import { Scenario } from './testing';

const P = [disputeStateProjection];
const T0 = '2026-11-16T00:00:00.000Z';

describe('keyset pagination', () => {
  const tables = projectionTables(P);

  /** Order i of merchant M(i%3), paid at T0; dispute i opened T0 + minutes(i) (several share an instant). */
  function openMany(s: Scenario, from: number, to: number, minuteOf: (i: number) => number) {
    for (let i = from; i < to; i++) {
      const o = `O${String(i).padStart(3, '0')}`;
      s.paidOrder(o, `M${i % 3}`, T0);
      s.openDispute(`D${String(i).padStart(3, '0')}`, o, addMinutes(T0, 100 + minuteOf(i)));
    }
  }

  it('returns every case exactly once while cases are inserted and updated between pages', async () => {
    const s = new Scenario();
    openMany(s, 0, 40, (i) => Math.floor(i / 3)); // ties on openedAt: the id breaks them
    await applyInBatches(tables.db, P, s.log);

    for (const order of ['asc', 'desc'] as const) {
      const seen: CaseListItem[] = [];
      let cursor: string | undefined;
      let page = 0;
      let next = 1000 + (order === 'asc' ? 0 : 100);
      do {
        const r = await listCases(tables.db, { limit: 7, cursor, order });
        seen.push(...r.items);
        cursor = r.nextCursor;
        // Between pages: new disputes opened before, at and after the current boundary, and an existing case changes status.
        const mark = s.log.length;
        const boundary = r.items.at(-1)!;
        const bMin = (Date.parse(boundary.openedAt) - Date.parse(T0)) / 60_000 - 100;
        openMany(s, next, next + 3, (i) => [0, bMin, 200][i % 3]);
        next += 3;
        const victim = `D${String(page * 5).padStart(3, '0')}`;
        if (s.disputeState(victim).status === 'AWAITING_MERCHANT') s.choose(victim, { option: 'OUT_OF_STOCK_REFUND' }, addMinutes(T0, 1000));
        await applyInBatches(tables.db, P, s.log.slice(mark));
        page++;
      } while (cursor);

      const ids = seen.map((c) => c.disputeId);
      expect(new Set(ids).size).toBe(ids.length); // nothing twice
      for (let i = 0; i < 40; i++) expect(ids).toContain(`D${String(i).padStart(3, '0')}`); // nothing lost
      // In order.
      const keys = seen.map((c) => `${c.openedAt}|${c.disputeId}`);
      const sorted = [...keys].sort();
      expect(keys).toEqual(order === 'asc' ? sorted : sorted.reverse());
    }
  });

  it('filters by status, merchant and consumer, and pages filtered lists', async () => {
    const s = new Scenario();
    openMany(s, 0, 12, (i) => i);
    for (const i of [1, 4, 7, 10]) s.choose(`D${String(i).padStart(3, '0')}`, { option: 'OUT_OF_STOCK_REFUND' }, addMinutes(T0, 200));
    await applyInBatches(tables.db, P, s.log);

    const m1 = await listCases(tables.db, { merchantId: 'M1', limit: 100 });
    expect(m1.items.map((c) => c.disputeId)).toEqual(['D001', 'D004', 'D007', 'D010']);
    expect(m1.nextCursor).toBeUndefined();
    const waiting = await listCases(tables.db, { status: 'AWAITING_CONSUMER', limit: 3 });
    expect(waiting.items.map((c) => c.disputeId)).toEqual(['D001', 'D004', 'D007']);
    expect(waiting.items[0]).toMatchObject({ status: 'AWAITING_CONSUMER', choice: 'OUT_OF_STOCK_REFUND', nextDeadline: { deadline: 'CONSUMER_RESPONSE' } });
    const rest = await listCases(tables.db, { status: 'AWAITING_CONSUMER', limit: 3, cursor: waiting.nextCursor });
    expect(rest.items.map((c) => c.disputeId)).toEqual(['D010']);
    expect(rest.nextCursor).toBeUndefined();
    expect((await listCases(tables.db, { status: 'AWAITING_MERCHANT', merchantId: 'M0', limit: 100 })).items.map((c) => c.disputeId)).toEqual([
      'D000',
      'D003',
      'D006',
      'D009',
    ]);
    expect((await listCases(tables.db, { consumerId: 'C1', limit: 5 })).items).toHaveLength(5);
    expect((await listCases(tables.db, { consumerId: 'nobody' })).items).toEqual([]);
    const first = (await listCases(tables.db, { limit: 1 })).items[0];
    expect(first).toMatchObject({
      disputeId: 'D000',
      stream: 'dispute-D000',
      orderId: 'O000',
      merchantId: 'M0',
      consumerId: 'C1',
      status: 'AWAITING_MERCHANT',
      flow: 'UNIFIED',
      final: false,
      openedAt: addMinutes(T0, 100),
      responseDueAt: addMinutes(T0, 100 + 24 * 60),
      deadlines: [{ deadline: 'RESPONSE', dueAt: addMinutes(T0, 100 + 24 * 60) }],
      revision: 0,
    });
  });

  it('rejects foreign, tampered and cross-list cursors as invalid input', async () => {
    await expect(listCases(tables.db, { cursor: 'not a cursor!' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(listCases(tables.db, { cursor: Buffer.from('{"q":"cases"}').toString('base64url') })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    const judgementsCursor = encodeCursor({ q: 'judgements', o: 'asc', k: [T0, 'D1'] });
    await expect(listCases(tables.db, { cursor: judgementsCursor })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    const desc = encodeCursor({ q: 'cases', o: 'desc', k: [T0, 'D1'] });
    await expect(listCases(tables.db, { cursor: desc })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(listCases(tables.db, { status: 'OPEN' as never })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect(decodeCursor(encodeCursor({ q: 'cases', o: 'asc', k: [T0, 'x'] }), 'cases', 'asc').k).toEqual([T0, 'x']);
  });

  it('pages judgements by (decidedAt, disputeId) with merchant and time-range filters', async () => {
    const s = new Scenario();
    openMany(s, 0, 9, (i) => i);
    // Everyone is judged by the response deadline, three at each of three instants.
    for (let i = 0; i < 9; i++) s.fire(`D${String(i).padStart(3, '0')}`, 'RESPONSE', addMinutes(T0, 3000 + Math.floor(i / 3) * 60));
    await applyInBatches(tables.db, P, s.log);

    const all: string[] = [];
    let cursor: string | undefined;
    do {
      const r = await listJudgements(tables.db, { limit: 2, cursor });
      all.push(...r.items.map((j) => `${j.decidedAt}|${j.disputeId}`));
      cursor = r.nextCursor;
    } while (cursor);
    expect(all).toHaveLength(9);
    expect(all).toEqual([...all].sort());

    const m2 = await listJudgements(tables.db, { merchantId: 'M2' });
    expect(m2.items.map((j) => j.disputeId)).toEqual(['D002', 'D005', 'D008']);
    const window = await listJudgements(tables.db, { from: addMinutes(T0, 3060), to: addMinutes(T0, 3120) });
    expect(window.items.map((j) => j.disputeId)).toEqual(['D003', 'D004', 'D005']);
    expect(window.items[0]).toMatchObject({ kind: 'JUDGEMENT', decidedBy: 'SYSTEM', rulesVersion: 'v2' });
    await expect(listJudgements(tables.db, { from: 'yesterday' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('pages the adjudication queue oldest review first', async () => {
    const s = new Scenario();
    openMany(s, 0, 5, (i) => i);
    // Defenses filed in reverse order: the last-opened case enters review first.
    for (let i = 4; i >= 0; i--) {
      s.choose(
        `D${String(i).padStart(3, '0')}`,
        { option: 'NO_FAULT_DEFENSE', defense: { reason: 'ABNORMAL_ORDER', statement: 'phone unreachable' }, evidence: [{ kind: 'CALL_RECORD', ref: `c${i}` }] },
        addMinutes(T0, 500 - i * 10),
      );
    }
    await applyInBatches(tables.db, P, s.log);
    const now = addMinutes(T0, 600);
    const p1 = await adjudicationQueue(tables.db, { now, limit: 3 });
    const p2 = await adjudicationQueue(tables.db, { now, limit: 3, cursor: p1.nextCursor });
    expect(p2.nextCursor).toBeUndefined();
    const items = [...p1.items, ...p2.items];
    expect(items.map((q) => q.disputeId)).toEqual(['D004', 'D003', 'D002', 'D001', 'D000']);
    expect(items.map((q) => q.waitingMs / 60_000)).toEqual([140, 130, 120, 110, 100]);
    expect(items[0]).toMatchObject({ reviewReason: 'DEFENSE', choice: 'NO_FAULT_DEFENSE', defenseOnFile: true, allowedViolations: ['LATE_SHIPMENT'] });
    // A `now` before the review started never gives a negative wait.
    expect((await adjudicationQueue(tables.db, { now: T0, limit: 1 })).items[0].waitingMs).toBe(0);
  });
});
