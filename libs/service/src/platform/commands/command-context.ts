import type { FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import type { Actor } from '../auth/auth';

/** Who asked, and how the request relates to others: copied into every event's metadata. */
export interface CommandContext {
  actor: Actor;
  requestId: string;
  correlationId: string;
  causationId?: string;
  idempotencyKey?: string;
}

const ID_RE = /^[A-Za-z0-9._:-]{1,128}$/;

export function contextFrom(req: FastifyRequest, actor: Actor): CommandContext {
  const corr = req.headers['x-correlation-id'];
  const key = req.headers['idempotency-key'];
  return {
    actor,
    requestId: String(req.id),
    correlationId: typeof corr === 'string' && ID_RE.test(corr) ? corr : String(req.id),
    causationId: String(req.id),
    idempotencyKey: typeof key === 'string' ? key : undefined,
  };
}

/** Context for work the service does on its own (deadlines, reactions). */
export function systemContext(reason: string, causationId?: string, correlationId?: string): CommandContext {
  const id = randomUUID();
  return {
    actor: { sub: `system:${reason}`, role: 'platform' },
    requestId: id,
    correlationId: correlationId ?? id,
    causationId: causationId ?? id,
  };
}
