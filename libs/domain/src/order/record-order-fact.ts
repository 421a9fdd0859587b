/** RecordOrderFact → OrderFactRecorded (the fact rules: see the README, "Order facts"). */
import { DomainError, invalidInput } from '../errors';
import { compact, iso, toMs } from '../shared/time';
import { isOneOf, ORDER_FACT_TYPES, type OrderFactRef, type OrderFactType } from '../shared/types';
import type { OrderFactInput, RecordOrderFact } from './commands';
import type { OrderEvent } from './events';
import { type OrderState, requireOrder } from './state';

export const ONCE_ONLY: readonly OrderFactType[] = ['PAID', 'LOCKED', 'INVALIDATED'];

export function recordOrderFact(cmd: RecordOrderFact, state: OrderState): OrderEvent[] {
  const order = requireOrder(state);
  const nowMs = toMs(cmd.now, 'now');
  const f = cmd.fact ?? ({} as OrderFactInput);
  if (!isOneOf(ORDER_FACT_TYPES, f.type)) throw invalidInput('Unknown fact type', { field: 'type' });
  const occurredMs = toMs(f.occurredAt, 'occurredAt');
  if (occurredMs > nowMs) throw new DomainError('FACT_IN_FUTURE', 'A fact may not be dated in the future', { field: 'occurredAt' });
  if (occurredMs < Date.parse(order.placedAt)) {
    throw new DomainError('FACT_BEFORE_PLACEMENT', 'A fact may not be dated before the order was placed', { field: 'occurredAt' });
  }

  const logistics = f.type === 'WAYBILL_UPLOADED' || f.type === 'PICKUP_SCANNED';
  const money = f.type === 'PAID' || f.type === 'REFUNDED';
  const present = (v: unknown) => v !== undefined && v !== null;
  if (!logistics && (present(f.carrier) || present(f.waybillNo))) {
    throw new DomainError('INVALID_FACT', `carrier and waybillNo only apply to WAYBILL_UPLOADED and PICKUP_SCANNED`);
  }
  if (!money && present(f.amount)) throw new DomainError('INVALID_FACT', 'amount only applies to PAID and REFUNDED');
  for (const field of ['carrier', 'waybillNo'] as const) {
    if (present(f[field]) && (typeof f[field] !== 'string' || f[field].trim() === '')) {
      throw invalidInput(`${field} must be a non-empty string`, { field });
    }
  }
  if (f.type === 'WAYBILL_UPLOADED') {
    const missing = (['carrier', 'waybillNo'] as const).filter((k) => !present(f[k]));
    if (missing.length) throw new DomainError('INVALID_FACT', 'A waybill upload needs the carrier and the waybill number', { missing });
  }
  if (present(f.amount) && (!Number.isSafeInteger(f.amount) || (f.amount as number) <= 0)) {
    throw invalidInput('amount must be a positive integer (fen)', { field: 'amount' });
  }

  const fact: OrderFactRef = compact({
    seq: state.facts.length,
    type: f.type,
    occurredAt: iso(occurredMs),
    carrier: present(f.carrier) ? f.carrier : undefined,
    waybillNo: present(f.waybillNo) ? f.waybillNo : undefined,
    amount: present(f.amount) ? f.amount : undefined,
  });

  if (ONCE_ONLY.includes(f.type) && state.facts.some((x) => x.type === f.type)) {
    throw new DomainError('FACT_ALREADY_RECORDED', `${f.type} is already on record for this order`, { type: f.type });
  }
  const same = state.facts.find(
    (x) =>
      x.type === fact.type &&
      x.occurredAt === fact.occurredAt &&
      x.carrier === fact.carrier &&
      x.waybillNo === fact.waybillNo &&
      x.amount === fact.amount,
  );
  if (same) throw new DomainError('FACT_ALREADY_RECORDED', 'This exact fact is already on record', { seq: same.seq });
  if (f.type === 'REFUNDED') {
    const refunded = state.facts.filter((x) => x.type === 'REFUNDED').reduce((sum, x) => sum + (x.amount ?? order.amount), 0);
    if (refunded + (fact.amount ?? order.amount) > order.amount) {
      throw new DomainError('REFUND_EXCEEDS_ORDER_AMOUNT', 'Refunds may not exceed the order amount', {
        orderAmount: order.amount,
        alreadyRefunded: refunded,
      });
    }
  }

  return [{ type: 'OrderFactRecorded', data: { orderId: order.orderId, ...fact, recordedAt: iso(nowMs) } }];
}
