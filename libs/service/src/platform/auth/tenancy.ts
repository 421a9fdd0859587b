import type { Actor } from './auth';
import { ProblemException } from '../http/problem';

/**
 * Tenant scoping: merchants see their own merchant's data only, consumers their own orders only.
 * Another tenant's resource answers 404 exactly like an unknown one, so ids cannot be probed.
 */
export function canSee(actor: Actor, owner: { merchantId: string; consumerId: string }): boolean {
  if (actor.role === 'merchant') return actor.merchantId === owner.merchantId;
  if (actor.role === 'consumer') return actor.consumerId === owner.consumerId;
  return true;
}

export function notFound(what: string, id: string): ProblemException {
  return new ProblemException(404, 'NOT_FOUND', `${what} ${id} was not found.`);
}

export function assertVisible(actor: Actor, owner: { merchantId: string; consumerId: string } | null | undefined, what: string, id: string): void {
  if (!owner || !canSee(actor, owner)) throw notFound(what, id);
}

/**
 * The tenant filter of a list: a merchant lists only its own merchant's items, a consumer only its own; others
 * filter as they ask. `null` when a merchant or consumer asked for another tenant's items (the answer is an empty
 * page, never an error, so ids cannot be probed).
 */
export function listScope(actor: Actor, asked: { merchantId?: string; consumerId?: string }): { merchantId?: string; consumerId?: string } | null {
  if (actor.role === 'merchant' && asked.merchantId && asked.merchantId !== actor.merchantId) return null;
  if (actor.role === 'consumer' && asked.consumerId && asked.consumerId !== actor.consumerId) return null;
  return {
    merchantId: actor.role === 'merchant' ? actor.merchantId : asked.merchantId,
    consumerId: actor.role === 'consumer' ? actor.consumerId : asked.consumerId,
  };
}
