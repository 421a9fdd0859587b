/** Shared helpers of the order specs (test-only). */
import { at, ORDER } from '../test-fixtures';
import { DeciderSpecification } from '../testing';
import type { RegisterOrder } from './commands';
import { orderDecider } from './decide';
import type { OrderEvent } from './events';

export const spec = DeciderSpecification.for(orderDecider);
export const details: RegisterOrder['order'] = { ...ORDER };
export const registered: OrderEvent = { type: 'OrderRegistered', data: { ...details, registeredAt: at(1) } };
export const recorded = (seq: number, type: string, hours: number, extra: Record<string, unknown> = {}): OrderEvent =>
  ({ type: 'OrderFactRecorded', data: { orderId: 'o-1', seq, type, occurredAt: at(hours), ...extra, recordedAt: at(hours) } }) as OrderEvent;
