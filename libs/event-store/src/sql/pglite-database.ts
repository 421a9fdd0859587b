import { AsyncLocalStorage } from 'node:async_hooks';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { PGlite, PGliteOptions, Results, Transaction } from '@electric-sql/pglite';
import type { QueryResult, SessionLock, SqlDatabase, SqlExecutor } from './sql-database';
import { OID, parseDate, parseInt8, parseTimestampUtc } from './type-parsers';

type PgliteModule = typeof import('@electric-sql/pglite');
/** PGlite's NodeFS (the `@electric-sql/pglite/nodefs` export; typed here, the package's types need node16 resolution). */
type PgliteFilesystem = NonNullable<PGliteOptions['fs']>;
interface NodeFsInstance {
  init(pg: PGlite, opts: Record<string, unknown>): Promise<{ emscriptenOpts: Record<string, unknown> & { preRun?: unknown[] } }>;
}
type NodeFsModule = { NodeFS: new (dataDir: string) => NodeFsInstance };
let pgliteModule: PgliteModule | null = null;
let nodeFsModule: NodeFsModule | null = null;

/** Node's own require (see loadPglite). */
function nodeRequire(): NodeRequire {
  const getBuiltinModule = (process as unknown as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule;
  if (typeof getBuiltinModule === 'function') {
    const { createRequire } = getBuiltinModule('node:module') as typeof import('node:module');
    return createRequire(__filename);
  }
  return require;
}

/**
 * Loads PGlite with Node's own `require`, not the one of the module system we run in. PGlite's WASM loader
 * uses dynamic `import()` of Node built-ins, which Jest's sandbox refuses ("A dynamic import callback was
 * invoked without --experimental-vm-modules"); Node's loader has no such limit. Outside Jest this is the
 * same as a plain require. Consequence inside Jest: PGlite's objects come from Node's main realm, so
 * PgliteDatabase re-creates rows, parsed values and errors in the caller's realm (see below), keeping
 * `instanceof Date/Error` and toStrictEqual working in tests.
 */
function loadPglite(): PgliteModule {
  if (pgliteModule) return pgliteModule;
  pgliteModule = nodeRequire()('@electric-sql/pglite') as PgliteModule;
  return pgliteModule;
}

function loadNodeFs(): NodeFsModule {
  if (nodeFsModule) return nodeFsModule;
  nodeFsModule = nodeRequire()('@electric-sql/pglite/nodefs') as NodeFsModule;
  return nodeFsModule;
}

/** The parts of Emscripten's NODEFS (inside PGlite's module) that durability needs. */
interface EmscriptenNodeFs {
  stream_ops: Record<string, unknown>;
  realPath(node: unknown): string;
  tryFSOperation<T>(f: () => T): T;
}

/**
 * Durability of the embedded store. PGlite 0.5 starts PostgreSQL with `-F` (fsync=off), and even with fsync
 * on, the calls would not reach the disk: Emscripten's NODEFS (the filesystem mapping PGDATA onto host files)
 * has no `fsync` stream operation, so `fsync()` returns success without a host call, and `fdatasync()` is a
 * no-op (see electric-sql/pglite issue #1107). So, when `fsync` is on:
 *  - PostgreSQL runs with fsync=on, synchronous_commit=on and wal_sync_method=fsync (the one sync call that
 *    reaches a stream operation), so a commit returns only after its WAL was flushed;
 *  - NODEFS gets an `fsync` stream operation calling the host's fsync(2) on the file (or on the directory,
 *    for which NODEFS keeps no host descriptor: PostgreSQL fsyncs directories after renames and creations);
 *  - a freshly initialised cluster (initdb runs without sync) is flushed once, file by file.
 * `relaxedDurability` (a PGlite option) is unrelated: it only defers IndexedDB/OPFS flushes in browsers.
 */
function durableStartParams(defaults: readonly string[]): string[] {
  return [...defaults.filter((p) => p !== '-F'), '-c', 'fsync=on', '-c', 'synchronous_commit=on', '-c', 'wal_sync_method=fsync', '-c', 'full_page_writes=on'];
}

function patchNodeFsFsync(nodefs: EmscriptenNodeFs, onSync: () => void): void {
  nodefs.stream_ops.fsync = (stream: { nfd?: number; node: unknown }) => {
    if (typeof stream.nfd === 'number') {
      const nfd = stream.nfd;
      nodefs.tryFSOperation(() => fs.fsyncSync(nfd));
    } else {
      const hostPath = nodefs.realPath(stream.node);
      nodefs.tryFSOperation(() => {
        const fd = fs.openSync(hostPath, 'r');
        try {
          fs.fsyncSync(fd);
        } finally {
          fs.closeSync(fd);
        }
      });
    }
    onSync();
    return 0;
  };
}

/** fsync(2) of every file and directory under `dir` (children before their directory). */
function fsyncTree(dir: string): number {
  let n = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) n += fsyncTree(p);
    else if (entry.isFile()) {
      const fd = fs.openSync(p, 'r');
      try {
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
      n++;
    }
  }
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  return n + 1;
}

/** Text parsers creating values in this realm, and matching PgDatabase's results. */
const PARSERS: NonNullable<PGliteOptions['parsers']> = {
  [OID.INT8]: parseInt8,
  [OID.DATE]: parseDate,
  [OID.TIMESTAMP]: parseTimestampUtc,
  1184: (v: string) => (v === 'infinity' || v === '-infinity' ? v : new Date(v)), // timestamptz
  114: (v: string) => JSON.parse(v) as unknown, // json
  3802: (v: string) => JSON.parse(v) as unknown, // jsonb
  17: (v: string) => (v.startsWith('\\x') ? Buffer.from(v.slice(2), 'hex') : Buffer.from(v)), // bytea
};

/** An error raised by PGlite, re-created in this realm with the same fields as pg's DatabaseError. */
export class PgliteQueryError extends Error {
  code?: string;
  detail?: string;
  hint?: string;
  constraint?: string;
  severity?: string;
  table?: string;
  column?: string;
  schema?: string;
  where?: string;
  position?: string;
}

function normalizeError(e: unknown): unknown {
  if (e instanceof Error) return e; // same realm: already a proper Error
  if (e === null || typeof e !== 'object') return e;
  const src = e as Record<string, unknown>;
  const err = new PgliteQueryError(String(src.message ?? 'PGlite error'));
  for (const key of Object.keys(src)) {
    if (key === 'query' || key === 'params' || key === 'queryOptions') continue;
    const v = src[key];
    if (v !== undefined && (typeof v === 'string' || typeof v === 'number')) (err as unknown as Record<string, unknown>)[key] = v;
  }
  err.name = typeof src.name === 'string' && src.name !== 'Error' ? src.name : 'PgliteQueryError';
  if (typeof src.stack === 'string') err.stack = src.stack;
  return err;
}

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

/** Directories opened by this process (PGlite must never run twice on the same files). */
const openDirs = new Set<string>();

function toResult<T>(r: Results<unknown> | undefined): QueryResult<T> {
  if (!r) return { rows: [], rowCount: 0 };
  // Row objects are re-created here (cheap) so they belong to the caller's realm (see loadPglite).
  const rows = (r.rows as Record<string, unknown>[]).map((row) => ({ ...row })) as T[];
  return { rows, rowCount: rows.length > 0 ? rows.length : (r.affectedRows ?? 0) };
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes `<dataDir>.lock` (O_EXCL, holding our pid); a lock left by a dead process is taken over. */
function lockDataDir(dir: string): () => void {
  if (openDirs.has(dir)) throw new Error(`PGlite data directory ${dir} is already open in this process`);
  const lockFile = `${dir}.lock`;
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = fs.openSync(lockFile, 'wx');
      fs.writeSync(fd, String(process.pid));
      fs.closeSync(fd);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 2) throw e;
      let owner = NaN;
      try {
        owner = Number(fs.readFileSync(lockFile, 'utf8').trim());
      } catch {
        // vanished in between: retry
      }
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && processAlive(owner)) {
        throw new Error(`PGlite data directory ${dir} is in use by process ${owner} (lock file ${lockFile})`);
      }
      fs.rmSync(lockFile, { force: true }); // stale (dead owner, or ours from a crashed instance)
    }
  }
  openDirs.add(dir);
  return () => {
    openDirs.delete(dir);
    fs.rmSync(lockFile, { force: true });
  };
}

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
