import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Counter, Gauge, Histogram } from 'prom-client';
import { EVENT_STORE, runMigrations, type EventStore, type SqlDatabase } from '@app/event-store';
import { ProjectionRunner } from '@app/projections';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { Metrics } from '../platform/metrics/metrics';
import { SQL_DB } from '../platform/persistence/tokens';
import { webhookOutboxProjection } from './webhook-outbox';
import { WebhookSender } from './webhook-sender';
import { WEBHOOK_MIGRATION_NAMESPACE, WEBHOOK_MIGRATIONS, WebhookStore } from './webhook-store';

/** The answer body kept per attempt is at most this long (the rest is never read). */
export const RESPONSE_BODY_LIMIT = 1024;

/**
 * Runs webhook delivery: creates the tables (under the migration lock), runs the fan-out subscription
 * (a ProjectionRunner of its own: checkpoint `webhooks`, one leader across instances) and the partitioned
 * senders, and publishes delivery metrics.
 */
@Injectable()
export class WebhookDeliveryService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('webhooks');
  readonly store: WebhookStore;
  readonly runner: ProjectionRunner;
  readonly sender: WebhookSender;
  private metricsTimer: NodeJS.Timeout | null = null;
  private readonly lag: Histogram;
  private readonly attempts: Counter;
  private readonly failures: Counter;
  private readonly givenUp: Counter;
  private readonly disabled: Counter;
  private readonly pending: Gauge;
  private readonly oldestDue: Gauge;

  constructor(
    @Inject(EVENT_STORE) store: EventStore,
    @Inject(SQL_DB) private readonly db: SqlDatabase,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly metrics: Metrics,
  ) {
    this.store = new WebhookStore(db);
    const log = {
      info: (o: object, m?: string) => this.logger.log({ ...o }, m),
      warn: (o: object, m?: string) => this.logger.warn({ ...o }, m),
      error: (o: object, m?: string) => this.logger.error({ ...o }, m),
    };
    this.runner = new ProjectionRunner(store, db, [webhookOutboxProjection(store, this.store)], log, {
      batchSize: 200,
      maxAttempts: config.PROJECTION_MAX_ATTEMPTS,
      onApplyFailure: (projection) => metrics.projectionApplyFailures.inc({ projection }),
    });
    const registers = [metrics.registry];
    this.lag = new Histogram({
      name: 'webhook_delivery_lag_seconds',
      help: 'From the commit of an event to the 2xx answer of an endpoint for its message',
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 3600],
      registers,
    });
    this.attempts = new Counter({ name: 'webhook_delivery_attempts_total', help: 'Delivery attempts by result', labelNames: ['result'], registers });
    this.failures = new Counter({
      name: 'webhook_delivery_failures_total',
      help: 'Failed delivery attempts by reason (http_4xx, http_5xx, timeout, network, refused)',
      labelNames: ['reason'],
      registers,
    });
    this.givenUp = new Counter({ name: 'webhook_messages_given_up_total', help: 'Messages given up after WEBHOOK_RETRY_FOR (or a 410)', registers });
    this.disabled = new Counter({ name: 'webhook_endpoints_disabled_total', help: 'Endpoints disabled by reason (gone, failing)', labelNames: ['reason'], registers });
    this.pending = new Gauge({ name: 'webhook_messages_pending', help: 'Messages not yet delivered nor given up (enabled endpoints)', registers });
    this.oldestDue = new Gauge({ name: 'webhook_oldest_due_message_seconds', help: 'Age since commit of the oldest message due for sending (0 when none)', registers });
    this.sender = new WebhookSender(
      this.store,
      db,
      {
        retry: { baseMs: config.WEBHOOK_RETRY_BASE.ms, maxDelayMs: config.WEBHOOK_RETRY_MAX_DELAY.ms, retryForMs: config.WEBHOOK_RETRY_FOR.ms, retryForIso: config.WEBHOOK_RETRY_FOR.iso },
        allowPrivate: config.WEBHOOK_ALLOW_PRIVATE,
        connectTimeoutMs: config.WEBHOOK_CONNECT_TIMEOUT.ms,
        timeoutMs: config.WEBHOOK_TIMEOUT.ms,
        maxBodyBytes: RESPONSE_BODY_LIMIT,
        concurrency: config.WEBHOOK_CONCURRENCY,
        partitions: config.WEBHOOK_PARTITIONS,
        pollIntervalMs: config.WEBHOOK_POLL_INTERVAL.ms,
        lockRetryMs: 2000,
      },
      {
        attempt: (result, reason, lagSeconds) => {
          this.attempts.inc({ result });
          if (result === 'failure') this.failures.inc({ reason });
          if (lagSeconds !== null) this.lag.observe(lagSeconds);
        },
        givenUp: () => this.givenUp.inc(),
        disabled: (reason) => this.disabled.inc({ reason }),
      },
      log,
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    // Both under the migration lock: the webhook tables, and the runner's checkpoint/failure tables.
    await runMigrations(this.db, WEBHOOK_MIGRATION_NAMESPACE, WEBHOOK_MIGRATIONS);
    await this.runner.migrate();
    if (!this.config.RUN_BACKGROUND) return;
    await this.runner.start();
    await this.sender.start();
    this.metricsTimer = setInterval(() => void this.updateGauges(), 5000);
    this.metricsTimer.unref();
  }

  private async updateGauges() {
    try {
      const b = await this.store.backlog();
      this.pending.set(b.pending);
      this.oldestDue.set(b.oldestDueSeconds);
      const [lag] = await this.runner.measureLag();
      if (lag) {
        this.metrics.projectionLagEvents.set({ projection: lag.name }, lag.lagEvents);
        this.metrics.projectionLagSeconds.set({ projection: lag.name }, lag.lagSeconds);
      }
    } catch (e) {
      this.logger.warn({ err: e }, 'webhook metrics failed');
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.metricsTimer) clearInterval(this.metricsTimer);
    await this.runner.stop();
    await this.sender.stop();
  }
}
