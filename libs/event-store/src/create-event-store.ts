import * as path from 'node:path';
import { EsdbEventStore } from './esdb/esdb-event-store';
import type { EventStore } from './event-store.port';
import { PgDatabase } from './sql/pg-database';
import { PgliteDatabase } from './sql/pglite-database';
import type { SqlDatabase } from './sql/sql-database';
import { SqlEventStore } from './sql/sql-event-store';

export type EventStoreKind = 'embedded' | 'postgres' | 'esdb';

export interface EventStoreConfig {
  /** EVENT_STORE: 'embedded' (PGlite, default), 'postgres', 'esdb'. */
  kind?: EventStoreKind;
  /**
   * DATA_DIR: embedded keeps its PGlite files in `<dataDir>/pglite` (also used for esdb's read models when no
   * databaseUrl is given). Undefined: an in-memory PGlite (gone on close; for tests).
   */
  dataDir?: string;
  /** DATABASE_URL: the PostgreSQL server for 'postgres'; for 'esdb' the read-model database if set. */
  databaseUrl?: string;
  /** EVENTSTORE_CONNECTION_STRING for 'esdb'. */
  esdbConnectionString?: string;
  /** pg pool size. */
  poolSize?: number;
  /** pg: called when a connection is lost (for logs/metrics); the pool reconnects by itself. */
  onConnectionError?: (err: Error, where: 'pool' | 'client' | 'lock' | 'listen') => void;
  /**
   * EMBEDDED_FSYNC: PGlite (embedded, and esdb's embedded read models) flushes every commit to disk before
   * acknowledging it. Default true; false trades power-cut durability for write latency (see BENCHMARKS.md).
   */
  embeddedFsync?: boolean;
}

export interface EventStoreHandles {
  store: EventStore;
  /** The SQL database of everything else (read models, checkpoints, idempotency keys, audit log). */
  db: SqlDatabase;
  /** Closes the store, then the database. */
  close(): Promise<void>;
}

function parseBool(name: string, v: string | undefined, def: boolean): boolean {
  if (v === undefined || v === '') return def;
  const t = v.trim().toLowerCase();
  if (t === 'true') return true;
  if (t === 'false') return false;
  throw new Error(`${name} must be true or false (got "${v}")`);
}

/** Reads EVENT_STORE, DATA_DIR (default ./data), DATABASE_URL, EVENTSTORE_CONNECTION_STRING, EMBEDDED_FSYNC (default true). */
export function eventStoreConfigFromEnv(env: NodeJS.ProcessEnv = process.env): EventStoreConfig {
  const kind = (env.EVENT_STORE ?? 'embedded').trim().toLowerCase();
  if (kind !== 'embedded' && kind !== 'postgres' && kind !== 'esdb') {
    throw new Error(`EVENT_STORE must be embedded, postgres or esdb (got "${env.EVENT_STORE}")`);
  }
  return {
    kind,
    dataDir: path.resolve(env.DATA_DIR || './data'),
    databaseUrl: env.DATABASE_URL || undefined,
    esdbConnectionString: env.EVENTSTORE_CONNECTION_STRING || undefined,
    embeddedFsync: parseBool('EMBEDDED_FSYNC', env.EMBEDDED_FSYNC, true),
  };
}

/**
 * Creates and initialises (migrates) the event store and the SQL database the rest of the app uses.
 *  - embedded: one PgliteDatabase at `<dataDir>/pglite`, shared by the store and the read models (PGlite
 *    is single-process, so they must share it);
 *  - postgres: one PgDatabase (pool) at databaseUrl, shared likewise;
 *  - esdb: EsdbEventStore; read models on PgDatabase(databaseUrl) if set, else embedded PGlite.
 */
export async function createEventStore(config: EventStoreConfig = eventStoreConfigFromEnv()): Promise<EventStoreHandles> {
  const kind = config.kind ?? 'embedded';
  const pgliteDir = config.dataDir ? path.join(config.dataDir, 'pglite') : undefined;
  let db: SqlDatabase;
  let store: EventStore;
  switch (kind) {
    case 'embedded':
      db = await PgliteDatabase.create({ dataDir: pgliteDir, fsync: config.embeddedFsync !== false });
      store = new SqlEventStore(db, { kind: 'embedded' });
      break;
    case 'postgres':
      if (!config.databaseUrl) throw new Error("EVENT_STORE=postgres needs DATABASE_URL");
      db = new PgDatabase({ url: config.databaseUrl, max: config.poolSize, onConnectionError: config.onConnectionError });
      store = new SqlEventStore(db, { kind: 'postgres' });
      break;
    case 'esdb':
      if (!config.esdbConnectionString) throw new Error('EVENT_STORE=esdb needs EVENTSTORE_CONNECTION_STRING');
      db = config.databaseUrl ? new PgDatabase({ url: config.databaseUrl, max: config.poolSize, onConnectionError: config.onConnectionError }) : await PgliteDatabase.create({ dataDir: pgliteDir, fsync: config.embeddedFsync !== false });
      store = new EsdbEventStore({ connectionString: config.esdbConnectionString });
      break;
    default:
      throw new Error(`Unknown event store kind: ${String(kind)}`);
  }
  try {
    await store.init();
  } catch (err) {
    await store.close().catch(() => undefined);
    await db.close().catch(() => undefined);
    throw err;
  }
  return {
    store,
    db,
    async close() {
      await store.close();
      await db.close();
    },
  };
}
