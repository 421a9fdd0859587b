/**
 * Queries over the `delays` read model (delays.projection.ts): the delay-report and delay-card lists, the
 * review queue and the due delay deadlines. Lists are keyset-paginated (projections/keyset.ts).
 */
import {
  DELAY_CARD_STATUSES,
  DELAY_REPORT_KINDS,
  DELAY_REPORT_STATUSES,
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
import type { SqlExecutor } from '@app/event-store';
import { instantArg, isoOf, pageLimit } from './projections/cursor';
import { Filters, listPage, type Page, type PageArgs, type QueryOptions } from './projections/keyset';

export type DelayPage<T> = Page<T>;

/** Table-name prefix ('' for the live tables). */
export type DelayQueryOptions = QueryOptions;

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

/** Paged by (filedAt, reportId). */
export interface ListDelayReportsArgs extends PageArgs {
  merchantId?: string;
  status?: DelayReportStatus;
  kind?: DelayReportKind;
  orderId?: string;
}

/** GET /delay-reports: reports with their status, keyset-paginated by (filedAt, reportId). */
export async function listDelayReports(db: SqlExecutor, args: ListDelayReportsArgs = {}): Promise<DelayPage<DelayReportItem>> {
  const f = new Filters();
  f.id('merchant_id', args.merchantId, 'merchantId');
  f.oneOf('status', args.status, DELAY_REPORT_STATUSES, 'status');
  f.oneOf('kind', args.kind, DELAY_REPORT_KINDS, 'kind');
  f.id('order_id', args.orderId, 'orderId');
  return listPage(db, { list: 'delay-reports', table: 'delay_reports', filters: f, tsCol: 'filed_at', idCol: 'report_id' }, args, reportItem);
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
  return listPage(
    db,
    { list: 'delay-review-queue', table: 'delay_reports', filters: { where: [`status = 'PENDING'`], params: [] }, tsCol: 'filed_at', idCol: 'report_id' },
    { ...args, order: 'asc' },
    (row: ReportRow) => {
      const item = reportItem(row);
      return {
        ...item,
        waitingSeconds: Math.max(0, Math.floor((nowMs - Date.parse(item.filedAt)) / 1000)),
        overdueNow: item.overdue || nowMs >= Date.parse(item.reviewDueAt),
      };
    },
  );
}

/** Paged by (sentAt, orderId). */
export interface ListDelayCardsArgs extends PageArgs {
  merchantId?: string;
  consumerId?: string;
  status?: DelayCardStatus;
}

/** GET /delay-cards: cards with their status, keyset-paginated by (sentAt, orderId). */
export async function listDelayCards(db: SqlExecutor, args: ListDelayCardsArgs = {}): Promise<DelayPage<DelayCardItem>> {
  const f = new Filters();
  f.id('merchant_id', args.merchantId, 'merchantId');
  f.id('consumer_id', args.consumerId, 'consumerId');
  f.oneOf('status', args.status, DELAY_CARD_STATUSES, 'status');
  return listPage(db, { list: 'delay-cards', table: 'delay_cards', filters: f, tsCol: 'sent_at', idCol: 'order_id' }, args, cardItem);
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
