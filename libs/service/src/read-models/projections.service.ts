import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger, OnApplicationBootstrap, BeforeApplicationShutdown } from '@nestjs/common';
import { createProjections, listFailures, ProjectionRunner, type Projection, type ProjectionFailure, type ServiceProjections } from '@app/projections';
import { EVENT_STORE, withSchemaLock, type EventStore, type Position, type SqlDatabase } from '@app/event-store';
import { MerkleLog, loadSigningKey, type CheckpointSigner } from '@app/audit';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { SQL_DB } from '../platform/persistence/tokens';
import { Metrics } from '../platform/metrics/metrics';
import type { ProjectionStatus } from '../platform/health/projection-status';

function failureSummary(f: ProjectionFailure) {
  return { eventId: f.eventId, eventType: f.eventType, stream: f.stream, revision: f.revision, position: f.position, error: f.error, attempts: f.attempts, since: f.firstFailedAt, status: f.status };
}

/**
 * Owns the asynchronous projections (read models and the audit Merkle log): creates their tables at start,
 * runs them off a catch-up subscription (one leader per projection across instances), reports lag, and
 * offers read-your-writes waits.
 */
@Injectable()
export class ProjectionsService implements OnApplicationBootstrap, BeforeApplicationShutdown, ProjectionStatus {
  private readonly logger = new Logger('projections');
  readonly read: ServiceProjections;
  readonly merkleLog: MerkleLog;
  readonly signer: CheckpointSigner;
  readonly runner: ProjectionRunner;
  readonly defaultRulesVersion: 'v1' | 'v2';
  private lagTimer: NodeJS.Timeout | null = null;
  private checkpointTimer: NodeJS.Timeout | null = null;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(SQL_DB) readonly db: SqlDatabase,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly metrics: Metrics,
  ) {
    this.read = createProjections({ timezone: config.BUSINESS_TIMEZONE });
    this.defaultRulesVersion = config.RULES_VERSION;
    this.merkleLog = new MerkleLog(db);
    this.signer = this.signingKey(config);
    const merkle: Projection = {
      name: 'audit_merkle_log',
      tables: [],
      ddl: [],
      apply: (tx, events) => this.merkleLog.appendEvents(tx, events).then(() => undefined),
    };
    this.runner = new ProjectionRunner(
      store,
      db,
      [...this.read.projections, merkle],
      {
        info: (o, m) => this.logger.log({ ...o }, m),
        warn: (o, m) => this.logger.warn({ ...o }, m),
        error: (o, m) => this.logger.error({ ...o }, m),
      },
      {
        maxAttempts: config.PROJECTION_MAX_ATTEMPTS,
        onApplyFailure: (projection) => this.metrics.projectionApplyFailures.inc({ projection }),
      },
    );
  }

  /**
   * AUDIT_SIGNING_KEY (base64 Ed25519 seed or PKCS8 PEM). Unset outside production: a key generated once and
   * kept at DATA_DIR/audit-signing.key, so checkpoints stay verifiable across restarts of a dev instance.
   */
  private signingKey(config: AppConfig): CheckpointSigner {
    if (config.AUDIT_SIGNING_KEY) return loadSigningKey(config.AUDIT_SIGNING_KEY).signer;
    if (config.NODE_ENV === 'production') throw new Error('AUDIT_SIGNING_KEY is required in production');
    const file = path.resolve(config.DATA_DIR, 'audit-signing.key');
    if (!fs.existsSync(file)) {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, randomBytes(32).toString('base64') + '\n', { mode: 0o600 });
      this.logger.warn(`AUDIT_SIGNING_KEY is not set: generated a development signing key at ${file}`);
    }
    return loadSigningKey(fs.readFileSync(file, 'utf8').trim()).signer;
  }

  /**
   * What /health reports about the projections: per projection its checkpoint, whether this instance leads it,
   * lag, the event it is stalled on (from the durable failure table, so every instance reports it) and how
   * many events were parked; plus `problems`, each naming what makes readiness not ok (a stalled projection,
   * or lag past PROJECTION_LAG_MAX).
   */
  async status(): Promise<{ projections: Record<string, unknown>; problems: string[] }> {
    const [lag, failures] = await Promise.all([this.runner.measureLag(), listFailures(this.db)]);
    const maxLagSeconds = this.config.PROJECTION_LAG_MAX.ms / 1000;
    const problems: string[] = [];
    const projections: Record<string, unknown> = {};
    for (const s of lag) {
      const mine = failures.filter((f) => f.projection === s.name);
      const stalled = mine.find((f) => f.status === 'stalled' || f.status === 'retrying') ?? null;
      const parked = mine.filter((f) => f.status === 'parked').length;
      if (stalled) {
        problems.push(
          `projection ${s.name} is stalled at event ${stalled.eventId} (${stalled.eventType}, stream ${stalled.stream} revision ${stalled.revision}, position ${stalled.position}): ${stalled.error}`,
        );
      } else if (s.lagSeconds > maxLagSeconds) {
        problems.push(`projection ${s.name} lags ${Math.round(s.lagSeconds)} s behind the log (more than PROJECTION_LAG_MAX ${this.config.PROJECTION_LAG_MAX.iso})`);
      }
      projections[s.name] = {
        position: s.position,
        leaderHere: s.leader,
        lagEvents: s.lagEvents,
        lagSeconds: Math.round(s.lagSeconds * 1000) / 1000,
        status: stalled ? 'stalled' : s.lagSeconds > maxLagSeconds ? 'lagging' : 'ok',
        ...(stalled ? { stalledAt: failureSummary(stalled) } : {}),
        parkedEvents: parked,
      };
    }
    return { projections, problems };
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.runner.migrate();
    await withSchemaLock(this.db, (tx) => this.merkleLog.migrate(tx));
    if (!this.config.RUN_BACKGROUND) return;
    await this.runner.start();
    this.lagTimer = setInterval(() => void this.updateLagMetrics(), 5000);
    this.lagTimer.unref();
    this.checkpointTimer = setInterval(() => void this.checkpoint().catch((e) => this.logger.warn({ err: e }, 'checkpoint failed')), this.config.AUDIT_CHECKPOINT_INTERVAL.ms);
    this.checkpointTimer.unref();
  }

  /** Signs a checkpoint of the Merkle log if it grew (one signer at a time across instances). */
  async checkpoint() {
    const lock = await this.db.tryAcquireLock('audit-checkpointer');
    if (!lock) return this.merkleLog.latestCheckpoint();
    try {
      return await this.merkleLog.checkpoint(this.signer, { onlyIfGrown: true });
    } finally {
      await lock.release();
    }
  }

  private async updateLagMetrics() {
    try {
      const failures = await listFailures(this.db);
      for (const s of await this.runner.measureLag()) {
        this.metrics.projectionLagEvents.set({ projection: s.name }, s.lagEvents);
        this.metrics.projectionLagSeconds.set({ projection: s.name }, s.lagSeconds);
        const mine = failures.filter((f) => f.projection === s.name);
        this.metrics.projectionStalled.set({ projection: s.name }, mine.some((f) => f.status === 'stalled' || f.status === 'retrying') ? 1 : 0);
        this.metrics.projectionParkedEvents.set({ projection: s.name }, mine.filter((f) => f.status === 'parked').length);
      }
    } catch (e) {
      this.logger.warn({ err: e }, 'lag measurement failed');
    }
  }

  /** Waits (bounded) until every projection applied `position`; false on timeout. */
  waitFor(position: Position, timeoutMs = this.config.READ_WAIT_MAX.ms): Promise<boolean> {
    return this.runner.waitFor(position, timeoutMs);
  }

  /** Waits until the projections reached the current head of the log (used before firing deadlines). */
  async catchUp(timeoutMs = this.config.READ_WAIT_MAX.ms): Promise<boolean> {
    return this.runner.waitFor(await this.store.headPosition(), timeoutMs);
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.lagTimer) clearInterval(this.lagTimer);
    if (this.checkpointTimer) clearInterval(this.checkpointTimer);
    await this.runner.stop();
  }
}
