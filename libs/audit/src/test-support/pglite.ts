import { Worker } from 'node:worker_threads';
import type { QueryResult, SqlExecutor } from '@app/event-store';

/**
 * An in-memory PGlite as a SqlExecutor for tests.
 *
 * PGlite's CJS build loads Node built-ins with dynamic import(), which Jest's module sandbox rejects
 * unless Node runs with --experimental-vm-modules. So PGlite runs in a worker thread (a plain Node
 * context) and queries cross by message. One session: transaction() is BEGIN … COMMIT/ROLLBACK, and
 * callers must not interleave transactions (tests run sequentially).
 */
export interface TestDb extends SqlExecutor {
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  /** Number of queries issued (including BEGIN/COMMIT). */
  counter: { queries: number };
}

const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { PGlite } = require(workerData.pglite);
const db = new PGlite();
parentPort.on('message', async (m) => {
  try {
    if (m.close) { await db.close(); parentPort.postMessage({ id: m.id, ok: true, rows: [] }); return; }
    const r = await db.query(m.sql, m.params);
    parentPort.postMessage({ id: m.id, ok: true, rows: r.rows, affectedRows: r.affectedRows });
  } catch (e) {
    parentPort.postMessage({ id: m.id, ok: false, message: String(e && e.message), code: e && e.code });
  }
});
`;

interface Reply {
  id: number;
  ok: boolean;
  rows?: unknown[];
  affectedRows?: number;
  message?: string;
  code?: string;
}

export async function createTestDb(): Promise<TestDb> {
  const worker = new Worker(WORKER, { eval: true, workerData: { pglite: require.resolve('@electric-sql/pglite') } });
  const pending = new Map<number, (r: Reply) => void>();
  let nextId = 0;
  worker.on('message', (r: Reply) => {
    pending.get(r.id)?.(r);
    pending.delete(r.id);
  });
  const send = (msg: Record<string, unknown>): Promise<Reply> =>
    new Promise((resolve) => {
      const id = nextId++;
      pending.set(id, resolve);
      worker.postMessage({ ...msg, id });
    });
  const counter = { queries: 0 };
  const query = async <T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<QueryResult<T>> => {
    counter.queries++;
    const r = await send({ sql, params });
    if (!r.ok) throw Object.assign(new Error(r.message), { code: r.code });
    return { rows: (r.rows ?? []) as T[], rowCount: r.affectedRows ?? (r.rows ?? []).length };
  };
  const db: TestDb = {
    counter,
    query: query as SqlExecutor['query'],
    async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
      await query('BEGIN');
      try {
        const result = await fn(db);
        await query('COMMIT');
        return result;
      } catch (e) {
        await query('ROLLBACK');
        throw e;
      }
    },
    async close() {
      await send({ close: true });
      await worker.terminate();
    },
  };
  await query('SELECT 1');
  return db;
}
