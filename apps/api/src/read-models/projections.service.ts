import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger, OnApplicationBootstrap, BeforeApplicationShutdown } from '@nestjs/common';
import { createProjections, ProjectionRunner, type Projection, type ServiceProjections } from '@app/projections';
import { EVENT_STORE, type EventStore, type Position, type SqlDatabase } from '@app/event-store';
import { MerkleLog, loadSigningKey, type CheckpointSigner } from '@app/audit';
import { APP_CONFIG, type AppConfig } from '../config/config';
import { SQL_DB } from '../infra/tokens';
import { Metrics } from '../infra/metrics';
import { ProjectionStatusSource } from '../health/projection-status';
import { MerchantWeekSource } from '../disputes/merchant-week';

/**
 * Owns the asynchronous projections (read models and the audit Merkle log): creates their tables at start,
 * runs them off a catch-up subscription (one leader per projection across instances), reports lag, and
 * offers read-your-writes waits.
 */
@Injectable()
export class ProjectionsService implements OnApplicationBootstrap, BeforeApplicationShutdown {
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
    status: ProjectionStatusSource,
    merchantWeeks: MerchantWeekSource,
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
    this.runner = new ProjectionRunner(store, db, [...this.read.projections, merkle], {
      info: (o, m) => this.logger.log({ ...o }, m),
      warn: (o, m) => this.logger.warn({ ...o }, m),
      error: (o, m) => this.logger.error({ ...o }, m),
    });
    status.register(async () => {
      const lag = await this.runner.measureLag();
      return Object.fromEntries(lag.map((s) => [s.name, { position: s.position, leaderHere: s.leader, lagEvents: s.lagEvents, lagSeconds: Math.round(s.lagSeconds * 1000) / 1000 }]));
    });
    merchantWeeks.register((merchantId, instant) => this.read.merchantWeekStats(this.db, merchantId, instant, instant));
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

  async onApplicationBootstrap(): Promise<void> {
    await this.runner.migrate();
    await this.merkleLog.migrate();
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
      for (const s of await this.runner.measureLag()) {
        this.metrics.projectionLagEvents.set({ projection: s.name }, s.lagEvents);
        this.metrics.projectionLagSeconds.set({ projection: s.name }, s.lagSeconds);
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
