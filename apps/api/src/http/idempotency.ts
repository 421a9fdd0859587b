import { CallHandler, ExecutionContext, Inject, Injectable, NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { from, lastValueFrom, Observable } from 'rxjs';
import type { SqlDatabase } from '@app/event-store';
import { SQL_DB } from '../infra/tokens';
import { ProblemException, ReplayedResponse, toProblemException } from './problem';
import type { Actor } from '../auth/auth';

export const IDEMPOTENCY_MIGRATION = `
CREATE TABLE IF NOT EXISTS idempotency_keys (
  scope text NOT NULL,
  key text NOT NULL,
  request_hash text NOT NULL,
  status integer,
  response jsonb,
  lease_until timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  completed_at timestamptz,
  PRIMARY KEY (scope, key)
)`;


const LEASE_MS = 30_000;
const KEY_RE = /^[\x21-\x7e]{1,200}$/;

/**
 * Idempotency-Key on every write (contract: a retry with the same key and body returns the first answer
 * and records nothing new; the same key with a different body is refused with 422).
 * Keys are scoped per caller (role + sub) and kept durably in the SQL database, so a retry after a
 * restart still gets the first answer. A key whose first request is still running answers 409; one whose
 * first request died (lease expired) is run again — command handlers then see the key in the stream's
 * event metadata and do not apply the write twice.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    @Inject(SQL_DB) private readonly db: SqlDatabase,
    private readonly reflector: Reflector,
  ) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = ctx.switchToHttp().getRequest<FastifyRequest & { actor?: Actor }>();
    const raw = req.headers['idempotency-key'];
    if (req.method !== 'POST' || raw === undefined) return next.handle();
    const key = Array.isArray(raw) ? raw[0] : raw;
    if (!KEY_RE.test(key)) {
      throw new ProblemException(400, 'INVALID_IDEMPOTENCY_KEY', 'Idempotency-Key must be 1–200 visible ASCII characters.', {
        errors: [{ field: 'Idempotency-Key', messages: ['must be 1–200 visible ASCII characters'] }],
      });
    }
    const scope = req.actor ? `${req.actor.role}:${req.actor.sub}` : 'anonymous';
    const hash = createHash('sha256')
      .update(`${req.method} ${req.url.split('?')[0]}\n${canonicalize(req.body ?? null) ?? ''}`)
      .digest('hex');
    const successStatus: number = this.reflector.get<number>(HTTP_CODE_METADATA, ctx.getHandler()) ?? 201;
    const reply = ctx.switchToHttp().getResponse<FastifyReply>();
    return from(this.run(scope, key, hash, successStatus, reply, next, req));
  }

  private async run(scope: string, key: string, hash: string, successStatus: number, reply: FastifyReply, next: CallHandler, req: FastifyRequest): Promise<unknown> {
    const claimed = await this.claim(scope, key, hash);
    if (!claimed) {
      const { rows } = await this.db.query<{ request_hash: string; status: number | null; response: unknown; expired: boolean }>(
        `SELECT request_hash, status, response, lease_until < now() AS expired FROM idempotency_keys WHERE scope = $1 AND key = $2`,
        [scope, key],
      );
      const row = rows[0];
      if (!row) return this.run(scope, key, hash, successStatus, reply, next, req);
      if (row.request_hash !== hash) {
        throw new ProblemException(422, 'IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was already used with a different request body or path.');
      }
      if (row.status !== null) {
        void reply.header('idempotent-replayed', 'true');
        throw new ReplayedResponse(row.status, row.response);
      }
      if (!row.expired) throw new ProblemException(409, 'IDEMPOTENCY_IN_PROGRESS', 'A request with this Idempotency-Key is still being processed; retry shortly.');
      const taken = await this.db.query(
        `UPDATE idempotency_keys SET lease_until = now() + ($3 || ' milliseconds')::interval WHERE scope = $1 AND key = $2 AND status IS NULL AND lease_until < now()`,
        [scope, key, String(LEASE_MS)],
      );
      if (taken.rowCount === 0) return this.run(scope, key, hash, successStatus, reply, next, req);
    }
    try {
      const body = await lastValueFrom(next.handle(), { defaultValue: undefined });
      await this.complete(scope, key, successStatus, body ?? null);
      return body;
    } catch (e) {
      const problem = toProblemException(e);
      if (problem.status >= 500 || problem.code === 'CONCURRENT_CHANGE') {
        // Not an answer: let the client retry with the same key.
        await this.db.query(`DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2 AND status IS NULL`, [scope, key]);
      } else {
        // Stored exactly as the filter sends it, so the retry gets the first answer byte for byte.
        await this.complete(scope, key, problem.status, { ...problem.toProblem(req.url), requestId: req.id });
      }
      throw e;
    }
  }

  private async claim(scope: string, key: string, hash: string): Promise<boolean> {
    const r = await this.db.query(
      `INSERT INTO idempotency_keys (scope, key, request_hash, lease_until) VALUES ($1, $2, $3, now() + ($4 || ' milliseconds')::interval)
       ON CONFLICT (scope, key) DO NOTHING`,
      [scope, key, hash, String(LEASE_MS)],
    );
    return r.rowCount === 1;
  }

  private async complete(scope: string, key: string, status: number, body: unknown): Promise<void> {
    await this.db.query(`UPDATE idempotency_keys SET status = $3, response = $4::jsonb, completed_at = now() WHERE scope = $1 AND key = $2`, [
      scope,
      key,
      status,
      JSON.stringify(body),
    ]);
  }
}
