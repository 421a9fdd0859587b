import { createHash } from 'node:crypto';
import * as http from 'node:http';
import * as https from 'node:https';
import { Webhook } from 'standardwebhooks';
import type { SqlDatabase } from '@app/event-store';
import { nextAttemptAt, type RetryPolicy } from './retry';
import { RefusedDestinationError, safePost, type SafePostOptions } from './safe-http';
import type { EndpointRow, MessageRow, WebhookStore } from './webhook-store';

export interface SenderSettings {
  retry: RetryPolicy & { retryForIso: string };
  allowPrivate: boolean;
  connectTimeoutMs: number;
  timeoutMs: number;
  maxBodyBytes: number;
  concurrency: number;
  partitions: number;
  pollIntervalMs: number;
  lockRetryMs: number;
  resolve?: SafePostOptions['resolve'];
}

export interface SenderObserver {
  attempt(result: 'success' | 'failure', reason: string, lagSeconds: number | null): void;
  givenUp(): void;
  disabled(reason: string): void;
}

interface SenderLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** The Standard Webhooks signature header: one `v1,<sig>` per active secret (both during a rotation). */
export function signatureHeader(ep: Pick<EndpointRow, 'secret' | 'previous_secret' | 'previous_expires_at'>, msgId: string, at: Date, body: string): string {
  const secrets = [ep.secret];
  if (ep.previous_secret && ep.previous_expires_at && Date.parse(ep.previous_expires_at) > at.getTime()) secrets.push(ep.previous_secret);
  return secrets.map((s) => new Webhook(s).sign(msgId, at, body)).join(' ');
}

export function partitionOf(endpointId: string, partitions: number): number {
  return createHash('sha256').update(endpointId).digest().readUInt32BE(0) % partitions;
}

/**
 * Sends the outbox. Endpoints are spread over WEBHOOK_PARTITIONS partitions; each partition is served by
 * exactly one instance at a time (a session advisory lock per partition, retried like the projections'
 * leader locks). Within a partition every endpoint has its own loop, so a slow or failing endpoint only
 * delays itself; an endpoint sends up to WEBHOOK_CONCURRENCY messages at once, never two of one dispute.
 */
export class WebhookSender {
  private readonly held = new Map<number, { release(): Promise<void> }>();
  private readonly loops = new Map<string, EndpointLoop>();
  private stopped = true;
  private timers: NodeJS.Timeout[] = [];
  private unlisten: (() => Promise<void>) | null = null;
  private refreshing: Promise<void> | null = null;
  private refreshAgain = false;

  constructor(
    private readonly store: WebhookStore,
    private readonly db: SqlDatabase,
    readonly settings: SenderSettings,
    private readonly observer: SenderObserver,
    private readonly logger: SenderLogger,
  ) {}

  async start(): Promise<void> {
    this.stopped = false;
    this.unlisten = await this.db.listen('webhook_messages', () => this.wake()).catch(() => null);
    await this.lead();
    this.timers.push(setInterval(() => void this.lead(), this.settings.lockRetryMs));
    this.timers.push(setInterval(() => this.wake(), this.settings.pollIntervalMs));
    for (const t of this.timers) t.unref();
    this.wake();
  }

  /** Partitions led here. */
  get partitions(): number[] {
    return [...this.held.keys()].sort((a, b) => a - b);
  }

  private async lead(): Promise<void> {
    for (let p = 0; p < this.settings.partitions; p++) {
      if (this.stopped || this.held.has(p)) continue;
      try {
        const lock = await this.db.tryAcquireLock(`webhook-sender:${p}/${this.settings.partitions}`);
        if (!lock) continue;
        if (this.stopped) {
          await lock.release();
          continue;
        }
        this.held.set(p, lock);
        this.logger.info({ partition: p }, 'webhook sender partition led here');
        this.wake();
      } catch (e) {
        this.logger.warn({ err: e, partition: p }, 'webhook sender could not take its partition lock');
      }
    }
  }

  /** Looks for due messages (on NOTIFY, on every poll interval, after a loop ended). */
  wake(): void {
    if (this.stopped || this.held.size === 0) return;
    if (this.refreshing) {
      this.refreshAgain = true;
      return;
    }
    this.refreshing = this.refresh()
      .catch((e) => this.logger.warn({ err: e }, 'webhook sender refresh failed'))
      .finally(() => {
        this.refreshing = null;
        if (this.refreshAgain) {
          this.refreshAgain = false;
          this.wake();
        }
      });
  }

  private async refresh(): Promise<void> {
    for (const id of await this.store.endpointsWithDueMessages()) {
      if (this.stopped) return;
      if (!this.held.has(partitionOf(id, this.settings.partitions))) continue;
      const loop = this.loops.get(id);
      if (loop) loop.wake();
      else {
        const l = new EndpointLoop(id, this.store, this.settings, this.observer, this.logger);
        this.loops.set(id, l);
        void l.run().finally(() => {
          if (this.loops.get(id) === l) this.loops.delete(id);
          l.close();
        });
      }
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    await this.unlisten?.().catch(() => undefined);
    await Promise.all([...this.loops.values()].map((l) => l.stop()));
    await this.refreshing;
    await Promise.all([...this.held.values()].map((l) => l.release().catch(() => undefined)));
    this.held.clear();
  }
}

/** Sends one endpoint's due messages until none is due. */
class EndpointLoop {
  private dirty = true;
  private stopped = false;
  private running: Promise<void> | null = null;
  private readonly agent: http.Agent;

  constructor(
    private readonly endpointId: string,
    private readonly store: WebhookStore,
    private readonly settings: SenderSettings,
    private readonly observer: SenderObserver,
    private readonly logger: SenderLogger,
  ) {
    const opts = { keepAlive: true, maxSockets: settings.concurrency, timeout: settings.timeoutMs };
    this.agent = new https.Agent(opts);
    this.httpAgent = new http.Agent(opts);
  }
  private readonly httpAgent: http.Agent;

  wake() {
    this.dirty = true;
  }

  run(): Promise<void> {
    this.running = this.loop();
    return this.running;
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      this.dirty = false;
      const ep = await this.store.endpoint(this.endpointId);
      if (!ep || ep.status !== 'ENABLED') return;
      const due = await this.store.dueMessages(this.endpointId, this.settings.concurrency);
      if (due.length === 0) {
        if (this.dirty) continue;
        return;
      }
      await Promise.all(due.map((m) => this.deliver(ep, m).catch((e) => this.logger.error({ err: e, messageId: m.id }, 'webhook delivery could not be recorded'))));
    }
  }

  private async deliver(ep: EndpointRow, m: MessageRow): Promise<void> {
    const at = new Date();
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'dispute-service-webhooks/1',
      'webhook-id': m.id,
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': signatureHeader(ep, m.id, at, m.payload),
    };
    const started = performance.now();
    let status: number | null = null;
    let error: string | null = null;
    let reason = 'ok';
    try {
      const r = await safePost(ep.url, headers, m.payload, {
        allowPrivate: this.settings.allowPrivate,
        connectTimeoutMs: this.settings.connectTimeoutMs,
        timeoutMs: this.settings.timeoutMs,
        maxBodyBytes: this.settings.maxBodyBytes,
        resolve: this.settings.resolve,
        agent: ep.url.startsWith('https:') ? this.agent : this.httpAgent,
      });
      status = r.status;
      if (status < 200 || status >= 300) {
        reason = `http_${Math.floor(status / 100)}xx`;
        error = r.body ? `answered ${status}: ${r.body.slice(0, 200)}` : `answered ${status}`;
      }
    } catch (e) {
      reason = e instanceof RefusedDestinationError ? 'refused' : /timed out/.test((e as Error).message) ? 'timeout' : 'network';
      error = (e as Error).message.slice(0, 300);
    }
    const durationMs = Math.round(performance.now() - started);
    const ok = status !== null && status >= 200 && status < 300;
    await this.record(ep, m, { ok, status, error, durationMs, at });
    this.observer.attempt(ok ? 'success' : 'failure', reason, ok ? (Date.now() - Date.parse(m.committed_at)) / 1000 : null);
  }

  private async record(ep: EndpointRow, m: MessageRow, r: { ok: boolean; status: number | null; error: string | null; durationMs: number; at: Date }) {
    const attempt = m.attempts + 1;
    const firstAt = m.first_attempt_at ? Date.parse(m.first_attempt_at) : r.at.getTime();
    const now = Date.now();
    let disable: string | null = null;
    let givenUp = false;
    await this.store.db.transaction(async (tx) => {
      const gone = r.status === 410;
      let next: number | null = null;
      if (!r.ok && !gone) next = nextAttemptAt(this.settings.retry, firstAt, now, attempt);
      const state = r.ok ? 'DELIVERED' : next === null ? 'FAILED' : 'PENDING';
      givenUp = state === 'FAILED';
      const upd = await tx.query(
        `UPDATE webhook_messages SET state = $3, attempts = $4, first_attempt_at = coalesce(first_attempt_at, $5),
           next_attempt_at = coalesce($6, next_attempt_at), delivered_at = CASE WHEN $3 = 'DELIVERED' THEN now() ELSE delivered_at END
         WHERE id = $1 AND attempts = $2 AND state = 'PENDING'`,
        [m.id, m.attempts, state, attempt, new Date(firstAt).toISOString(), next === null ? null : new Date(next).toISOString()],
      );
      if (upd.rowCount === 0) return; // recorded meanwhile (redelivery or another sender): keep the first record
      await tx.query(
        `INSERT INTO webhook_attempts (endpoint_id, message_id, event_type, attempt, status, response_status, duration_ms, error, at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [ep.id, m.id, m.event_type, attempt, r.ok ? 'SUCCEEDED' : 'FAILED', r.status, r.durationMs, r.error, r.at.toISOString()],
      );
      if (r.ok) {
        await tx.query(`UPDATE webhook_endpoints SET failing_since = NULL WHERE id = $1 AND failing_since IS NOT NULL`, [ep.id]);
        return;
      }
      if (gone) {
        disable = `the endpoint answered 410 Gone at ${r.at.toISOString()} (message ${m.id})`;
      } else {
        const { rows } = await tx.query<{ since: string }>(
          `UPDATE webhook_endpoints SET failing_since = coalesce(failing_since, $2) WHERE id = $1
           RETURNING to_char(failing_since AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS since`,
          [ep.id, r.at.toISOString()],
        );
        const since = rows[0]?.since;
        // Failing for the whole period: WEBHOOK_RETRY_FOR since the last success, or a message given up whose
        // every attempt (its whole retry period) fell into the current failing streak.
        if (since && (now - Date.parse(since) >= this.settings.retry.retryForMs || (givenUp && Date.parse(since) <= firstAt))) {
          disable = `no delivery succeeded for ${this.settings.retry.retryForIso} (failing since ${since}); last attempt: ${r.error ?? 'failed'}`;
        }
      }
      if (disable) {
        await tx.query(`UPDATE webhook_endpoints SET status = 'DISABLED', disabled_reason = $2, updated_at = now() WHERE id = $1 AND status = 'ENABLED'`, [ep.id, disable]);
      }
    });
    if (givenUp) this.observer.givenUp();
    if (disable) {
      this.observer.disabled(r.status === 410 ? 'gone' : 'failing');
      this.logger.warn({ endpointId: ep.id, reason: disable }, 'webhook endpoint disabled');
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.running?.catch(() => undefined);
  }

  close(): void {
    this.agent.destroy();
    this.httpAgent.destroy();
  }
}
