import { runMigrations, type SqlDatabase } from '@app/event-store';

/** The counters table: UNLOGGED (no WAL: counters are not worth a flush; a crash merely resets them). */
export const RATE_LIMIT_MIGRATIONS = [
  {
    id: '001-rate-limit-counters',
    sql: `CREATE UNLOGGED TABLE IF NOT EXISTS rate_limit_counters (
      key text PRIMARY KEY,
      hits bigint NOT NULL,
      reset_at timestamptz NOT NULL
    )`,
  },
];

const INCR = `
INSERT INTO rate_limit_counters AS c (key, hits, reset_at)
VALUES ($1, 1, clock_timestamp() + $2::bigint * interval '1 millisecond')
ON CONFLICT (key) DO UPDATE SET
  hits = CASE WHEN c.reset_at <= clock_timestamp() THEN 1 ELSE c.hits + 1 END,
  reset_at = CASE WHEN c.reset_at <= clock_timestamp() THEN clock_timestamp() + $2::bigint * interval '1 millisecond' ELSE c.reset_at END
RETURNING hits::int AS hits, GREATEST(0, ceil(extract(epoch FROM (reset_at - clock_timestamp())) * 1000))::int AS ttl`;

type Callback = (err: Error | null, res?: { current: number; ttl: number }) => void;

/**
 * A @fastify/rate-limit store on the service's PostgreSQL database, so that every instance on the same
 * database shares the counters (fixed windows: a key's window starts at its first hit). One upsert per
 * counted request; expired rows are deleted now and then.
 */
export class PgRateLimitStore {
  private lastSweep = Date.now();
  constructor(private readonly db: SqlDatabase) {}

  static async migrate(db: SqlDatabase): Promise<void> {
    await runMigrations(db, 'rate-limit', RATE_LIMIT_MIGRATIONS);
  }

  incr(key: string, cb: Callback, timeWindow: number, _max: number): void {
    // A named statement: parsed and planned once per pooled connection (it runs for every counted request).
    this.db.query<{ hits: number; ttl: number }>(INCR, [key, Math.max(1, Math.round(timeWindow))], { name: 'rate_limit_incr' }).then(
      (r) => {
        cb(null, { current: Number(r.rows[0].hits), ttl: Number(r.rows[0].ttl) });
        this.maybeSweep();
      },
      (e: Error) => cb(e),
    );
  }

  child(): PgRateLimitStore {
    return this; // keys are namespaced by the caller
  }

  private maybeSweep(): void {
    if (Date.now() - this.lastSweep < 60_000) return;
    this.lastSweep = Date.now();
    this.db.query(`DELETE FROM rate_limit_counters WHERE reset_at < clock_timestamp() - interval '1 minute'`).catch(() => undefined);
  }
}
