/** Shared fixtures for the domain specs (not exported from the barrel). */
import { decide as decideDispute, type DisputeEvent } from './dispute';
import type { JudgeContext } from './shared/rules';
import { DEFAULT_SETTINGS } from './shared/settings';
import { HOUR_MS, iso } from './shared/time';
import type { Flow, OrderDetails, OrderFactRef, OrderFactType, OrderSnapshot } from './shared/types';
import { initialState } from './dispute';

/** Monday 2024-03-04 10:00 in Asia/Shanghai. */
export const T0 = '2024-03-04T02:00:00.000Z';
export const at = (hours: number): string => iso(Date.parse(T0) + hours * HOUR_MS);

export const V1: JudgeContext = { rulesVersion: 'v1', merchantWeek: null };
export const V2: JudgeContext = { rulesVersion: 'v2', merchantWeek: null };

let seq = 0;
export function fact(type: OrderFactType, hours: number, extra: Partial<OrderFactRef> = {}): OrderFactRef {
  return { seq: seq++, type, occurredAt: at(hours), ...extra };
}
export const waybill = (h: number) => fact('WAYBILL_UPLOADED', h, { carrier: 'SF', waybillNo: 'SF123' });
export const pickup = (h: number) => fact('PICKUP_SCANNED', h, { carrier: 'SF', waybillNo: 'SF123' });

/** The specs' order o-1 of merchant m-1 and consumer c-1: ONLINE, STANDARD, placed at T0. */
export const ORDER: OrderDetails = {
  orderId: 'o-1',
  merchantId: 'm-1',
  consumerId: 'c-1',
  placedAt: T0,
  paymentMethod: 'ONLINE',
  orderKind: 'STANDARD',
  amount: 19900,
};

/** The order o-1 (ORDER) paid at T0 (clock starts at T0). */
export function snapshot(overrides: Partial<OrderSnapshot> = {}, facts: OrderFactRef[] = []): OrderSnapshot {
  return {
    ...ORDER,
    ...overrides,
    facts: [fact('PAID', 0), ...facts].map((f, i) => ({ ...f, seq: i })),
  };
}

export const SETTINGS = DEFAULT_SETTINGS;

/** Events of a dispute opened at `openedAtHours` (response due 24 h later). */
export function opened(flow: Flow = 'UNIFIED', order: OrderSnapshot = snapshot(), openedAtHours = 30): DisputeEvent[] {
  return decideDispute(
    { type: 'OpenDispute', disputeId: 'd-1', order, openedAt: at(openedAtHours), flow, settings: SETTINGS, now: at(openedAtHours) },
    initialState(),
  );
}
