/**
 * When a rush-order dispute may be opened: not in the future and not before the order was placed. Checked
 * on the order stream (OpenRushDispute) and again on the new dispute stream (OpenDispute).
 */
import { DomainError } from '../errors';
import { toMs } from './time';

/** Epoch ms of `openedAt`, or OPENED_AT_IN_FUTURE / OPENED_BEFORE_PLACEMENT. */
export function openingInstant(openedAt: unknown, nowMs: number, placedAt: string): number {
  const openedMs = toMs(openedAt, 'openedAt');
  if (openedMs > nowMs) throw new DomainError('OPENED_AT_IN_FUTURE', 'openedAt may not be in the future', { field: 'openedAt' });
  if (openedMs < Date.parse(placedAt)) {
    throw new DomainError('OPENED_BEFORE_PLACEMENT', 'A dispute cannot be opened before the order was placed', { field: 'openedAt' });
  }
  return openedMs;
}
