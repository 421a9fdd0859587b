/** The contract's delay-report representation. */
import { compact } from '../shared/time';
import type { DelayReportFiled, DelayReportReview } from './events';
import type { DelayReportStatus } from './rules';
import { type DelayReportState, requireReport } from './state';

/** The filing as filed (but the order's clock start and the time zone), then what became of the report. */
export interface DelayReportView extends Omit<DelayReportFiled['data'], 'orderClockStartsAt' | 'timezone'> {
  status: DelayReportStatus;
  /** Flagged: still unreviewed when the review window ended. */
  overdue: boolean;
  overdueFlaggedAt?: string;
  review?: DelayReportReview;
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
