/**
 * The deployment of issue 15: two API processes with the background off (RUN_BACKGROUND=false) and the worker
 * process (apps/worker) on ONE PostgreSQL database, all built (`dist/`), over real HTTP:
 *  - without a worker the APIs answer every command (a pickup still settles its case in the answer: the
 *    reaction runs inline), but nothing projects, fires deadlines, signs checkpoints or sends webhooks;
 *  - the worker started, it catches up: the read models (case list, judgements), the system judgements of the
 *    response deadlines, the webhook deliveries, the Merkle log and its signed checkpoints;
 *  - the worker SIGKILLed in the middle of a command stream spread over both APIs: every command is still
 *    answered; the worker restarted catches up, and nothing acknowledged is lost or doubled — the rows of the
 *    read models match the events in the log one for one, every dispute's revisions reach the webhook endpoint
 *    exactly once each, in order;
 *  - a second worker: one leader per projection across the two; the leader SIGKILLed, the other takes over;
 *  - a what-if simulation requested on an API with the background off runs in the worker;
 *  - SIGTERM: the worker stops its work, closes its listener and the stores, and exits 0;
 *  - on the embedded store the worker refuses to start (PGlite is one process: the API runs the background).
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { ago, DAY, EVIDENCE, Fixtures, fromNow, HOUR, SEC } from './support/fixtures';
import { expectStatus } from './support/http';
import { ROOT, sleep, TestServer, until, WORKER_JS } from './support/server';
import { as } from './support/tokens';
import { WebhookReceiver, webhookSenders } from './support/webhook-receiver';

jest.setTimeout(480_000);

const SETTINGS = {
  WEBHOOK_ALLOW_PRIVATE: 'true',
  WEBHOOK_RETRY_BASE: 'PT0.2S',
  WEBHOOK_RETRY_MAX_DELAY: 'PT0.5S',
  WEBHOOK_POLL_INTERVAL: 'PT0.2S',
  DEADLINE_POLL_INTERVAL: 'PT0.2S',
  AUDIT_CHECKPOINT_INTERVAL: 'PT1S',
  // One signing key for every process: the APIs sign a checkpoint on demand, the worker every interval.
  AUDIT_SIGNING_KEY: randomBytes(32).toString('base64'),
};
const API = { ...SETTINGS, RUN_BACKGROUND: 'false' };

type Kind = 'silent' | 'refund' | 'pickup';
interface Case {
  disputeId: string;
  kind: Kind;
}

/** Operational details (readiness with projections) of an API or a worker, with a platform token. */
async function details(s: TestServer): Promise<{ status: string; projections: Record<string, { leaderHere: boolean; status: string }> }> {
  const r = await fetch(`${s.baseUrl}/health`, { headers: { authorization: `Bearer ${await as.platform()}` } });
  return (await r.json()) as { status: string; projections: Record<string, { leaderHere: boolean; status: string }> };
}

describe('API processes with the background off and a worker process on one PostgreSQL database', () => {
  let a: TestServer;
  let b: TestServer;
  let worker: TestServer;
  let worker2: TestServer | undefined;
  let receiver: WebhookReceiver;
  let dbUrl: string;
  let db: Client;
  const merchantId = `m-worker-${randomBytes(4).toString('hex')}`;
  const cases: Case[] = [];
  let hookPath = '';

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    a = await TestServer.start('postgres', API);
    dbUrl = a.databaseUrl();
    b = await TestServer.start('postgres', { ...API, DATABASE_URL: dbUrl });
    db = new Client({ connectionString: dbUrl });
    await db.connect();
  }, 240_000);
  afterAll(async () => {
    await db?.end();
    await worker2?.dispose();
    await worker?.dispose();
    await b?.dispose();
    await a?.dispose();
    await receiver?.close();
  });

  /**
   * One case on one API: `silent` is opened 25 h ago and never answered (its response deadline is due at once:
   * the scheduler judges it); `refund` is chosen and accepted by the consumer; `pickup` is promised for a date
   * and then picked up, which settles it (the pickup reaction).
   */
  async function runCase(api: TestServer, kind: Kind): Promise<Case> {
    const fx = new Fixtures(api);
    const order = await fx.lateOrder({ merchantId });
    const opened = await fx.open(order, kind === 'silent' ? { openedAt: ago(25 * HOUR) } : {});
    const c = { disputeId: opened.disputeId as string, kind };
    cases.push(c);
    if (kind === 'refund') {
      expectStatus(await fx.choose(c.disputeId, merchantId, { option: 'OUT_OF_STOCK_REFUND' }), 200);
      expectStatus(await fx.respond(c.disputeId, order.consumerId, { accepted: true }), 200);
    } else if (kind === 'pickup') {
      expectStatus(await fx.choose(c.disputeId, merchantId, { option: 'SHIP_BY_AGREED_DATE', agreedShipBy: fromNow(2 * DAY), evidence: EVIDENCE }), 200);
      await fx.fact(order, { type: 'PICKUP_SCANNED', occurredAt: ago(SEC), carrier: 'SF' });
      // Settled in the answer's wake, with no worker involved: the order-fact handler runs the reaction inline.
      expect((await fx.dispute(c.disputeId)).status).toBe('SETTLED');
    }
    return c;
  }

  const KINDS: Kind[] = ['silent', 'refund', 'pickup'];
  /** `n` cases, alternately on A and B, `parallel` at a time. */
  async function stream(n: number, parallel = 3): Promise<void> {
    let next = 0;
    await Promise.all(
      Array.from({ length: parallel }, async () => {
        for (let i = next++; i < n; i = next++) await runCase(i % 2 === 0 ? a : b, KINDS[i % KINDS.length]);
      }),
    );
  }

  async function one<T extends Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T> {
    return (await db.query<T>(sql, params)).rows[0];
  }

  /** What the read models, the webhooks and the Merkle log hold against the log, for this merchant's cases. */
  async function tally() {
    const ids = cases.map((c) => c.disputeId);
    const silent = cases.filter((c) => c.kind === 'silent').map((c) => c.disputeId);
    const rows = (await db.query<{ dispute_id: string; status: string; revision: number; log_revision: string }>(
      `SELECT d.dispute_id, d.status, d.revision, s.revision::text AS log_revision FROM dispute_state d JOIN es_streams s ON s.stream_id = d.stream WHERE d.merchant_id = $1`,
      [merchantId],
    )).rows;
    const logEvents = await one<{ n: string; judged: string; settled: string }>(
      `SELECT count(*)::text AS n, count(*) FILTER (WHERE event_type = 'DisputeJudged')::text AS judged,
              count(*) FILTER (WHERE event_type = 'DisputeSettled')::text AS settled
         FROM es_events WHERE stream_id IN (SELECT stream FROM dispute_state WHERE merchant_id = $1)`,
      [merchantId],
    );
    // One row per final case: kind JUDGEMENT (a judged case) or SETTLEMENT (a settled one).
    const judgements = await one<{ judged: string; settled: string }>(
      `SELECT count(*) FILTER (WHERE kind = 'JUDGEMENT')::text AS judged, count(*) FILTER (WHERE kind = 'SETTLEMENT')::text AS settled FROM judgements WHERE merchant_id = $1`,
      [merchantId],
    );
    const merkle = await one<{ leaves: string; events: string; signed: string | null }>(
      `SELECT (SELECT count(*) FROM audit_merkle_leaves)::text AS leaves, (SELECT count(*) FROM es_events)::text AS events,
              (SELECT max(tree_size) FROM audit_checkpoints)::text AS signed`,
    );
    const byDispute = new Map<string, number[]>();
    for (const m of receiver.messages(hookPath)) {
      const id = m.json?.data?.disputeId as string;
      if (ids.includes(id)) byDispute.set(id, [...(byDispute.get(id) ?? []), m.json.data.revision as number]);
    }
    return {
      ids,
      silent,
      rows,
      logEvents: Number(logEvents.n),
      events: { judged: Number(logEvents.judged), settled: Number(logEvents.settled) },
      judgementRows: { judged: Number(judgements.judged), settled: Number(judgements.settled) },
      merkle,
      byDispute,
    };
  }

  /** Every acknowledged case once in the read models, each at its stream's revision; every event delivered once; the log signed. */
  async function caughtUp(): Promise<boolean> {
    const t = await tally();
    const revisions = t.rows.reduce((n, r) => n + r.revision + 1, 0);
    return (
      t.rows.length === t.ids.length &&
      t.rows.every((r) => String(r.revision) === r.log_revision) &&
      revisions === t.logEvents &&
      t.judgementRows.judged === t.silent.length &&
      t.judgementRows.settled === t.ids.length - t.silent.length &&
      t.events.judged === t.silent.length &&
      t.events.settled === t.ids.length - t.silent.length &&
      t.ids.every((id) => (t.byDispute.get(id)?.length ?? 0) === (t.rows.find((r) => r.dispute_id === id)?.revision ?? -2) + 1) &&
      t.merkle.leaves === t.merkle.events &&
      t.merkle.signed === t.merkle.events
    );
  }

  /** The same, as assertions that name what differs; and the case views (folded from the streams) agree with the rows. */
  async function expectConsistent(): Promise<void> {
    const t = await tally();
    expect(t.rows.map((r) => r.dispute_id).sort()).toEqual([...t.ids].sort());
    expect(new Set(t.ids).size).toBe(t.ids.length);
    for (const r of t.rows) expect({ id: r.dispute_id, revision: String(r.revision) }).toEqual({ id: r.dispute_id, revision: r.log_revision });
    expect(t.rows.reduce((n, r) => n + r.revision + 1, 0)).toBe(t.logEvents);
    const settled = t.ids.length - t.silent.length;
    expect({ rows: t.judgementRows, events: t.events }).toEqual({ rows: { judged: t.silent.length, settled }, events: { judged: t.silent.length, settled } });
    for (const r of t.rows) expect({ id: r.dispute_id, revisions: t.byDispute.get(r.dispute_id) }).toEqual({ id: r.dispute_id, revisions: Array.from({ length: r.revision + 1 }, (_, k) => k) });
    expect(t.merkle.leaves).toBe(t.merkle.events);
    expect(t.merkle.signed).toBe(t.merkle.events);
    const fx = new Fixtures(b);
    for (const c of cases) {
      const view = await fx.dispute(c.disputeId);
      const row = t.rows.find((r) => r.dispute_id === c.disputeId)!;
      expect({ id: c.disputeId, status: row.status, revision: row.revision }).toEqual({ id: c.disputeId, status: view.status, revision: view.revision });
      expect({ id: c.disputeId, status: view.status }).toEqual({ id: c.disputeId, status: c.kind === 'silent' ? 'JUDGED' : 'SETTLED' });
      if (c.kind === 'pickup') expect((await fx.timeline(c.disputeId)).filter((e) => e.type === 'DisputeSettled')).toHaveLength(1);
    }
    // The read routes of both APIs serve it: the case list and the judgements (paged).
    for (const api of [a, b]) {
      const list: string[] = [];
      let cursor: string | undefined;
      do {
        const res = await new Fixtures(api).api.get(`/disputes?merchantId=${merchantId}&limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, as.platform());
        expectStatus(res, 200);
        list.push(...res.body.items.map((i: { disputeId: string }) => i.disputeId));
        cursor = res.body.nextCursor;
      } while (cursor);
      expect(list.sort()).toEqual([...t.ids].sort());
      const judged = await new Fixtures(api).api.get(`/judgements?merchantId=${merchantId}&limit=200`, as.adjudicator());
      expectStatus(judged, 200);
      expect(judged.body.items.filter((j: { kind: string }) => j.kind === 'JUDGEMENT').map((j: { disputeId: string }) => j.disputeId).sort()).toEqual([...t.silent].sort());
      expect(judged.body.items).toHaveLength(t.ids.length);
    }
  }

  it('without a worker the APIs answer every command but run no background; the worker started catches up', async () => {
    const hook = await new Fixtures(a).api.post('/webhooks', { url: receiver.url('/worker-e2e') }, as.platform());
    expectStatus(hook, 201);
    hookPath = '/worker-e2e';

    await stream(6);
    const silent = cases.find((c) => c.kind === 'silent')!;
    await sleep(2000); // ten scheduler ticks, were one running
    expect(await one(`SELECT count(*)::int AS n FROM dispute_state WHERE merchant_id = $1`, [merchantId])).toEqual({ n: 0 });
    expect((await new Fixtures(a).dispute(silent.disputeId)).status).toBe('AWAITING_MERCHANT');
    expect(receiver.received).toHaveLength(0);
    expect(await one(`SELECT count(*)::int AS n FROM audit_checkpoints`)).toEqual({ n: 0 });
    expect(await webhookSenders(dbUrl)).toEqual([]);
    for (const api of [a, b]) for (const p of Object.values((await details(api)).projections)) expect(p.leaderHere).toBe(false);

    worker = await TestServer.start('postgres', { ...SETTINGS, DATABASE_URL: dbUrl }, { role: 'worker' });
    await until('the worker to catch up', caughtUp, 120_000);
    await expectConsistent();

    // The worker leads every projection and every webhook partition; its own /metrics counts what it did.
    const w = await details(worker);
    expect(w.status).toBe('ok');
    for (const [name, p] of Object.entries(w.projections)) expect({ name, leaderHere: p.leaderHere }).toEqual({ name, leaderHere: true });
    expect((await webhookSenders(dbUrl)).map((s) => s.pid)).toEqual([worker.pid]);
    const metrics = await (await fetch(`${worker.baseUrl}/metrics`, { headers: { authorization: `Bearer ${await as.platform()}` } })).text();
    const fired = [...metrics.matchAll(/^deadlines_fired_total\{[^}]*\} (\d+)/gm)].reduce((n, m) => n + Number(m[1]), 0);
    expect(fired).toBeGreaterThanOrEqual(cases.filter((c) => c.kind === 'silent').length);
    expect(Number(/^webhook_delivery_attempts_total\{result="success"\} (\d+)/m.exec(metrics)?.[1] ?? 0)).toBeGreaterThan(0);
    // Its listener serves operations only.
    expect((await fetch(`${worker.baseUrl}/metrics`)).status).toBe(401);
    expect((await fetch(`${worker.baseUrl}/disputes`)).status).toBe(404);
    // Read-your-writes across processes: X-Min-Position on an API waits for the worker's projections.
    const fx = new Fixtures(b);
    const order = await fx.lateOrder({ merchantId });
    const opened = await fx.api.post('/disputes', { orderId: order.orderId }, as.platform());
    expectStatus(opened, 201);
    cases.push({ disputeId: opened.body.disputeId, kind: 'refund' });
    const position = opened.headers.get('x-event-position')!;
    const list = await new Fixtures(a).api.get(`/disputes?merchantId=${merchantId}&status=AWAITING_MERCHANT`, as.platform(), { headers: { 'x-min-position': position } });
    expectStatus(list, 200);
    expect(list.body.items.map((i: { disputeId: string }) => i.disputeId)).toContain(opened.body.disputeId);
    expectStatus(await fx.choose(opened.body.disputeId, merchantId, { option: 'OUT_OF_STOCK_REFUND' }), 200);
    expectStatus(await fx.respond(opened.body.disputeId, order.consumerId, { accepted: true }), 200);
  });

  it('the worker SIGKILLed mid-stream: the APIs keep accepting commands; restarted, it catches up with nothing lost or doubled', async () => {
    const before = cases.length;
    const load = stream(30, 4);
    await until('a few commands of the stream acknowledged', () => cases.length >= before + 6, 120_000);
    await worker.crash();
    const atKill = cases.length;
    await load; // every command answered (the fixtures fail on any other status) with no worker running
    expect(cases.length).toBe(before + 30);
    expect(cases.length).toBeGreaterThan(atKill);
    await worker.relaunch();
    await stream(6);
    await until('the restarted worker to catch up', caughtUp, 180_000);
    await expectConsistent();
    // No process exited but the killed worker.
    expect(a.exits).toEqual([]);
    expect(b.exits).toEqual([]);
    expect(worker.exits).toEqual([{ code: null, signal: 'SIGKILL', expected: true }]);
  });

  it('two workers: one leader per projection; the leader SIGKILLed, the other takes over', async () => {
    worker2 = await TestServer.start('postgres', { ...SETTINGS, DATABASE_URL: dbUrl }, { role: 'worker' });
    const [d1, d2] = [await details(worker), await details(worker2)];
    for (const name of Object.keys(d1.projections)) {
      expect({ name, leaders: [d1.projections[name].leaderHere, d2.projections[name].leaderHere].filter(Boolean).length }).toEqual({ name, leaders: 1 });
    }
    await until('both workers to send webhooks', async () => (await webhookSenders(dbUrl)).length === 2, 30_000);
    await worker.crash();
    await stream(6);
    await until('the second worker to lead every projection', async () => Object.values((await details(worker2!)).projections).every((p) => p.leaderHere), 60_000);
    await until('the second worker to catch up', caughtUp, 120_000);
    await expectConsistent();
    await until('the killed worker to leave the webhook senders', async () => (await webhookSenders(dbUrl)).map((s) => s.pid).join() === String(worker2!.pid), 30_000);
  });

  it('a what-if simulation requested on an API runs in the worker, not in the API', async () => {
    await worker2!.crash(); // no worker now; the read models are at the head of the log (nothing written since)
    const api = new Fixtures(a).api;
    const started = await api.post('/simulations', { rulesVersion: 'v1', from: ago(8 * DAY), to: fromNow(DAY), merchantId }, as.adjudicator());
    expectStatus(started, 202);
    const id = started.body.simulationId as string;
    await sleep(3000); // the worker's sweep looks every 2 s; an API running it would be done by now
    const waiting = await api.get(`/simulations/${id}`, as.platform());
    expectStatus(waiting, 200);
    expect(waiting.body).toMatchObject({ status: 'RUNNING', progress: { phase: 'WEEKS', judgementsDone: 0 } });
    await worker2!.relaunch();
    let view: any;
    await until(`simulation ${id} DONE in the worker`, async () => {
      view = (await api.get(`/simulations/${id}`, as.platform())).body;
      if (view.status === 'FAILED') throw new Error(`simulation failed: ${JSON.stringify(view)}`);
      return view.status === 'DONE';
    }, 60_000);
    // Every judgement of the merchant's cases was re-judged (the judged ones: the settled cases have none).
    expect(view.progress).toMatchObject({ phase: 'DONE', judgementsTotal: view.progress.judgementsDone });
    expect(view.progress.judgementsTotal).toBeGreaterThan(0);
  });

  it('SIGTERM: the worker stops its work and exits 0, its listener closed', async () => {
    const survivor = worker2!;
    const port = survivor.port;
    await survivor.stop();
    expect(survivor.exits.at(-1)).toEqual({ code: 0, signal: null, expected: true });
    await expect(fetch(`http://127.0.0.1:${port}/health/live`)).rejects.toThrow();
  });
});

describe('the worker on the embedded store', () => {
  it('refuses to start (exit 78) and says why: the API runs the background in-process there', () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'worker-embedded-'));
    try {
      const env: NodeJS.ProcessEnv = { ...process.env, EVENT_STORE: 'embedded', DATA_DIR: dataDir, WORKER_PORT: '0', LOG_LEVEL: 'warn' };
      delete env.DATABASE_URL;
      const r = spawnSync(process.execPath, [WORKER_JS], { cwd: ROOT, env, encoding: 'utf8', timeout: 60_000 });
      expect(r.status).toBe(78);
      expect(r.stderr).toContain('EVENT_STORE=embedded');
      expect(r.stderr).toContain('RUN_BACKGROUND=true');
      expect(fs.readdirSync(dataDir)).toEqual([]); // it opened nothing
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
