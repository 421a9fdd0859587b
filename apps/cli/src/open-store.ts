import * as path from 'node:path';
import { createEventStore, type EventStoreHandles } from '@app/event-store';
import { loadConfig, type AppConfig } from '@app/config';

/** Opens the configured event store and database (same settings as the service). */
export async function openStore(): Promise<{ config: AppConfig; handles: EventStoreHandles }> {
  const config = loadConfig();
  const handles = await createEventStore({
    kind: config.EVENT_STORE,
    dataDir: path.resolve(config.DATA_DIR),
    databaseUrl: config.DATABASE_URL,
    esdbConnectionString: config.EVENTSTORE_CONNECTION_STRING,
    embeddedFsync: config.EMBEDDED_FSYNC,
  });
  return { config, handles };
}
