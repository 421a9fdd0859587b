/** Checks shared by the dispute's commands: the case exists, the order snapshot is its order, settings and delay excuses are well formed. */
import { DomainError, invalidInput } from '../errors';
import { nonEmpty, positiveMs } from '../shared/input';
import type { DisputeSettings } from '../shared/settings';
import { compact } from '../shared/time';
import type { OrderSnapshot } from '../shared/types';
import type { DelayExcuse } from './events';
import type { DisputeState } from './state';

export function requireOpened(state: DisputeState): void {
  if (state.status === 'NONE') throw new DomainError('DISPUTE_NOT_FOUND', 'Dispute not found');
}

export function validateSettings(s: DisputeSettings | undefined): DisputeSettings {
  if (!s || typeof s !== 'object') throw invalidInput('settings are required', { field: 'settings' });
  const keys = ['responseWindowMs', 'consumerResponseWindowMs', 'contestWindowMs', 'maxAgreedShipDelayMs'] as const;
  for (const k of keys) positiveMs(s[k], `settings.${k}`);
  for (const k of ['appealWindowMs', 'appealReviewWindowMs'] as const) if (s[k] !== undefined) positiveMs(s[k], `settings.${k}`);
  return compact({
    responseWindowMs: s.responseWindowMs,
    consumerResponseWindowMs: s.consumerResponseWindowMs,
    contestWindowMs: s.contestWindowMs,
    maxAgreedShipDelayMs: s.maxAgreedShipDelayMs,
    appealWindowMs: s.appealWindowMs,
    appealReviewWindowMs: s.appealReviewWindowMs,
  });
}

export function validateOrder(order: OrderSnapshot | undefined, state?: DisputeState): OrderSnapshot {
  if (!order || typeof order !== 'object' || !Array.isArray(order.facts)) throw invalidInput('order snapshot is required', { field: 'order' });
  if (state && state.status !== 'NONE' && order.orderId !== state.orderId) {
    throw invalidInput(`order snapshot is for ${order.orderId}, the dispute is about ${state.orderId}`, { field: 'order' });
  }
  return order;
}

export function validateDelayExcuses(x: unknown): DelayExcuse[] | undefined {
  if (x === undefined || x === null) return undefined;
  if (!Array.isArray(x)) throw invalidInput('delayExcuses must be a list', { field: 'delayExcuses' });
  return x.map((e: DelayExcuse, i) => {
    if (!e || !['PRE_REPORT', 'EMERGENCY_REPORT', 'DELAY_CARD'].includes(e.kind)) throw invalidInput(`delayExcuses[${i}].kind invalid`);
    if (!['APPROVED', 'REJECTED', 'PENDING', 'CANCELLED'].includes(e.status)) throw invalidInput(`delayExcuses[${i}].status invalid`);
    return compact({ kind: e.kind, ref: nonEmpty(e.ref, `delayExcuses[${i}].ref`), status: e.status, coversOrder: e.coversOrder === true, detail: e.detail });
  });
}
