/** Enumerations of the HTTP contract (values are fixed by the shared api-contract.md). */

export const PAYMENT_METHODS = ['ONLINE', 'COD', 'POST_OFFICE_REMITTANCE', 'COMPANY_TRANSFER'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

export const ORDER_KINDS = ['STANDARD', 'PRESALE', 'LOC', 'CUSTOM'] as const;
export type OrderKind = (typeof ORDER_KINDS)[number];

export const ORDER_FACT_TYPES = [
  'PAID',
  'WAYBILL_UPLOADED',
  'PICKUP_SCANNED',
  'CANCELLATION_REQUESTED',
  'REFUNDED',
  'LOCKED',
  'INVALIDATED',
] as const;
export type OrderFactType = (typeof ORDER_FACT_TYPES)[number];

export const DISPUTE_OPTIONS = [
  'CONSUMER_CANCELLED',
  'SHIPPED_WITH_PICKUP',
  'SHIP_BY_AGREED_DATE',
  'OUT_OF_STOCK_REFUND',
  'NO_FAULT_DEFENSE',
] as const;
export type DisputeOption = (typeof DISPUTE_OPTIONS)[number];
export type SettlementOption = Exclude<DisputeOption, 'NO_FAULT_DEFENSE'>;
export const SETTLEMENT_OPTIONS: readonly SettlementOption[] = [
  'CONSUMER_CANCELLED',
  'SHIPPED_WITH_PICKUP',
  'SHIP_BY_AGREED_DATE',
  'OUT_OF_STOCK_REFUND',
];
/** Settlements the merchant claims were agreed and the consumer may contest (breach of promise). */
export const CONTESTABLE_OPTIONS: readonly DisputeOption[] = ['CONSUMER_CANCELLED', 'SHIPPED_WITH_PICKUP', 'SHIP_BY_AGREED_DATE'];

export const DEFENSE_REASONS = [
  'SHIPPED_WITHIN_DEADLINE',
  'DELAY_REPORTED',
  'DELAY_CARD_ACCEPTED',
  'ORDER_NOT_ASSESSED',
  'FORCE_MAJEURE',
  'ABNORMAL_ORDER',
  'MALICIOUS_ORDER',
] as const;
export type DefenseReason = (typeof DEFENSE_REASONS)[number];

export const EVIDENCE_KINDS = ['CHAT_LOG', 'SMS', 'CALL_RECORD', 'PHOTO', 'DOCUMENT', 'OTHER'] as const;
export type EvidenceKind = (typeof EVIDENCE_KINDS)[number];

export const DISPUTE_STATUSES = [
  'AWAITING_MERCHANT',
  'AWAITING_SHIPMENT',
  'AWAITING_CONSUMER',
  'UNDER_REVIEW',
  'SETTLED',
  'JUDGED',
] as const;
export type DisputeStatus = (typeof DISPUTE_STATUSES)[number];

export const VIOLATIONS = ['LATE_SHIPMENT', 'OUT_OF_STOCK', 'BREACH_OF_PROMISE'] as const;
export type Violation = (typeof VIOLATIONS)[number];

export const OUTCOMES = ['MERCHANT_LIABLE', 'MERCHANT_NOT_LIABLE'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export const FLOWS = ['UNIFIED', 'LEGACY'] as const;
export type Flow = (typeof FLOWS)[number];

export const DEADLINE_KINDS = ['RESPONSE', 'AGREED_SHIP_BY', 'CONSUMER_RESPONSE', 'CONTEST'] as const;
export type DeadlineKind = (typeof DEADLINE_KINDS)[number];

export type DecidedBy = 'SYSTEM' | 'ADJUDICATOR';

export function isOneOf<T extends string>(values: readonly T[], v: unknown): v is T {
  return typeof v === 'string' && (values as readonly string[]).includes(v);
}

/** A fact of an order as a dispute decision may rely on it (captured verbatim in dispute events). */
export interface OrderFactRef {
  /** Index of the fact in the order stream's recording order (0-based). */
  seq: number;
  type: OrderFactType;
  occurredAt: string;
  carrier?: string;
  waybillNo?: string;
  amount?: number;
}

/** The order as registered. */
export interface OrderDetails {
  orderId: string;
  merchantId: string;
  consumerId: string;
  placedAt: string;
  paymentMethod: PaymentMethod;
  orderKind: OrderKind;
  promisedShipAt?: string;
  /** Minor units (fen). */
  amount: number;
}

/** What a dispute decision may know about an order: its details and every recorded fact. */
export interface OrderSnapshot extends OrderDetails {
  facts: OrderFactRef[];
}
