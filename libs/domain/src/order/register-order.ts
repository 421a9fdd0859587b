/** RegisterOrder → OrderRegistered (once per order). */
import { DomainError, invalidInput } from '../errors';
import { nonEmpty } from '../shared/input';
import { compact, iso, toMs } from '../shared/time';
import { isOneOf, ORDER_KINDS, type OrderDetails, PAYMENT_METHODS } from '../shared/types';
import type { RegisterOrder } from './commands';
import type { OrderEvent } from './events';
import type { OrderState } from './state';

export function registerOrder(cmd: RegisterOrder, state: OrderState): OrderEvent[] {
  const o = cmd.order ?? ({} as OrderDetails);
  const nowMs = toMs(cmd.now, 'now');
  if (state.status !== 'NONE') {
    throw new DomainError('ORDER_ALREADY_REGISTERED', `Order ${state.order?.orderId} is already registered`);
  }
  const orderId = nonEmpty(o.orderId, 'orderId');
  const merchantId = nonEmpty(o.merchantId, 'merchantId');
  const consumerId = nonEmpty(o.consumerId, 'consumerId');
  const placedMs = toMs(o.placedAt, 'placedAt');
  if (placedMs > nowMs) throw new DomainError('FACT_IN_FUTURE', 'placedAt may not be in the future', { field: 'placedAt' });
  if (!isOneOf(PAYMENT_METHODS, o.paymentMethod)) throw invalidInput('Unknown paymentMethod', { field: 'paymentMethod' });
  if (!isOneOf(ORDER_KINDS, o.orderKind)) throw invalidInput('Unknown orderKind', { field: 'orderKind' });
  if (!Number.isSafeInteger(o.amount) || o.amount < 0) throw invalidInput('amount must be a non-negative integer (fen)', { field: 'amount' });
  let promisedShipAt: string | undefined;
  if (o.promisedShipAt !== undefined && o.promisedShipAt !== null) {
    const promisedMs = toMs(o.promisedShipAt, 'promisedShipAt');
    if (promisedMs < placedMs) {
      throw new DomainError('FACT_BEFORE_PLACEMENT', 'promisedShipAt may not be before placedAt', { field: 'promisedShipAt' });
    }
    promisedShipAt = iso(promisedMs);
  }
  return [
    {
      type: 'OrderRegistered',
      data: compact({
        orderId,
        merchantId,
        consumerId,
        placedAt: iso(placedMs),
        paymentMethod: o.paymentMethod,
        orderKind: o.orderKind,
        promisedShipAt,
        amount: o.amount,
        registeredAt: iso(nowMs),
      }),
    },
  ];
}
