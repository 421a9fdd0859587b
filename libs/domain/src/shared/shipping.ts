/**
 * Shipping deadlines (发货时效) and the late-shipment assessment of an order, computed purely from an
 * {@link OrderSnapshot} as of an instant `now`.
 *
 * Rules (domain brief "Shipping deadlines", seeds 000 §4, 001 Q5, 004 §3):
 *  - The clock starts at payment (first PAID fact) for prepaid orders (ONLINE, and informationally
 *    POST_OFFICE_REMITTANCE / COMPANY_TRANSFER) and at `placedAt` for COD orders.
 *  - When the order has a `promisedShipAt` the clock starts at `promisedShipAt` — but never before the
 *    payment-based start: clockStartsAt = max(payment-based start, promisedShipAt). An unpaid prepaid
 *    order's clock has not started (clockStartsAt null, not late).
 *  - Waybill due 24 h after the start, first pickup scan due 48 h after the start. A step is late when
 *    it happened after its due time, or has not happened and `now` is after the due time.
 *    Exactly at the due time is on time.
 *  - Not assessed at all: order kinds PRESALE / LOC / CUSTOM, orders with a LOCKED or INVALIDATED fact,
 *    orders paid by POST_OFFICE_REMITTANCE or COMPANY_TRANSFER. (Seed 004 §3.3 would assess presale /
 *    custom orders from their promised date; the brief's newer rule, seed 000 §4, exempts them; the brief
 *    wins. So a promisedShipAt only moves the clock of an assessed (STANDARD) order.) The clock and due
 *    times are still reported for not-assessed orders, for information; `late` is then always false.
 *  - A full refund (REFUNDED without amount, or refunds adding up to the order amount) on or before a
 *    due time ends the obligation: a step still outstanding at that due time is not late.
 *  - Only facts with occurredAt ≤ now are considered (so the assessment "as of" a past instant is exact).
 */
import { HOUR_MS, iso, toMs } from './time';
import type { OrderFactRef, OrderFactType, OrderSnapshot } from './types';

export const WAYBILL_DEADLINE_MS = 24 * HOUR_MS;
export const PICKUP_DEADLINE_MS = 48 * HOUR_MS;

export type NotAssessedReason =
  | 'ORDER_KIND_PRESALE'
  | 'ORDER_KIND_LOC'
  | 'ORDER_KIND_CUSTOM'
  | 'PAYMENT_POST_OFFICE_REMITTANCE'
  | 'PAYMENT_COMPANY_TRANSFER'
  | 'ORDER_LOCKED'
  | 'ORDER_INVALIDATED';

export type LateReason = 'WAYBILL_LATE' | 'PICKUP_LATE';

export interface ShippingAssessment {
  /** The instant the assessment describes. */
  asOf: string;
  assessed: boolean;
  notAssessedReasons: NotAssessedReason[];
  /** null while a prepaid order is unpaid. */
  clockStartsAt: string | null;
  clockBasis: 'PAID' | 'PLACED' | 'PROMISED_SHIP_AT' | null;
  waybillDueAt: string | null;
  pickupDueAt: string | null;
  /** First waybill upload / first pickup scan (by occurredAt) on record as of `asOf`. */
  waybillUploadedAt: string | null;
  pickupScannedAt: string | null;
  waybillFact: OrderFactRef | null;
  pickupFact: OrderFactRef | null;
  /** When the order became fully refunded, if it did. */
  fullyRefundedAt: string | null;
  waybillLate: boolean;
  pickupLate: boolean;
  late: boolean;
  lateReasons: LateReason[];
  /** Both a waybill and a pickup scan are on record and each is on time. */
  shippedWithinDeadline: boolean;
  notes: string[];
}

/** Facts with occurredAt ≤ nowMs, ordered by occurredAt then seq. */
export function factsAsOf(snapshot: OrderSnapshot, nowMs: number): OrderFactRef[] {
  return snapshot.facts
    .filter((f) => Date.parse(f.occurredAt) <= nowMs)
    .slice()
    .sort((a, b) => Date.parse(a.occurredAt) - Date.parse(b.occurredAt) || a.seq - b.seq);
}

export function firstFact(facts: OrderFactRef[], type: OrderFactType): OrderFactRef | null {
  return facts.find((f) => f.type === type) ?? null;
}

/** When the (sorted) refunds first add up to the order amount; a REFUNDED fact without amount is a full refund. */
export function fullyRefundedAtMs(facts: OrderFactRef[], orderAmount: number): number | null {
  let total = 0;
  for (const f of facts) {
    if (f.type !== 'REFUNDED') continue;
    if (f.amount === undefined) return Date.parse(f.occurredAt);
    total += f.amount;
    if (total >= orderAmount) return Date.parse(f.occurredAt);
  }
  return null;
}

export function assessShipping(snapshot: OrderSnapshot, now: string): ShippingAssessment {
  const nowMs = toMs(now, 'now');
  const facts = factsAsOf(snapshot, nowMs);
  const notes: string[] = [];

  const reasons: NotAssessedReason[] = [];
  if (snapshot.orderKind !== 'STANDARD') reasons.push(`ORDER_KIND_${snapshot.orderKind}` as NotAssessedReason);
  if (snapshot.paymentMethod === 'POST_OFFICE_REMITTANCE' || snapshot.paymentMethod === 'COMPANY_TRANSFER') {
    reasons.push(`PAYMENT_${snapshot.paymentMethod}` as NotAssessedReason);
  }
  if (facts.some((f) => f.type === 'LOCKED')) reasons.push('ORDER_LOCKED');
  if (facts.some((f) => f.type === 'INVALIDATED')) reasons.push('ORDER_INVALIDATED');
  const assessed = reasons.length === 0;

  // Clock start.
  let startMs: number | null;
  let basis: ShippingAssessment['clockBasis'];
  if (snapshot.paymentMethod === 'COD') {
    startMs = Date.parse(snapshot.placedAt);
    basis = 'PLACED';
  } else {
    const paid = firstFact(facts, 'PAID');
    startMs = paid ? Date.parse(paid.occurredAt) : null;
    basis = paid ? 'PAID' : null;
    if (!paid) notes.push('AWAITING_PAYMENT: the shipping clock of a prepaid order starts at payment');
  }
  if (startMs !== null && snapshot.promisedShipAt !== undefined) {
    const promisedMs = Date.parse(snapshot.promisedShipAt);
    if (promisedMs >= startMs) {
      startMs = promisedMs;
      basis = 'PROMISED_SHIP_AT';
    }
  }

  const waybill = firstFact(facts, 'WAYBILL_UPLOADED');
  const pickup = firstFact(facts, 'PICKUP_SCANNED');
  const refundedMs = fullyRefundedAtMs(facts, snapshot.amount);

  let waybillLate = false;
  let pickupLate = false;
  let shippedWithinDeadline = false;
  let waybillDueMs: number | null = null;
  let pickupDueMs: number | null = null;
  if (startMs !== null) {
    waybillDueMs = startMs + WAYBILL_DEADLINE_MS;
    pickupDueMs = startMs + PICKUP_DEADLINE_MS;
    const stepLate = (done: OrderFactRef | null, dueMs: number): boolean => {
      const doneMs = done ? Date.parse(done.occurredAt) : null;
      const onTime = doneMs !== null && doneMs <= dueMs;
      if (onTime) return false;
      if (refundedMs !== null && refundedMs <= dueMs) return false;
      return doneMs !== null ? true : nowMs > dueMs;
    };
    waybillLate = stepLate(waybill, waybillDueMs);
    pickupLate = stepLate(pickup, pickupDueMs);
    shippedWithinDeadline =
      waybill !== null && pickup !== null && Date.parse(waybill.occurredAt) <= waybillDueMs && Date.parse(pickup.occurredAt) <= pickupDueMs;
    if (refundedMs !== null) {
      notes.push('FULLY_REFUNDED: a full refund on or before a due time ends the shipping obligation for steps still outstanding');
    }
  }
  if (!assessed) {
    waybillLate = false;
    pickupLate = false;
  }
  const lateReasons: LateReason[] = [];
  if (waybillLate) lateReasons.push('WAYBILL_LATE');
  if (pickupLate) lateReasons.push('PICKUP_LATE');

  return {
    asOf: iso(nowMs),
    assessed,
    notAssessedReasons: reasons,
    clockStartsAt: startMs === null ? null : iso(startMs),
    clockBasis: basis,
    waybillDueAt: waybillDueMs === null ? null : iso(waybillDueMs),
    pickupDueAt: pickupDueMs === null ? null : iso(pickupDueMs),
    waybillUploadedAt: waybill ? waybill.occurredAt : null,
    pickupScannedAt: pickup ? pickup.occurredAt : null,
    waybillFact: waybill,
    pickupFact: pickup,
    fullyRefundedAt: refundedMs === null ? null : iso(refundedMs),
    waybillLate,
    pickupLate,
    late: lateReasons.length > 0,
    lateReasons,
    shippedWithinDeadline,
    notes,
  };
}
