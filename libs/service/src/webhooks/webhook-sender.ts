import { createHash, randomUUID } from 'node:crypto';
import * as http from 'node:http';
import * as https from 'node:https';
import { Webhook } from 'standardwebhooks';
import type { SessionLock, SqlDatabase } from '@app/event-store';
import type { RetryPolicy } from './retry';
import { RefusedDestinationError, safePost, type SafePostOptions } from './safe-http';
import { WEBHOOK_NOTIFY_CHANNEL, type EndpointRow, type MessageRow, type WebhookStore } from './webhook-store';
import { AttemptRecorder } from './attempt-recorder';

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
 * leader locks, and verified on its own session every lock interval: an instance whose lock session died
 * stops sending that partition before another one can take it). Within a partition every endpoint has its
 * own loop, so a slow or failing endpoint only delays itself; an endpoint keeps up to WEBHOOK_CONCURRENCY
 * messages in flight at once (a pipeline: a finished send frees its slot at once), never two of one dispute.
 * The attempts' bookkeeping is written in batches (AttemptRecorder), one transaction for every answer that
 * arrived meanwhile, whatever endpoint it came from.
 */
export class WebhookSender {
  private readonly held = new Map<number, SessionLock>();
  private readonly loops = new Map<string, EndpointLoop>();
  private readonly agents = new Map<string, { http: http.Agent; https: https.Agent }>();
  private stopped = true;
  private timers: NodeJS.Timeout[] = [];
  private unlisten: (() => Promise<void>) | null = null;
  private refreshing: Promise<void> | null = null;
  private refreshAgain = false;
  private leading: Promise<void> | null = null;
  readonly recorder: AttemptRecorder;
  /** This sender in webhook_senders (one per process). */
  readonly instanceId = `${process.pid}-${randomUUID()}`;

  constructor(
    private readonly store: WebhookStore,
    private readonly db: SqlDatabase,
    readonly settings: SenderSettings,
    private readonly observer: SenderObserver,
    private readonly logger: SenderLogger,
  ) {
    this.recorder = new AttemptRecorder(store.db, settings.retry, observer, logger);
  }

  async start(): Promise<void> {
    this.stopped = false;
    // The fan-out's NOTIFY names the endpoints that got messages (empty: look at every endpoint).
    this.unlisten = await this.db.listen(WEBHOOK_NOTIFY_CHANNEL, (payload) => (payload ? this.wakeEndpoints(payload.split(',')) : this.wake())).catch(() => null);
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

  private lead(): Promise<void> {
    if (!this.leading) this.leading = this.leadOnce().finally(() => (this.leading = null));
    return this.leading;
  }

  private async leadOnce(): Promise<void> {
    // A held partition whose lock session is gone: PostgreSQL released the lock, another instance may take it.
    for (const [p, lock] of [...this.held]) {
      if (this.stopped) return;
      if (await lock.verify().catch(() => false)) continue;
      await this.resign(p, 'its lock session was lost');
    }
    // Sharing: with n live senders each keeps at most ceil(P/n) partitions while another one has fewer (and at
    // most floor(P/n) while another one has fewer than that), and gives back the rest; a partition nobody
    // leads is taken by whoever finds it free, so a dead instance's partitions move within one lock interval.
    let peers: { instanceId: string; partitions: number }[] = [];
    try {
      peers = (await this.store.heartbeat(this.instanceId, this.partitions, 3 * this.settings.lockRetryMs)).filter((x) => x.instanceId !== this.instanceId);
    } catch (e) {
      this.logger.warn({ err: e }, 'webhook sender heartbeat failed');
    }
    const P = this.settings.partitions;
    const live = peers.length + 1;
    const ceil = Math.ceil(P / live);
    const floor = Math.floor(P / live);
    const keep = peers.some((x) => x.partitions < floor) ? floor : peers.some((x) => x.partitions < ceil) ? ceil : P;
    if (this.held.size > keep) {
      const give = [...this.held.keys()].sort((a, b) => b - a).slice(0, this.held.size - keep);
      for (const p of give) await this.resign(p, `shared with ${peers.length} other sender(s)`);
      return; // not in the same round: the others take them
    }
    for (let p = 0; p < P; p++) {
      if (this.stopped || this.held.size >= keep) break;
      if (this.held.has(p)) continue;
      try {
        const lock = await this.db.tryAcquireLock(`webhook-sender:${p}/${P}`);
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

  /**
   * Stops sending a partition and releases its lock only once its loops ended: every send in flight answered
   * and recorded, so the next holder never sends a message that is still in flight here.
   */
  private async resign(p: number, why: string): Promise<void> {
    const lock = this.held.get(p);
    this.held.delete(p);
    this.logger.info({ partition: p, reason: why }, 'webhook sender partition released');
    await Promise.all([...this.loops].filter(([id]) => partitionOf(id, this.settings.partitions) === p).map(([, l]) => l.stop()));
    await lock?.release().catch(() => undefined);
  }

  /** Whether this instance still leads the endpoint's partition (the cached flag of its lock; verified by lead()). */
  owns(endpointId: string): boolean {
    const lock = this.held.get(partitionOf(endpointId, this.settings.partitions));
    return !this.stopped && !!lock && lock.held;
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

  private agentsFor(id: string) {
    let a = this.agents.get(id);
    if (!a) {
      // Keep-alive: one endpoint's messages reuse their connections (at most WEBHOOK_CONCURRENCY of them).
      const opts = { keepAlive: true, maxSockets: this.settings.concurrency, timeout: this.settings.timeoutMs };
      a = { http: new http.Agent(opts), https: new https.Agent(opts) };
      this.agents.set(id, a);
    }
    return a;
  }

  private dropAgents(id: string) {
    const a = this.agents.get(id);
    this.agents.delete(id);
    a?.http.destroy();
    a?.https.destroy();
  }

  /** New messages for these endpoints: wakes (or starts) their loops where this instance leads them, without a query. */
  wakeEndpoints(ids: readonly string[]): void {
    if (this.stopped) return;
    for (const id of ids) if (id && this.owns(id)) this.ensureLoop(id);
  }

  private ensureLoop(id: string): void {
    const loop = this.loops.get(id);
    if (loop) {
      loop.wake();
      return;
    }
    const l = new EndpointLoop(id, this.store, this.settings, this.observer, this.logger, this.recorder, this.agentsFor(id), () => this.owns(id));
    this.loops.set(id, l);
    void l.run().then((gone) => {
      if (this.loops.get(id) === l) this.loops.delete(id);
      if (gone) this.dropAgents(id);
      // Woken after it had decided to end: look again, or that wake-up would wait for the next poll.
      else if (l.wokenAfterEnd && this.owns(id)) this.ensureLoop(id);
    });
  }

  private async refresh(): Promise<void> {
    for (const id of await this.store.endpointsWithDueMessages()) {
      if (this.stopped) return;
      if (this.owns(id)) this.ensureLoop(id);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    await this.unlisten?.().catch(() => undefined);
    await Promise.all([...this.loops.values()].map((l) => l.stop()));
    await this.refreshing;
    await this.leading;
    await this.recorder.idle();
    await Promise.all([...this.held.values()].map((l) => l.release().catch(() => undefined)));
    this.held.clear();
    await this.store.leave(this.instanceId).catch(() => undefined);
    for (const id of [...this.agents.keys()]) this.dropAgents(id);
  }
}

/**
 * Sends one endpoint's due messages until none is due: a pipeline of up to WEBHOOK_CONCURRENCY sends, each
 * of another dispute. A message's dispute stays busy until its answer is recorded, so the next message of
 * that dispute is read (and sent) only after the earlier one was answered 2xx or given up.
 */
class EndpointLoop {
  /** message id → dispute id, from the read until the answer is recorded */
  private readonly busy = new Map<string, string>();
  private dirty = true;
  private stopped = false;
  private signal: (() => void) | null = null;
  private running: Promise<boolean> | null = null;
  private ended = false;
  wokenAfterEnd = false;

  constructor(
    private readonly endpointId: string,
    private readonly store: WebhookStore,
    private readonly settings: SenderSettings,
    private readonly observer: SenderObserver,
    private readonly logger: SenderLogger,
    private readonly recorder: AttemptRecorder,
    private readonly agents: { http: http.Agent; https: https.Agent },
    private readonly owned: () => boolean,
  ) {}

  wake() {
    if (this.ended) this.wokenAfterEnd = true;
    this.dirty = true;
    this.poke();
  }

  private poke() {
    const s = this.signal;
    this.signal = null;
    s?.();
  }

  /** Resolves true when the loop ended because the endpoint is gone or disabled. */
  run(): Promise<boolean> {
    this.running = this.loop().catch((e) => {
      this.logger.warn({ err: e, endpointId: this.endpointId }, 'webhook send loop failed; the next wake-up starts it again');
      return false;
    });
    return this.running;
  }

  private async loop(): Promise<boolean> {
    let gone = false;
    try {
      while (!this.stopped) {
        const free = this.settings.concurrency - this.busy.size;
        if (this.dirty && free > 0 && !gone) {
          this.dirty = false;
          if (!this.owned()) break;
          const { endpoint, messages } = await this.store.dueBatch(this.endpointId, free, [...new Set(this.busy.values())]);
          if (!endpoint) gone = true;
          else for (const m of messages) this.start(endpoint, m);
          continue;
        }
        if (this.busy.size === 0 && !this.dirty) break;
        if (this.busy.size === 0 && gone) break;
        await new Promise<void>((r) => (this.signal = r));
      }
    } finally {
      while (this.busy.size > 0) await new Promise<void>((r) => (this.signal = r));
      this.ended = true;
      if (this.dirty && !this.stopped) this.wokenAfterEnd = true;
    }
    return gone;
  }

  private start(ep: EndpointRow, m: MessageRow) {
    this.busy.set(m.id, m.dispute_id);
    void this.deliver(ep, m)
      .catch((e) => this.logger.error({ err: e, messageId: m.id }, 'webhook delivery could not be recorded (the message stays pending and is sent again)'))
      .finally(() => {
        this.busy.delete(m.id);
        this.dirty = true;
        this.poke();
      });
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
        agent: ep.url.startsWith('https:') ? this.agents.https : this.agents.http,
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
    this.observer.attempt(ok ? 'success' : 'failure', reason, ok ? (Date.now() - Date.parse(m.committed_at)) / 1000 : null);
    await this.recorder.record({ endpointId: ep.id, message: m, ok, status, error, durationMs, at, endpointFailing: ep.failing_since !== null });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.poke();
    await this.running;
  }
}
