/**
 * Delay reports and delay cards read model (projection `delays`), folded with the domain's own evolve:
 *
 *  - `delay_reports`: one row per `delay-report-{reportId}` stream (pre-reports and emergency reports):
 *    the folded DelayReportState (jsonb) plus the columns the lists, the review queue and the overdue
 *    scheduler filter and sort on;
 *  - `delay_cards`: one row per `delay-card-{orderId}` stream: the folded DelayCardState plus list and
 *    expiry columns.
 *
 * Deterministic: rows depend only on event data and `recordedAt` (updated_at), never on the clock.
 * Idempotent: events at or below a row's revision are skipped (foldBatch) and the upsert is guarded by
 * revision, so a replayed batch or a rebuild writes the same rows. Time-dependent answers (waiting time,
 * overdue as of now, due deadlines) take `now` as an argument.
 */
import { delay, type DelayCardState, type DelayReportState } from '@app/domain';
import type { RecordedEvent, SqlExecutor } from '@app/event-store';
import { CARD_COLUMNS, DELAYS_DDL, REPORT_COLUMNS } from './delays.ddl';
import type { Projection } from './projection';
import { foldBatch, IN_IDS, isoOrNull, upsertRows } from './projections/support';

export { DELAYS_DDL } from './delays.ddl';
export * from './delays.queries';

export const DELAYS_PROJECTION = 'delays';

interface Meta {
  id: string;
  stream: string;
  revision: number;
  updatedAt: string;
}

export function delayReportRow(s: DelayReportState, meta: Meta) {
  return {
    report_id: meta.id,
    stream: meta.stream,
    kind: s.kind,
    merchant_id: s.merchantId,
    order_id: s.orderId,
    status: s.status,
    reason: s.reason,
    window_start: isoOrNull(s.windowStart),
    window_end: isoOrNull(s.windowEnd),
    promised_ship_at: isoOrNull(s.promisedShipAt),
    filed_at: isoOrNull(s.filedAt),
    review_due_at: isoOrNull(s.reviewDueAt),
    overdue: s.overdue,
    overdue_flagged_at: isoOrNull(s.overdueFlaggedAt),
    decision: s.review?.decision ?? null,
    reviewed_at: isoOrNull(s.review?.reviewedAt),
    withdrawn_at: isoOrNull(s.withdrawnAt),
    revision: meta.revision,
    state: s,
    updated_at: isoOrNull(meta.updatedAt),
  };
}

export function delayCardRow(s: DelayCardState, meta: Meta) {
  return {
    order_id: meta.id,
    card_id: s.cardId,
    stream: meta.stream,
    merchant_id: s.merchantId,
    consumer_id: s.consumerId,
    status: s.status,
    sent_at: isoOrNull(s.sentAt),
    expires_at: isoOrNull(s.expiresAt),
    responded_at: isoOrNull(s.response?.respondedAt),
    cancelled_at: isoOrNull(s.cancelledAt),
    revision: meta.revision,
    state: s,
    updated_at: isoOrNull(meta.updatedAt),
  };
}

async function loadStates<S>(tx: SqlExecutor, table: string, key: string, ids: string[]) {
  const { rows } = await tx.query<{ id: string; revision: number; state: S }>(
    `SELECT ${key} AS id, revision, state FROM ${table} WHERE ${IN_IDS(key, '$1')}`,
    [JSON.stringify(ids)],
  );
  return rows.map((r) => ({ id: r.id, revision: Number(r.revision), state: r.state }));
}

/** Applies a batch to delay_reports and delay_cards (exported for tests and tools). */
export async function applyDelayEvents(tx: SqlExecutor, events: readonly RecordedEvent[], prefix: string): Promise<void> {
  const reports = await foldBatch<DelayReportState>({
    projection: DELAYS_PROJECTION,
    tx,
    events,
    streamPrefix: delay.DELAY_REPORT_STREAM_PREFIX,
    load: (x, ids) => loadStates<DelayReportState>(x, `${prefix}delay_reports`, 'report_id', ids),
    initial: delay.initialDelayReportState,
    evolve: delay.evolveDelayReport,
  });
  const reportRows = [...reports.values()].filter((c) => c.state.status !== 'NONE').map((c) => delayReportRow(c.state, c));
  await upsertRows(tx, `${prefix}delay_reports`, REPORT_COLUMNS, ['report_id'], reportRows, `${prefix}delay_reports.revision < EXCLUDED.revision`);

  const cards = await foldBatch<DelayCardState>({
    projection: DELAYS_PROJECTION,
    tx,
    events,
    streamPrefix: delay.DELAY_CARD_STREAM_PREFIX,
    load: (x, ids) => loadStates<DelayCardState>(x, `${prefix}delay_cards`, 'order_id', ids),
    initial: delay.initialDelayCardState,
    evolve: delay.evolveDelayCard,
  });
  const cardRows = [...cards.values()].filter((c) => c.state.status !== 'NONE').map((c) => delayCardRow(c.state, c));
  await upsertRows(tx, `${prefix}delay_cards`, CARD_COLUMNS, ['order_id'], cardRows, `${prefix}delay_cards.revision < EXCLUDED.revision`);
}

export const delaysProjection: Projection = {
  name: DELAYS_PROJECTION,
  tables: ['delay_reports', 'delay_cards'],
  ddl: DELAYS_DDL,
  apply: applyDelayEvents,
  perStream: true,
};
