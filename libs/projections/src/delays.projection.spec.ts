import {
  delayCardDecider,
  delayCardStream,
  delayReportDecider,
  delayReportStream,
  type DelayCardCommand,
  type DelayReportCommand,
  type OrderSnapshot,
} from '@app/domain';
import type { RecordedEvent } from '@app/event-store';
import {
  delayReviewQueue,
  delaysProjection,
  dueDelayDeadlines,
  listDelayCards,
  listDelayReports,
} from './delays.projection';
import { ProjectionGapError } from './projections/support';
import { addHours, applyInBatches, digests, projectionTables, resetTables } from './projections/test-support/spec-helpers';

const P = [delaysProjection];
// Monday 2026-11-16 10:00 in Shanghai.
const T0 = '2026-11-16T02:00:00.000Z';
const at = (h: number) => addHours(T0, h);

/** An in-memory log built by running the deciders (recordedAt = the command's `now`). */
class Log {
  readonly events: RecordedEvent[] = [];
  private readonly streams = new Map<string, { type: string; data: unknown }[]>();
  private run<C extends { now: string }>(stream: string, decider: { decide(c: C, s: any): { type: string; data: unknown }[]; evolve(s: any, e: any): any; initialState(): any }, cmd: C) {
    const past = this.streams.get(stream) ?? [];
    const state = past.reduce(decider.evolve, decider.initialState());
    const out = decider.decide(cmd, state);
    for (const e of out) {
      this.events.push({
        stream,
        revision: past.length,
        position: `1/${this.events.length + 1}`,
        eventId: `${stream}#${past.length}`,
        type: e.type,
        data: JSON.parse(JSON.stringify(e.data)),
        metadata: {},
        recordedAt: cmd.now,
        hash: '',
        prevHash: null,
      });
      past.push(e);
    }
    this.streams.set(stream, past);
  }
  report(id: string, cmd: DelayReportCommand) {
    this.run(delayReportStream(id), delayReportDecider, cmd);
  }
  card(orderId: string, cmd: DelayCardCommand) {
    this.run(delayCardStream(orderId), delayCardDecider, cmd);
  }
}

const order = (orderId: string, merchantId: string, consumerId: string): OrderSnapshot => ({
  orderId,
  merchantId,
  consumerId,
  placedAt: at(0),
  paymentMethod: 'ONLINE',
  orderKind: 'STANDARD',
  amount: 100,
  facts: [{ seq: 0, type: 'PAID', occurredAt: at(0) }],
});
const photo = [{ kind: 'PHOTO' as const, ref: 'p' }];

/**
 * R1 (M1): pre-report, approved. R2 (M1): pre-report, withdrawn. R3 (M2): pre-report, left unreviewed and
 * flagged overdue. R4 (M1): emergency report for O1, pending. Card O1 (M1/C1): accepted. Card O2 (M1/C2):
 * pending (expires at +50 h). Card O3 (M2/C3): cancelled.
 */
function build(): Log {
  const l = new Log();
  l.report('R1', { type: 'FileDelayReport', reportId: 'R1', kind: 'PRE_REPORT', merchantId: 'M1', reason: 'WEATHER', evidence: photo, windowEnd: at(48), now: at(-1) });
  l.report('R2', { type: 'FileDelayReport', reportId: 'R2', kind: 'PRE_REPORT', merchantId: 'M1', reason: 'OTHER', evidence: photo, windowEnd: at(24), now: at(0) });
  l.report('R3', { type: 'FileDelayReport', reportId: 'R3', kind: 'PRE_REPORT', merchantId: 'M2', reason: 'WAREHOUSE_MAINTENANCE', evidence: photo, windowEnd: at(30), now: at(1) });
  l.report('R1', { type: 'ReviewDelayReport', approved: true, reviewer: 'p', now: at(2) });
  l.card('O1', { type: 'SendDelayCard', cardId: 'K1', order: order('O1', 'M1', 'C1'), merchantId: 'M1', now: at(1) });
  l.report('R2', { type: 'WithdrawDelayReport', merchantId: 'M1', now: at(2) });
  l.card('O2', { type: 'SendDelayCard', cardId: 'K2', order: order('O2', 'M1', 'C2'), merchantId: 'M1', now: at(2) });
  l.card('O1', { type: 'RespondToDelayCard', consumerId: 'C1', accepted: true, now: at(3) });
  l.card('O3', { type: 'SendDelayCard', cardId: 'K3', order: order('O3', 'M2', 'C3'), merchantId: 'M2', now: at(3) });
  l.report('R4', {
    type: 'FileDelayReport',
    reportId: 'R4',
    kind: 'EMERGENCY_REPORT',
    merchantId: 'M1',
    order: order('O1', 'M1', 'C1'),
    evidence: [{ kind: 'CHAT_LOG', ref: 'c' }],
    promisedShipAt: at(60),
    timezone: 'Asia/Shanghai',
    now: at(4),
  });
  l.report('R3', { type: 'FlagDelayReportOverdue', now: at(25) });
  l.card('O3', { type: 'ExpireDelayCard', now: at(51) });
  return l;
}

describe('delaysProjection', () => {
  const tables = projectionTables(P);

  it('projects each report and card stream to a row with its status columns and folded state', async () => {
    await applyInBatches(tables.db, P, build().events);
    const { rows } = await tables.db.query<Record<string, any>>(`SELECT report_id, kind, merchant_id, order_id, status, overdue, decision, revision FROM delay_reports ORDER BY report_id`);
    expect(rows).toEqual([
      { report_id: 'R1', kind: 'PRE_REPORT', merchant_id: 'M1', order_id: null, status: 'APPROVED', overdue: false, decision: 'APPROVED', revision: 1 },
      { report_id: 'R2', kind: 'PRE_REPORT', merchant_id: 'M1', order_id: null, status: 'WITHDRAWN', overdue: false, decision: null, revision: 1 },
      { report_id: 'R3', kind: 'PRE_REPORT', merchant_id: 'M2', order_id: null, status: 'PENDING', overdue: true, decision: null, revision: 1 },
      { report_id: 'R4', kind: 'EMERGENCY_REPORT', merchant_id: 'M1', order_id: 'O1', status: 'PENDING', overdue: false, decision: null, revision: 0 },
    ]);
    const cards = await tables.db.query<Record<string, any>>(`SELECT order_id, card_id, merchant_id, consumer_id, status, revision FROM delay_cards ORDER BY order_id`);
    expect(cards.rows).toEqual([
      { order_id: 'O1', card_id: 'K1', merchant_id: 'M1', consumer_id: 'C1', status: 'ACCEPTED', revision: 1 },
      { order_id: 'O2', card_id: 'K2', merchant_id: 'M1', consumer_id: 'C2', status: 'PENDING', revision: 0 },
      { order_id: 'O3', card_id: 'K3', merchant_id: 'M2', consumer_id: 'C3', status: 'CANCELLED', revision: 1 },
    ]);
  });

  it('is deterministic and idempotent: any batching, and a replayed log, give the same tables', async () => {
    const log = build().events;
    await applyInBatches(tables.db, P, log);
    const once = await digests(tables.db, P);
    await applyInBatches(tables.db, P, log, [3, 1, 2]);
    expect(await digests(tables.db, P)).toEqual(once);
    for (const sizes of [[1], [2, 5], [1000]]) {
      await resetTables(tables.db, P);
      await applyInBatches(tables.db, P, log, sizes);
      expect(await digests(tables.db, P)).toEqual(once);
    }
  });

  it('a skipped revision is refused (the batch rolls back)', async () => {
    const log = build().events;
    const gap = log.filter((e) => !(e.stream === 'delay-report-R1' && e.revision === 0));
    await expect(applyInBatches(tables.db, P, gap)).rejects.toBeInstanceOf(ProjectionGapError);
  });

  it("lists a merchant's reports with their status, filtered and keyset-paginated", async () => {
    await applyInBatches(tables.db, P, build().events);
    const m1 = await listDelayReports(tables.db, { merchantId: 'M1' });
    expect(m1.items.map((r) => [r.reportId, r.status])).toEqual([
      ['R1', 'APPROVED'],
      ['R2', 'WITHDRAWN'],
      ['R4', 'PENDING'],
    ]);
    expect(m1.nextCursor).toBeUndefined();
    expect((await listDelayReports(tables.db, { merchantId: 'M1', status: 'PENDING' })).items.map((r) => r.reportId)).toEqual(['R4']);
    expect((await listDelayReports(tables.db, { kind: 'EMERGENCY_REPORT', orderId: 'O1' })).items.map((r) => r.reportId)).toEqual(['R4']);
    const p1 = await listDelayReports(tables.db, { limit: 2 });
    const p2 = await listDelayReports(tables.db, { limit: 2, cursor: p1.nextCursor });
    expect([...p1.items, ...p2.items].map((r) => r.reportId)).toEqual(['R1', 'R2', 'R3', 'R4']);
    expect(p2.nextCursor).toBeUndefined();
    const desc = await listDelayReports(tables.db, { order: 'desc', limit: 3 });
    expect(desc.items.map((r) => r.reportId)).toEqual(['R4', 'R3', 'R2']);
    await expect(listDelayReports(tables.db, { cursor: 'nonsense!' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(listDelayReports(tables.db, { status: 'LOST' as never })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('the review queue: pending reports oldest first, overdue marked as recorded and as of now', async () => {
    await applyInBatches(tables.db, P, build().events);
    const q = await delayReviewQueue(tables.db, { now: at(26) });
    expect(q.items.map((i) => [i.reportId, i.overdue, i.overdueNow, i.waitingSeconds])).toEqual([
      ['R3', true, true, 25 * 3600],
      ['R4', false, false, 22 * 3600],
    ]);
    const later = await delayReviewQueue(tables.db, { now: at(28) });
    expect(later.items.map((i) => [i.reportId, i.overdue, i.overdueNow])).toEqual([
      ['R3', true, true],
      ['R4', false, true],
    ]);
  });

  it('lists cards by merchant, consumer and status', async () => {
    await applyInBatches(tables.db, P, build().events);
    expect((await listDelayCards(tables.db, { merchantId: 'M1' })).items.map((c) => [c.orderId, c.status])).toEqual([
      ['O1', 'ACCEPTED'],
      ['O2', 'PENDING'],
    ]);
    expect((await listDelayCards(tables.db, { consumerId: 'C3' })).items.map((c) => c.cardId)).toEqual(['K3']);
    expect((await listDelayCards(tables.db, { status: 'CANCELLED' })).items.map((c) => c.orderId)).toEqual(['O3']);
  });

  it('due delay deadlines: unflagged pending reports past review, pending cards past expiry', async () => {
    await applyInBatches(tables.db, P, build().events);
    expect(await dueDelayDeadlines(tables.db, at(10))).toEqual([]);
    expect(await dueDelayDeadlines(tables.db, at(28))).toEqual([{ kind: 'DELAY_REPORT_OVERDUE', reportId: 'R4', dueAt: at(28) }]);
    expect(await dueDelayDeadlines(tables.db, at(60))).toEqual([
      { kind: 'DELAY_REPORT_OVERDUE', reportId: 'R4', dueAt: at(28) },
      { kind: 'DELAY_CARD_EXPIRY', orderId: 'O2', dueAt: at(50) },
    ]);
  });
});
