/** The delay report's state, folded from its stream. */
import { DomainError } from '../errors';
import type { DelayReportEvent, DelayReportFiled, DelayReportReview } from './events';
import type { DelayReportStatus } from './rules';

type Filing = DelayReportFiled['data'];

/** Every field of T present, null where T has none (an optional field of an event as the state keeps it). */
type OrNull<T> = { [K in keyof T]-?: Exclude<T[K], undefined> | null };

/** The filing's facts (null before the filing, and where the filing had none), then what became of the report. */
export interface DelayReportState
  extends Pick<Filing, 'reportId' | 'merchantId' | 'evidence'>,
    OrNull<Omit<Filing, 'reportId' | 'merchantId' | 'evidence' | 'timezone'>> {
  status: 'NONE' | DelayReportStatus;
  overdue: boolean;
  overdueFlaggedAt: string | null;
  review: DelayReportReview | null;
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
