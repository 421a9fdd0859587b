/** Shared helpers of the order specs (test-only). */
import { at, T0 } from '../test-fixtures';
import { DeciderSpecification } from '../testing';
import type { RegisterOrder } from './commands';
import { orderDecider } from './decide';
import type { OrderEvent } from './events';

export const spec = DeciderSpecification.for(orderDecider);
export const details: RegisterOrder['order'] = {
  orderId: 'o-1',
  merchantId: 'm-1',
  consumerId: 'c-1',
  placedAt: T0,
  paymentMethod: 'ONLINE',
  orderKind: 'STANDARD',
  amount: 19900,
};
export const registered: OrderEvent = { type: 'OrderRegistered', data: { ...details, registeredAt: at(1) } };
export const recorded = (seq: number, type: string, hours: number, extra: Record<string, unknown> = {}): OrderEvent =>
  ({ type: 'OrderFactRecorded', data: { orderId: 'o-1', seq, type, occurredAt: at(hours), ...extra, recordedAt: at(hours) } }) as OrderEvent;
