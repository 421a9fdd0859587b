/** The order a delay card or an emergency report is about: given, the merchant's own, and assessed for late shipment. */
import { DomainError, invalidInput } from '../errors';
import { assessShipping, type ShippingAssessment } from './shipping';
import type { OrderSnapshot } from './types';

/** The command's order: present, and the merchant's (another merchant's order reads as not found). */
export function merchantsOrder(order: OrderSnapshot | null | undefined, merchantId: string): OrderSnapshot {
  if (!order || typeof order !== 'object' || !Array.isArray(order.facts)) throw invalidInput('The order is required', { field: 'orderId' });
  if (order.merchantId !== merchantId) throw new DomainError('ORDER_NOT_FOUND', 'Order not found');
  return order;
}

/** Refuses an order the late-shipment rules do not assess as of `now` (it needs no `what`). */
export function requireAssessed(order: OrderSnapshot, now: string, what: string): ShippingAssessment {
  const assessment = assessShipping(order, now);
  if (!assessment.assessed) {
    throw new DomainError(
      'ORDER_NOT_ASSESSED',
      `Order ${order.orderId} is not assessed for late shipment (${assessment.notAssessedReasons.join(', ')}); it needs no ${what}`,
      { orderId: order.orderId, notAssessedReasons: assessment.notAssessedReasons },
    );
  }
  return assessment;
}
