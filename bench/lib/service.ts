/**
 * Child processes of the benchmarks: the real service (`node dist/apps/api/src/main.js`, and its worker
 * `node dist/apps/worker/src/main.js` where the suite runs the deployed pair), the bare Fastify+INSERT server and
 * the load generator, each pinned to a core with taskset where available (service/server on core 0, load
 * generator on core 1; PostgreSQL and the worker are not pinned).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Pool } from 'pg';
import { comparePositions, START } from '@app/event-store';
import { sleep } from './stats';

export const ROOT = path.resolve(__dirname, '..', '..', '..');
export const MAIN_JS = path.join(ROOT, 'dist', 'apps', 'api', 'src', 'main.js');
export const WORKER_JS = path.join(ROOT, 'dist', 'apps', 'worker', 'src', 'main.js');
export const SECRET = `bench-secret-${randomBytes(16).toString('hex')}`;

const hasTaskset = spawnSync('taskset', ['-c', '0', 'true']).status === 0 && os.cpus().length >= 2;
export const PINNING = hasTaskset ? 'service and bare server pinned to core 0, load generator to core 1 (taskset); PostgreSQL unpinned' : 'no pinning (taskset unavailable or < 2 cores)';

const children = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of children) c.kill('SIGKILL');
});

export function pinned(core: number, args: string[]): [string, string[]] {
  return hasTaskset ? ['taskset', ['-c', String(core), process.execPath, ...args]] : [process.execPath, args];
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export class Child {
  logs = '';
  constructor(
    readonly name: string,
    readonly proc: ChildProcess,
    readonly port: number,
  ) {
    children.add(proc);
    const keep = (b: Buffer) => {
      this.logs = (this.logs + b.toString()).slice(-20_000);
    };
    proc.stdout?.on('data', keep);
    proc.stderr?.on('data', keep);
    proc.once('exit', () => children.delete(proc));
  }
  get pid(): number {
    return this.proc.pid!;
  }
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }
  get alive(): boolean {
    return this.proc.exitCode === null && this.proc.signalCode === null;
  }
  /** The node process itself (under taskset, the pid is exec'd in place, so it is the same). */
  async stop(): Promise<void> {
    if (!this.alive) return;
    const exited = new Promise<void>((r) => this.proc.once('exit', () => r()));
    this.proc.kill('SIGTERM');
    const t = setTimeout(() => this.proc.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(t);
  }
}

async function waitHttp(child: Child, pathName: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!child.alive) throw new Error(`${child.name} exited during start:\n${child.logs}`);
    try {
      const r = await fetch(child.url + pathName);
      if (r.status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${child.name} did not answer ${pathName} within ${timeoutMs} ms:\n${child.logs}`);
    await sleep(200);
  }
}

export interface ServiceOptions {
  databaseUrl: string;
  /** extra environment (e.g. RUN_BACKGROUND) */
  env?: Record<string, string>;
  /** node flags, e.g. --cpu-prof */
  nodeFlags?: string[];
  /** the core to pin to (default 0); null: not pinned */
  core?: number | null;
  /** 'worker': the background process (apps/worker) instead of the API; its port is WORKER_PORT */
  role?: 'api' | 'worker';
  /** the AUDIT_SIGNING_KEY (processes of one deployment share it); default a fresh one */
  signingKey?: string;
}

/**
 * Starts the real service on PostgreSQL; resolves once /health answers 200 (a worker: /health/live, since its
 * readiness reports a backlog it is about to work off).
 */
export async function startService(name: string, opts: ServiceOptions): Promise<Child> {
  const main = opts.role === 'worker' ? WORKER_JS : MAIN_JS;
  if (!fs.existsSync(main)) throw new Error(`${main} is missing: build first (npm run build)`);
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-svc-'));
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(env)) if (/^(PORT|HOST|EVENT_STORE|DATA_DIR|DATABASE_URL|AUTH_JWT_SECRET|LOG_LEVEL|RUN_BACKGROUND|WORKER_PORT|NODE_ENV|AUDIT_|RESPONSE_WINDOW|UNIFIED_FLOW_ROLLOUT|RULES_VERSION|RATE_LIMIT_|REDIS_URL)/.test(k)) delete env[k];
  Object.assign(env, {
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: String(port),
    WORKER_PORT: String(port),
    EVENT_STORE: 'postgres',
    DATABASE_URL: opts.databaseUrl,
    DATA_DIR: dataDir,
    AUTH_JWT_SECRET: SECRET,
    AUDIT_SIGNING_KEY: opts.signingKey ?? randomBytes(32).toString('base64'),
    LOG_LEVEL: 'warn',
    // The load generator drives a few callers far past the production defaults: limits high enough never to
    // refuse, while the limiter still counts every request in its (PostgreSQL) store.
    RATE_LIMIT_READS: '100000000',
    RATE_LIMIT_WRITES: '100000000',
    RATE_LIMIT_ANONYMOUS: '100000000',
    RATE_LIMIT_AUTH_FAILURES: '100000000',
    ...opts.env,
  });
  const nodeArgs = [...(opts.nodeFlags ?? []), main];
  const [cmd, args] = opts.core === null ? [process.execPath, nodeArgs] : pinned(opts.core ?? 0, nodeArgs);
  const proc = spawn(cmd, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const child = new Child(name, proc, port);
  proc.once('exit', () => fs.rmSync(dataDir, { recursive: true, force: true }));
  await waitHttp(child, opts.role === 'worker' ? '/health/live' : '/health', 600_000);
  return child;
}

/** Starts the bare Fastify server (one INSERT per request) of bench/lib/bare-server.ts. */
export async function startBareServer(databaseUrl: string, poolSize: number): Promise<Child> {
  const port = await freePort();
  const [cmd, args] = pinned(0, [path.join(__dirname, 'bare-server.js')]);
  const proc = spawn(cmd, args, { cwd: ROOT, env: { ...process.env, PORT: String(port), DATABASE_URL: databaseUrl, POOL_SIZE: String(poolSize) }, stdio: ['ignore', 'pipe', 'pipe'] });
  const child = new Child('bare-fastify', proc, port);
  await waitHttp(child, '/health', 30_000);
  return child;
}

/** The Emmett contender (emmett-server.ts): the same choice command on Emmett, same core and pool size as the service. */
export async function startEmmettServer(databaseUrl: string, poolSize: number): Promise<Child> {
  const port = await freePort();
  const [cmd, args] = pinned(0, [path.join(__dirname, 'emmett-server.js')]);
  const proc = spawn(cmd, args, {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: 'production', PORT: String(port), DATABASE_URL: databaseUrl, POOL_SIZE: String(poolSize), AUTH_JWT_SECRET: SECRET },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const child = new Child('emmett-fastify', proc, port);
  await waitHttp(child, '/health', 30_000);
  return child;
}

export async function stopAllChildren(): Promise<void> {
  for (const c of [...children]) c.kill('SIGKILL');
}

/** The head of the log and the slowest projection checkpoint (every projection the service runs). */
export async function projectionState(pool: Pool): Promise<{ head: string; slowest: string; behind: boolean; checkpoints: Record<string, string> }> {
  const { rows: h } = await pool.query<{ p: string }>(`SELECT transaction_id::text || '/' || global_position::text AS p FROM es_events ORDER BY transaction_id DESC, global_position DESC LIMIT 1`);
  const head = h[0]?.p ?? START;
  let rows: { name: string; position: string }[] = [];
  try {
    rows = (await pool.query<{ name: string; position: string }>(`SELECT name, position FROM projection_checkpoints`)).rows;
  } catch {
    // not created yet
  }
  const checkpoints = Object.fromEntries(rows.map((r) => [r.name, r.position]));
  const names = ['dispute_state', 'order_shipping', 'audit_merkle_log'];
  const positions = names.map((n) => checkpoints[n] ?? START);
  const slowest = positions.sort(comparePositions)[0];
  return { head, slowest, behind: comparePositions(slowest, head) < 0, checkpoints };
}

/** Waits until every projection of the service reached the head of the log. Returns seconds waited. */
export async function waitCaughtUp(pool: Pool, timeoutMs: number, onProgress?: (slowest: string, head: string) => void): Promise<number> {
  const t0 = Date.now();
  let last = 0;
  for (;;) {
    const s = await projectionState(pool);
    if (!s.behind) return (Date.now() - t0) / 1000;
    if (Date.now() - t0 > timeoutMs) throw new Error(`projections did not catch up within ${timeoutMs} ms (head ${s.head}, checkpoints ${JSON.stringify(s.checkpoints)})`);
    if (onProgress && Date.now() - last > 10_000) {
      last = Date.now();
      onProgress(s.slowest, s.head);
    }
    await sleep(100);
  }
}
