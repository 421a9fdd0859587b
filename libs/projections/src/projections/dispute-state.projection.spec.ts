import { dispute, pendingDeadlines } from '@app/domain';
import { disputeStateProjection } from './dispute-state.projection';
import { adjudicationQueue, dueDeadlines, getCase, listJudgements } from './queries';
import { addHours, applyInBatches, digests, projectionTables, resetTables } from './test-support/spec-helpers';
import { ProjectionGapError } from './support';
import { Scenario } from './testing';

const P = [disputeStateProjection];
// Monday 2026-11-16 10:00 in Shanghai.
const T0 = '2026-11-16T02:00:00.000Z';

/**
 * D1: settled with SHIPPED_WITH_PICKUP, then contested → under review → judged BREACH_OF_PROMISE.
 * D2: no answer; RESPONSE fires → judged LATE_SHIPMENT by the system.
 * D3: OUT_OF_STOCK_REFUND → awaiting the consumer (CONSUMER_RESPONSE deadline).
 * D4: NO_FAULT_DEFENSE (force majeure) → under review.
 */
function build(): Scenario {
  const s = new Scenario();
  s.paidOrder('O1', 'M1', T0);
  s.ship('O1', addHours(T0, 2), addHours(T0, 5));
  s.paidOrder('O2', 'M1', T0);
  s.paidOrder('O3', 'M2', T0);
  s.paidOrder('O4', 'M2', T0, { consumerId: 'C4' });

  s.openDispute('D1', 'O1', addHours(T0, 6));
  s.openDispute('D2', 'O2', addHours(T0, 50));
  s.openDispute('D3', 'O3', addHours(T0, 51));
  s.openDispute('D4', 'O4', addHours(T0, 52));

  s.choose('D1', { option: 'SHIPPED_WITH_PICKUP' }, addHours(T0, 7));
  s.choose('D3', { option: 'OUT_OF_STOCK_REFUND' }, addHours(T0, 53));
  s.choose(
    'D4',
    { option: 'NO_FAULT_DEFENSE', defense: { reason: 'FORCE_MAJEURE', statement: 'typhoon closed the warehouse' }, evidence: [{ kind: 'DOCUMENT', ref: 'doc-1' }] },
    addHours(T0, 54),
  );
  s.contest('D1', 'I never agreed', addHours(T0, 10));
  s.fire('D2', 'RESPONSE', addHours(T0, 74));
  return s;
}

describe('disputeStateProjection', () => {
  const tables = projectionTables(P);

  it('projects each dispute to its folded state, status columns, deadlines and judgement rows', async () => {
    const s = build();
    await applyInBatches(tables.db, P, s.log);

    const { rows } = await tables.db.query<Record<string, any>>(`SELECT * FROM dispute_state ORDER BY dispute_id`);
    expect(rows.map((r) => [r.dispute_id, r.status, r.revision, r.chosen_option, r.outcome, r.violation])).toEqual([
      ['D1', 'UNDER_REVIEW', 4, 'SHIPPED_WITH_PICKUP', null, null],
      ['D2', 'JUDGED', 2, null, 'MERCHANT_LIABLE', 'LATE_SHIPMENT'],
      ['D3', 'AWAITING_CONSUMER', 2, 'OUT_OF_STOCK_REFUND', null, null],
      ['D4', 'UNDER_REVIEW', 2, 'NO_FAULT_DEFENSE', null, null],
    ]);
    for (const r of rows) {
      const folded = s.disputeState(r.dispute_id);
      // The stored state is the domain's fold, and it survives JSON (jsonb) unchanged.
      expect(r.state).toEqual(folded);
      expect(JSON.parse(JSON.stringify(folded))).toEqual(folded);
      expect(r.deadlines).toEqual(pendingDeadlines(folded));
      expect(r.stream).toBe(`dispute-${r.dispute_id}`);
      expect(r.merchant_id).toBe(folded.merchantId);
      expect(r.opened_at.toISOString()).toBe(folded.openedAt);
      // updated_at is the recordedAt of the dispute's last event: no clock involved.
      expect(r.updated_at.toISOString()).toBe(s.streamEvents(r.stream).at(-1)!.recordedAt);
    }
    const d1 = rows[0];
    expect(d1.review_reason).toBe('SETTLEMENT_CONTESTED');
    expect(d1.review_since.toISOString()).toBe(addHours(T0, 10));
    expect(rows[2].next_deadline).toBe('CONSUMER_RESPONSE');
    expect(rows[2].next_due_at.toISOString()).toBe(addHours(T0, 53 + 48));

    // deadlines = pendingDeadlines(state): only D3 waits for something.
    const dl = await tables.db.query<Record<string, any>>(`SELECT dispute_id, deadline, due_at, revision FROM deadlines ORDER BY dispute_id`);
    expect(dl.rows.map((r) => [r.dispute_id, r.deadline, r.due_at.toISOString(), r.revision])).toEqual([
      ['D3', 'CONSUMER_RESPONSE', addHours(T0, 101), 2],
    ]);
    expect(await dueDeadlines(tables.db, addHours(T0, 100), 10)).toEqual([]);
    expect(await dueDeadlines(tables.db, addHours(T0, 101), 10)).toEqual([{ disputeId: 'D3', deadline: 'CONSUMER_RESPONSE', dueAt: addHours(T0, 101), revision: 2 }]);

    // judgements: D2 judged by the system (v2, merchant week unknown → 1 point); D1 is under review again, so not listed.
    const j = await listJudgements(tables.db, { limit: 10 });
    expect(j.nextCursor).toBeUndefined();
    expect(j.items).toHaveLength(1);
    expect(j.items[0]).toMatchObject({
      disputeId: 'D2',
      orderId: 'O2',
      merchantId: 'M1',
      kind: 'JUDGEMENT',
      outcome: 'MERCHANT_LIABLE',
      violation: 'LATE_SHIPMENT',
      decidedBy: 'SYSTEM',
      rulesVersion: 'v2',
      decidedAt: addHours(T0, 74),
      points: 1,
      final: true,
    });
    expect(j.items[0].chosenOption).toBeUndefined();

    // Adjudication queue: oldest review first, waiting time from `now`.
    const q = await adjudicationQueue(tables.db, { now: addHours(T0, 60), limit: 10 });
    expect(q.items.map((i) => [i.disputeId, i.reviewReason, i.underReviewSince, i.waitingSeconds])).toEqual([
      ['D1', 'SETTLEMENT_CONTESTED', addHours(T0, 10), 50 * 3600],
      ['D4', 'DEFENSE', addHours(T0, 54), 6 * 3600],
    ]);
    expect(q.items[0].allowedViolations).toEqual(['BREACH_OF_PROMISE']);
    expect(q.items[1].allowedViolations).toEqual(['LATE_SHIPMENT']);
  });

  it('follows a settlement into the judgements list and out again when it is contested, then back as judged', async () => {
    const s = new Scenario();
    s.paidOrder('O1', 'M1', T0);
    s.ship('O1', addHours(T0, 2), addHours(T0, 5));
    s.openDispute('D1', 'O1', addHours(T0, 6));
    s.choose('D1', { option: 'SHIPPED_WITH_PICKUP' }, addHours(T0, 7));
    await applyInBatches(tables.db, P, s.log);

    let j = await listJudgements(tables.db, {});
    expect(j.items).toEqual([
      expect.objectContaining({
        disputeId: 'D1',
        kind: 'SETTLEMENT',
        outcome: 'SETTLED',
        chosenOption: 'SHIPPED_WITH_PICKUP',
        settledVia: 'CHOICE',
        refund: false,
        decidedAt: addHours(T0, 7),
        points: 0,
        final: false, // the consumer may still contest (72 h)
      }),
    ]);
    expect(j.items[0].decidedBy).toBeUndefined();
    expect(j.items[0].rulesVersion).toBeUndefined();
    expect(await dueDeadlines(tables.db, addHours(T0, 7 + 72), 10)).toEqual([{ disputeId: 'D1', deadline: 'CONTEST', dueAt: addHours(T0, 79), revision: 2 }]);

    const mark = s.log.length;
    s.contest('D1', 'never agreed', addHours(T0, 8));
    await applyInBatches(tables.db, P, s.log.slice(mark));
    expect((await listJudgements(tables.db, {})).items).toEqual([]);
    expect(await dueDeadlines(tables.db, addHours(T0, 1000), 10)).toEqual([]);

    const mark2 = s.log.length;
    s.judge('D1', 'MERCHANT_LIABLE', addHours(T0, 9), 'BREACH_OF_PROMISE', { rulesVersion: 'v1' });
    await applyInBatches(tables.db, P, s.log.slice(mark2));
    j = await listJudgements(tables.db, {});
    expect(j.items).toEqual([
      expect.objectContaining({
        disputeId: 'D1',
        kind: 'JUDGEMENT',
        outcome: 'MERCHANT_LIABLE',
        violation: 'BREACH_OF_PROMISE',
        chosenOption: 'SHIPPED_WITH_PICKUP',
        decidedBy: 'ADJUDICATOR',
        rulesVersion: 'v1',
        decidedAt: addHours(T0, 9),
        points: 0,
        rationale: 'reviewed the evidence',
        final: true,
      }),
    ]);
    expect((await adjudicationQueue(tables.db, { now: addHours(T0, 10) })).items).toEqual([]);
    const c = await getCase(tables.db, 'D1');
    expect(c).toMatchObject({ status: 'JUDGED', final: true, outcome: 'MERCHANT_LIABLE', violation: 'BREACH_OF_PROMISE', revision: 5 });
    expect(c!.state).toEqual(s.disputeState('D1'));
  });

  it('is idempotent and batch-independent: re-applied batches and any batching give identical tables', async () => {
    const s = build();
    await applyInBatches(tables.db, P, s.log);
    const once = await digests(tables.db, P);

    await applyInBatches(tables.db, P, s.log); // the whole log again
    await applyInBatches(tables.db, P, s.log.slice(5, 20), [3]); // a replayed middle
    expect(await digests(tables.db, P)).toEqual(once);

    for (const sizes of [[1], [2, 7, 3], [13]]) {
      await resetTables(tables.db, P);
      await applyInBatches(tables.db, P, s.log, sizes);
      expect(await digests(tables.db, P)).toEqual(once);
    }

    // Overlapping batches (each batch re-delivers the tail of the previous one), as after a crash between
    // apply and checkpoint in a runner without the shared transaction.
    await resetTables(tables.db, P);
    for (let i = 0; i < s.log.length; i += 4) await applyInBatches(tables.db, P, s.log.slice(Math.max(0, i - 3), i + 4));
    expect(await digests(tables.db, P)).toEqual(once);
  });

  it('ignores events of other streams and refuses a gap in a dispute stream', async () => {
    const s = build();
    const orderOnly = s.log.filter((e) => e.stream.startsWith('order-'));
    await applyInBatches(tables.db, P, orderOnly);
    expect((await tables.db.query(`SELECT count(*)::int AS n FROM dispute_state`)).rows[0].n).toBe(0);

    const d1 = s.streamEvents('dispute-D1');
    await applyInBatches(tables.db, P, [d1[0]]);
    await expect(applyInBatches(tables.db, P, [d1[2]])).rejects.toBeInstanceOf(ProjectionGapError);
    // The failed batch rolled back: still at revision 0.
    expect((await getCase(tables.db, 'D1'))!.revision).toBe(0);
  });

  it('stores states that rebuild the domain view (state jsonb is the fold)', async () => {
    const s = build();
    await applyInBatches(tables.db, P, s.log, [2]);
    for (const id of ['D1', 'D2', 'D3', 'D4']) {
      const c = await getCase(tables.db, id);
      expect(dispute.toDisputeView(c!.state)).toEqual(dispute.toDisputeView(s.disputeState(id)));
      expect(c!.deadlines).toEqual(dispute.toDisputeView(s.disputeState(id)).deadlines);
    }
  });
});
