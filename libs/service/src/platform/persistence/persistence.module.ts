import { DynamicModule, Global, Inject, Injectable, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import * as path from 'node:path';
import { createEventStore, EVENT_STORE, type EventStore, type SqlDatabase } from '@app/event-store';
import type { AppConfig } from '@app/config';
import { SQL_DB } from './tokens';
import { Metrics } from '../metrics/metrics';

/** Closes the store and the database last, after the HTTP server and background workers stopped. */
@Injectable()
class PersistenceLifecycle implements OnApplicationShutdown {
  private readonly logger = new Logger('persistence');
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(SQL_DB) private readonly db: SqlDatabase,
  ) {}
  async onApplicationShutdown(): Promise<void> {
    await this.store.close().catch((e) => this.logger.error(e));
    await this.db.close().catch(() => undefined);
    this.logger.log('event store and database closed');
  }
}

@Global()
@Module({})
export class PersistenceModule {
  static forRoot(config: AppConfig): DynamicModule {
    const handles = {
      provide: 'PERSISTENCE_HANDLES',
      inject: [Metrics],
      useFactory: async (metrics: Metrics) => {
        const logger = new Logger('database');
        const { store, db } = await createEventStore({
          onConnectionError: (err, where) => {
            metrics.dbConnectionErrors.inc({ where });
            logger.warn({ err: { message: err.message, code: (err as { code?: string }).code }, where }, 'database connection lost; reconnecting');
          },
          kind: config.EVENT_STORE,
          dataDir: path.resolve(config.DATA_DIR),
          databaseUrl: config.DATABASE_URL,
          esdbConnectionString: config.EVENTSTORE_CONNECTION_STRING,
          embeddedFsync: config.EMBEDDED_FSYNC,
        });
        return { store, db };
      },
    };
    return {
      module: PersistenceModule,
      providers: [
        handles,
        { provide: EVENT_STORE, useFactory: (h: { store: EventStore }) => h.store, inject: ['PERSISTENCE_HANDLES'] },
        { provide: SQL_DB, useFactory: (h: { db: SqlDatabase }) => h.db, inject: ['PERSISTENCE_HANDLES'] },
        PersistenceLifecycle,
      ],
      exports: [EVENT_STORE, SQL_DB],
    };
  }
}
