/** Commands of the delay-report aggregate. */
import type { Evidence } from '../shared/input';
import type { OrderSnapshot } from '../shared/types';
import type { DelayReportKind, DelayReportReason } from './rules';

export interface FileDelayReport {
  type: 'FileDelayReport';
  reportId: string;
  kind: DelayReportKind;
  /** The filing merchant (from the token). */
  merchantId: string;
  /** Who filed it (the token's sub). */
  filedBy?: string;
  /** PRE_REPORT: required. EMERGENCY_REPORT: optional. */
  reason?: DelayReportReason;
  /** Free text (备注). */
  note?: string;
  evidence?: Evidence[];
  /** PRE_REPORT: default `now`; may not be before `now`. */
  windowStart?: string;
  /** PRE_REPORT: required; after windowStart, at most 7 days after `now`. */
  windowEnd?: string;
  /** EMERGENCY_REPORT: the order (its snapshot is checked for assessment and the cut-off). */
  order?: OrderSnapshot;
  /** EMERGENCY_REPORT: the concrete ship date promised to the consumer. */
  promisedShipAt?: string;
  /** EMERGENCY_REPORT: BUSINESS_TIMEZONE, where calendar weeks begin and end. */
  timezone?: string;
  /** Default DELAY_REPORT_REVIEW_WINDOW_MS. */
  reviewWindowMs?: number;
  now: string;
}

export interface WithdrawDelayReport {
  type: 'WithdrawDelayReport';
  merchantId: string;
  now: string;
}

export interface ReviewDelayReport {
  type: 'ReviewDelayReport';
  approved: boolean;
  /** Required when rejecting. */
  reason?: string;
  reviewer?: string;
  now: string;
}

export interface FlagDelayReportOverdue {
  type: 'FlagDelayReportOverdue';
  now: string;
}

export type DelayReportCommand = FileDelayReport | WithdrawDelayReport | ReviewDelayReport | FlagDelayReportOverdue;
