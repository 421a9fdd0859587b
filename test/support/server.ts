/**
 * E2E harness: runs the REAL service (`node dist/apps/api/src/main.js`, built beforehand by
 * test/support/global-setup.ts → scripts/ensure-built.js) as a child process on a free port, against a
 * fresh store per server:
 *  - embedded: EVENT_STORE=embedded with a fresh temporary DATA_DIR (removed at the end);
 *  - postgres: EVENT_STORE=postgres with DATABASE_URL of a database `e2e_<random>` created for the run on
 *    E2E_PG_ADMIN_URL (default postgres://postgres@127.0.0.1:5432/postgres) and dropped at the end.
 *    PostgreSQL being unreachable FAILS the suite (it is never skipped).
 * Nothing here builds or edits the service.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';

export type StoreKind = 'embedded' | 'postgres';
/** Every suite runs against both stores: `describe.each(STORES)`. */
export const STORES: StoreKind[] = ['embedded', 'postgres'];

export const ROOT = path.resolve(__dirname, '..', '..');
export const MAIN_JS = path.join(ROOT, 'dist', 'apps', 'api', 'src', 'main.js');
/** The worker process (apps/worker): the background work, with only an operations listener (WORKER_PORT). */
export const WORKER_JS = path.join(ROOT, 'dist', 'apps', 'worker', 'src', 'main.js');
/** Which process a TestServer runs: the API (HTTP on PORT) or the worker (health and metrics on WORKER_PORT). */
export type ProcessRole = 'api' | 'worker';
export const PG_ADMIN_URL = process.env.E2E_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
/** The HS256 secret every test server is started with (AUTH_JWT_SECRET). */
export const TEST_SECRET = `e2e-secret-${randomBytes(16).toString('hex')}`;

/** Service settings passed as environment variables (RESPONSE_WINDOW, UNIFIED_FLOW_ROLLOUT, …). */
export type Settings = Record<string, string>;

/** Settings the service reads; never inherited from the environment jest runs in. */
const SERVICE_ENV_KEYS = [
  'PORT',
  'HOST',
  'EVENT_STORE',
  'DATA_DIR',
  'DATABASE_URL',
  'EVENTSTORE_CONNECTION_STRING',
  'AUTH_JWT_SECRET',
  'RESPONSE_WINDOW',
  'CONSUMER_RESPONSE_WINDOW',
  'CONTEST_WINDOW',
  'MAX_AGREED_SHIP_DELAY',
  'ADJUDICATION_REVIEW_WINDOW',
  'UNIFIED_FLOW_ROLLOUT',
  'BUSINESS_TIMEZONE',
  'RULES_VERSION',
  'LOG_LEVEL',
  'DEADLINE_POLL_INTERVAL',
  'AUDIT_SIGNING_KEY',
  'AUDIT_CHECKPOINT_INTERVAL',
  'SHUTDOWN_GRACE',
  'READ_WAIT_MAX',
  'RUN_BACKGROUND',
  'WORKER_PORT',
  'WEEK_CLOSE_DELAY',
  'SIMULATION_BATCH_SIZE',
  'SIMULATION_BATCH_PAUSE',
  'IDEMPOTENCY_LEASE',
  'PROJECTION_MAX_ATTEMPTS',
  'STREAM_CACHE_SIZE',
  'PROJECTION_LAG_MAX',
  'WEBHOOK_RETRY_BASE',
  'WEBHOOK_RETRY_FOR',
  'WEBHOOK_RETRY_MAX_DELAY',
  'WEBHOOK_ALLOW_PRIVATE',
  'WEBHOOK_CONNECT_TIMEOUT',
  'WEBHOOK_TIMEOUT',
  'WEBHOOK_SECRET_OVERLAP',
  'WEBHOOK_POLL_INTERVAL',
  'WEBHOOK_CONCURRENCY',
  'WEBHOOK_PARTITIONS',
  'AUTH_MAX_TOKEN_LIFETIME',
  'OPS_TOKEN',
  'EMBEDDED_FSYNC',
  'RATE_LIMIT_ENABLED',
  'RATE_LIMIT_WINDOW',
  'RATE_LIMIT_READS',
  'RATE_LIMIT_WRITES',
  'RATE_LIMIT_ANONYMOUS',
  'RATE_LIMIT_AUTH_FAILURES',
  'RATE_LIMIT_STORE',
  'REDIS_URL',
];

/**
 * Rate limits of the test servers: the suites hammer the API from one address with a few callers, so they run
 * with generous limits (the limiter still counts every request in its store); test/rate-limit.e2e-spec.ts
 * sets low ones.
 */
const GENEROUS_RATE_LIMITS: Settings = {
  RATE_LIMIT_READS: '1000000',
  RATE_LIMIT_WRITES: '1000000',
  RATE_LIMIT_ANONYMOUS: '1000000',
  RATE_LIMIT_AUTH_FAILURES: '1000000',
};

const START_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 15_000;

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of live) c.kill('SIGKILL');
});

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls `cond` every 100 ms until it holds, or fails naming `what`. */
export async function until(what: string, cond: () => Promise<boolean> | boolean, timeoutMs = 60_000): Promise<void> {
  await eventually(what, async () => (await cond()) || undefined, timeoutMs, 100);
}

/** Polls `fn` every `everyMs` until it answers something truthy and returns that, or fails naming `what`. */
export async function eventually<T>(what: string, fn: () => Promise<T | undefined | false | null>, timeoutMs = 60_000, everyMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

async function adminQuery(sql: string): Promise<void> {
  const client = new Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (e) {
    throw new Error(`PostgreSQL is unreachable at ${PG_ADMIN_URL} (the postgres e2e suites need it; they are never skipped): ${(e as Error).message}`);
  }
  try {
    await client.query(sql);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** One running (or stopped) instance of the service, with its own store. */
export class TestServer {
  readonly secret = TEST_SECRET;
  port = 0;
  private child: ChildProcess | null = null;
  private logs = '';
  private disposed = false;
  /** Every exit of the service process: `expected` when the harness caused it (stop, kill). */
  readonly exits: Array<{ code: number | null; signal: string | null; expected: boolean }> = [];
  private expectingExit = false;

  private constructor(
    readonly store: StoreKind,
    readonly settings: Settings,
    /** DATA_DIR (embedded) — kept across restarts. */
    readonly dataDir: string | null,
    /** The database created for this server (postgres) — kept across restarts. */
    readonly database: string | null,
    readonly role: ProcessRole,
  ) {}

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /**
   * Prepares a fresh store and starts the service on it; resolves once GET /health answers 200. With
   * `role: 'worker'` it starts the worker process instead (apps/worker; GET /health on its WORKER_PORT) —
   * give it the DATABASE_URL of an API's database in `settings` to run that API's background.
   */
  static async start(store: StoreKind, settings: Settings = {}, opts: { role?: ProcessRole } = {}): Promise<TestServer> {
    const role = opts.role ?? 'api';
    const main = role === 'worker' ? WORKER_JS : MAIN_JS;
    if (!fs.existsSync(main)) {
      throw new Error(`${main} does not exist: build first (jest globalSetup test/support/global-setup.ts, or npm run build)`);
    }
    let server: TestServer;
    if (store === 'embedded') {
      server = new TestServer(store, settings, fs.mkdtempSync(path.join(os.tmpdir(), 'dispute-e2e-')), null, role);
    } else if (settings.DATABASE_URL) {
      // Another server's database (several instances, or a worker): that server creates and drops it.
      server = new TestServer(store, settings, null, null, role);
    } else {
      const db = `e2e_${randomBytes(6).toString('hex')}`;
      await adminQuery(`CREATE DATABASE ${db}`);
      server = new TestServer(store, settings, null, db, role);
    }
    try {
      await server.launch();
    } catch (e) {
      await server.dispose();
      throw e;
    }
    return server;
  }

  private env(): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const k of SERVICE_ENV_KEYS) delete env[k];
    Object.assign(env, {
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: String(this.port),
      ...(this.role === 'worker' ? { WORKER_PORT: String(this.port) } : {}),
      AUTH_JWT_SECRET: this.secret,
      LOG_LEVEL: 'warn',
      SHUTDOWN_GRACE: 'PT2S',
      ...GENEROUS_RATE_LIMITS,
      // Fresh embedded stores are created for almost every suite; on the shared 2-core CI machines a fresh PGlite
      // cluster flushing every migration commit (the production default, EMBEDDED_FSYNC=true) can take over a
      // minute to start. The suites test behaviour, not durability: they run without fsync unless a suite sets
      // it. The default (fsync on) is tested by libs/event-store/src/sql/pglite-durability.spec.ts and
      // libs/config/src/config.spec.ts.
      EMBEDDED_FSYNC: 'false',
      EVENT_STORE: this.store,
      ...(this.dataDir ? { DATA_DIR: this.dataDir } : {}),
      ...(this.database ? { DATABASE_URL: this.databaseUrl() } : {}),
      ...this.settings,
    });
    return env;
  }

  databaseUrl(): string {
    if (!this.database && this.settings.DATABASE_URL) return this.settings.DATABASE_URL;
    const u = new URL(PG_ADMIN_URL);
    u.pathname = `/${this.database}`;
    return u.toString();
  }

  private async launch(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      this.port = await freePort();
      try {
        await this.spawnAndWait();
        return;
      } catch (e) {
        // Another process may have taken the port between probing and listening: try another one.
        if (attempt < 3 && /EADDRINUSE/.test(this.logs)) continue;
        throw e;
      }
    }
  }

  private async spawnAndWait(): Promise<void> {
    this.logs = '';
    const child = spawn(process.execPath, [this.role === 'worker' ? WORKER_JS : MAIN_JS], { cwd: ROOT, env: this.env(), stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    live.add(child);
    const keep = (chunk: Buffer) => {
      this.logs = (this.logs + chunk.toString('utf8')).slice(-20_000);
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    let exited: { code: number | null; signal: string | null } | null = null;
    this.expectingExit = false;
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      this.exits.push({ code, signal, expected: this.expectingExit });
      live.delete(child);
      this.logs += `\n[harness] the service process exited (code ${code}, signal ${signal})\n`;
      if (this.child === child) this.child = null;
    });
    const deadline = Date.now() + START_TIMEOUT_MS;
    for (;;) {
      if (exited) {
        const { code, signal } = exited;
        this.child = null;
        throw new Error(`the ${this.store} service exited during start-up (code ${code}, signal ${signal}):\n${this.logs}`);
      }
      try {
        const res = await fetch(`${this.baseUrl}/health`, { signal: AbortSignal.timeout(2000) });
        await res.arrayBuffer();
        if (res.status === 200) return;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) {
        await this.stop();
        throw new Error(`the ${this.store} service did not answer GET /health 200 within ${START_TIMEOUT_MS} ms:\n${this.logs}`);
      }
      await sleep(100);
    }
  }

  /** Stops the child process (SIGTERM, then SIGKILL); the store is kept for a restart. */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise<void>((r) => child.once('exit', () => r()));
    this.expectingExit = true;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await gone;
    clearTimeout(timer);
  }

  /** Kills the child process at once (SIGKILL: no shutdown hooks run — a crash); the store is kept for a restart. */
  async crash(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise<void>((r) => child.once('exit', () => r()));
    this.expectingExit = true;
    child.kill('SIGKILL');
    await gone;
  }

  /** Starts the service again on the same DATA_DIR / database after stop() or crash() (a new port). */
  async relaunch(): Promise<void> {
    await this.launch();
  }

  /** Stops and starts the service again on the same DATA_DIR / database (a new port). */
  async restart(): Promise<void> {
    await this.stop();
    await this.launch();
  }

  get running(): boolean {
    return this.child !== null;
  }

  /** The running process's id (e.g. to match the instance ids the service records). */
  get pid(): number {
    if (!this.child?.pid) throw new Error(`the ${this.role} process is not running`);
    return this.child.pid;
  }

  /** The service's recent output, for failure messages. */
  logTail(chars = 4000): string {
    return this.logs.slice(-chars);
  }

  /** Stops the service and removes its store (temp dir / database). */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.stop();
    if (this.dataDir) fs.rmSync(this.dataDir, { recursive: true, force: true });
    if (this.database) await adminQuery(`DROP DATABASE IF EXISTS ${this.database} WITH (FORCE)`);
  }
}

/**
 * Registers a top-level beforeAll that starts, in parallel, one server per store and per profile
 * (profile name → settings), and an afterAll that disposes of them. `get(store, profile)` returns a
 * started server, or throws why it could not be started (so every test of that store fails, never skips).
 */
export function useServers<P extends string = 'default'>(profiles: Record<P, Settings> = { default: {} } as Record<P, Settings>) {
  const servers = new Map<string, TestServer>();
  const failures = new Map<string, Error>();
  const key = (store: StoreKind, profile: string) => `${store}/${profile}`;
  let started = false;

  beforeAll(async () => {
    const jobs: Promise<void>[] = [];
    for (const store of STORES) {
      for (const [profile, settings] of Object.entries(profiles) as [P, Settings][]) {
        jobs.push(
          TestServer.start(store, settings).then(
            (s) => void servers.set(key(store, profile), s),
            (e: Error) => void failures.set(key(store, profile), e),
          ),
        );
      }
    }
    await Promise.all(jobs);
    started = true;
  }, START_TIMEOUT_MS * 2);

  afterAll(async () => {
    await Promise.all([...servers.values()].map((s) => s.dispose().catch((e) => console.error(`disposing ${s.store}: ${e}`))));
    servers.clear();
  }, 60_000);

  return {
    get(store: StoreKind, profile: P = 'default' as P): TestServer {
      const s = servers.get(key(store, profile));
      if (s) return s;
      const err = failures.get(key(store, profile));
      if (err) throw new Error(`the ${store} server (${profile}) could not be started: ${err.message}`);
      throw new Error(started ? `no ${store} server for profile ${profile}` : 'servers are not started yet (use get() inside tests/hooks)');
    },
  };
}
