/**
 * Fault injection: two instances of the built service on ONE PostgreSQL database under a steady write load
 * over real HTTP (Idempotency-Keys, clients retrying on network errors, 503 and 409 in-progress), while the
 * test kills instances with SIGKILL (and restarts them) and terminates the service's database connections
 * with pg_terminate_backend. Afterwards:
 *  - no process exited except the ones the test killed;
 *  - every acknowledged write is in the event streams exactly once (and nothing was written twice at all);
 *  - every touched stream verifies (hash chain + Merkle log) and `cli verify` passes for the whole log;
 *  - the read models converged (order_shipping and dispute_state at each stream's head, no lag, /health ok);
 *  - the deadline scheduler and the checkpointer resumed: every case opened under load was judged by its
 *    response deadline exactly once, and the latest signed checkpoint covers the whole log;
 *  - every 503 seen was problem+json with Retry-After.
 * Plus: a retry of a write whose instance was killed mid-request gets its answer within a few seconds.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { Api, show, type Res } from './support/http';
import { ROOT, TestServer, sleep } from './support/server';
import { as } from './support/tokens';
import { ago, DAY } from './support/fixtures';

jest.setTimeout(240_000);

// Short response window: the deadline scheduler fires (and judges) the cases opened under load while the faults
// go on; a 1 s checkpoint interval keeps the Merkle checkpointer busy too.
const SETTINGS = { IDEMPOTENCY_LEASE: 'PT3S', DEADLINE_POLL_INTERVAL: 'PT1S', READ_WAIT_MAX: 'PT2S', RESPONSE_WINDOW: 'PT8S', AUDIT_CHECKPOINT_INTERVAL: 'PT1S' };
/** Upper bound of the load; it ends 3 s after the last fault. */
const LOAD_MS = 90_000;
const WORKERS = 6;

interface Ack {
  stream: string;
  type: string;
  key: string;
  body: any;
}

interface Stats {
  requests: number;
  retries: number;
  networkErrors: number;
  status: Record<string, number>;
  bad503: string[];
  unexpected: string[];
}

async function pgAdmin<T>(url: string, fn: (c: Client) => Promise<T>): Promise<T> {
  let c = new Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  // The test's own admin connection may meet a full server (shared CI PostgreSQL): wait for a slot.
  for (let attempt = 1; ; attempt++) {
    try {
      await c.connect();
      break;
    } catch (e) {
      if (attempt >= 20 || (e as { code?: string }).code !== '53300') throw e;
      await sleep(500);
      c = new Client({ connectionString: url, connectionTimeoutMillis: 5000 });
    }
  }
  try {
    return await fn(c);
  } finally {
    await c.end().catch(() => undefined);
  }
}

/** Terminates every backend of the service's database (not ours): pool, lock sessions, LISTEN. */
async function terminateBackends(url: string): Promise<number> {
  return pgAdmin(url, async (c) => {
    const { rows } = await c.query<{ n: number }>(
      `SELECT count(*) FILTER (WHERE pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`,
    );
    return rows[0].n;
  });
}

async function until<T>(what: string, fn: () => Promise<T | undefined | false | null>, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await sleep(250);
  }
}

describe('faults: SIGKILL and terminated database connections under a write load (two instances, PostgreSQL)', () => {
  let a: TestServer;
  let b: TestServer;
  let dbUrl: string;

  beforeAll(async () => {
    a = await TestServer.start('postgres', SETTINGS);
    dbUrl = a.databaseUrl();
    b = await TestServer.start('postgres', { ...SETTINGS, DATABASE_URL: dbUrl });
  });
  afterAll(async () => {
    await b?.dispose();
    await a?.dispose();
  });

  /** One write with client retries (same key), alternating instances; resolves with the 2xx answer or null. */
  async function write(stats: Stats, path_: string, body: unknown, key: string, deadline: number): Promise<Res | null> {
    for (let attempt = 0; Date.now() < deadline; attempt++) {
      const server = [a, b][(attempt + (key.charCodeAt(key.length - 1) % 2)) % 2];
      stats.requests++;
      if (attempt > 0) stats.retries++;
      let res: Res;
      try {
        res = await new Api(server).post(path_, body, as.platform(), { idempotencyKey: key });
      } catch {
        stats.networkErrors++;
        await sleep(100);
        continue;
      }
      stats.status[res.status] = (stats.status[res.status] ?? 0) + 1;
      if (res.status >= 200 && res.status < 300) return res;
      if (res.status === 503) {
        if (!/^application\/problem\+json/.test(res.contentType) || !res.headers.get('retry-after')) stats.bad503.push(show(res));
        await sleep(200);
        continue;
      }
      if (res.status === 409 && res.body?.code === 'IDEMPOTENCY_IN_PROGRESS') {
        await sleep(300);
        continue;
      }
      stats.unexpected.push(`${path_}: ${show(res)}`);
      return null;
    }
    return null;
  }

  it('loses and doubles nothing, and nothing but the killed processes exits', async () => {
    const stats: Stats = { requests: 0, retries: 0, networkErrors: 0, status: {}, bad503: [], unexpected: [] };
    const acks: Ack[] = [];
    const attemptedOrders: string[] = [];
    const faults: string[] = [];

    const worker = async (w: number) => {
      for (let i = 0; Date.now() < loadUntil; i++) {
        const orderId = `f${w}-${i}-${randomBytes(3).toString('hex')}`;
        const merchantId = `m-${w}`;
        attemptedOrders.push(orderId);
        const deadline = Date.now() + 60_000;
        const order = { orderId, merchantId, consumerId: `c-${w}-${i}`, placedAt: ago(3 * DAY), paymentMethod: 'ONLINE', orderKind: 'STANDARD', amount: 1000 + i };
        const k1 = `reg-${orderId}`;
        const r1 = await write(stats, '/orders', order, k1, deadline);
        if (!r1) continue;
        acks.push({ stream: `order-${orderId}`, type: 'OrderRegistered', key: k1, body: r1.body });
        const k2 = `paid-${orderId}`;
        const r2 = await write(stats, `/orders/${orderId}/facts`, { type: 'PAID', occurredAt: ago(3 * DAY - 60_000) }, k2, deadline);
        if (!r2) continue;
        acks.push({ stream: `order-${orderId}`, type: 'OrderFactRecorded', key: k2, body: r2.body });
        if (i % 2 === 0) {
          const k3 = `dispute-${orderId}`;
          const r3 = await write(stats, '/disputes', { orderId }, k3, deadline);
          if (r3) acks.push({ stream: `dispute-${r3.body.disputeId}`, type: 'DisputeOpened', key: k3, body: r3.body });
        }
      }
    };

    let loadUntil = Date.now() + LOAD_MS; // moved to "chaos finished + 3 s" once the faults are through
    const terminate = async (why = '') => faults.push(`terminate ${await terminateBackends(dbUrl)} backends${why}`);
    const chaos = async () => {
      await sleep(4_000);
      await terminate();
      await sleep(4_000);
      await a.crash();
      faults.push('SIGKILL a');
      await a.relaunch();
      faults.push('restarted a');
      await sleep(3_000);
      await terminate();
      await sleep(3_000);
      await terminate();
      await sleep(3_000);
      await b.crash();
      faults.push('SIGKILL b');
      await terminate(' (b down)');
      await b.relaunch();
      faults.push('restarted b');
      await sleep(3_000);
      await terminate();
      await sleep(3_000);
      await terminate();
      loadUntil = Date.now() + 3_000;
    };

    await Promise.all([chaos(), ...Array.from({ length: WORKERS }, (_, w) => worker(w))]);
    const summary = { faults, acks: acks.length, orders: attemptedOrders.length, ...stats };
    console.log(`fault injection: ${JSON.stringify(summary)}`);

    // 1. No process exit except the ones the test caused (the harness records every exit).
    const exits = [...a.exits, ...b.exits];
    expect(exits.filter((e) => !e.expected)).toEqual([]);
    expect(exits.filter((e) => e.expected)).toHaveLength(2);
    expect(a.running && b.running).toBe(true);
    // Faults really happened and the load really ran through them.
    expect(faults.filter((f) => f.startsWith('terminate')).length).toBe(6);
    expect(acks.length).toBeGreaterThan(30);
    expect(stats.unexpected).toEqual([]);
    expect(stats.bad503).toEqual([]);

    // 2. Both instances recover: /health ok (no fault, no stall, no lag) within seconds.
    for (const s of [a, b]) {
      await until(`${s.baseUrl} /health ok`, async () => {
        const h = await new Api(s).get('/health');
        return h.status === 200 && h.body.status === 'ok' ? h : null;
      });
    }

    // 3. Every acknowledged write exactly once; no stream holds a write twice (acknowledged or not).
    const auditor = as.auditor();
    const api = new Api(a);
    const streams = [...new Set(acks.map((x) => x.stream))];
    const eventsOf = new Map<string, any[]>();
    for (const s of streams) {
      const res = await api.get(`/streams/${encodeURIComponent(s)}?limit=1000`, auditor);
      expect(res.status).toBe(200);
      eventsOf.set(s, res.body.items);
    }
    for (const ack of acks) {
      const events = eventsOf.get(ack.stream)!;
      const matching = events.filter((e) => e.type === ack.type && e.metadata?.idempotencyKey === ack.key);
      if (matching.length !== 1) throw new Error(`${ack.type} under key ${ack.key} is in ${ack.stream} ${matching.length} times:\n${JSON.stringify(events, null, 1)}`);
    }
    for (const [s, events] of eventsOf) {
      const types = events.map((e) => e.type);
      if (s.startsWith('order-')) {
        expect({ s, registered: types.filter((t) => t === 'OrderRegistered').length }).toEqual({ s, registered: 1 });
        expect({ s, paid: events.filter((e) => e.type === 'OrderFactRecorded' && e.data.type === 'PAID').length }).toEqual({ s, paid: 1 });
      } else {
        expect({ s, opened: types.filter((t) => t === 'DisputeOpened').length }).toEqual({ s, opened: 1 });
      }
    }
    // Nor was any order disputed twice (a retried POST /disputes must not open a second case).
    const disputesByOrder = new Map<string, number>();
    for (const ack of acks.filter((x) => x.type === 'DisputeOpened')) disputesByOrder.set(ack.body.orderId, (disputesByOrder.get(ack.body.orderId) ?? 0) + 1);
    const { rows: disputeRows } = await pgAdmin(dbUrl, (c) =>
      c.query<{ order_id: string; n: number }>(
        `SELECT data->>'orderId' AS order_id, count(*)::int AS n FROM es_events WHERE event_type = 'DisputeOpened' GROUP BY 1 HAVING count(*) > 1`,
      ),
    );
    expect(disputeRows).toEqual([]);
    const { rows: dupKeys } = await pgAdmin(dbUrl, (c) =>
      c.query(
        `SELECT stream_id, metadata->>'idempotencyKey' AS key, event_type, count(*)::int AS n FROM es_events
          WHERE metadata ? 'idempotencyKey' GROUP BY 1, 2, 3 HAVING count(*) > 1`,
      ),
    );
    expect(dupKeys).toEqual([]);

    // 4. Every stream verifies (hash chain and Merkle log), and so does the whole log (cli verify).
    for (const s of streams) {
      const v = await api.get(`/streams/${encodeURIComponent(s)}/verify`, auditor);
      expect({ s, status: v.status, valid: v.body?.valid }).toEqual({ s, status: 200, valid: true });
    }
    const cli = await promisify(execFile)(process.execPath, [path.join(ROOT, 'dist/apps/cli/src/main.js'), 'verify'], {
      env: { ...process.env, EVENT_STORE: 'postgres', DATABASE_URL: dbUrl, LOG_LEVEL: 'warn' },
    });
    expect(cli.stdout).toMatch(/hash chains: valid/);
    expect(cli.stdout).toMatch(/merkle log: \d+ leaves, \d+ checkpoints: valid/);

    // 5. Read models converged: each order's row at its stream's head, each case projected, no lag.
    const { rows: shipping } = await pgAdmin(dbUrl, (c) => c.query<{ stream: string; revision: number }>(`SELECT stream, revision FROM order_shipping`));
    const shippingRev = new Map(shipping.map((r) => [r.stream, Number(r.revision)]));
    const { rows: cases } = await pgAdmin(dbUrl, (c) => c.query<{ dispute_id: string }>(`SELECT dispute_id FROM dispute_state`));
    const caseIds = new Set(cases.map((r) => r.dispute_id));
    for (const [s, events] of eventsOf) {
      if (s.startsWith('order-')) expect({ s, revision: shippingRev.get(s) }).toEqual({ s, revision: events[events.length - 1].revision });
      else expect({ s, projected: caseIds.has(s.slice('dispute-'.length)) }).toEqual({ s, projected: true });
    }
    // 6. The scheduler resumed: every case fired its response deadline and was judged, exactly once.
    const disputeStreams = streams.filter((s) => s.startsWith('dispute-'));
    expect(disputeStreams.length).toBeGreaterThan(5);
    await until(
      'every case judged by its deadline',
      async () => {
        const { rows } = await pgAdmin(dbUrl, (c) =>
          c.query<{ n: number }>(`SELECT count(DISTINCT stream_id)::int AS n FROM es_events WHERE event_type = 'DisputeJudged' AND stream_id = ANY($1)`, [disputeStreams]),
        );
        return rows[0].n === disputeStreams.length;
      },
      60_000,
    );
    const { rows: fired } = await pgAdmin(dbUrl, (c) =>
      c.query<{ stream_id: string; fired: number; judged: number }>(
        `SELECT stream_id, count(*) FILTER (WHERE event_type = 'DeadlineFired')::int AS fired, count(*) FILTER (WHERE event_type = 'DisputeJudged')::int AS judged
           FROM es_events WHERE stream_id = ANY($1) GROUP BY 1`,
        [disputeStreams],
      ),
    );
    expect(fired.filter((r) => r.fired !== 1 || r.judged !== 1)).toEqual([]);
    // 7. The checkpointer resumed: a signed checkpoint covers the whole log (all events, judgements included).
    await until(
      'a checkpoint of the whole log',
      async () => {
        const { rows } = await pgAdmin(dbUrl, (c) => c.query<{ n: number }>(`SELECT count(*)::int AS n FROM es_events`));
        const cp = await api.get('/audit/checkpoint', auditor);
        return cp.status === 200 && cp.body.size === rows[0].n;
      },
      30_000,
    );

    const health = await new Api(b).get('/health', as.platform()); // details need a platform/auditor token
    for (const [name, p] of Object.entries(health.body.projections as Record<string, { lagEvents: number; status: string }>)) {
      expect({ name, lag: p.lagEvents, status: p.status }).toEqual({ name, lag: 0, status: 'ok' });
    }
  });

  it('a retry after a crash that left a claimed key gets its answer within a few seconds, and the write stays single', async () => {
    // A process killed after its append committed but before it stored the answer leaves exactly this: the
    // key claimed (lease running, no answer) and the event in the stream. Make that state for real: a
    // completed write whose key row is then put back to "claimed by a dead request".
    const orderId = `k-${randomBytes(4).toString('hex')}`;
    const order = { orderId, merchantId: 'm-kill', consumerId: 'c-kill', placedAt: ago(DAY), paymentMethod: 'ONLINE', orderKind: 'STANDARD', amount: 5 };
    const key = `kill-${orderId}`;
    const first = await new Api(a).post('/orders', order, as.platform(), { idempotencyKey: key });
    expect(first.status).toBe(201);
    const orphaned = await pgAdmin(dbUrl, (c) =>
      c.query(
        `UPDATE idempotency_keys SET status = NULL, response = NULL, completed_at = NULL, owner = 'killed-request',
                lease_until = now() + interval '3 seconds'
          WHERE key = $1`,
        [key],
      ),
    );
    expect(orphaned.rowCount).toBe(1);
    const t0 = Date.now();
    let res: Res;
    const seen: number[] = [];
    for (;;) {
      res = await new Api(b).post('/orders', order, as.platform(), { idempotencyKey: key });
      seen.push(res.status);
      if (res.status !== 409) break;
      expect(res.body.code).toBe('IDEMPOTENCY_IN_PROGRESS');
      expect(res.headers.get('retry-after')).toBe('1');
      if (Date.now() - t0 > 30_000) break;
      await sleep(250);
    }
    const waited = Date.now() - t0;
    expect({ status: res.status, waitedLessThan8s: waited < 8_000 }).toEqual({ status: 201, waitedLessThan8s: true }); // lease PT3S here
    expect(seen[0]).toBe(409); // the orphaned lease was honoured while it lasted
    const stream = await new Api(a).get(`/streams/order-${orderId}`, as.auditor());
    expect(stream.body.items.filter((e: any) => e.type === 'OrderRegistered')).toHaveLength(1);
  });
});
