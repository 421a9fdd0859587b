import { Client, Pool, types as pgTypes, type ClientConfig, type CustomTypesConfig, type PoolConfig, type QueryResult as PgQueryResult } from 'pg';
import type { QueryOptions, QueryResult, SessionLock, SqlDatabase, SqlExecutor } from './sql-database';
import { TEXT_PARSERS } from './type-parsers';

export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

export interface PgDatabaseOptions {
  /** Connection string; default DATABASE_URL from the environment. */
  url?: string;
  /** Pool size (default 10). */
  max?: number;
  applicationName?: string;
  /** Extra pg.Pool settings (merged last). */
  pool?: Omit<PoolConfig, 'connectionString' | 'types'>;
  /** How long to wait for a new connection before failing the statement (default 5000 ms). */
  connectionTimeoutMs?: number;
  /** Called when a connection (pooled, checked out, lock session or LISTEN) is lost; for logs and metrics. */
  onConnectionError?: (err: Error, where: 'pool' | 'client' | 'lock' | 'listen') => void;
}

/** A session-level advisory lock held on its own connection. */
export type HeldLock = SessionLock;

const customTypes: CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    const parser = format !== 'binary' ? TEXT_PARSERS[oid] : undefined;
    return parser ?? pgTypes.getTypeParser(oid, format as 'text');
  }) as CustomTypesConfig['getTypeParser'],
};

function toResult<T>(r: PgQueryResult | PgQueryResult[]): QueryResult<T> {
  const last = Array.isArray(r) ? r[r.length - 1] : r;
  if (!last) return { rows: [], rowCount: 0 };
  return { rows: last.rows as T[], rowCount: last.rowCount ?? 0 };
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

const ISOLATION_SQL = {
  'read committed': 'READ COMMITTED',
  'repeatable read': 'REPEATABLE READ',
  serializable: 'SERIALIZABLE',
} as const;

/**
 * SqlDatabase over a `pg` Pool (PostgreSQL server).
 *  - `query` without parameters may contain several statements (simple protocol); the last result is returned.
 *    With `options.name` it is a named prepared statement (parsed and planned once per pooled connection).
 *  - `transaction` pins one pooled connection for BEGIN … COMMIT.
 *  - `tryAcquireLock` keeps `pg_try_advisory_lock(hashtext(key))` on a dedicated connection until release().
 *  - `listen` shares one dedicated LISTEN connection per database, reconnecting with back-off when it drops
 *    (after a reconnect every listener is called once with an empty payload, since notifications may be lost).
 */
export class PgDatabase implements SqlDatabase {
  readonly kind = 'pg' as const;
  readonly pool: Pool;
  private readonly clientConfig: ClientConfig;
  private readonly lockClients = new Set<Client>();
  private listener: PgListener | null = null;
  private closed = false;

  constructor(options: PgDatabaseOptions | string = {}) {
    const opts: PgDatabaseOptions = typeof options === 'string' ? { url: options } : options;
    const url = opts.url ?? process.env.DATABASE_URL;
    if (!url) throw new Error('PgDatabase needs a connection string (options.url or DATABASE_URL)');
    this.clientConfig = {
      connectionString: url,
      types: customTypes,
      application_name: opts.applicationName,
      connectionTimeoutMillis: opts.connectionTimeoutMs ?? 5000,
      keepAlive: true,
    };
    const report = opts.onConnectionError ?? (() => undefined);
    this.report = (err, where) => {
      try {
        report(err, where);
      } catch {
        // a reporting failure must not turn a handled fault into a crash
      }
    };
    this.pool = new Pool({ ...this.clientConfig, max: opts.max ?? 10, ...opts.pool });
    // An idle pooled client that loses its connection emits 'error' on the pool; without a handler the
    // process would crash. The pool discards that client; the next query opens a new connection.
    this.pool.on('error', (err) => this.report(err, 'pool'));
    // A CHECKED-OUT client (e.g. inside a transaction, between two statements) that loses its connection
    // emits 'error' on itself, where the pool no longer listens: without this handler the process would end
    // ("Unhandled 'error' event"). The client is then unusable: its next query rejects, the transaction's
    // ROLLBACK fails and release(err) destroys it, so the pool opens a fresh connection next time.
    this.pool.on('connect', (client) => {
      client.on('error', (err) => this.report(err, 'client'));
    });
  }

  private readonly report: (err: Error, where: 'pool' | 'client' | 'lock' | 'listen') => void;

  async query<T = Record<string, any>>(sql: string, params?: unknown[], options?: QueryOptions): Promise<QueryResult<T>> {
    if (options?.name) return toResult<T>(await this.pool.query({ name: options.name, text: sql, values: (params ?? []) as unknown[] }));
    return toResult<T>(await this.pool.query(sql, params as unknown[]));
  }

  async transaction<T>(
    fn: (tx: SqlExecutor) => Promise<T>,
    options?: { isolation?: 'read committed' | 'repeatable read' | 'serializable' },
  ): Promise<T> {
    const client = await this.pool.connect();
    let finished = false;
    const tx: SqlExecutor = {
      query: async <R = Record<string, any>>(sql: string, params?: unknown[], options?: QueryOptions) => {
        if (finished) throw new Error('This transaction has already finished; use the executor only inside its callback');
        if (options?.name) return toResult<R>(await client.query({ name: options.name, text: sql, values: (params ?? []) as unknown[] }));
        return toResult<R>(await client.query(sql, params as unknown[]));
      },
    };
    try {
      await client.query(options?.isolation ? `BEGIN ISOLATION LEVEL ${ISOLATION_SQL[options.isolation]}` : 'BEGIN');
      const result = await fn(tx);
      await client.query('COMMIT');
      finished = true;
      client.release();
      return result;
    } catch (err) {
      finished = true;
      try {
        await client.query('ROLLBACK');
        client.release();
      } catch (rollbackErr) {
        client.release(rollbackErr as Error); // destroy the broken connection
      }
      throw err;
    }
  }

  async tryAcquireLock(key: string): Promise<HeldLock | null> {
    if (this.closed) throw new Error('PgDatabase is closed');
    const client = new Client(this.clientConfig);
    let held = false;
    let lost = false;
    client.on('error', (err) => {
      held = false; // connection lost: the server released the session lock
      lost = true;
      this.report(err, 'lock');
    });
    client.on('end', () => {
      held = false;
      lost = true;
    });
    await client.connect();
    try {
      const r = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS ok', [key]);
      held = r.rows[0]?.ok === true;
    } catch (err) {
      await client.end().catch(() => undefined);
      throw err;
    }
    if (!held) {
      await client.end().catch(() => undefined);
      return null;
    }
    this.lockClients.add(client);
    const lockClients = this.lockClients;
    let released = false;
    return {
      get held() {
        return held && !released;
      },
      async verify() {
        if (released || lost || !held) return false;
        try {
          // Ask the session itself: a terminated backend fails this query; a live one lists its advisory lock.
          const r = await client.query<{ n: number }>({
            name: 'lock_verify',
            text: `SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND granted AND pid = pg_backend_pid()`,
          });
          const ok = (r.rows[0]?.n ?? 0) > 0;
          if (!ok) held = false;
          return ok && !released;
        } catch {
          held = false;
          return false;
        }
      },
      async release() {
        if (released) return;
        released = true;
        held = false;
        lockClients.delete(client);
        try {
          await client.query('SELECT pg_advisory_unlock(hashtext($1))', [key]);
        } catch {
          // the connection is gone, and with it the lock
        } finally {
          await client.end().catch(() => undefined);
        }
      },
    };
  }

  async listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>> {
    if (this.closed) throw new Error('PgDatabase is closed');
    if (!this.listener) this.listener = new PgListener(this.clientConfig, (err) => this.report(err, 'listen'));
    return this.listener.add(channel, onNotify);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.listener?.close();
    this.listener = null;
    await Promise.all([...this.lockClients].map((c) => c.end().catch(() => undefined)));
    this.lockClients.clear();
    await this.pool.end();
  }
}

/** One LISTEN connection shared by every listener of a PgDatabase. */
class PgListener {
  private readonly channels = new Map<string, Set<(payload: string) => void>>();
  private client: Client | null = null;
  private connecting: Promise<Client> | null = null;
  private closed = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private retryDelayMs = 100;

  constructor(
    private readonly config: ClientConfig,
    private readonly report: (err: Error) => void,
  ) {}

  async add(channel: string, cb: (payload: string) => void): Promise<() => Promise<void>> {
    let set = this.channels.get(channel);
    const isNew = !set;
    if (!set) this.channels.set(channel, (set = new Set()));
    set.add(cb);
    try {
      const client = await this.connect();
      if (isNew) await client.query(`LISTEN ${quoteIdent(channel)}`);
    } catch (err) {
      set.delete(cb);
      if (set.size === 0) this.channels.delete(channel);
      throw err;
    }
    let removed = false;
    return async () => {
      if (removed) return;
      removed = true;
      const s = this.channels.get(channel);
      s?.delete(cb);
      if (s && s.size === 0) {
        this.channels.delete(channel);
        await this.client?.query(`UNLISTEN ${quoteIdent(channel)}`).catch(() => undefined);
      }
      if (this.channels.size === 0) await this.close();
    };
  }

  private connect(): Promise<Client> {
    if (this.client) return Promise.resolve(this.client);
    if (!this.connecting) {
      this.closed = false;
      this.connecting = (async () => {
        const client = new Client(this.config);
        client.on('notification', (msg) => this.dispatch(msg.channel, msg.payload ?? ''));
        const onDrop = () => this.dropped(client);
        client.on('error', (err) => {
          this.report(err);
          onDrop();
        });
        client.on('end', onDrop);
        try {
          await client.connect();
          for (const ch of this.channels.keys()) await client.query(`LISTEN ${quoteIdent(ch)}`);
        } catch (err) {
          client.removeAllListeners('end');
          await client.end().catch(() => undefined);
          throw err;
        }
        this.client = client;
        this.retryDelayMs = 100;
        return client;
      })().finally(() => {
        this.connecting = null;
      });
    }
    return this.connecting;
  }

  private dispatch(channel: string, payload: string) {
    for (const cb of this.channels.get(channel) ?? []) {
      try {
        cb(payload);
      } catch {
        // a listener's failure must not break the connection's event handling
      }
    }
  }

  private dropped(client: Client) {
    if (this.client !== client) return;
    this.client = null;
    client.removeAllListeners('end');
    client.end().catch(() => undefined);
    if (this.closed || this.channels.size === 0) return;
    const reconnect = () => {
      this.retryTimer = null;
      if (this.closed || this.channels.size === 0) return;
      this.connect().then(
        () => {
          // Notifications sent while we were away are lost: wake everyone once.
          for (const ch of this.channels.keys()) this.dispatch(ch, '');
        },
        () => {
          this.retryDelayMs = Math.min(this.retryDelayMs * 2, 5000);
          this.retryTimer = setTimeout(reconnect, this.retryDelayMs);
          this.retryTimer.unref();
        },
      );
    };
    this.retryTimer = setTimeout(reconnect, this.retryDelayMs);
    this.retryTimer.unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const pending = this.connecting;
    const client = this.client ?? (pending ? await pending.catch(() => null) : null);
    this.client = null;
    if (client) {
      client.removeAllListeners('end');
      await client.end().catch(() => undefined);
    }
  }
}
