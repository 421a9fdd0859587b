import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { isDomainError } from '@app/domain';
import { EVENT_STORE, type EventStore, type RecordedEvent, type SqlDatabase } from '@app/event-store';
import { ProjectionRunner, type Projection } from '@app/projections';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { Metrics } from '../../platform/metrics/metrics';
import { SQL_DB } from '../../platform/persistence/tokens';
import { DisputeOrderReactions } from './order-reactions';

export const DISPUTE_REACTIONS = 'dispute_reactions';

/**
 * Runs the dispute's reactions to order events from the event log: a catch-up subscription with a durable
 * checkpoint (`dispute_reactions`, one leader across instances: the same runner the read models and the
 * webhook fan-out use). A batch's reactions run before its checkpoint moves, so a crash between an order fact
 * and its reaction only means the reaction runs when the subscription resumes; since reactions are idempotent,
 * running one the order handler already ran inline (or running a batch again) records nothing new.
 * A reaction the domain refuses is logged and skipped (it would be refused again); an infrastructure error
 * fails the batch, which the runner retries from the checkpoint.
 */
@Injectable()
export class DisputeReactionsSubscription implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('reactions');
  readonly runner: ProjectionRunner;

  constructor(
    @Inject(EVENT_STORE) store: EventStore,
    @Inject(SQL_DB) db: SqlDatabase,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    metrics: Metrics,
    private readonly reactions: DisputeOrderReactions,
  ) {
    const projection: Projection = {
      name: DISPUTE_REACTIONS,
      tables: [],
      ddl: [],
      // Outside the checkpoint's transaction (the embedded store has one connection): the commands append.
      prepare: (events) => this.run(events),
      apply: async () => undefined,
    };
    this.runner = new ProjectionRunner(
      store,
      db,
      [projection],
      {
        info: (o, m) => this.logger.log({ ...o }, m),
        warn: (o, m) => this.logger.warn({ ...o }, m),
        error: (o, m) => this.logger.error({ ...o }, m),
      },
      { batchSize: 200, maxAttempts: config.PROJECTION_MAX_ATTEMPTS, onApplyFailure: (p) => metrics.projectionApplyFailures.inc({ projection: p }) },
    );
  }

  private async run(events: readonly RecordedEvent[]): Promise<void> {
    for (const e of events.filter(DisputeOrderReactions.concerns)) {
      try {
        await this.reactions.react([e]);
      } catch (err) {
        if (!isDomainError(err)) throw err;
        this.logger.warn({ err, eventId: e.eventId, stream: e.stream }, 'reaction refused by the domain; skipped');
      }
    }
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.runner.migrate();
    if (this.config.RUN_BACKGROUND) await this.runner.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.runner.stop();
  }
}
