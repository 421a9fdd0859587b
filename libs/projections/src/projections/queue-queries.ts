/** GET /adjudication/queue: the disputes UNDER_REVIEW (table dispute_state), with waiting times as of `now`. */
import type { Flow, ReviewRecord, Violation } from '@app/domain';
import type { SqlExecutor } from '@app/event-store';
import { CASE_COLUMNS, type DisputeRow } from './case-queries';
import { instantArg, isoOf } from './cursor';
import { listPage, type Page, type PageArgs } from './keyset';

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

/** Paged by (underReviewSince, disputeId), always oldest first. */
export interface AdjudicationQueueArgs extends Omit<PageArgs, 'order'> {
  now: string | Date;
  /** Only this merchant's cases. */
  merchantId?: string;
  /** How long a case may wait for an adjudicator before it is flagged overdue (absent: never flagged). */
  reviewWindowMs?: number;
}

/** GET /adjudication/queue: disputes UNDER_REVIEW, oldest first by the time they entered review. */
export async function adjudicationQueue(db: SqlExecutor, args: AdjudicationQueueArgs): Promise<Page<QueueItem>> {
  const nowMs = Date.parse(instantArg(args.now, 'now'));
  const queue = {
    list: 'queue',
    table: 'dispute_state',
    select: `${CASE_COLUMNS}, state->'review' AS review, state->'appeal' AS appeal`,
    filters: {
      where: [`status = 'UNDER_REVIEW'`, `review_since IS NOT NULL`, ...(args.merchantId !== undefined ? ['merchant_id = $1'] : [])],
      params: args.merchantId !== undefined ? [args.merchantId] : [],
    },
    tsCol: 'review_since',
    idCol: 'dispute_id',
  };
  return listPage(db, queue, { ...args, order: 'asc' }, (r: DisputeRow & { review: ReviewRecord | null; appeal: unknown }): QueueItem => {
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
}
