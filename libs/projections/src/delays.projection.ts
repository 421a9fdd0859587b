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
import {
  DELAY_CARD_STATUSES,
  DELAY_REPORT_KINDS,
  DELAY_REPORT_STATUSES,
  delay,
  invalidInput,
  isOneOf,
  toDelayCardView,
  toDelayReportView,
  type DelayCardState,
  type DelayCardStatus,
  type DelayCardView,
  type DelayReportKind,
  type DelayReportState,
  type DelayReportStatus,
  type DelayReportView,
} from '@app/domain';
import type { RecordedEvent, SqlExecutor } from '@app/event-store';
import type { Projection } from './projection';
import { decodeCursor, encodeCursor, instantArg, isoOf, pageLimit, type SortOrder } from './projections/cursor';
import { foldBatch, IN_IDS, isoOrNull, upsertRows } from './projections/support';

export const DELAYS_PROJECTION = 'delays';

export const DELAYS_DDL: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS {prefix}delay_reports (
    report_id text PRIMARY KEY,
    stream text NOT NULL,
    kind text NOT NULL,
    merchant_id text NOT NULL,
    order_id text,
    status text NOT NULL,
    reason text,
    window_start timestamptz,
    window_end timestamptz,
    promised_ship_at timestamptz,
    filed_at timestamptz NOT NULL,
    review_due_at timestamptz NOT NULL,
    overdue boolean NOT NULL,
    overdue_flagged_at timestamptz,
    decision text,
    reviewed_at timestamptz,
    withdrawn_at timestamptz,
    revision integer NOT NULL,
    state jsonb NOT NULL,
    updated_at timestamptz NOT NULL
  )`,
  `CREATE INDEX IF NOT EXISTS {prefix}delay_reports_filed_idx ON {prefix}delay_reports (filed_at, report_id)`,
  `CREATE INDEX IF NOT EXISTS {prefix}delay_reports_merchant_idx ON {prefix}delay_reports (merchant_id, filed_at, report_id)`,
  `CREATE INDEX IF NOT EXISTS {prefix}delay_reports_status_idx ON {prefix}delay_reports (status, filed_at, report_id)`,
  `CREATE INDEX IF NOT EXISTS {prefix}delay_reports_order_idx ON {prefix}delay_reports (order_id)`,
  `CREATE INDEX IF NOT EXISTS {prefix}delay_reports_due_idx ON {prefix}delay_reports (review_due_at, report_id) WHERE status = 'PENDING' AND NOT overdue`,
  `CREATE TABLE IF NOT EXISTS {prefix}delay_cards (
    order_id text PRIMARY KEY,
    card_id text NOT NULL,
    stream text NOT NULL,
    merchant_id text NOT NULL,
    consumer_id text NOT NULL,
    status text NOT NULL,
    sent_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    responded_at timestamptz,
    cancelled_at timestamptz,
    revision integer NOT NULL,
    state jsonb NOT NULL,
    updated_at timestamptz NOT NULL
  )`,
  `CREATE INDEX IF NOT EXISTS {prefix}delay_cards_sent_idx ON {prefix}delay_cards (sent_at, order_id)`,
  `CREATE INDEX IF NOT EXISTS {prefix}delay_cards_merchant_idx ON {prefix}delay_cards (merchant_id, sent_at, order_id)`,
  `CREATE INDEX IF NOT EXISTS {prefix}delay_cards_consumer_idx ON {prefix}delay_cards (consumer_id, sent_at, order_id)`,
  `CREATE INDEX IF NOT EXISTS {prefix}delay_cards_expiry_idx ON {prefix}delay_cards (expires_at, order_id) WHERE status = 'PENDING'`,
];

const REPORT_COLUMNS = [
  ['report_id', 'text'],
  ['stream', 'text'],
  ['kind', 'text'],
  ['merchant_id', 'text'],
  ['order_id', 'text'],
  ['status', 'text'],
  ['reason', 'text'],
  ['window_start', 'timestamptz'],
  ['window_end', 'timestamptz'],
  ['promised_ship_at', 'timestamptz'],
  ['filed_at', 'timestamptz'],
  ['review_due_at', 'timestamptz'],
  ['overdue', 'boolean'],
  ['overdue_flagged_at', 'timestamptz'],
  ['decision', 'text'],
  ['reviewed_at', 'timestamptz'],
  ['withdrawn_at', 'timestamptz'],
  ['revision', 'integer'],
  ['state', 'jsonb'],
  ['updated_at', 'timestamptz'],
] as const;

const CARD_COLUMNS = [
  ['order_id', 'text'],
  ['card_id', 'text'],
  ['stream', 'text'],
  ['merchant_id', 'text'],
  ['consumer_id', 'text'],
  ['status', 'text'],
  ['sent_at', 'timestamptz'],
  ['expires_at', 'timestamptz'],
  ['responded_at', 'timestamptz'],
  ['cancelled_at', 'timestamptz'],
  ['revision', 'integer'],
  ['state', 'jsonb'],
  ['updated_at', 'timestamptz'],
] as const;

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
};

// --------------------------------------------------------------------------------------------- queries

export interface DelayPage<T> {
  items: T[];
  nextCursor?: string;
}

export interface DelayQueryOptions {
  /** Table-name prefix ('' for the live tables). */
  prefix?: string;
}

function sortOrder(o: unknown): SortOrder {
  if (o === undefined || o === null) return 'asc';
  if (o !== 'asc' && o !== 'desc') throw invalidInput("order must be 'asc' or 'desc'", { field: 'order' });
  return o;
}

function nonEmpty(v: unknown, field: string): string {
  if (typeof v !== 'string' || v === '') throw invalidInput(`${field} must be a non-empty string`, { field });
  return v;
}

/** Keyset page ordered by (tsCol, idCol); one extra row tells whether another page follows. */
async function keyset<R extends Record<string, unknown>>(
  db: SqlExecutor,
  a: { list: string; table: string; where: string[]; params: unknown[]; tsCol: string; idCol: string; order: SortOrder; cursor?: string; limit: number },
): Promise<{ rows: R[]; nextCursor?: string }> {
  const where = [...a.where];
  const params = [...a.params];
  if (a.cursor !== undefined && a.cursor !== null && a.cursor !== '') {
    const c = decodeCursor(a.cursor, a.list, a.order);
    params.push(c.k[0], c.k[1]);
    where.push(`(${a.tsCol}, ${a.idCol}) ${a.order === 'asc' ? '>' : '<'} ($${params.length - 1}::timestamptz, $${params.length}::text)`);
  }
  params.push(a.limit + 1);
  const dir = a.order === 'asc' ? 'ASC' : 'DESC';
  const { rows } = await db.query<R>(
    `SELECT *, ${a.tsCol} AS __ts, ${a.idCol} AS __id FROM ${a.table}${where.length ? ` WHERE ${where.join(' AND ')}` : ''}
     ORDER BY ${a.tsCol} ${dir}, ${a.idCol} ${dir} LIMIT $${params.length}`,
    params,
  );
  if (rows.length <= a.limit) return { rows };
  const page = rows.slice(0, a.limit);
  const last = page[page.length - 1];
  return { rows: page, nextCursor: encodeCursor({ q: a.list, o: a.order, k: [isoOf(last.__ts)!, String(last.__id)] }) };
}

const page = <T>(items: T[], nextCursor?: string): DelayPage<T> => (nextCursor ? { items, nextCursor } : { items });

export type DelayReportItem = DelayReportView & { revision: number; stream: string; updatedAt: string };
export type DelayCardItem = DelayCardView & { revision: number; stream: string; updatedAt: string };

interface ReportRow extends Record<string, unknown> {
  report_id: string;
  stream: string;
  revision: number;
  state: DelayReportState;
  updated_at: Date | string;
}
interface CardRow extends Record<string, unknown> {
  order_id: string;
  stream: string;
  revision: number;
  state: DelayCardState;
  updated_at: Date | string;
}

const reportItem = (r: ReportRow): DelayReportItem => ({
  ...toDelayReportView(r.state),
  revision: Number(r.revision),
  stream: r.stream,
  updatedAt: isoOf(r.updated_at)!,
});
const cardItem = (r: CardRow): DelayCardItem => ({ ...toDelayCardView(r.state), revision: Number(r.revision), stream: r.stream, updatedAt: isoOf(r.updated_at)! });

export interface ListDelayReportsArgs extends DelayQueryOptions {
  merchantId?: string;
  status?: DelayReportStatus;
  kind?: DelayReportKind;
  orderId?: string;
  cursor?: string;
  limit?: number;
  /** By (filedAt, reportId); default 'asc'. */
  order?: SortOrder;
}

/** GET /delay-reports: reports with their status, keyset-paginated by (filedAt, reportId). */
export async function listDelayReports(db: SqlExecutor, args: ListDelayReportsArgs = {}): Promise<DelayPage<DelayReportItem>> {
  const where: string[] = [];
  const params: unknown[] = [];
  const eq = (col: string, v: unknown) => {
    params.push(v);
    where.push(`${col} = $${params.length}`);
  };
  if (args.merchantId !== undefined && args.merchantId !== null) eq('merchant_id', nonEmpty(args.merchantId, 'merchantId'));
  if (args.status !== undefined && args.status !== null) {
    if (!isOneOf(DELAY_REPORT_STATUSES, args.status)) throw invalidInput(`status must be one of ${DELAY_REPORT_STATUSES.join(', ')}`, { field: 'status' });
    eq('status', args.status);
  }
  if (args.kind !== undefined && args.kind !== null) {
    if (!isOneOf(DELAY_REPORT_KINDS, args.kind)) throw invalidInput(`kind must be one of ${DELAY_REPORT_KINDS.join(', ')}`, { field: 'kind' });
    eq('kind', args.kind);
  }
  if (args.orderId !== undefined && args.orderId !== null) eq('order_id', nonEmpty(args.orderId, 'orderId'));
  const r = await keyset<ReportRow>(db, {
    list: 'delay-reports',
    table: `${args.prefix ?? ''}delay_reports`,
    where,
    params,
    tsCol: 'filed_at',
    idCol: 'report_id',
    order: sortOrder(args.order),
    cursor: args.cursor,
    limit: pageLimit(args.limit),
  });
  return page(r.rows.map(reportItem), r.nextCursor);
}

export type DelayReviewQueueItem = DelayReportItem & {
  /** Seconds since the report was filed, as of `now`. */
  waitingSeconds: number;
  /** Unreviewed past its review due time as of `now` (whether or not the flag is recorded yet). */
  overdueNow: boolean;
};

/** GET /delay-reports/review-queue: pending reports, oldest first, overdue ones marked. */
export async function delayReviewQueue(
  db: SqlExecutor,
  args: DelayQueryOptions & { now: string | Date; cursor?: string; limit?: number },
): Promise<DelayPage<DelayReviewQueueItem>> {
  const now = instantArg(args.now, 'now');
  const nowMs = Date.parse(now);
  const r = await keyset<ReportRow>(db, {
    list: 'delay-review-queue',
    table: `${args.prefix ?? ''}delay_reports`,
    where: [`status = 'PENDING'`],
    params: [],
    tsCol: 'filed_at',
    idCol: 'report_id',
    order: 'asc',
    cursor: args.cursor,
    limit: pageLimit(args.limit),
  });
  return page(
    r.rows.map((row) => {
      const item = reportItem(row);
      return {
        ...item,
        waitingSeconds: Math.max(0, Math.floor((nowMs - Date.parse(item.filedAt)) / 1000)),
        overdueNow: item.overdue || nowMs >= Date.parse(item.reviewDueAt),
      };
    }),
    r.nextCursor,
  );
}

export interface ListDelayCardsArgs extends DelayQueryOptions {
  merchantId?: string;
  consumerId?: string;
  status?: DelayCardStatus;
  cursor?: string;
  limit?: number;
  /** By (sentAt, orderId); default 'asc'. */
  order?: SortOrder;
}

/** GET /delay-cards: cards with their status, keyset-paginated by (sentAt, orderId). */
export async function listDelayCards(db: SqlExecutor, args: ListDelayCardsArgs = {}): Promise<DelayPage<DelayCardItem>> {
  const where: string[] = [];
  const params: unknown[] = [];
  const eq = (col: string, v: unknown) => {
    params.push(v);
    where.push(`${col} = $${params.length}`);
  };
  if (args.merchantId !== undefined && args.merchantId !== null) eq('merchant_id', nonEmpty(args.merchantId, 'merchantId'));
  if (args.consumerId !== undefined && args.consumerId !== null) eq('consumer_id', nonEmpty(args.consumerId, 'consumerId'));
  if (args.status !== undefined && args.status !== null) {
    if (!isOneOf(DELAY_CARD_STATUSES, args.status)) throw invalidInput(`status must be one of ${DELAY_CARD_STATUSES.join(', ')}`, { field: 'status' });
    eq('status', args.status);
  }
  const r = await keyset<CardRow>(db, {
    list: 'delay-cards',
    table: `${args.prefix ?? ''}delay_cards`,
    where,
    params,
    tsCol: 'sent_at',
    idCol: 'order_id',
    order: sortOrder(args.order),
    cursor: args.cursor,
    limit: pageLimit(args.limit),
  });
  return page(r.rows.map(cardItem), r.nextCursor);
}

export type DueDelayDeadline =
  | { kind: 'DELAY_REPORT_OVERDUE'; reportId: string; dueAt: string }
  | { kind: 'DELAY_CARD_EXPIRY'; orderId: string; dueAt: string };

/** Delay deadlines due at `now`: unflagged pending reports past their review due time, pending cards past expiry. */
export async function dueDelayDeadlines(db: SqlExecutor, now: string | Date, limit = 200, opts: DelayQueryOptions = {}): Promise<DueDelayDeadline[]> {
  const at = instantArg(now, 'now');
  const n = pageLimit(limit, 200, 10_000);
  const p = opts.prefix ?? '';
  const reports = await db.query<{ report_id: string; review_due_at: Date | string }>(
    `SELECT report_id, review_due_at FROM ${p}delay_reports WHERE status = 'PENDING' AND NOT overdue AND review_due_at <= $1::timestamptz
     ORDER BY review_due_at, report_id LIMIT $2`,
    [at, n],
  );
  const cards = await db.query<{ order_id: string; expires_at: Date | string }>(
    `SELECT order_id, expires_at FROM ${p}delay_cards WHERE status = 'PENDING' AND expires_at <= $1::timestamptz ORDER BY expires_at, order_id LIMIT $2`,
    [at, n],
  );
  return [
    ...reports.rows.map((r) => ({ kind: 'DELAY_REPORT_OVERDUE' as const, reportId: r.report_id, dueAt: isoOf(r.review_due_at)! })),
    ...cards.rows.map((r) => ({ kind: 'DELAY_CARD_EXPIRY' as const, orderId: r.order_id, dueAt: isoOf(r.expires_at)! })),
  ].sort((a, b) => Date.parse(a.dueAt) - Date.parse(b.dueAt));
}
