import { CallHandler, ExecutionContext, Inject, Injectable, Logger, NestInterceptor, OnModuleInit } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createHash, randomUUID } from 'node:crypto';
import canonicalize from 'canonicalize';
import { from, lastValueFrom, Observable } from 'rxjs';
import { applySchema, type SqlDatabase } from '@app/event-store';
import { SQL_DB } from '../persistence/tokens';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { ProblemException, ReplayedResponse, toProblemException } from './problem';

/** The caller as the auth guard put it on the request (only what scopes a key). */
type KeyOwner = { sub: string; role: string };

/** Run under the migration lock (applySchema). `owner`: the request currently holding the lease. */
export const IDEMPOTENCY_MIGRATIONS: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS idempotency_keys (
  scope text NOT NULL,
  key text NOT NULL,
  request_hash text NOT NULL,
  status integer,
  response jsonb,
  lease_until timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  completed_at timestamptz,
  PRIMARY KEY (scope, key)
)`,
  `ALTER TABLE idempotency_keys ADD COLUMN IF NOT EXISTS owner text`,
];

const KEY_RE = /^[\x21-\x7e]{1,200}$/;

/**
 * Idempotency-Key on every write (contract: a retry with the same key and body returns the first answer
 * and records nothing new; the same key with a different body is refused with 422).
 * Keys are scoped per caller (role + sub) and kept durably in the SQL database, so a retry after a
 * restart still gets the first answer. A key whose first request is still running answers 409 (with
 * Retry-After); one whose first request died is run again — command handlers then see the key in the
 * stream's event metadata (and events under a key have key-derived ids), so the write is not applied twice.
 *
 * Leases are SHORT (IDEMPOTENCY_LEASE, default 5 s) and renewed by a heartbeat (every third of the lease)
 * while the request runs, so a long request keeps its key, and a request whose process was killed (or
 * whose database connection died) frees its key within one lease: the client's retry gets its answer a
 * few seconds after the service is back, not after a long fixed lease.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor, OnModuleInit {
  private readonly logger = new Logger('idempotency');
  private readonly leaseMs: number;

  constructor(
    @Inject(SQL_DB) private readonly db: SqlDatabase,
    private readonly reflector: Reflector,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.leaseMs = config.IDEMPOTENCY_LEASE.ms;
  }

  /** Creates the key table (under the migration lock) before the server takes requests. */
  async onModuleInit(): Promise<void> {
    await applySchema(this.db, IDEMPOTENCY_MIGRATIONS);
  }

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = ctx.switchToHttp().getRequest<FastifyRequest & { actor?: KeyOwner }>();
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
    const owner = randomUUID();
    const claimed = await this.claim(scope, key, hash, owner);
    if (!claimed) {
      const { rows } = await this.db.query<{ request_hash: string; status: number | null; response: unknown; expired: boolean }>(
        `SELECT request_hash, status, response, lease_until < now() AS expired FROM idempotency_keys WHERE scope = $1 AND key = $2`,
        [scope, key],
        { name: 'idem_read' },
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
      if (!row.expired) {
        throw new ProblemException(409, 'IDEMPOTENCY_IN_PROGRESS', 'A request with this Idempotency-Key is still being processed; retry shortly.').withHeaders({
          'retry-after': '1',
        });
      }
      const taken = await this.db.query(
        `UPDATE idempotency_keys SET lease_until = now() + ($3 || ' milliseconds')::interval, owner = $4
          WHERE scope = $1 AND key = $2 AND status IS NULL AND lease_until < now()`,
        [scope, key, String(this.leaseMs), owner],
        { name: 'idem_take_expired' },
      );
      if (taken.rowCount === 0) return this.run(scope, key, hash, successStatus, reply, next, req);
    }
    const heartbeat = this.heartbeat(scope, key, owner);
    try {
      const body = await lastValueFrom(next.handle(), { defaultValue: undefined });
      heartbeat.stop();
      await this.complete(scope, key, successStatus, body ?? null);
      return body;
    } catch (e) {
      heartbeat.stop();
      const problem = toProblemException(e);
      if (problem.status >= 500 || problem.code === 'CONCURRENT_CHANGE') {
        // Not an answer: let the client retry with the same key. If the database is unreachable this fails
        // too; the lease then simply runs out (one IDEMPOTENCY_LEASE) — never mask the original error.
        await this.db
          .query(`DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2 AND status IS NULL AND owner = $3`, [scope, key, owner], { name: 'idem_release' })
          .catch((err) => this.logger.warn({ err, key }, 'could not release the idempotency lease; it expires by itself'));
      } else {
        // Stored exactly as the filter sends it, so the retry gets the first answer byte for byte.
        await this.complete(scope, key, problem.status, { ...problem.toProblem(req.url), requestId: req.id });
      }
      throw e;
    }
  }

  /** Renews the lease every third of its length while the request runs (only while we still own it). */
  private heartbeat(scope: string, key: string, owner: string): { stop(): void } {
    let stopped = false;
    const timer = setInterval(() => {
      if (stopped) return;
      this.db
        .query(
          `UPDATE idempotency_keys SET lease_until = now() + ($3 || ' milliseconds')::interval
            WHERE scope = $1 AND key = $2 AND status IS NULL AND owner = $4`,
          [scope, key, String(this.leaseMs), owner],
          { name: 'idem_renew' },
        )
        .catch(() => undefined); // the database is away: the request itself will fail or finish
    }, Math.max(50, Math.floor(this.leaseMs / 3)));
    timer.unref();
    return {
      stop() {
        stopped = true;
        clearInterval(timer);
      },
    };
  }

  private async claim(scope: string, key: string, hash: string, owner: string): Promise<boolean> {
    const r = await this.db.query(
      `INSERT INTO idempotency_keys (scope, key, request_hash, lease_until, owner) VALUES ($1, $2, $3, now() + ($4 || ' milliseconds')::interval, $5)
       ON CONFLICT (scope, key) DO NOTHING`,
      [scope, key, hash, String(this.leaseMs), owner],
      { name: 'idem_claim' },
    );
    return r.rowCount === 1;
  }

  private async complete(scope: string, key: string, status: number, body: unknown): Promise<void> {
    await this.db.query(`UPDATE idempotency_keys SET status = $3, response = $4::jsonb, completed_at = now() WHERE scope = $1 AND key = $2`, [
      scope,
      key,
      status,
      JSON.stringify(body),
    ], { name: 'idem_complete' });
  }
}
