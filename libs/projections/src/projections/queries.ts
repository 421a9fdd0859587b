/**
 * Read-model queries over the projection tables. Every list is keyset-paginated (no OFFSET) with an opaque
 * cursor (see cursor.ts) and answers `{items, nextCursor?}` (`nextCursor` absent on the last page).
 * Time-dependent answers (waiting times, lateness, scorecards) take the instant `now` as an argument: the
 * tables themselves never depend on the clock.
 */
import {
  DISPUTE_STATUSES,
  invalidInput,
  isOneOf,
  isoWeekOf,
  merchantWeekStream,
  parseRulesVersion,
  VIOLATIONS,
  weekBounds,
  weeklyPenaltyPoints,
  type DeadlineKind,
  type DisputeState,
  type DisputeStatus,
  type Flow,
  type MerchantWeek,
  type PendingDeadline,
  type ReviewRecord,
  type RulesVersion,
  type Violation,
} from '@app/domain';
import type { SqlExecutor } from '@app/event-store';
import { decodeCursor, encodeCursor, instantArg, isoOf, pageLimit, type SortOrder } from './cursor';
import { shippingSql, weekStatsColumnsSql } from './order-shipping.projection';
import { IN_IDS } from './support';
import { settledWeek } from './merchant-week.projection';

export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

/** Table-name prefix ('' for the live tables); lets tests and tools query rebuilt tables too. */
export interface QueryOptions {
  prefix?: string;
}

function sortOrder(o: unknown): SortOrder {
  if (o === undefined || o === null) return 'asc';
  if (o !== 'asc' && o !== 'desc') throw invalidInput("order must be 'asc' or 'desc'", { field: 'order' });
  return o;
}

function nonEmptyString(v: unknown, field: string): string {
  if (typeof v !== 'string' || v === '') throw invalidInput(`${field} must be a non-empty string`, { field });
  return v;
}

/**
 * Runs a keyset page: `where` (with params) filters, rows are ordered by (tsCol, idCol) in `order`,
 * one extra row tells whether another page follows.
 */
async function keysetPage<R extends Record<string, unknown>>(
  db: SqlExecutor,
  args: {
    list: string;
    select: string;
    from: string;
    where: string[];
    params: unknown[];
    tsCol: string;
    idCol: string;
    order: SortOrder;
    cursor?: string;
    limit: number;
  },
): Promise<{ rows: R[]; nextCursor?: string }> {
  const where = [...args.where];
  const params = [...args.params];
  if (args.cursor !== undefined && args.cursor !== null && args.cursor !== '') {
    const c = decodeCursor(args.cursor, args.list, args.order);
    params.push(c.k[0], c.k[1]);
    const op = args.order === 'asc' ? '>' : '<';
    where.push(`(${args.tsCol}, ${args.idCol}) ${op} ($${params.length - 1}::timestamptz, $${params.length}::text)`);
  }
  params.push(args.limit + 1);
  const dir = args.order === 'asc' ? 'ASC' : 'DESC';
  const sql = `SELECT ${args.select} FROM ${args.from}${where.length ? ` WHERE ${where.join(' AND ')}` : ''}
    ORDER BY ${args.tsCol} ${dir}, ${args.idCol} ${dir} LIMIT $${params.length}`;
  const { rows } = await db.query<R>(sql, params);
  if (rows.length <= args.limit) return { rows };
  const page = rows.slice(0, args.limit);
  const last = page[page.length - 1];
  const ts = isoOf(last.__ts)!;
  return { rows: page, nextCursor: encodeCursor({ q: args.list, o: args.order, k: [ts, String(last.__id)] }) };
}

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

interface DisputeRow extends Record<string, unknown> {
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

const CASE_COLUMNS = `dispute_id, stream, order_id, merchant_id, consumer_id, revision, status, flow, final, opened_at, response_due_at,
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

export interface ListCasesArgs extends QueryOptions {
  status?: DisputeStatus;
  merchantId?: string;
  consumerId?: string;
  cursor?: string;
  limit?: number;
  /** By (openedAt, disputeId); default 'asc' (oldest first: a walk also sees cases opened meanwhile). */
  order?: SortOrder;
}

/** GET /disputes: every dispute with its current status and deadlines, keyset-paginated by (openedAt, disputeId). */
export async function listCases(db: SqlExecutor, args: ListCasesArgs = {}): Promise<Page<CaseListItem>> {
  const p = args.prefix ?? '';
  const where: string[] = [];
  const params: unknown[] = [];
  if (args.status !== undefined && args.status !== null) {
    if (!isOneOf(DISPUTE_STATUSES, args.status)) throw invalidInput(`status must be one of ${DISPUTE_STATUSES.join(', ')}`, { field: 'status' });
    params.push(args.status);
    where.push(`status = $${params.length}`);
  }
  if (args.merchantId !== undefined && args.merchantId !== null) {
    params.push(nonEmptyString(args.merchantId, 'merchantId'));
    where.push(`merchant_id = $${params.length}`);
  }
  if (args.consumerId !== undefined && args.consumerId !== null) {
    params.push(nonEmptyString(args.consumerId, 'consumerId'));
    where.push(`consumer_id = $${params.length}`);
  }
  const page = await keysetPage<DisputeRow>(db, {
    list: 'cases',
    select: `${CASE_COLUMNS}, opened_at AS __ts, dispute_id AS __id`,
    from: `${p}dispute_state`,
    where,
    params,
    tsCol: 'opened_at',
    idCol: 'dispute_id',
    order: sortOrder(args.order),
    cursor: args.cursor,
    limit: pageLimit(args.limit),
  });
  return withCursor(page.rows.map(caseItem), page.nextCursor);
}

function withCursor<T>(items: T[], nextCursor: string | undefined): Page<T> {
  return nextCursor ? { items, nextCursor } : { items };
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

// ------------------------------------------------------------------------------------------ judgements

export interface JudgementListItem {
  disputeId: string;
  orderId: string;
  merchantId: string;
  consumerId: string;
  /** JUDGEMENT (outcome MERCHANT_LIABLE / MERCHANT_NOT_LIABLE) or SETTLEMENT (outcome 'SETTLED'). */
  kind: 'JUDGEMENT' | 'SETTLEMENT';
  outcome: 'MERCHANT_LIABLE' | 'MERCHANT_NOT_LIABLE' | 'SETTLED';
  violation?: Violation;
  /** The option the merchant chose (the settlement's option for settled cases; absent when no choice was made). */
  chosenOption?: string;
  settledVia?: string;
  refund?: boolean;
  decidedBy?: 'SYSTEM' | 'ADJUDICATOR';
  rulesVersion?: RulesVersion;
  decidedAt: string;
  /** Points this case carries as recorded (0 for settlements and not-liable judgements). */
  points: number;
  penaltyBasis?: string;
  reasons?: unknown[];
  rationale?: string;
  merchantWeek?: MerchantWeek;
  /** Whether the recorded points are provisional (the week was open when judged; see GET /merchants/{id}/weeks/{week}). */
  provisional?: boolean;
  /** How the standing judgement came about (e.g. DEFENSE_VERIFIED, ADJUDICATOR, APPEAL_UPHELD, APPEAL_OVERTURNED). */
  basis?: string;
  /** Appealed cases: every judgement in order (the replaced one with supersededAt), and the appeal. */
  judgements?: unknown[];
  appeal?: unknown;
  final: boolean;
  revision: number;
}

interface JudgementRow extends Record<string, unknown> {
  dispute_id: string;
  order_id: string;
  merchant_id: string;
  consumer_id: string;
  kind: 'JUDGEMENT' | 'SETTLEMENT';
  outcome: JudgementListItem['outcome'];
  violation: Violation | null;
  chosen_option: string | null;
  settled_via: string | null;
  refund: boolean | null;
  decided_by: 'SYSTEM' | 'ADJUDICATOR' | null;
  rules_version: RulesVersion | null;
  decided_at: Date | string;
  points: number;
  penalty_basis: string | null;
  merchant_week: MerchantWeek | null;
  judgement: { reasons?: unknown[]; rationale?: string; penalty?: { provisional?: boolean } } | null;
  basis?: string | null;
  history?: { judgements: unknown[]; appeal: unknown } | null;
  final: boolean;
  revision: number;
}

function judgementItem(r: JudgementRow): JudgementListItem {
  const item: JudgementListItem = {
    disputeId: r.dispute_id,
    orderId: r.order_id,
    merchantId: r.merchant_id,
    consumerId: r.consumer_id,
    kind: r.kind,
    outcome: r.outcome,
    decidedAt: isoOf(r.decided_at)!,
    points: Number(r.points),
    final: r.final,
    revision: Number(r.revision),
  };
  if (r.violation) item.violation = r.violation;
  if (r.chosen_option) item.chosenOption = r.chosen_option;
  if (r.settled_via) item.settledVia = r.settled_via;
  if (r.refund !== null && r.refund !== undefined) item.refund = r.refund;
  if (r.decided_by) item.decidedBy = r.decided_by;
  if (r.rules_version) item.rulesVersion = r.rules_version;
  if (r.penalty_basis) item.penaltyBasis = r.penalty_basis;
  if (r.judgement?.reasons) item.reasons = r.judgement.reasons;
  if (r.judgement?.rationale) item.rationale = r.judgement.rationale;
  if (r.merchant_week) item.merchantWeek = r.merchant_week;
  if (typeof r.judgement?.penalty?.provisional === 'boolean') item.provisional = r.judgement.penalty.provisional;
  if (r.basis) item.basis = r.basis;
  if (r.history?.judgements) item.judgements = r.history.judgements;
  if (r.history?.appeal) item.appeal = r.history.appeal;
  return item;
}

export interface ListJudgementsArgs extends QueryOptions {
  merchantId?: string;
  /** Inclusive lower bound on decidedAt. */
  from?: string;
  /** Exclusive upper bound on decidedAt. */
  to?: string;
  kind?: 'JUDGEMENT' | 'SETTLEMENT';
  cursor?: string;
  limit?: number;
  /** By (decidedAt, disputeId); default 'asc'. */
  order?: SortOrder;
}

/** GET /judgements: judged and settled cases, keyset-paginated by (decidedAt, disputeId). */
export async function listJudgements(db: SqlExecutor, args: ListJudgementsArgs = {}): Promise<Page<JudgementListItem>> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (args.merchantId !== undefined && args.merchantId !== null) {
    params.push(nonEmptyString(args.merchantId, 'merchantId'));
    where.push(`merchant_id = $${params.length}`);
  }
  if (args.from !== undefined && args.from !== null) {
    params.push(instantArg(args.from, 'from'));
    where.push(`decided_at >= $${params.length}::timestamptz`);
  }
  if (args.to !== undefined && args.to !== null) {
    params.push(instantArg(args.to, 'to'));
    where.push(`decided_at < $${params.length}::timestamptz`);
  }
  if (args.kind !== undefined && args.kind !== null) {
    if (args.kind !== 'JUDGEMENT' && args.kind !== 'SETTLEMENT') throw invalidInput('kind must be JUDGEMENT or SETTLEMENT', { field: 'kind' });
    params.push(args.kind);
    where.push(`kind = $${params.length}`);
  }
  const page = await keysetPage<JudgementRow>(db, {
    list: 'judgements',
    select: `*, decided_at AS __ts, dispute_id AS __id`,
    from: `${args.prefix ?? ''}judgements`,
    where,
    params,
    tsCol: 'decided_at',
    idCol: 'dispute_id',
    order: sortOrder(args.order),
    cursor: args.cursor,
    limit: pageLimit(args.limit),
  });
  return withCursor(page.rows.map(judgementItem), page.nextCursor);
}

// ----------------------------------------------------------------------------------- adjudication queue

export interface QueueItem {
  disputeId: string;
  orderId: string;
  merchantId: string;
  consumerId: string;
  flow: Flow;
  openedAt: string;
  reviewReason: string;
  /** When the case (last) entered UNDER_REVIEW (the ReviewRequested event's `since`). */
  underReviewSince: string;
  /** now − underReviewSince, never negative. */
  waitingMs: number;
  waitingSeconds: number;
  /**
   * underReviewSince + the review target (`reviewWindowMs`, the API's ADJUDICATION_REVIEW_WINDOW); for an APPEAL
   * review the due time the appeal recorded (APPEAL_REVIEW_WINDOW after it was filed).
   */
  reviewDueAt?: string;
  /** The case has waited past its review target. */
  overdue: boolean;
  choice?: string;
  defenseOnFile: boolean;
  allowedViolations: Violation[];
  findings: unknown[];
  /** APPEAL reviews: the appeal (statement, evidence, the appealed judgement and who rendered it). */
  appeal?: unknown;
  revision: number;
}

export interface AdjudicationQueueArgs extends QueryOptions {
  now: string | Date;
  /** Only this merchant's cases. */
  merchantId?: string;
  /** How long a case may wait for an adjudicator before it is flagged overdue (absent: never flagged). */
  reviewWindowMs?: number;
  cursor?: string;
  limit?: number;
}

/** GET /adjudication/queue: disputes UNDER_REVIEW, oldest first by the time they entered review. */
export async function adjudicationQueue(db: SqlExecutor, args: AdjudicationQueueArgs): Promise<Page<QueueItem>> {
  const nowMs = Date.parse(instantArg(args.now, 'now'));
  const page = await keysetPage<DisputeRow & { review: ReviewRecord | null; appeal: unknown }>(db, {
    list: 'queue',
    select: `${CASE_COLUMNS}, state->'review' AS review, state->'appeal' AS appeal, review_since AS __ts, dispute_id AS __id`,
    from: `${args.prefix ?? ''}dispute_state`,
    where: [`status = 'UNDER_REVIEW'`, `review_since IS NOT NULL`, ...(args.merchantId !== undefined ? ['merchant_id = $1'] : [])],
    params: args.merchantId !== undefined ? [args.merchantId] : [],
    tsCol: 'review_since',
    idCol: 'dispute_id',
    order: 'asc',
    cursor: args.cursor,
    limit: pageLimit(args.limit),
  });
  const items = page.rows.map((r): QueueItem => {
    const since = isoOf(r.review_since)!;
    const waitingMs = Math.max(0, nowMs - Date.parse(since));
    const item: QueueItem = {
      disputeId: r.dispute_id,
      orderId: r.order_id,
      merchantId: r.merchant_id,
      consumerId: r.consumer_id,
      flow: r.flow,
      openedAt: isoOf(r.opened_at)!,
      reviewReason: r.review_reason ?? r.review?.reason ?? '',
      underReviewSince: since,
      waitingMs,
      waitingSeconds: Math.floor(waitingMs / 1000),
      overdue: r.review?.reviewDueAt ? nowMs > Date.parse(r.review.reviewDueAt) : args.reviewWindowMs !== undefined && waitingMs > args.reviewWindowMs,
      ...(r.review?.reviewDueAt
        ? { reviewDueAt: r.review.reviewDueAt }
        : args.reviewWindowMs !== undefined
          ? { reviewDueAt: new Date(Date.parse(since) + args.reviewWindowMs).toISOString() }
          : {}),
      defenseOnFile: r.review?.defenseOnFile ?? false,
      allowedViolations: r.review?.allowedViolations ?? [],
      findings: r.review?.findings ?? [],
      revision: Number(r.revision),
    };
    if (r.review?.reason === 'APPEAL' && r.appeal) item.appeal = r.appeal;
    if (r.chosen_option) item.choice = r.chosen_option;
    return item;
  });
  return withCursor(items, page.nextCursor);
}

// ------------------------------------------------------------------------------------------- scorecard

export interface WeekShippingStats {
  /** Assessed orders whose 48 h pickup deadline falls in the week and whose outcome is known as of `now`. */
  ordersDue48h: number;
  /** Of those, picked up within 48 h (first pickup scan ≤ pickup due time). */
  pickedUpWithin48h: number;
  /** Assessed orders whose pickup deadline falls in the week and that are late as of `now` (waybill > 24 h or pickup > 48 h). */
  lateOrders: number;
  /** Late orders left out of `lateOrders`: a standing judgement holds the merchant not liable for their late shipment. */
  excusedLateOrders: number;
  /** Orders due in the week whose outcome is not known yet (due time still ahead of `now`, no pickup scan yet). */
  pendingOrders: number;
  /** Orders due in the week excused by a full refund on or before their pickup due time (in no count above). */
  refundedBeforeDue: number;
}

/**
 * Aggregates a merchant's orders whose pickup due time lies in [start, end), as of `now`:
 *  - the week of an order is the calendar week (business timezone) of its 48 h pickup due time;
 *  - only orders assessed for late shipment (as of `now`) with a started clock count;
 *  - an order fully refunded on or before its pickup due time has no pickup obligation: it counts neither
 *    in the 48 h rate nor as late (as in assessShipping);
 *  - the rate's denominator holds the orders whose outcome is known: picked up already, or due time passed;
 *  - lateness as in assessShipping as of `now`; for an order due in a week that has ended this is the same
 *    as "as of the end of the week" (once an order is late it stays late).
 */
export async function weekShippingStats(
  db: SqlExecutor,
  merchantId: string,
  bounds: { start: string; end: string },
  now: string,
  opts: QueryOptions = {},
): Promise<WeekShippingStats> {
  const s = shippingSql('$4::timestamptz', 'o');
  const { rows } = await db.query<Record<keyof WeekShippingStats, number>>(
    `SELECT ${weekStatsColumnsSql('$4::timestamptz', 'o', opts.prefix ?? '')}
     FROM ${opts.prefix ?? ''}order_shipping o
     WHERE o.merchant_id = $1 AND o.pickup_due_at >= $2::timestamptz AND o.pickup_due_at < $3::timestamptz
       AND ${s.assessed} AND ${s.clock}`,
    [merchantId, bounds.start, bounds.end, now],
  );
  const r = rows[0];
  return {
    ordersDue48h: Number(r.ordersDue48h),
    pickedUpWithin48h: Number(r.pickedUpWithin48h),
    lateOrders: Number(r.lateOrders),
    excusedLateOrders: Number(r.excusedLateOrders),
    pendingOrders: Number(r.pendingOrders),
    refundedBeforeDue: Number(r.refundedBeforeDue),
  };
}

export interface WeekLateOrderRow {
  orderId: string;
  waybillDueAt: string;
  pickupDueAt: string;
  waybillUploadedAt: string | null;
  pickupScannedAt: string | null;
  fullyRefundedAt: string | null;
}

/** Every order of the merchant due in the week and late as of `asOf` (excused or not), with the facts lateness rests on. */
export async function weekLateOrders(db: SqlExecutor, merchantId: string, bounds: { start: string; end: string }, asOf: string, opts: QueryOptions = {}): Promise<WeekLateOrderRow[]> {
  const s = shippingSql('$4::timestamptz', 'o');
  const { rows } = await db.query<Record<string, unknown>>(
    `SELECT o.order_id, o.waybill_due_at, o.pickup_due_at, o.first_waybill_at, o.first_pickup_at, o.fully_refunded_at
     FROM ${opts.prefix ?? ''}order_shipping o
     WHERE o.merchant_id = $1 AND o.pickup_due_at >= $2::timestamptz AND o.pickup_due_at < $3::timestamptz AND ${s.late}
     ORDER BY o.pickup_due_at, o.order_id`,
    [merchantId, bounds.start, bounds.end, asOf],
  );
  return rows.map((r) => ({
    orderId: String(r.order_id),
    waybillDueAt: isoOf(r.waybill_due_at as string)!,
    pickupDueAt: isoOf(r.pickup_due_at as string)!,
    waybillUploadedAt: isoOf(r.first_waybill_at as string | null) ?? null,
    pickupScannedAt: isoOf(r.first_pickup_at as string | null) ?? null,
    fullyRefundedAt: isoOf(r.fully_refunded_at as string | null) ?? null,
  }));
}

/** The standing judgements of these orders: late-shipment excuses and late-shipment liabilities (for the week's assessment). */
export async function lateShipmentJudgements(db: SqlExecutor, orderIds: string[], opts: QueryOptions = {}) {
  if (orderIds.length === 0) return { excuses: [], liabilities: [] };
  const { rows } = await db.query<{ order_id: string; dispute_id: string; outcome: string; violation: string | null; late_excused: boolean; basis: string | null; decided_at: Date | string }>(
    `SELECT order_id, dispute_id, outcome, violation, late_excused, basis, decided_at FROM ${opts.prefix ?? ''}judgements
     WHERE ${IN_IDS('order_id', '$1')} AND kind = 'JUDGEMENT' ORDER BY decided_at, dispute_id`,
    [JSON.stringify(orderIds)],
  );
  const excuses = rows.filter((r) => r.late_excused).map((r) => ({ orderId: r.order_id, disputeId: r.dispute_id, basis: r.basis ?? 'NOT_LIABLE', decidedAt: isoOf(r.decided_at)! }));
  const liabilities = rows.filter((r) => r.outcome === 'MERCHANT_LIABLE' && r.violation === 'LATE_SHIPMENT').map((r) => ({ orderId: r.order_id, disputeId: r.dispute_id }));
  return { excuses, liabilities };
}

/**
 * Merchant-weeks (ISO week of the pickup due time in `timezone`) with an assessed order due before `before`
 * (the end of the newest week whose close is due) that have no settled assessment yet, oldest first. One scan
 * of order_shipping against merchant_weeks: late-registered orders of an old week are found too.
 */
export async function openMerchantWeeksDue(db: SqlExecutor, timezone: string, before: string, opts: QueryOptions = {}): Promise<{ merchantId: string; week: string }[]> {
  const p = opts.prefix ?? '';
  const week = `to_char(o.pickup_due_at AT TIME ZONE $1, 'IYYY-"W"IW')`;
  const { rows } = await db.query<{ merchant_id: string; week: string }>(
    `SELECT DISTINCT o.merchant_id, ${week} AS week FROM ${p}order_shipping o
     WHERE o.pickup_due_at < $2::timestamptz AND o.kind_assessed
       AND NOT EXISTS (SELECT 1 FROM ${p}merchant_weeks w WHERE w.merchant_id = o.merchant_id AND w.week = ${week})
     ORDER BY 2, 1 LIMIT 1000`,
    [timezone, before],
  );
  return rows.map((r) => ({ merchantId: r.merchant_id, week: r.week }));
}

/**
 * JudgeContext.merchantWeek for judging a case of `merchantId` whose week contains `instant`: the merchant's
 * shipping stats for that calendar week (in `timezone`), as of `now` — the time of asking, never an instant
 * inside the week (v2 points depend on the whole week; until it closes they are provisional).
 */
export async function merchantWeekStats(
  db: SqlExecutor,
  merchantId: string,
  instant: string | Date,
  timezone: string,
  now: string | Date,
  opts: QueryOptions = {},
): Promise<MerchantWeek> {
  const week = isoWeekOf(instantArg(instant, 'instant'), timezone);
  const stats = await weekShippingStats(db, nonEmptyString(merchantId, 'merchantId'), weekBounds(week, timezone), instantArg(now, 'now'), opts);
  return { week, ordersDue48h: stats.ordersDue48h, pickedUpWithin48h: stats.pickedUpWithin48h, lateOrders: stats.lateOrders };
}

export interface Scorecard extends WeekShippingStats {
  merchantId: string;
  week: string;
  rulesVersion: RulesVersion;
  timezone: string;
  /** Monday 00:00 (inclusive) and next Monday 00:00 (exclusive) in `timezone`, as UTC instants. */
  weekStart: string;
  weekEnd: string;
  /** The instant the time-dependent counts are computed as of (the query's `now`). */
  asOf: string;
  /** pickedUpWithin48h / ordersDue48h, null when no order was due (not applicable). */
  pickupRate48h: number | null;
  /** Late-shipment points for the week under `rulesVersion` (the domain's weeklyPenaltyPoints). */
  points: number;
  pointsBasis: string;
  /** MERCHANT_LIABLE judgements decided in the week, by violation. */
  violations: Record<Violation, number>;
  /** Judgements (any outcome) and settlements decided in the week. */
  judged: number;
  settled: number;
  /**
   * True once the week's assessment was recorded (WEEK_CLOSE_DELAY after its end): the statistics and points
   * are the settled ones (after any correction), not the time of asking.
   */
  final: boolean;
  /** When the week's assessment was recorded (final weeks only). */
  closedAt?: string;
  /** The settled assessment: its stream, the rules version it was recorded under, its points then and now. */
  assessment?: { stream: string; rulesVersion: RulesVersion; assessedPoints: number; points: number; corrections: number; closeDueAt: string };
}

export interface ScorecardArgs extends QueryOptions {
  merchantId: string;
  /** ISO week 'YYYY-Www' in `timezone`. */
  week: string;
  rulesVersion: string;
  now: string | Date;
  timezone: string;
}

/** GET /merchants/{merchantId}/scorecard: one merchant's calendar week under a rules version. */
export async function scorecard(db: SqlExecutor, args: ScorecardArgs): Promise<Scorecard> {
  const merchantId = nonEmptyString(args.merchantId, 'merchantId');
  const rulesVersion = parseRulesVersion(args.rulesVersion);
  const bounds = weekBounds(args.week, args.timezone);
  const now = instantArg(args.now, 'now');
  const settledState = await settledWeek(db, merchantId, args.week, args);
  // A closed week is judged by its statistics at the close (as settled, corrections included); an open one as of now.
  const asOf = settledState ? settledState.closeDueAt : now;
  const live = await weekShippingStats(db, merchantId, bounds, asOf, args);
  const stats: WeekShippingStats = settledState
    ? {
        ...live,
        ordersDue48h: settledState.stats.ordersDue48h,
        pickedUpWithin48h: settledState.stats.pickedUpWithin48h,
        lateOrders: settledState.stats.lateOrders,
        excusedLateOrders: settledState.excusedOrders.length,
        pendingOrders: 0,
      }
    : live;
  const penalty = weeklyPenaltyPoints(rulesVersion, stats);
  const { rows } = await db.query<{ kind: string; outcome: string; violation: Violation | null; n: number }>(
    `SELECT kind, outcome, violation, count(*)::int AS n FROM ${args.prefix ?? ''}judgements
     WHERE merchant_id = $1 AND decided_at >= $2::timestamptz AND decided_at < $3::timestamptz
     GROUP BY kind, outcome, violation`,
    [merchantId, bounds.start, bounds.end],
  );
  const violations = Object.fromEntries(VIOLATIONS.map((v) => [v, 0])) as Record<Violation, number>;
  let judged = 0;
  let settled = 0;
  for (const r of rows) {
    const n = Number(r.n);
    if (r.kind === 'SETTLEMENT') settled += n;
    else judged += n;
    if (r.outcome === 'MERCHANT_LIABLE' && r.violation && isOneOf(VIOLATIONS, r.violation)) violations[r.violation] += n;
  }
  const card: Scorecard = {
    merchantId,
    week: args.week,
    rulesVersion,
    timezone: args.timezone,
    weekStart: bounds.start,
    weekEnd: bounds.end,
    asOf,
    ...stats,
    pickupRate48h: penalty.pickupRate48h,
    points: penalty.points,
    pointsBasis: penalty.basis,
    violations,
    judged,
    settled,
    final: settledState !== null,
  };
  if (settledState) {
    card.closedAt = settledState.closedAt;
    card.assessment = {
      stream: merchantWeekStream(merchantId, args.week),
      rulesVersion: settledState.rulesVersion!,
      assessedPoints: settledState.assessedPoints,
      points: settledState.points,
      corrections: settledState.corrections.length,
      closeDueAt: settledState.closeDueAt,
    };
  }
  return card;
}
