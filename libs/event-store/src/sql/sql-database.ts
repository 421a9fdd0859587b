/**
 * The SQL database shared by the PostgreSQL-family event stores and by everything else that keeps
 * tables (read models, projection checkpoints, idempotency records, the audit Merkle log).
 * Implemented over a `pg` Pool (server) and over PGlite (embedded: one in-process instance per data dir,
 * so event store and read models MUST share it).
 */
export interface QueryResult<T> {
  rows: T[];
  rowCount: number;
}

/**
 * `name`: a fixed, hot statement may be prepared once per connection under this name (pg: a named prepared
 * statement, so the server parses and plans it once per connection, not per call). The same name must always
 * go with the same SQL text. Ignored where it does not apply (PGlite, wrappers).
 */
export interface QueryOptions {
  name?: string;
}

export interface SqlExecutor {
  query<T = Record<string, any>>(sql: string, params?: unknown[], options?: QueryOptions): Promise<QueryResult<T>>;
}

/** A session-level lock (see SqlDatabase.tryAcquireLock). */
export interface SessionLock {
  release(): Promise<void>;
  /** False once released or once its connection was known to be lost (a cached flag: use verify() before acting). */
  readonly held: boolean;
  /**
   * Asks the lock's own session whether it still holds the lock (pg: a query on the lock connection; false when
   * that connection is gone, since PostgreSQL then released the lock). Leaders call this before each unit of work.
   */
  verify(): Promise<boolean>;
}

export interface SqlDatabase extends SqlExecutor {
  readonly kind: 'pglite' | 'pg';
  /** Runs fn in one transaction (BEGIN … COMMIT, ROLLBACK on throw). */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>, options?: { isolation?: 'read committed' | 'repeatable read' | 'serializable' }): Promise<T>;
  /**
   * Tries to take a session-level lock (pg_try_advisory_lock on a dedicated connection) that is held
   * until release() or until this process dies. Returns null when another holder has it.
   * On PGlite (single process) it is an in-process lock.
   */
  tryAcquireLock(key: string): Promise<SessionLock | null>;
  /** Subscribe to NOTIFY on a channel (pg: LISTEN on a dedicated connection; PGlite: its listen()). */
  listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}
