/** The excuse lookup: the delay reports and cards bearing on an order, as the dispute decider's DelayExcuses. */
import type { DelayCardStatus } from '../delay-card/rules';
import type { DelayCardState } from '../delay-card/state';
import type { DelayReportStatus } from '../delay-report/rules';
import type { DelayReportState } from '../delay-report/state';
import type { DelayExcuse } from '../dispute/events';
import { assessShipping } from './shipping';
import { iso, toMs } from './time';
import type { OrderSnapshot } from './types';

export const EXCUSE_STATUS: Record<DelayReportStatus | DelayCardStatus, DelayExcuse['status']> = {
  PENDING: 'PENDING',
  APPROVED: 'APPROVED',
  ACCEPTED: 'APPROVED',
  REJECTED: 'REJECTED',
  WITHDRAWN: 'CANCELLED',
  CANCELLED: 'CANCELLED',
};

/**
 * The delay reports and delay cards that bear on an order, as the dispute decider's `DelayExcuse`s
 * (`coversOrder` says whether the record is about this order; the decider excuses the delay only when a
 * record both covers the order and is APPROVED):
 *  - a PRE_REPORT of the order's merchant whose window overlaps the order's period (placement to pickup due
 *    time): covers the order when it was **placed** inside the window (bounds inclusive; seed 000 / 001 Q9:
 *    报备的时间范围内产生的订单), whatever its shipping clock. Pre-reports of other merchants, or whose window
 *    does not touch the order, are left out;
 *  - an EMERGENCY_REPORT for this order (same merchant): covers it;
 *  - the DELAY_CARD of this order: covers it; ACCEPTED counts as APPROVED, a card still PENDING past its
 *    expiry counts as CANCELLED even before the expiry is recorded.
 * Status: PENDING / APPROVED / REJECTED; withdrawn reports and cancelled cards are CANCELLED. The result
 * is ordered: covering and approved first, then by kind and reference, so it is deterministic.
 */
export function delayExcusesFor(
  order: OrderSnapshot,
  reports: readonly DelayReportState[],
  cards: readonly DelayCardState[],
  now: string,
): DelayExcuse[] {
  const nowMs = toMs(now, 'now');
  const a = assessShipping(order, iso(nowMs));
  // Seed 000 (预报备标准 (二)) and 001 Q9: the orders *placed* inside an approved window are exempt (报备的时间范围内
  // 产生的订单), whatever their shipping clock — a prepaid order placed in the window and paid after it is covered,
  // one placed before the window and paid inside it is not.
  const placedMs = Date.parse(order.placedAt);
  const shippingEndMs = a.pickupDueAt === null ? placedMs : Math.max(placedMs, Date.parse(a.pickupDueAt));
  const out: DelayExcuse[] = [];
  for (const r of reports) {
    if (r.status === 'NONE' || r.merchantId !== order.merchantId) continue;
    const status = EXCUSE_STATUS[r.status];
    if (r.kind === 'PRE_REPORT') {
      if (!r.windowStart || !r.windowEnd) continue;
      const ws = Date.parse(r.windowStart);
      const we = Date.parse(r.windowEnd);
      if (we < placedMs || ws > shippingEndMs) continue; // does not touch the order (placement to pickup due time)
      const covers = ws <= placedMs && placedMs <= we;
      out.push({
        kind: 'PRE_REPORT',
        ref: r.reportId,
        status,
        coversOrder: covers,
        detail:
          `Pre-report ${r.reportId} (${r.reason ?? 'no reason'}) ${r.status}, window ${r.windowStart} – ${r.windowEnd}; ` +
          `the order was placed ${order.placedAt}: ${covers ? 'inside' : 'outside'} the window ` +
          `(orders placed in an approved pre-report's window are exempt${a.clockStartsAt && a.clockStartsAt !== order.placedAt ? `; its shipping clock starts ${a.clockStartsAt}` : ''})`,
      });
    } else if (r.kind === 'EMERGENCY_REPORT') {
      if (r.orderId !== order.orderId) continue;
      out.push({
        kind: 'EMERGENCY_REPORT',
        ref: r.reportId,
        status,
        coversOrder: true,
        detail: `Emergency report ${r.reportId} for order ${order.orderId} ${r.status}${r.review ? ` at ${r.review.reviewedAt}` : ''}; promised ship date ${r.promisedShipAt}`,
      });
    }
  }
  for (const c of cards) {
    if (c.status === 'NONE' || c.orderId !== order.orderId) continue;
    const effective: DelayCardStatus = c.status === 'PENDING' && c.expiresAt !== null && nowMs > Date.parse(c.expiresAt) ? 'CANCELLED' : c.status;
    out.push({
      kind: 'DELAY_CARD',
      ref: c.cardId,
      status: EXCUSE_STATUS[effective],
      coversOrder: true,
      detail:
        `Delay card ${c.cardId} for order ${order.orderId} sent ${c.sentAt}: ` +
        (effective === 'ACCEPTED' || effective === 'REJECTED'
          ? `${effective === 'ACCEPTED' ? 'accepted' : 'rejected'} by the consumer at ${c.response?.respondedAt}`
          : effective === 'CANCELLED'
            ? `not answered by ${c.expiresAt} (cancelled)`
            : `awaiting the consumer's answer until ${c.expiresAt}`),
    });
  }
  const rank = (x: DelayExcuse) => (x.coversOrder && x.status === 'APPROVED' ? 0 : 1);
  return out.sort((x, y) => rank(x) - rank(y) || x.kind.localeCompare(y.kind) || x.ref.localeCompare(y.ref));
}
