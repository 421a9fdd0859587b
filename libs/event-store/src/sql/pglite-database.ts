import { AsyncLocalStorage } from 'node:async_hooks';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { PGlite, Transaction } from '@electric-sql/pglite';
import { lockDataDir } from './pglite-data-dir';
import { durableStartParams, fsyncTree, patchNodeFsFsync, type EmscriptenNodeFs } from './pglite-fsync';
import { loadNodeFs, loadPglite, type PgliteFilesystem } from './pglite-loader';
import { normalizeError, PARSERS, toResult } from './pglite-results';
import type { QueryResult, SessionLock, SqlDatabase, SqlExecutor } from './sql-database';

export { PgliteQueryError } from './pglite-results';

export interface PgliteDatabaseOptions {
  /**
   * Directory holding the database files (created when missing). Undefined: an in-memory database that is
   * gone on close. Only one PgliteDatabase may have a directory open at a time, in this process or any other
   * (a `<dataDir>.lock` file holding the owner's pid guards against a second process corrupting it).
   */
  dataDir?: string;
  /**
   * With a dataDir: flush every commit to disk (fsync at commit, see durableStartParams). Default true; false
   * (EMBEDDED_FSYNC=false) keeps PGlite's own fsync=off: an acknowledged write then survives a killed process
   * but not a power cut or a kernel crash. Ignored in memory.
   */
  fsync?: boolean;
}

/** What the embedded database does to make commits durable (reported by health and used by tests). */
export interface PgliteDurability {
  /** Commits are flushed to disk before they are acknowledged. */
  readonly fsync: boolean;
  /** Host fsync(2) calls made so far by PostgreSQL through the patched NODEFS. */
  readonly hostFsyncCalls: number;
}

/** Thrown instead of dead-locking when code inside `transaction()` calls the outer database. */
export class PgliteReentrancyError extends Error {
  constructor(method: string) {
    super(
      `PgliteDatabase.${method}() was called from inside a running transaction on the same database. PGlite has a single ` +
        `connection and serialises transactions, so this would wait for itself forever: use the transaction's executor (tx.query).`,
    );
    this.name = 'PgliteReentrancyError';
  }
}

const ISOLATION_SQL = {
  'read committed': 'READ COMMITTED',
  'repeatable read': 'REPEATABLE READ',
  serializable: 'SERIALIZABLE',
} as const;

interface TxContext {
  db: PgliteDatabase;
  active: boolean;
}
const txContext = new AsyncLocalStorage<TxContext>();


/**
 * SqlDatabase over PGlite (PostgreSQL compiled to WASM, running in this process on ONE connection).
 *
 * Serialization: PGlite (0.5.x) funnels `query()`, `exec()`, `listen()` and `transaction()` through one
 * transaction mutex, and the statements inside a transaction through a query mutex. So a query issued from
 * outside a running transaction waits until that transaction committed or rolled back; it never interleaves
 * with it (the spec `pglite-database.spec.ts` pins this down). The flip side: calling the *outer* database
 * from inside `transaction()` would wait for itself; that is detected (AsyncLocalStorage) and thrown as
 * {@link PgliteReentrancyError}.
 *
 * `query` without parameters may contain several statements (like node-postgres's simple protocol); the
 * last statement's result is returned. Result types are aligned with PgDatabase (see type-parsers.ts).
 * `tryAcquireLock` is an in-process lock; `listen` uses PGlite's LISTEN/NOTIFY.
 */
export class PgliteDatabase implements SqlDatabase {
  readonly kind = 'pglite' as const;
  private readonly locks = new Set<string>();
  private closed = false;

  private constructor(
    readonly pglite: PGlite,
    readonly dataDir: string | undefined,
    private readonly unlockDir: (() => void) | null,
    private readonly syncStats: { fsync: boolean; calls: number },
  ) {}

  get durability(): PgliteDurability {
    const stats = this.syncStats;
    return {
      fsync: stats.fsync,
      get hostFsyncCalls() {
        return stats.calls;
      },
    };
  }

  static async create(options: PgliteDatabaseOptions = {}): Promise<PgliteDatabase> {
    const dataDir = options.dataDir ? path.resolve(options.dataDir) : undefined;
    let unlock: (() => void) | null = null;
    const stats = { fsync: Boolean(dataDir) && options.fsync !== false, calls: 0 };
    if (dataDir) {
      fs.mkdirSync(path.dirname(dataDir), { recursive: true });
      unlock = lockDataDir(dataDir);
    }
    try {
      const { PGlite } = loadPglite();
      let pglite: PGlite;
      if (dataDir && stats.fsync) {
        const fresh = !fs.existsSync(path.join(dataDir, 'PG_VERSION'));
        const { NodeFS } = loadNodeFs();
        class DurableNodeFS extends NodeFS {
          override async init(pg: PGlite, opts: Record<string, unknown>) {
            const r = await super.init(pg, opts);
            const preRun = [(mod: { NODEFS: EmscriptenNodeFs }) => patchNodeFsFsync(mod.NODEFS, () => void stats.calls++), ...(r.emscriptenOpts.preRun ?? [])];
            return { emscriptenOpts: { ...r.emscriptenOpts, preRun } };
          }
        }
        const defaults = (PGlite as unknown as { defaultStartParams: string[] }).defaultStartParams;
        pglite = await PGlite.create({ fs: new DurableNodeFS(dataDir) as unknown as PgliteFilesystem, parsers: PARSERS, startParams: durableStartParams(defaults) });
        if (fresh) {
          await pglite.exec('CHECKPOINT');
          fsyncTree(dataDir);
        }
      } else {
        pglite = await PGlite.create(dataDir, { parsers: PARSERS });
      }
      return new PgliteDatabase(pglite, dataDir, unlock, stats);
    } catch (err) {
      unlock?.();
      throw normalizeError(err);
    }
  }

  private assertOutsideTransaction(method: string) {
    const ctx = txContext.getStore();
    if (ctx && ctx.active && ctx.db === this) throw new PgliteReentrancyError(method);
    if (this.closed) throw new Error('PgliteDatabase is closed');
  }

  private static async run<T>(target: PGlite | Transaction, sql: string, params?: unknown[]): Promise<QueryResult<T>> {
    try {
      if (!params || params.length === 0) {
        const results = await target.exec(sql);
        return toResult<T>(results[results.length - 1]);
      }
      return toResult<T>(await target.query<T>(sql, params));
    } catch (e) {
      throw normalizeError(e);
    }
  }

  async query<T = Record<string, any>>(sql: string, params?: unknown[]): Promise<QueryResult<T>> {
    this.assertOutsideTransaction('query');
    return PgliteDatabase.run<T>(this.pglite, sql, params);
  }

  async transaction<T>(
    fn: (tx: SqlExecutor) => Promise<T>,
    options?: { isolation?: 'read committed' | 'repeatable read' | 'serializable' },
  ): Promise<T> {
    this.assertOutsideTransaction('transaction');
    return this.pglite.transaction(async (t: Transaction) => {
      const ctx: TxContext = { db: this, active: true };
      const tx: SqlExecutor = {
        query: async <R = Record<string, any>>(sql: string, params?: unknown[]) => {
          if (!ctx.active) throw new Error('This transaction has already finished; use the executor only inside its callback');
          return PgliteDatabase.run<R>(t, sql, params);
        },
      };
      try {
        if (options?.isolation) await PgliteDatabase.run(t, `SET TRANSACTION ISOLATION LEVEL ${ISOLATION_SQL[options.isolation]}`);
        return await txContext.run(ctx, () => fn(tx));
      } finally {
        ctx.active = false;
      }
    }).catch((e: unknown) => {
      throw normalizeError(e);
    });
  }

  async tryAcquireLock(key: string): Promise<SessionLock | null> {
    if (this.closed) throw new Error('PgliteDatabase is closed');
    if (this.locks.has(key)) return null;
    this.locks.add(key);
    let released = false;
    const locks = this.locks;
    return {
      get held() {
        return !released;
      },
      // One process holds the only connection: the lock lives as long as this object is not released.
      verify: async () => !released && !this.closed,
      async release() {
        if (released) return;
        released = true;
        locks.delete(key);
      },
    };
  }

  async listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>> {
    this.assertOutsideTransaction('listen');
    const unlisten = await this.pglite.listen(channel, (payload: string) => {
      try {
        onNotify(payload);
      } catch {
        // never let a listener break PGlite's notification dispatch
      }
    });
    let done = false;
    return async () => {
      if (done || this.closed) return;
      done = true;
      await unlisten();
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.pglite.close();
    } finally {
      this.unlockDir?.();
    }
  }
}
