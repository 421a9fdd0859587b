/** Case list (GET /disputes), one case, and the deadline queries over the dispute_state projection's tables. */
import {
  DISPUTE_STATUSES,
  type DeadlineKind,
  type DisputeState,
  type DisputeStatus,
  type Flow,
  type PendingDeadline,
  type Violation,
} from '@app/domain';
import type { SqlExecutor } from '@app/event-store';
import { instantArg, isoOf, pageLimit } from './cursor';
import { Filters, listPage, type Page, type PageArgs, type QueryOptions } from './keyset';

// ------------------------------------------------------------------------------------------------ cases

export interface CaseListItem {
  disputeId: string;
  stream: string;
  orderId: string;
  merchantId: string;
  consumerId: string;
  status: DisputeStatus;
  flow: Flow;
  /** JUDGED, or SETTLED with nothing left to contest (as recorded; a contest window that merely passed counts once CONTEST fired). */
  final: boolean;
  openedAt: string;
  responseDueAt: string;
  /** Pending deadlines (the domain's pendingDeadlines), soonest first. */
  deadlines: PendingDeadline[];
  nextDeadline?: PendingDeadline;
  /** The standing choice's option. */
  choice?: string;
  outcome?: string;
  violation?: Violation;
  decidedAt?: string;
  reviewReason?: string;
  underReviewSince?: string;
  revision: number;
  updatedAt: string;
}

export interface DisputeRow extends Record<string, unknown> {
  dispute_id: string;
  stream: string;
  order_id: string;
  merchant_id: string;
  consumer_id: string;
  revision: number;
  status: DisputeStatus;
  flow: Flow;
  final: boolean;
  opened_at: Date | string;
  response_due_at: Date | string;
  chosen_option: string | null;
  review_reason: string | null;
  review_since: Date | string | null;
  next_deadline: DeadlineKind | null;
  next_due_at: Date | string | null;
  deadlines: PendingDeadline[];
  outcome: string | null;
  violation: Violation | null;
  decided_at: Date | string | null;
  updated_at: Date | string;
}

export const CASE_COLUMNS = `dispute_id, stream, order_id, merchant_id, consumer_id, revision, status, flow, final, opened_at, response_due_at,
  chosen_option, review_reason, review_since, next_deadline, next_due_at, deadlines, outcome, violation, decided_at, updated_at`;

function caseItem(r: DisputeRow): CaseListItem {
  const item: CaseListItem = {
    disputeId: r.dispute_id,
    stream: r.stream,
    orderId: r.order_id,
    merchantId: r.merchant_id,
    consumerId: r.consumer_id,
    status: r.status,
    flow: r.flow,
    final: r.final,
    openedAt: isoOf(r.opened_at)!,
    responseDueAt: isoOf(r.response_due_at)!,
    deadlines: r.deadlines ?? [],
    revision: Number(r.revision),
    updatedAt: isoOf(r.updated_at)!,
  };
  if (r.next_deadline && r.next_due_at) item.nextDeadline = { deadline: r.next_deadline, dueAt: isoOf(r.next_due_at)! };
  if (r.chosen_option) item.choice = r.chosen_option;
  if (r.outcome) item.outcome = r.outcome;
  if (r.violation) item.violation = r.violation;
  if (r.decided_at) item.decidedAt = isoOf(r.decided_at)!;
  if (r.review_reason) item.reviewReason = r.review_reason;
  if (r.review_since) item.underReviewSince = isoOf(r.review_since)!;
  return item;
}

/** Paged by (openedAt, disputeId); `order` default 'asc' (oldest first: a walk also sees cases opened meanwhile). */
export interface ListCasesArgs extends PageArgs {
  status?: DisputeStatus;
  merchantId?: string;
  consumerId?: string;
}

/** GET /disputes: every dispute with its current status and deadlines, keyset-paginated by (openedAt, disputeId). */
export async function listCases(db: SqlExecutor, args: ListCasesArgs = {}): Promise<Page<CaseListItem>> {
  const f = new Filters();
  f.oneOf('status', args.status, DISPUTE_STATUSES, 'status');
  f.id('merchant_id', args.merchantId, 'merchantId');
  f.id('consumer_id', args.consumerId, 'consumerId');
  return listPage(db, { list: 'cases', table: 'dispute_state', select: CASE_COLUMNS, filters: f, tsCol: 'opened_at', idCol: 'dispute_id' }, args, caseItem);
}

export interface CaseRecord extends CaseListItem {
  /** The folded domain state (as the projection stored it). */
  state: DisputeState;
}

/** One dispute's row (with the folded state), or null. */
export async function getCase(db: SqlExecutor, disputeId: string, opts: QueryOptions = {}): Promise<CaseRecord | null> {
  const { rows } = await db.query<DisputeRow & { state: DisputeState }>(
    `SELECT ${CASE_COLUMNS}, state FROM ${opts.prefix ?? ''}dispute_state WHERE dispute_id = $1`,
    [disputeId],
  );
  return rows[0] ? { ...caseItem(rows[0]), state: rows[0].state } : null;
}

// ------------------------------------------------------------------------------------------- deadlines

export interface DueDeadline {
  disputeId: string;
  deadline: DeadlineKind;
  dueAt: string;
  /** The dispute's revision the deadline was computed at (use as the expected revision when firing). */
  revision: number;
}

/** Deadlines due at `now` (dueAt ≤ now), soonest first. */
export async function dueDeadlines(db: SqlExecutor, now: string | Date, limit = 100, opts: QueryOptions = {}): Promise<DueDeadline[]> {
  const at = instantArg(now, 'now');
  const { rows } = await db.query<{ dispute_id: string; deadline: DeadlineKind; due_at: Date | string; revision: number }>(
    `SELECT dispute_id, deadline, due_at, revision FROM ${opts.prefix ?? ''}deadlines WHERE due_at <= $1::timestamptz
     ORDER BY due_at, dispute_id, deadline LIMIT $2`,
    [at, pageLimit(limit, 100, 10_000)],
  );
  return rows.map((r) => ({ disputeId: r.dispute_id, deadline: r.deadline, dueAt: isoOf(r.due_at)!, revision: Number(r.revision) }));
}

/** The soonest pending deadline (for scheduling the next wake-up), or null. */
export async function nextDeadline(db: SqlExecutor, opts: QueryOptions = {}): Promise<DueDeadline | null> {
  const { rows } = await db.query<{ dispute_id: string; deadline: DeadlineKind; due_at: Date | string; revision: number }>(
    `SELECT dispute_id, deadline, due_at, revision FROM ${opts.prefix ?? ''}deadlines ORDER BY due_at, dispute_id, deadline LIMIT 1`,
  );
  const r = rows[0];
  return r ? { disputeId: r.dispute_id, deadline: r.deadline, dueAt: isoOf(r.due_at)!, revision: Number(r.revision) } : null;
}
