import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import rateLimit, { normalizeIP } from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import Redis from 'ioredis';
import type { SqlDatabase } from '@app/event-store';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { bearerToken, Metrics, OpsAccess, ProblemException, SQL_DB, TokenVerifier } from '@app/service';
import { PgRateLimitStore } from './pg-rate-limit-store';

export type RateLimitStoreKind = 'memory' | 'redis' | 'postgres';
type Limit = 'read' | 'write' | 'anonymous' | 'auth_failures';

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Probes are never throttled when they come without credentials (an orchestrator must always get an answer). */
const PROBES = new Set(['/health', '/health/live', '/health/ready']);
/** Static files (the console SPA, the Swagger UI) are not counted either: a page load fetches many of them. */
const STATIC_PREFIXES = ['/console', '/docs'];
const isStatic = (req: FastifyRequest) => (req.method === 'GET' || req.method === 'HEAD') && STATIC_PREFIXES.some((p) => req.url === p || req.url.startsWith(`${p}/`));

interface Decision {
  limit: Limit;
  key: string;
  max: number;
}
const DECISION = Symbol('rateLimitDecision');
type LimitedRequest = FastifyRequest & { [DECISION]?: Decision };

/** What @fastify/rate-limit's createRateLimit returns for one request. */
interface LimitResult {
  isAllowed: boolean;
  isExceeded?: boolean;
  max?: number;
  remaining?: number;
  ttlInSeconds?: number;
}
type Limiter = (req: FastifyRequest) => Promise<LimitResult>;

/**
 * Rate limits (@fastify/rate-limit does the counting and holds the store):
 *  - per caller (JWT `sub`, or the OPS_TOKEN) for authenticated requests: RATE_LIMIT_READS for reads,
 *    RATE_LIMIT_WRITES (tighter) for POST/PUT/PATCH/DELETE, in separate counters;
 *  - per address for requests without valid credentials: RATE_LIMIT_ANONYMOUS;
 *  - per address for failed authentication (a token that does not verify): RATE_LIMIT_AUTH_FAILURES, checked
 *    first, so guessing tokens is throttled much sooner than anonymous browsing;
 *  - fixed windows of RATE_LIMIT_WINDOW, shared across instances through Redis (REDIS_URL) or the PostgreSQL
 *    database, in process memory only for the single-process embedded store (RATE_LIMIT_STORE=auto).
 * A refusal is 429 problem+json with Retry-After; every limited answer carries the IETF draft headers
 * RateLimit-Policy and RateLimit (draft-ietf-httpapi-ratelimit-headers-09 structured fields).
 * When the store fails (Redis down, database fault) requests are let through (fail open) and logged.
 */
@Injectable()
export class RateLimits implements OnApplicationShutdown {
  private readonly logger = new Logger('rate-limit');
  private redis: Redis | null = null;
  readonly storeKind: RateLimitStoreKind;
  private readonly windowS: number;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(SQL_DB) private readonly db: SqlDatabase,
    private readonly verifier: TokenVerifier,
    private readonly ops: OpsAccess,
    private readonly metrics: Metrics,
  ) {
    this.storeKind = resolveStoreKind(config, db);
    this.windowS = Math.max(1, Math.round(config.RATE_LIMIT_WINDOW.ms / 1000));
  }

  /** Registers the plugin and the onRequest hook on the Fastify instance (before the routes are served). */
  async install(fastify: FastifyInstance): Promise<void> {
    if (!this.config.RATE_LIMIT_ENABLED) {
      this.logger.warn('rate limits are disabled (RATE_LIMIT_ENABLED=false)');
      return;
    }
    const opts: Record<string, unknown> = { global: false, skipOnError: true, timeWindow: this.config.RATE_LIMIT_WINDOW.ms };
    if (this.storeKind === 'redis') {
      this.redis = new Redis(this.config.REDIS_URL!, { connectTimeout: 500, maxRetriesPerRequest: 1, lazyConnect: false });
      this.redis.on('error', (e) => this.logger.warn(`redis: ${e.message}`));
      opts.redis = this.redis;
      opts.nameSpace = 'dispute-rl:';
    } else if (this.storeKind === 'postgres') {
      await PgRateLimitStore.migrate(this.db);
      const store = new PgRateLimitStore(this.db);
      opts.store = function PgStore() {
        return store;
      };
    }
    await fastify.register(rateLimit, opts);
    const create = (fastify as unknown as { createRateLimit(o: Record<string, unknown>): Limiter }).createRateLimit;
    const main = create({
      keyGenerator: (req: LimitedRequest) => req[DECISION]!.key,
      max: (req: LimitedRequest) => req[DECISION]!.max,
    });
    const failures = create({ keyGenerator: (req: FastifyRequest) => `authfail:${this.address(req)}`, max: this.config.RATE_LIMIT_AUTH_FAILURES });
    fastify.addHook('onRequest', async (req: LimitedRequest, reply) => {
      const token = bearerToken(req);
      if (token === null && (PROBES.has(req.routeOptions?.url ?? '') || isStatic(req))) return;
      let subject: string | null = null;
      let failed = token === undefined; // a malformed Authorization header
      if (typeof token === 'string') {
        if (this.ops.isOpsToken(token)) subject = 'ops';
        else {
          try {
            subject = `sub:${(await this.verifier.verify(token)).sub}`;
          } catch {
            failed = true;
          }
        }
      }
      if (failed) {
        const r = await failures(req);
        if (this.answer(req, reply, 'auth_failures', this.config.RATE_LIMIT_AUTH_FAILURES, r)) return reply;
      }
      const write = WRITE_METHODS.has(req.method);
      const decision: Decision = subject
        ? write
          ? { limit: 'write', key: `write:${subject}`, max: this.config.RATE_LIMIT_WRITES }
          : { limit: 'read', key: `read:${subject}`, max: this.config.RATE_LIMIT_READS }
        : { limit: 'anonymous', key: `anon:${this.address(req)}`, max: this.config.RATE_LIMIT_ANONYMOUS };
      req[DECISION] = decision;
      const r = await main(req);
      if (this.answer(req, reply, decision.limit, decision.max, r)) return reply;
    });
    this.logger.log(`rate limits on (${this.storeKind} store): reads ${this.config.RATE_LIMIT_READS}, writes ${this.config.RATE_LIMIT_WRITES} per caller, anonymous ${this.config.RATE_LIMIT_ANONYMOUS}, failed authentication ${this.config.RATE_LIMIT_AUTH_FAILURES} per address, per ${this.config.RATE_LIMIT_WINDOW.iso}`);
  }

  private address(req: FastifyRequest): string {
    return normalizeIP(req.ip);
  }

  /** Sets the RateLimit headers; sends the 429 and returns true when the limit is exceeded. */
  private answer(req: FastifyRequest, reply: FastifyReply, limit: Limit, max: number, r: LimitResult): boolean {
    if (r.isAllowed || r.max === undefined) return false; // allow-listed, or the store failed (fail open)
    const reset = Math.max(0, r.ttlInSeconds ?? this.windowS);
    void reply.header('ratelimit-policy', `"${limit}";q=${max};w=${this.windowS}`);
    void reply.header('ratelimit', `"${limit}";r=${Math.max(0, r.remaining ?? 0)};t=${reset}`);
    if (!r.isExceeded) return false;
    this.metrics.rateLimited.inc({ limit });
    const detail =
      limit === 'auth_failures'
        ? `Too many failed authentication attempts from this address: at most ${max} per ${this.windowS} s. Retry after ${reset} s.`
        : limit === 'anonymous'
          ? `Too many requests without valid credentials from this address: at most ${max} per ${this.windowS} s. Retry after ${reset} s.`
          : `Too many ${limit === 'write' ? 'writes' : 'reads'} by this caller: at most ${max} per ${this.windowS} s. Retry after ${reset} s.`;
    const body = new ProblemException(429, limit === 'auth_failures' ? 'TOO_MANY_AUTH_FAILURES' : 'RATE_LIMITED', detail, { limit, retryAfterSeconds: reset }).toProblem(req.url);
    body.requestId = req.id;
    void reply
      .code(429)
      .header('retry-after', String(Math.max(1, reset)))
      .header('content-type', 'application/problem+json; charset=utf-8')
      .send(JSON.stringify(body));
    return true;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.redis?.quit().catch(() => undefined);
  }
}

function resolveStoreKind(config: AppConfig, db: SqlDatabase): RateLimitStoreKind {
  if (config.RATE_LIMIT_STORE !== 'auto') return config.RATE_LIMIT_STORE;
  if (config.REDIS_URL) return 'redis';
  return db.kind === 'pg' ? 'postgres' : 'memory';
}
