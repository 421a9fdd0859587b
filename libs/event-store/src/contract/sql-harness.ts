/** Test support for the SQL adapters: throwaway PostgreSQL databases, temp PGlite dirs, held-open appends. */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { chainEvents, prepareEvents, type StreamHead } from '../append-support';
import { createEventStore, type EventStoreHandles } from '../create-event-store';
import type { EventToAppend } from '../event-store.port';
import { DEFAULT_DATABASE_URL } from '../sql/pg-database';
import type { SqlDatabase, SqlExecutor } from '../sql/sql-database';
import { buildAppendStatement } from '../sql/sql-event-store';
import type { EventStoreHarness } from './event-store.contract';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export interface ThrowawayDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/**
 * Creates a fresh database `<prefix>_<random>` on the server of DATABASE_URL (default
 * postgres://postgres@127.0.0.1:5432/postgres). Throws when the server is unreachable: tests must fail, not skip.
 */
export async function createThrowawayDatabase(prefix = 'es_contract'): Promise<ThrowawayDatabase> {
  const adminUrl = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: adminUrl, connectionTimeoutMillis: 5000 });
  try {
    await admin.connect();
  } catch (e) {
    throw new Error(`PostgreSQL is not reachable at ${adminUrl.replace(/:[^:@/]*@/, ':***@')}: ${(e as Error).message}`);
  }
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    name,
    async drop() {
      const c = new Client({ connectionString: adminUrl, connectionTimeoutMillis: 5000 });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

export function makeTempDir(prefix = 'es-contract-'): { dir: string; remove(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** Locks (creating if needed) the stream row on `tx`, then appends through es_append: the store's own SQL path. */
export async function appendOn(tx: SqlExecutor, stream: string, events: EventToAppend[]): Promise<void> {
  await tx.query(`INSERT INTO es_streams (stream_id) VALUES ($1) ON CONFLICT (stream_id) DO NOTHING`, [stream]);
  const { rows } = await tx.query<{ revision: number | string; last_hash: string | null }>(
    `SELECT revision, last_hash FROM es_streams WHERE stream_id = $1 FOR UPDATE`,
    [stream],
  );
  const head: StreamHead = { revision: Number(rows[0].revision), hash: rows[0].last_hash };
  const prepared = prepareEvents(stream, events);
  const chained = chainEvents(stream, prepared, head, new Date().toISOString());
  const { sql, params } = buildAppendStatement(stream, chained, 'any', head, events.some((e) => e.eventId !== undefined));
  await tx.query(sql, params);
}

/**
 * PostgreSQL: a raw pg client (outside the store's pool) runs BEGIN, the append, waits `holdMs`, COMMIT.
 * PGlite: the same inside db.transaction() (the only connection, so everything else queues behind it).
 */
export function holdOpenAppend(
  db: SqlDatabase,
  url: string | null,
  stream: string,
  events: EventToAppend[],
  holdMs: number,
): { inserted: Promise<void>; committed: Promise<void> } {
  let markInserted!: () => void;
  let failInserted!: (e: unknown) => void;
  const inserted = new Promise<void>((res, rej) => {
    markInserted = res;
    failInserted = rej;
  });
  const committed = (async () => {
    try {
      if (url) {
        const client = new Client({ connectionString: url });
        await client.connect();
        try {
          await client.query('BEGIN');
          await appendOn({ query: async (sql, params) => {
            const r = await client.query(sql, params as unknown[]);
            return { rows: r.rows, rowCount: r.rowCount ?? 0 };
          } }, stream, events);
          markInserted();
          await sleep(holdMs);
          await client.query('COMMIT');
        } catch (e) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw e;
        } finally {
          await client.end();
        }
      } else {
        await db.transaction(async (tx) => {
          await appendOn(tx, stream, events);
          markInserted();
          await sleep(holdMs);
        });
      }
    } catch (e) {
      failInserted(e);
      throw e;
    }
  })();
  committed.catch(() => undefined);
  return { inserted, committed };
}

/** A contract harness over createEventStore() for 'embedded' (temp data dir) or 'postgres' (throwaway database). */
export async function createSqlHarness(kind: 'embedded' | 'postgres'): Promise<EventStoreHarness & { handles(): EventStoreHandles; url: string | null }> {
  const temp = kind === 'embedded' ? makeTempDir() : null;
  const pgdb = kind === 'postgres' ? await createThrowawayDatabase() : null;
  const open = () =>
    createEventStore(kind === 'embedded' ? { kind, dataDir: temp!.dir } : { kind, databaseUrl: pgdb!.url, poolSize: 10 });
  let handles = await open();
  const harness = {
    store: handles.store,
    url: pgdb?.url ?? null,
    concurrentTransactions: kind === 'postgres',
    handles: () => handles,
    async restart() {
      await handles.close();
      handles = await open();
      harness.store = handles.store;
    },
    async close() {
      await handles.close().catch(() => undefined);
      await pgdb?.drop();
      temp?.remove();
    },
    holdOpenAppend(stream: string, events: EventToAppend[], holdMs: number) {
      return holdOpenAppend(handles.db, pgdb?.url ?? null, stream, events, holdMs);
    },
  };
  return harness;
}
