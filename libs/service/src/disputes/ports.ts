import type { CorrectionReason, DelayExcuse, MerchantWeek, OrderSnapshot } from '@app/domain';

/**
 * What the dispute feature needs from other features, as interfaces it owns and tokens it injects. The
 * owning features provide the implementations (merchant-weeks: MERCHANT_WEEKS, delays: DELAY_EXCUSES); the
 * application module hands those modules to DisputesModule.register().
 */

/** The week statistics a late-shipment judgement's points are rendered with, and whether they are settled. */
export interface WeekContext {
  merchantWeek: MerchantWeek | null;
  /** True when the week's assessment was recorded: the statistics are the settled ones (points final). */
  weekFinal: boolean;
}

/**
 * The merchant's weekly 48 h pickup statistics that v2 penalties depend on (for a closed week the settled
 * statistics of its assessment, for an open week those as of the time of asking), how a week settled an
 * order's points, and the correction an overturned liability records on a settled week.
 */
export interface MerchantWeeks {
  /** The week containing `weekInstant` (the order's pickup due time), as known at `now`. */
  weekContext(merchantId: string, weekInstant: string, now: string): Promise<WeekContext>;
  settlementOf(merchantId: string, orderId: string, week: string, asOf?: string): Promise<unknown>;
  correct(merchantId: string, week: string, orderId: string, disputeId: string, reason: CorrectionReason, decidedAt: string, causationId?: string): Promise<boolean>;
}
export const MERCHANT_WEEKS = Symbol('MERCHANT_WEEKS');

/**
 * The delay reports and delay cards that may excuse an order's delay (passed to ChooseOption as
 * `delayExcuses` for a no-fault defense, and captured in the decision event).
 */
export interface DelayExcuses {
  forOrder(order: OrderSnapshot, now: string): Promise<DelayExcuse[]>;
}
export const DELAY_EXCUSES = Symbol('DELAY_EXCUSES');
