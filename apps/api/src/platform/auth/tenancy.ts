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
