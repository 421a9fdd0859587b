import { z } from 'zod';
import { Duration } from 'luxon';
import { IANAZone } from 'luxon';

/** ISO-8601 duration (e.g. PT24H, P7D) → milliseconds; refuses zero/negative/invalid. */
function isoDuration(name: string, def: string) {
  return z
    .string()
    .default(def)
    .transform((s, ctx) => {
      const d = Duration.fromISO(s);
      const ms = d.isValid ? d.as('milliseconds') : NaN;
      if (!Number.isFinite(ms) || ms <= 0) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: `${name} must be a positive ISO-8601 duration such as PT24H or P7D (got "${s}")` });
        return z.NEVER;
      }
      return { iso: s, ms };
    });
}

const rollout = z
  .string()
  .default('all')
  .refine((s) => /^(all|none|\d{1,3}(\.\d+)?%|[^,\s]+(\s*,\s*[^,\s]+)*)$/.test(s.trim()) && (!s.trim().endsWith('%') || parseFloat(s) <= 100), {
    message: 'UNIFIED_FLOW_ROLLOUT must be all, none, a percentage such as 30%, or a comma list of merchant ids',
  });

export const configSchema = z
  .object({
    NODE_ENV: z.string().default('development'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    HOST: z.string().default('0.0.0.0'),
    EVENT_STORE: z.enum(['embedded', 'postgres', 'esdb']).default('embedded'),
    DATA_DIR: z.string().default('./data'),
    DATABASE_URL: z.string().url().optional(),
    EVENTSTORE_CONNECTION_STRING: z.string().optional(),
    AUTH_JWT_SECRET: z.string().min(16, 'AUTH_JWT_SECRET must be at least 16 characters').optional(),
    RESPONSE_WINDOW: isoDuration('RESPONSE_WINDOW', 'PT24H'),
    CONSUMER_RESPONSE_WINDOW: isoDuration('CONSUMER_RESPONSE_WINDOW', 'PT48H'),
    CONTEST_WINDOW: isoDuration('CONTEST_WINDOW', 'PT72H'),
    MAX_AGREED_SHIP_DELAY: isoDuration('MAX_AGREED_SHIP_DELAY', 'P7D'),
    /** How long a case may wait in the adjudication queue before it is flagged overdue (the console shows the flag). */
    ADJUDICATION_REVIEW_WINDOW: isoDuration('ADJUDICATION_REVIEW_WINDOW', 'PT24H'),
    UNIFIED_FLOW_ROLLOUT: rollout,
    BUSINESS_TIMEZONE: z
      .string()
      .default('Asia/Shanghai')
      .refine((tz) => IANAZone.isValidZone(tz), { message: 'BUSINESS_TIMEZONE must be an IANA time zone such as Asia/Shanghai' }),
    RULES_VERSION: z.enum(['v1', 'v2']).default('v2'),
    // Appeals: the merchant may appeal a liability this long after its decision; the review is overdue after APPEAL_REVIEW_WINDOW.
    APPEAL_WINDOW: isoDuration('APPEAL_WINDOW', 'P7D'),
    APPEAL_REVIEW_WINDOW: isoDuration('APPEAL_REVIEW_WINDOW', 'P2D'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    DEADLINE_POLL_INTERVAL: isoDuration('DEADLINE_POLL_INTERVAL', 'PT1S'),
    AUDIT_SIGNING_KEY: z.string().optional(),
    AUDIT_CHECKPOINT_INTERVAL: isoDuration('AUDIT_CHECKPOINT_INTERVAL', 'PT1M'),
    SHUTDOWN_GRACE: isoDuration('SHUTDOWN_GRACE', 'PT10S'),
    READ_WAIT_MAX: isoDuration('READ_WAIT_MAX', 'PT5S'),
    IDEMPOTENCY_LEASE: isoDuration('IDEMPOTENCY_LEASE', 'PT5S'),
    /** Streams whose folded state the command path keeps in this process (LRU); 0 turns the cache off. */
    STREAM_CACHE_SIZE: z.coerce.number().int().min(0).max(10_000_000).default(10_000),
    PROJECTION_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(5),
    PROJECTION_LAG_MAX: isoDuration('PROJECTION_LAG_MAX', 'PT30S'),
    /**
     * Whether this API process runs the background work (projections and the Merkle checkpointer, the
     * dispute reactions, the deadline scheduler, webhook deliveries, what-if simulations). `false` when a
     * worker process (apps/worker) runs it; the worker always does.
     */
    RUN_BACKGROUND: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'),
    /** The worker's operations listener (GET /health/live, /health, /metrics); 0 picks a free port. */
    WORKER_PORT: z.coerce.number().int().min(0).max(65535).default(3100),
    /** A merchant-week closes this long after its end (BUSINESS_TIMEZONE); its figures settle then. */
    WEEK_CLOSE_DELAY: isoDuration('WEEK_CLOSE_DELAY', 'P2D'),
    /** What-if simulations: judgement events re-judged per batch (one progress commit per batch). */
    SIMULATION_BATCH_SIZE: z.coerce.number().int().min(1).max(50_000).default(2000),
    /** What-if simulations: pause between batches (yields to the serving workload; unset: none). */
    SIMULATION_BATCH_PAUSE: isoDuration('SIMULATION_BATCH_PAUSE', 'PT0.001S').optional(),
    // Webhooks (README: Webhooks): retry schedule, SSRF guard, timeouts, sender partitions.
    WEBHOOK_RETRY_BASE: isoDuration('WEBHOOK_RETRY_BASE', 'PT5S'),
    WEBHOOK_RETRY_FOR: isoDuration('WEBHOOK_RETRY_FOR', 'P3D'),
    WEBHOOK_RETRY_MAX_DELAY: isoDuration('WEBHOOK_RETRY_MAX_DELAY', 'PT6H'),
    WEBHOOK_ALLOW_PRIVATE: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
    WEBHOOK_CONNECT_TIMEOUT: isoDuration('WEBHOOK_CONNECT_TIMEOUT', 'PT5S'),
    WEBHOOK_TIMEOUT: isoDuration('WEBHOOK_TIMEOUT', 'PT15S'),
    WEBHOOK_SECRET_OVERLAP: isoDuration('WEBHOOK_SECRET_OVERLAP', 'PT24H'),
    WEBHOOK_POLL_INTERVAL: isoDuration('WEBHOOK_POLL_INTERVAL', 'PT1S'),
    WEBHOOK_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(16),
    WEBHOOK_PARTITIONS: z.coerce.number().int().min(1).max(64).default(4),
    AUTH_MAX_TOKEN_LIFETIME: isoDuration('AUTH_MAX_TOKEN_LIFETIME', 'PT12H'),
    OPS_TOKEN: z.string().min(16, 'OPS_TOKEN must be at least 16 characters').optional(),
    RATE_LIMIT_ENABLED: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'),
    RATE_LIMIT_WINDOW: isoDuration('RATE_LIMIT_WINDOW', 'PT1M'),
    RATE_LIMIT_READS: z.coerce.number().int().min(1).default(600),
    RATE_LIMIT_WRITES: z.coerce.number().int().min(1).default(120),
    RATE_LIMIT_ANONYMOUS: z.coerce.number().int().min(1).default(60),
    RATE_LIMIT_AUTH_FAILURES: z.coerce.number().int().min(1).default(10),
    RATE_LIMIT_STORE: z.enum(['auto', 'memory', 'redis', 'postgres']).default('auto'),
    REDIS_URL: z.string().url().optional(),
    EMBEDDED_FSYNC: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'),
  })
  .superRefine((c, ctx) => {
    if (c.EVENT_STORE === 'postgres' && !c.DATABASE_URL) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['DATABASE_URL'], message: 'DATABASE_URL is required when EVENT_STORE=postgres' });
    }
    if (c.EVENT_STORE === 'esdb' && !c.EVENTSTORE_CONNECTION_STRING) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['EVENTSTORE_CONNECTION_STRING'], message: 'EVENTSTORE_CONNECTION_STRING is required when EVENT_STORE=esdb' });
    }
    if (c.RATE_LIMIT_STORE === 'redis' && !c.REDIS_URL) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['REDIS_URL'], message: 'REDIS_URL is required when RATE_LIMIT_STORE=redis' });
    }
    if (c.RATE_LIMIT_STORE === 'postgres' && !(c.EVENT_STORE === 'postgres' || (c.EVENT_STORE === 'esdb' && c.DATABASE_URL))) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['RATE_LIMIT_STORE'], message: 'RATE_LIMIT_STORE=postgres needs a PostgreSQL database (EVENT_STORE=postgres, or esdb with DATABASE_URL)' });
    }
    if (c.NODE_ENV === 'production' && !c.AUTH_JWT_SECRET) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['AUTH_JWT_SECRET'], message: 'AUTH_JWT_SECRET is required in production' });
    }
  });

export type AppConfigRaw = z.infer<typeof configSchema>;

/** The development secret used when AUTH_JWT_SECRET is unset outside production (logged as a warning). */
export const DEV_JWT_SECRET = 'dev-only-secret-do-not-use-in-production';

export interface AppConfig extends Omit<AppConfigRaw, 'AUTH_JWT_SECRET'> {
  AUTH_JWT_SECRET: string;
  authSecretIsDefault: boolean;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const cleaned: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && v !== '') cleaned[k] = v;
  const parsed = configSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || '(config)'}: ${i.message}`));
  }
  const c = parsed.data;
  return { ...c, AUTH_JWT_SECRET: c.AUTH_JWT_SECRET ?? DEV_JWT_SECRET, authSecretIsDefault: !c.AUTH_JWT_SECRET };
}

export const APP_CONFIG = Symbol('APP_CONFIG');
