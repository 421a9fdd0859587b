/** Events of the delay-report stream (`delay-report-{reportId}`). */
import type { Evidence } from '../shared/input';
import type { DelayReportKind, DelayReportReason } from './rules';

export interface DelayReportFiled {
  type: 'DelayReportFiled';
  data: {
    reportId: string;
    kind: DelayReportKind;
    merchantId: string;
    filedBy?: string;
    filedAt: string;
    reviewDueAt: string;
    reason?: DelayReportReason;
    note?: string;
    evidence: Evidence[];
    windowStart?: string;
    windowEnd?: string;
    orderId?: string;
    orderPlacedAt?: string;
    /** The order's shipping clock start as of filing (informational). */
    orderClockStartsAt?: string | null;
    cutoffAt?: string;
    promisedShipAt?: string;
    timezone?: string;
  };
}

export interface DelayReportWithdrawn {
  type: 'DelayReportWithdrawn';
  data: { reportId: string; withdrawnAt: string };
}

export interface DelayReportReviewed {
  type: 'DelayReportReviewed';
  data: { reportId: string; decision: 'APPROVED' | 'REJECTED'; reason?: string; reviewedBy?: string; reviewedAt: string };
}

/** A report's review as the state and the view keep it: the DelayReportReviewed event's data. */
export type DelayReportReview = Omit<DelayReportReviewed['data'], 'reportId'>;

export interface DelayReportReviewOverdue {
  type: 'DelayReportReviewOverdue';
  data: { reportId: string; reviewDueAt: string; flaggedAt: string };
}

export type DelayReportEvent = DelayReportFiled | DelayReportWithdrawn | DelayReportReviewed | DelayReportReviewOverdue;

export const DELAY_REPORT_EVENT_TYPES = ['DelayReportFiled', 'DelayReportWithdrawn', 'DelayReportReviewed', 'DelayReportReviewOverdue'] as const;
