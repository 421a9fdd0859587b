/** The contract's delay-report representation. */
import type { Evidence } from '../shared/input';
import { compact } from '../shared/time';
import type { DelayReportKind, DelayReportReason, DelayReportStatus } from './rules';
import { type DelayReportState, requireReport } from './state';

export interface DelayReportView {
  reportId: string;
  kind: DelayReportKind;
  merchantId: string;
  status: DelayReportStatus;
  reason?: DelayReportReason;
  note?: string;
  evidence: Evidence[];
  windowStart?: string;
  windowEnd?: string;
  orderId?: string;
  orderPlacedAt?: string;
  cutoffAt?: string;
  promisedShipAt?: string;
  filedAt: string;
  filedBy?: string;
  reviewDueAt: string;
  /** Flagged: still unreviewed when the review window ended. */
  overdue: boolean;
  overdueFlaggedAt?: string;
  review?: { decision: 'APPROVED' | 'REJECTED'; reason?: string; reviewedBy?: string; reviewedAt: string };
  withdrawnAt?: string;
}

export function toDelayReportView(state: DelayReportState): DelayReportView {
  requireReport(state);
  return compact({
    reportId: state.reportId,
    kind: state.kind!,
    merchantId: state.merchantId,
    status: state.status as DelayReportStatus,
    reason: state.reason ?? undefined,
    note: state.note ?? undefined,
    evidence: state.evidence,
    windowStart: state.windowStart ?? undefined,
    windowEnd: state.windowEnd ?? undefined,
    orderId: state.orderId ?? undefined,
    orderPlacedAt: state.orderPlacedAt ?? undefined,
    cutoffAt: state.cutoffAt ?? undefined,
    promisedShipAt: state.promisedShipAt ?? undefined,
    filedAt: state.filedAt!,
    filedBy: state.filedBy ?? undefined,
    reviewDueAt: state.reviewDueAt!,
    overdue: state.overdue,
    overdueFlaggedAt: state.overdueFlaggedAt ?? undefined,
    review: state.review ?? undefined,
    withdrawnAt: state.withdrawnAt ?? undefined,
  });
}
