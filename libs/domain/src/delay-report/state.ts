/** The delay report's state, folded from its stream. */
import { DomainError } from '../errors';
import type { Evidence } from '../shared/input';
import type { DelayReportEvent } from './events';
import type { DelayReportKind, DelayReportReason, DelayReportStatus } from './rules';

export interface DelayReportState {
  status: 'NONE' | DelayReportStatus;
  reportId: string;
  kind: DelayReportKind | null;
  merchantId: string;
  filedBy: string | null;
  filedAt: string | null;
  reviewDueAt: string | null;
  reason: DelayReportReason | null;
  note: string | null;
  evidence: Evidence[];
  windowStart: string | null;
  windowEnd: string | null;
  orderId: string | null;
  orderPlacedAt: string | null;
  orderClockStartsAt: string | null;
  cutoffAt: string | null;
  promisedShipAt: string | null;
  overdue: boolean;
  overdueFlaggedAt: string | null;
  review: { decision: 'APPROVED' | 'REJECTED'; reason?: string; reviewedBy?: string; reviewedAt: string } | null;
  withdrawnAt: string | null;
}

export function initialDelayReportState(): DelayReportState {
  return {
    status: 'NONE',
    reportId: '',
    kind: null,
    merchantId: '',
    filedBy: null,
    filedAt: null,
    reviewDueAt: null,
    reason: null,
    note: null,
    evidence: [],
    windowStart: null,
    windowEnd: null,
    orderId: null,
    orderPlacedAt: null,
    orderClockStartsAt: null,
    cutoffAt: null,
    promisedShipAt: null,
    overdue: false,
    overdueFlaggedAt: null,
    review: null,
    withdrawnAt: null,
  };
}

export function evolveDelayReport(state: DelayReportState, event: { type: string; data: unknown }): DelayReportState {
  const e = event as DelayReportEvent;
  switch (e.type) {
    case 'DelayReportFiled': {
      const d = e.data;
      return {
        ...state,
        status: 'PENDING',
        reportId: d.reportId,
        kind: d.kind,
        merchantId: d.merchantId,
        filedBy: d.filedBy ?? null,
        filedAt: d.filedAt,
        reviewDueAt: d.reviewDueAt,
        reason: d.reason ?? null,
        note: d.note ?? null,
        evidence: d.evidence ?? [],
        windowStart: d.windowStart ?? null,
        windowEnd: d.windowEnd ?? null,
        orderId: d.orderId ?? null,
        orderPlacedAt: d.orderPlacedAt ?? null,
        orderClockStartsAt: d.orderClockStartsAt ?? null,
        cutoffAt: d.cutoffAt ?? null,
        promisedShipAt: d.promisedShipAt ?? null,
      };
    }
    case 'DelayReportWithdrawn':
      return { ...state, status: 'WITHDRAWN', withdrawnAt: e.data.withdrawnAt };
    case 'DelayReportReviewed': {
      const { reportId: _id, ...review } = e.data;
      return { ...state, status: review.decision, review };
    }
    case 'DelayReportReviewOverdue':
      return { ...state, overdue: true, overdueFlaggedAt: e.data.flaggedAt };
    default:
      return state;
  }
}

export function requireReport(state: DelayReportState): void {
  if (state.status === 'NONE') throw new DomainError('DELAY_REPORT_NOT_FOUND', 'Delay report not found');
}

export function requirePending(state: DelayReportState, action: string): void {
  requireReport(state);
  if (state.status !== 'PENDING') {
    throw new DomainError('DELAY_REPORT_NOT_PENDING', `The report is ${state.status}; only a pending report can be ${action}`, { reportStatus: state.status });
  }
}
