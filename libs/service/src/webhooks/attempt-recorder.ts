import type { SqlDatabase, SqlExecutor } from '@app/event-store';
import { nextAttemptAt, type RetryPolicy } from './retry';
import type { MessageRow } from './webhook-store';

/** The answer (or failure) of one attempt, to be recorded. */
export interface AttemptResult {
  endpointId: string;
  message: MessageRow;
  ok: boolean;
  status: number | null;
  error: string | null;
  durationMs: number;
  /** when the attempt started */
  at: Date;
  /** the endpoint's failing_since was set when its messages were read (a success must clear it) */
  endpointFailing: boolean;
}

interface RecorderObserver {
  givenUp(): void;
  disabled(reason: string): void;
}

interface RecorderLogger {
  warn(obj: object, msg?: string): void;
}

interface Pending {
  r: AttemptResult;
  resolve: () => void;
  reject: (e: unknown) => void;
}

/** Most attempts recorded in one transaction. */
const MAX_BATCH = 500;

/**
 * Records delivery attempts in batches (group commit): every answer that arrived while the previous batch was
 * being written goes into the next transaction — the UPDATE of the messages and the INSERT into the delivery
 * log in one statement, whatever number of messages and endpoints (plus, only when an endpoint fails or
 * recovers, its failing streak). When idle, an answer is written at once (a batch of one), so batching adds no
 * delay.
 *
 * The transaction commits asynchronously on PostgreSQL (`synchronous_commit = off` for it only): a crash of
 * the database server (not of this service) may lose its last few hundred milliseconds of bookkeeping. That is
 * safe here and only here (see docs/webhooks.md, "Delivery"): a lost DELIVERED mark leaves the message PENDING,
 * so it is sent again with the same webhook-id (at least once; receivers drop the duplicate); a lost failure
 * only makes the next retry come sooner. The outbox itself (the fan-out) always commits synchronously.
 *
 * A message is recorded only if nobody recorded it meanwhile (attempts unchanged, still PENDING): the first
 * record of an attempt wins (a redelivery or another sender that got there first is kept).
 */
export class AttemptRecorder {
  private queue: Pending[] = [];
  private flushing: Promise<void> | null = null;
  /** Endpoints whose failing streak this recorder started (a success must clear it even if it read them as fine). */
  private readonly maybeFailing = new Set<string>();
  private cleared: string[] = [];

  constructor(
    private readonly db: SqlDatabase,
    private readonly retry: RetryPolicy & { retryForIso: string },
    private readonly observer: RecorderObserver,
    private readonly logger: RecorderLogger,
  ) {}

  /** Resolves once the attempt is durable in the batch's transaction (rejects when that transaction failed). */
  record(r: AttemptResult): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ r, resolve, reject });
      if (!this.flushing) this.flushing = this.drain();
    });
  }

  /** Resolves when nothing is waiting to be written. */
  async idle(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  private async drain(): Promise<void> {
    // Let the answers that arrive in this same turn of the event loop join the first batch.
    await new Promise<void>((r) => setImmediate(r));
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, MAX_BATCH);
      try {
        this.cleared = [];
        const effects = await this.db.transaction((tx) => this.write(tx, batch.map((p) => p.r)));
        for (const id of this.cleared) this.maybeFailing.delete(id);
        for (const p of batch) p.resolve();
        for (let i = 0; i < effects.givenUp; i++) this.observer.givenUp();
        for (const d of effects.disabled) {
          this.observer.disabled(d.gone ? 'gone' : 'failing');
          this.logger.warn({ endpointId: d.endpointId, reason: d.reason }, 'webhook endpoint disabled');
        }
      } catch (e) {
        for (const p of batch) p.reject(e);
      }
    }
    this.flushing = null;
  }

  private async write(tx: SqlExecutor, results: AttemptResult[]) {
    if (this.db.kind === 'pg') await tx.query('SET LOCAL synchronous_commit = off');
    const now = Date.now();
    const rows = results.map((r) => {
      const m = r.message;
      const attempt = m.attempts + 1;
      const firstAt = m.first_attempt_at ? Date.parse(m.first_attempt_at) : r.at.getTime();
      const next = r.ok || r.status === 410 ? null : nextAttemptAt(this.retry, firstAt, now, attempt);
      const state = r.ok ? 'DELIVERED' : next === null ? 'FAILED' : 'PENDING';
      return { r, attempt, firstAt, next, state };
    });
    // One statement: the messages' new state and, for those still as the sender read them, the delivery log.
    const upd = await tx.query<{ id: string }>(
      `WITH v AS (
         SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::timestamptz[], $5::timestamptz[], $6::text[], $7::text[], $8::text[], $9::int[], $10::int[], $11::text[], $12::timestamptz[])
           AS v(id, prev, state, first_at, next_at, endpoint_id, event_type, status, response_status, duration_ms, error, at)
       ), u AS (
         UPDATE webhook_messages w SET state = v.state, attempts = v.prev + 1, first_attempt_at = coalesce(w.first_attempt_at, v.first_at),
           next_attempt_at = coalesce(v.next_at, w.next_attempt_at), delivered_at = CASE WHEN v.state = 'DELIVERED' THEN now() ELSE w.delivered_at END
         FROM v WHERE w.id = v.id AND w.attempts = v.prev AND w.state = 'PENDING'
         RETURNING w.id
       ), ins AS (
         INSERT INTO webhook_attempts (endpoint_id, message_id, event_type, attempt, status, response_status, duration_ms, error, at)
         SELECT v.endpoint_id, v.id, v.event_type, v.prev + 1, v.status, v.response_status, v.duration_ms, v.error, v.at FROM v JOIN u ON u.id = v.id
       )
       SELECT id FROM u`,
      [
        rows.map((x) => x.r.message.id),
        rows.map((x) => x.r.message.attempts),
        rows.map((x) => x.state),
        rows.map((x) => new Date(x.firstAt).toISOString()),
        rows.map((x) => (x.next === null ? null : new Date(x.next).toISOString())),
        rows.map((x) => x.r.endpointId),
        rows.map((x) => x.r.message.event_type),
        rows.map((x) => (x.r.ok ? 'SUCCEEDED' : 'FAILED')),
        rows.map((x) => x.r.status),
        rows.map((x) => x.r.durationMs),
        rows.map((x) => x.r.error),
        rows.map((x) => x.r.at.toISOString()),
      ],
    );
    // Recorded meanwhile (redelivery or another sender): keep the first record.
    const updated = new Set(upd.rows.map((x) => x.id));
    const kept = rows.filter((x) => updated.has(x.r.message.id));
    if (kept.length === 0) return { givenUp: 0, disabled: [] };
    const givenUp = kept.filter((x) => x.state === 'FAILED').length;
    // Per endpoint, its attempts of this batch in the order they started.
    const byEndpoint = new Map<string, typeof kept>();
    for (const x of [...kept].sort((a, b) => a.r.at.getTime() - b.r.at.getTime())) byEndpoint.set(x.r.endpointId, [...(byEndpoint.get(x.r.endpointId) ?? []), x]);
    const succeeded: string[] = [];
    const disabled: { endpointId: string; reason: string; gone: boolean }[] = [];
    for (const [endpointId, xs] of byEndpoint) {
      const gone = xs.find((x) => x.r.status === 410);
      if (gone) {
        const reason = `the endpoint answered 410 Gone at ${gone.r.at.toISOString()} (message ${gone.r.message.id})`;
        if (await this.disable(tx, endpointId, reason)) disabled.push({ endpointId, reason, gone: true });
        continue;
      }
      const lastOk = xs.map((x) => x.r.ok).lastIndexOf(true);
      if (lastOk === xs.length - 1) {
        // Only when it may be failing (read so, or a failure recorded here): the common case costs no statement.
        if (xs.some((x) => x.r.endpointFailing || !x.r.ok) || this.maybeFailing.has(endpointId)) succeeded.push(endpointId);
        continue;
      }
      this.maybeFailing.add(endpointId);
      // Failing now: since the first failure after the batch's last success (or since earlier, when none succeeded).
      const failures = xs.slice(lastOk + 1);
      const { rows: f } = await tx.query<{ since: string }>(
        `UPDATE webhook_endpoints SET failing_since = CASE WHEN $3 THEN $2::timestamptz ELSE coalesce(failing_since, $2::timestamptz) END WHERE id = $1
         RETURNING to_char(failing_since AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS since`,
        [endpointId, failures[0].r.at.toISOString(), lastOk >= 0],
      );
      const since = f[0]?.since;
      if (!since) continue;
      // Failing for the whole period: WEBHOOK_RETRY_FOR since the last success, or a message given up whose
      // every attempt (its whole retry period) fell into the current failing streak.
      const last = failures[failures.length - 1];
      const whole = failures.find((x) => x.state === 'FAILED' && Date.parse(since) <= x.firstAt);
      if (now - Date.parse(since) >= this.retry.retryForMs || whole) {
        const reason = `no delivery succeeded for ${this.retry.retryForIso} (failing since ${since}); last attempt: ${last.r.error ?? 'failed'}`;
        if (await this.disable(tx, endpointId, reason)) disabled.push({ endpointId, reason, gone: false });
      }
    }
    if (succeeded.length > 0) {
      await tx.query(`UPDATE webhook_endpoints SET failing_since = NULL WHERE id = ANY($1::text[]) AND failing_since IS NOT NULL`, [succeeded]);
      // Forgotten only once that commits (see drain): until then a later success still clears it.
      this.cleared.push(...succeeded);
    }
    return { givenUp, disabled };
  }

  private async disable(tx: SqlExecutor, endpointId: string, reason: string): Promise<boolean> {
    const r = await tx.query(`UPDATE webhook_endpoints SET status = 'DISABLED', disabled_reason = $2, updated_at = now() WHERE id = $1 AND status = 'ENABLED'`, [endpointId, reason]);
    return (r.rowCount ?? 0) > 0;
  }
}
