/**
 * Events of the merchant-week aggregate (one stream per merchant and ISO week of the business timezone):
 * the week's settled late-shipment assessment, and corrections recorded when a counted liability is
 * overturned on appeal afterwards. Events are never edited: a correction is a new event.
 */
import type { RulesVersion } from '../shared/rules';
import type { LateReason } from '../shared/shipping';

export { MERCHANT_WEEK_STREAM_PREFIX, merchantWeekStream, parseMerchantWeekStream } from '../streams';

/** The week's shipping statistics at its close (all pickups due in the week are known by then). */
export interface SettledWeekStats {
  /** Assessed orders whose 48 h pickup deadline fell in the week (a full refund before the due time excuses one). */
  ordersDue48h: number;
  /** Of those, picked up within 48 h. */
  pickedUpWithin48h: number;
  /** Late orders counted (late by the facts, not excused by a standing not-liable judgement). */
  lateOrders: number;
}

/** A late order the assessment counted, with the facts it rests on. */
export interface CountedLateOrder {
  orderId: string;
  /** The dispute whose standing judgement holds the merchant liable for it, if any. */
  disputeId?: string;
  waybillDueAt: string;
  pickupDueAt: string;
  waybillUploadedAt: string | null;
  pickupScannedAt: string | null;
  reasons: LateReason[];
  /** Points the order's late-shipment liability carries under the week's settled statistics (per-case attribution). */
  casePoints: number;
}

/** A late order left out because a standing judgement found the merchant not liable for the late shipment. */
export interface ExcusedLateOrder {
  orderId: string;
  disputeId: string;
  /** Why: the judgement basis (DEFENSE_VERIFIED, ADJUDICATOR, APPEAL_OVERTURNED). */
  basis: string;
  decidedAt: string;
}

export interface MerchantWeekClosed {
  type: 'MerchantWeekClosed';
  data: {
    merchantId: string;
    week: string;
    timezone: string;
    weekStart: string;
    weekEnd: string;
    /** weekEnd + WEEK_CLOSE_DELAY: the instant the statistics are taken as of. */
    closeDueAt: string;
    /** When the assessment was recorded (≥ closeDueAt; much later for a backfilled week). */
    closedAt: string;
    /** DEADLINE: fired by the scheduler at its due time; BACKFILL: a week already past its close when settlement first ran. */
    trigger: 'DEADLINE' | 'BACKFILL';
    rulesVersion: RulesVersion;
    closeDelayMs: number;
    stats: SettledWeekStats;
    /** pickedUpWithin48h / ordersDue48h, null when no order was due. */
    pickupRate48h: number | null;
    points: number;
    basis: string;
    lateOrders: CountedLateOrder[];
    excusedOrders: ExcusedLateOrder[];
  };
}

export interface MerchantWeekAssessmentCorrected {
  type: 'MerchantWeekAssessmentCorrected';
  data: {
    merchantId: string;
    week: string;
    correctedAt: string;
    reason: CorrectionReason;
    orderId: string;
    disputeId: string;
    /** The overturning judgement's decision time. */
    decidedAt: string;
    previousPoints: number;
    points: number;
    basis: string;
    stats: SettledWeekStats;
    pickupRate48h: number | null;
    /** The late order that leaves the count. */
    removed: CountedLateOrder;
  };
}

export type CorrectionReason = 'APPEAL_OVERTURNED' | 'LATE_SHIPMENT_EXCUSED';

export type MerchantWeekEvent = MerchantWeekClosed | MerchantWeekAssessmentCorrected;
export const MERCHANT_WEEK_EVENT_TYPES = ['MerchantWeekClosed', 'MerchantWeekAssessmentCorrected'] as const;
