/**
 * Every stream name of the service, defined once. A stream is `{prefix}{id}`; the prefixes are what the
 * projections select their streams by, and `stream` in the API's answers is one of these names.
 *
 * | stream | aggregate |
 * |---|---|
 * | `order-{orderId}` | order (facts, the active rush-order dispute) |
 * | `dispute-{disputeId}` | dispute (choices, deadlines, judgements, the appeal) |
 * | `delay-report-{reportId}` | delay report (pre-report / emergency report) |
 * | `delay-card-{orderId}` | delay card (one per order, ever) |
 * | `delay-index-{merchantId}` | a merchant's index of delay reports |
 * | `merchant-week-{week}-{merchantId}` | merchant-week (week settlement of penalty points) |
 */
export const ORDER_STREAM_PREFIX = 'order-';
export const DISPUTE_STREAM_PREFIX = 'dispute-';
export const DELAY_REPORT_STREAM_PREFIX = 'delay-report-';
export const DELAY_CARD_STREAM_PREFIX = 'delay-card-';
export const DELAY_INDEX_STREAM_PREFIX = 'delay-index-';
export const MERCHANT_WEEK_STREAM_PREFIX = 'merchant-week-';

export const orderStream = (orderId: string) => `${ORDER_STREAM_PREFIX}${orderId}`;
export const disputeStream = (disputeId: string) => `${DISPUTE_STREAM_PREFIX}${disputeId}`;
export const delayReportStream = (reportId: string) => `${DELAY_REPORT_STREAM_PREFIX}${reportId}`;
export const delayCardStream = (orderId: string) => `${DELAY_CARD_STREAM_PREFIX}${orderId}`;
export const delayIndexStream = (merchantId: string) => `${DELAY_INDEX_STREAM_PREFIX}${merchantId}`;

/**
 * `merchant-week-{week}-{merchantId}`, e.g. `merchant-week-2026-W48-m-1`. The week comes first because it
 * has a fixed length, so the merchant id (which may contain '-') is everything after it.
 */
export function merchantWeekStream(merchantId: string, week: string): string {
  return `${MERCHANT_WEEK_STREAM_PREFIX}${week}-${merchantId}`;
}

/** Inverse of {@link merchantWeekStream}; null for another stream. */
export function parseMerchantWeekStream(stream: string): { merchantId: string; week: string } | null {
  if (!stream.startsWith(MERCHANT_WEEK_STREAM_PREFIX)) return null;
  const rest = stream.slice(MERCHANT_WEEK_STREAM_PREFIX.length);
  const m = /^(\d{4}-W\d{2})-(.+)$/.exec(rest);
  return m ? { week: m[1], merchantId: m[2] } : null;
}
