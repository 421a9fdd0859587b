/**
 * Order aggregate (one stream per order): the order as registered, every fact recorded about it, and the
 * rush-order dispute currently active on it.
 *
 * Why RushDisputeOpened lives here: "at most one not-final rush dispute per order" is an invariant across
 * dispute streams, so it is enforced on the order stream. The app appends RushDisputeOpened to the order
 * stream with the expected revision it read (optimistic concurrency) and only then writes DisputeOpened
 * to the new dispute stream. A new dispute is refused with DISPUTE_ALREADY_OPEN unless the caller read
 * the active dispute and says it is final (finality never reverts, so the answer cannot go stale).
 *
 * Fact rules (documented decisions):
 *  - No fact may be dated in the future (FACT_IN_FUTURE, 400) or before `placedAt` (FACT_BEFORE_PLACEMENT, 422).
 *  - WAYBILL_UPLOADED needs `carrier` and `waybillNo` (INVALID_FACT, 400, details.missing). `carrier` and
 *    `waybillNo` are accepted only on WAYBILL_UPLOADED / PICKUP_SCANNED, `amount` only on PAID / REFUNDED.
 *  - PAID, LOCKED and INVALIDATED can be recorded once (a second one: FACT_ALREADY_RECORDED, 409).
 *  - WAYBILL_UPLOADED, PICKUP_SCANNED (re-uploads, split parcels, several scans), CANCELLATION_REQUESTED
 *    (a consumer may ask again) and REFUNDED (partial refunds) may repeat, but an exact duplicate of a
 *    recorded fact (same type, occurredAt, carrier, waybillNo, amount) is refused as FACT_ALREADY_RECORDED.
 *  - Refunds may not add up to more than the order amount (a REFUNDED without amount counts as the whole
 *    amount): REFUND_EXCEEDS_ORDER_AMOUNT, 422.
 *  - Facts may arrive out of time order; `seq` is the recording order, `occurredAt` the business time.
 */
import type { Decider } from './decider';
import { DomainError, invalidInput } from './errors';
import { nonEmpty } from './shared/input';
import { assessShipping, type ShippingAssessment } from './shared/shipping';
import { compact, iso, toMs } from './shared/time';
import {
  isOneOf,
  ORDER_FACT_TYPES,
  ORDER_KINDS,
  PAYMENT_METHODS,
  type OrderDetails,
  type OrderFactRef,
  type OrderFactType,
  type OrderSnapshot,
} from './shared/types';

export { assessShipping } from './shared/shipping';
export type { ShippingAssessment } from './shared/shipping';

// ---------------------------------------------------------------------------------------------- commands

export interface OrderFactInput {
  type: OrderFactType;
  occurredAt: string;
  carrier?: string;
  waybillNo?: string;
  amount?: number;
}

export interface RegisterOrder {
  type: 'RegisterOrder';
  order: OrderDetails;
  now: string;
}
export interface RecordOrderFact {
  type: 'RecordOrderFact';
  fact: OrderFactInput;
  now: string;
}
export interface OpenRushDispute {
  type: 'OpenRushDispute';
  disputeId: string;
  openedAt: string;
  /** Whether the order's currently active dispute (if any) is final, as read by the caller. */
  activeDisputeFinal: boolean;
  now: string;
}
export type OrderCommand = RegisterOrder | RecordOrderFact | OpenRushDispute;

// ------------------------------------------------------------------------------------------------ events

export interface OrderRegistered {
  type: 'OrderRegistered';
  data: OrderDetails & { registeredAt: string };
}
export interface OrderFactRecorded {
  type: 'OrderFactRecorded';
  data: OrderFactRef & { orderId: string; recordedAt: string };
}
export interface RushDisputeOpened {
  type: 'RushDisputeOpened';
  data: { orderId: string; disputeId: string; openedAt: string; previousDisputeId?: string };
}
export type OrderEvent = OrderRegistered | OrderFactRecorded | RushDisputeOpened;
export const ORDER_EVENT_TYPES = ['OrderRegistered', 'OrderFactRecorded', 'RushDisputeOpened'] as const;

// ------------------------------------------------------------------------------------------------- state

export interface OrderFact extends OrderFactRef {
  recordedAt: string;
}

export interface OrderState {
  status: 'NONE' | 'REGISTERED';
  order: OrderDetails | null;
  registeredAt: string | null;
  facts: OrderFact[];
  activeDisputeId: string | null;
  disputeIds: string[];
}

export function initialState(): OrderState {
  return { status: 'NONE', order: null, registeredAt: null, facts: [], activeDisputeId: null, disputeIds: [] };
}

export function evolve(state: OrderState, event: { type: string; data: unknown }): OrderState {
  const e = event as OrderEvent;
  switch (e.type) {
    case 'OrderRegistered': {
      const { registeredAt, ...order } = e.data;
      return { ...state, status: 'REGISTERED', order, registeredAt };
    }
    case 'OrderFactRecorded': {
      const { orderId: _orderId, ...fact } = e.data;
      return { ...state, facts: [...state.facts, fact] };
    }
    case 'RushDisputeOpened':
      return { ...state, activeDisputeId: e.data.disputeId, disputeIds: [...state.disputeIds, e.data.disputeId] };
    default:
      return state;
  }
}

// ------------------------------------------------------------------------------------------------ decide

export function decide(command: OrderCommand, state: OrderState): OrderEvent[] {
  switch (command.type) {
    case 'RegisterOrder':
      return registerOrder(command, state);
    case 'RecordOrderFact':
      return recordOrderFact(command, state);
    case 'OpenRushDispute':
      return openRushDispute(command, state);
    default:
      throw invalidInput(`Unknown order command ${(command as { type?: unknown }).type as string}`);
  }
}

function registerOrder(cmd: RegisterOrder, state: OrderState): OrderEvent[] {
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

const ONCE_ONLY: readonly OrderFactType[] = ['PAID', 'LOCKED', 'INVALIDATED'];

function requireOrder(state: OrderState): OrderDetails {
  if (state.status === 'NONE' || !state.order) throw new DomainError('ORDER_NOT_FOUND', 'Order not found');
  return state.order;
}

function recordOrderFact(cmd: RecordOrderFact, state: OrderState): OrderEvent[] {
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

function openRushDispute(cmd: OpenRushDispute, state: OrderState): OrderEvent[] {
  const order = requireOrder(state);
  const nowMs = toMs(cmd.now, 'now');
  const disputeId = nonEmpty(cmd.disputeId, 'disputeId');
  const openedMs = toMs(cmd.openedAt, 'openedAt');
  if (openedMs > nowMs) throw new DomainError('OPENED_AT_IN_FUTURE', 'openedAt may not be in the future', { field: 'openedAt' });
  if (openedMs < Date.parse(order.placedAt)) {
    throw new DomainError('OPENED_BEFORE_PLACEMENT', 'A dispute cannot be opened before the order was placed', { field: 'openedAt' });
  }
  if (state.activeDisputeId !== null && !cmd.activeDisputeFinal) {
    throw new DomainError('DISPUTE_ALREADY_OPEN', 'Another rush-order dispute on this order is not yet final', {
      activeDisputeId: state.activeDisputeId,
    });
  }
  if (state.disputeIds.includes(disputeId)) throw new DomainError('DISPUTE_ALREADY_EXISTS', `Dispute ${disputeId} already exists`);
  return [
    {
      type: 'RushDisputeOpened',
      data: compact({ orderId: order.orderId, disputeId, openedAt: iso(openedMs), previousDisputeId: state.activeDisputeId ?? undefined }),
    },
  ];
}

// ------------------------------------------------------------------------------------------------- views

/** The facts a dispute decision may rely on (drops recording metadata). */
export function orderSnapshot(state: OrderState): OrderSnapshot {
  const order = requireOrder(state);
  return {
    ...order,
    facts: state.facts.map(({ recordedAt: _r, ...ref }) => ({ ...ref })),
  };
}

export interface OrderView extends OrderDetails {
  registeredAt: string | null;
  facts: OrderFact[];
  activeDisputeId: string | null;
  disputeIds: string[];
  shipping: ShippingAssessment;
}

/** GET /orders/{id}: the order, its facts and its shipping assessment as of `now`. */
export function toOrderView(state: OrderState, now: string): OrderView {
  const order = requireOrder(state);
  return {
    ...order,
    registeredAt: state.registeredAt,
    facts: state.facts,
    activeDisputeId: state.activeDisputeId,
    disputeIds: state.disputeIds,
    shipping: assessShipping(orderSnapshot(state), now),
  };
}

export const decider: Decider<OrderCommand, OrderEvent, OrderState> = { decide, evolve, initialState };
export const orderDecider = decider;
