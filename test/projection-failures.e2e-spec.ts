/**
 * Poison events and cold starts, against the built service on PostgreSQL:
 *  - an event a projection cannot apply (written straight into the store, as an old release or a bug could
 *    have accepted it) stalls only that projection after bounded retries: /health says `degraded` (503)
 *    naming the projection and the event, /metrics shows projection_stalled 1, `cli projections status`
 *    lists it; `cli projections park <name>` skips it (recorded, visible) and readiness is `ok` again;
 *  - several instances cold-starting together on a fresh database all come up, repeatedly.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { PgDatabase, SqlEventStore } from '@app/event-store';
import { Api } from './support/http';
import { PG_ADMIN_URL, ROOT, TestServer, eventually } from './support/server';
import { as } from './support/tokens';
import { Fixtures } from './support/fixtures';

jest.setTimeout(240_000);

const CLI = path.join(ROOT, 'dist/apps/cli/src/main.js');

async function cli(dbUrl: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await promisify(execFile)(process.execPath, [CLI, ...args], { env: { ...process.env, EVENT_STORE: 'postgres', DATABASE_URL: dbUrl } });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof err.code === 'number' ? err.code : -1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}

const until = <T>(what: string, fn: () => Promise<T | undefined | false | null>, timeoutMs = 60_000): Promise<T> => eventually(what, fn, timeoutMs, 250);

describe('a projection that cannot apply an event (PostgreSQL)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await TestServer.start('postgres', { PROJECTION_MAX_ATTEMPTS: '3' });
  });
  afterAll(async () => {
    await server?.dispose();
  });

  it('stalls only that projection, is reported by /health, /metrics and the CLI, and is parked by the operator', async () => {
    const dbUrl = server.databaseUrl();
    const f = new Fixtures(server);
    await f.order();
    // An event the order_shipping projection cannot apply (an impossible placedAt), appended directly.
    const db = new PgDatabase({ url: dbUrl, max: 2 });
    const store = new SqlEventStore(db);
    const orderId = `poison-${randomBytes(3).toString('hex')}`;
    try {
      await store.appendToStream(`order-${orderId}`, [
        {
          type: 'OrderRegistered',
          data: { orderId, merchantId: 'm-p', consumerId: 'c-p', placedAt: 'not-a-date', paymentMethod: 'ONLINE', orderKind: 'STANDARD', amount: 1 },
        },
      ]);
    } finally {
      await store.close();
      await db.close();
    }
    const api = new Api(server);
    const degraded = await until('/health to report the stall', async () => {
      const h = await api.get('/health', as.platform()); // details need a platform/auditor token
      return h.status === 503 && h.body.status === 'degraded' ? h : null;
    });
    expect(degraded.body.projections.order_shipping).toMatchObject({ status: 'stalled', stalledAt: { stream: `order-${orderId}`, revision: 0, eventType: 'OrderRegistered' } });
    expect(degraded.body.problems.join('\n')).toMatch(new RegExp(`projection order_shipping is stalled at event .*order-${orderId}`));
    // The other projections are not held up.
    expect(degraded.body.projections.dispute_state.status).toBe('ok');
    expect(degraded.body.projections.audit_merkle_log.status).toBe('ok');
    const metrics = await until('the stall in /metrics', async () => {
      const m = await api.get('/metrics', as.platform());
      return /projection_stalled\{projection="order_shipping"\} 1/.test(m.text) ? m.text : null;
    }, 15_000);
    expect(metrics).toMatch(/projection_apply_failures_total\{projection="order_shipping"\} 3/);

    const status = await cli(dbUrl, 'projections', 'status');
    expect(status.code).toBe(1);
    expect(status.stdout).toMatch(/order_shipping\s+STALLED/);
    expect(status.stdout).toMatch(new RegExp(`stalled\\s+order_shipping event \\S+ \\(OrderRegistered, stream order-${orderId} revision 0`));

    const bad = await cli(dbUrl, 'projections', 'park', 'dispute_state');
    expect(bad.code).toBe(1); // not stalled: nothing to park
    const park = await cli(dbUrl, 'projections', 'park', 'order_shipping');
    expect(park).toMatchObject({ code: 0 });
    expect(park.stdout).toMatch(/parked/);

    const ok = await until('/health ok after parking', async () => {
      const h = await api.get('/health', as.platform());
      return h.status === 200 && h.body.status === 'ok' && h.body.projections.order_shipping.lagEvents === 0 ? h : null;
    });
    expect(ok.body.projections.order_shipping).toMatchObject({ status: 'ok', parkedEvents: 1, lagEvents: 0 });
    const after = await cli(dbUrl, 'projections', 'status');
    expect(after.code).toBe(0);
    expect(after.stdout).toMatch(/order_shipping\s+ok .*1 parked/);
    expect(after.stdout).toMatch(new RegExp(`parked\\s+order_shipping event \\S+ \\(OrderRegistered, stream order-${orderId}`));
    // Later events are applied again: a new order reaches the read model.
    const later = await f.order();
    const pg = new Client({ connectionString: dbUrl });
    await pg.connect();
    try {
      await until('the next order projected', async () => (await pg.query(`SELECT 1 FROM order_shipping WHERE order_id = $1`, [later.orderId])).rowCount === 1);
    } finally {
      await pg.end();
    }
  });
});

describe('several instances cold-starting together on a fresh database', () => {
  it('all come up, every time', async () => {
    for (let round = 0; round < 3; round++) {
      const name = `e2e_cold_${randomBytes(5).toString('hex')}`;
      const admin = new Client({ connectionString: PG_ADMIN_URL });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${name}`);
      const u = new URL(PG_ADMIN_URL);
      u.pathname = `/${name}`;
      const started = await Promise.allSettled([0, 1, 2].map(() => TestServer.start('postgres', { DATABASE_URL: u.toString() })));
      try {
        const failed = started.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => String(r.reason).slice(0, 1500));
        expect({ round, failed }).toEqual({ round, failed: [] });
        for (const r of started) {
          if (r.status !== 'fulfilled') continue;
          const h = await new Api(r.value).get('/health');
          expect(h.status).toBe(200);
          expect((await new Api(r.value).get('/disputes?merchantId=m-none', as.platform())).status).toBe(200);
        }
      } finally {
        await Promise.all(started.map((r) => (r.status === 'fulfilled' ? r.value.dispose() : undefined)));
        await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await admin.end();
      }
    }
  });
});
