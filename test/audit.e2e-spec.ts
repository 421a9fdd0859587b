/**
 * Auditors over real HTTP: raw streams and the global feed in pages, NDJSON export, chain verification
 * (including tampering done directly in PostgreSQL), signed Merkle checkpoints and proofs checked by the
 * stand-alone verifier, which trusts only the pinned public key.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { Api, expectStatus } from './support/http';
import { ROOT, STORES, TestServer } from './support/server';
import { as } from './support/tokens';
import { Fixtures } from './support/fixtures';

jest.setTimeout(180_000);
const run = promisify(execFile);
const VERIFIER = path.join(ROOT, 'dist', 'apps', 'audit-verifier', 'src', 'main.js');

async function verifier(args: string[]): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [VERIFIER, ...args]);
    return { code: 0, out: stdout + stderr };
  } catch (e: any) {
    return { code: e.code ?? 1, out: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

describe.each(STORES)('audit API (%s)', (store) => {
  let server: TestServer;
  let api: Api;
  let f: Fixtures;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'audit-e2e-'));

  beforeAll(async () => {
    server = await TestServer.start(store);
    api = new Api(server);
    f = new Fixtures(server);
  });
  afterAll(async () => {
    await server?.dispose();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('serves raw streams in pages, chained by hash, and exports them as NDJSON', async () => {
    const { id, order } = await f.lateDispute();
    await f.choose(id, order.merchantId, { option: 'OUT_OF_STOCK_REFUND' });
    await f.respond(id, order.consumerId, { accepted: true });
    const stream = `dispute-${id}`;
    const page1 = await api.get(`/streams/${stream}?limit=2`, as.auditor());
    expectStatus(page1, 200);
    expect(page1.body.items).toHaveLength(2);
    expect(page1.body.nextCursor).toBeDefined();
    const page2 = await api.get(`/streams/${stream}?from=${page1.body.nextCursor}&limit=100`, as.auditor());
    const events = [...page1.body.items, ...page2.body.items];
    expect(page2.body.nextCursor).toBeUndefined();
    events.forEach((e, i) => {
      expect(e).toMatchObject({ stream, revision: i });
      expect(e.hash).toMatch(/^[0-9a-f]{64}$/);
      expect(e.prevHash).toBe(i === 0 ? null : events[i - 1].hash);
      expect(e.metadata.actor).toEqual(expect.objectContaining({ sub: expect.any(String), role: expect.any(String) }));
    });
    const ndjson = await api.get(`/streams/${stream}/export`, as.auditor());
    expectStatus(ndjson, 200);
    expect(ndjson.contentType).toContain('application/x-ndjson');
    const lines = ndjson.text.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toEqual(events);
    const verify = await api.get(`/streams/${stream}/verify`, as.auditor());
    expect(verify.body).toMatchObject({ valid: true, checked: events.length });
  });

  it('pages the global feed: every event exactly once, in a stable order', async () => {
    await f.lateDispute();
    const walk = async () => {
      const seen: string[] = [];
      let from: string | undefined;
      for (;;) {
        const res = await api.get(`/events?limit=7${from ? `&from=${encodeURIComponent(from)}` : ''}`, as.auditor());
        expectStatus(res, 200);
        seen.push(...res.body.items.map((e: any) => e.eventId));
        if (!res.body.nextCursor) return seen;
        from = res.body.nextCursor;
      }
    };
    const first = await walk();
    expect(new Set(first).size).toBe(first.length);
    expect(first.length).toBeGreaterThan(7);
    const second = await walk();
    expect(second.slice(0, first.length)).toEqual(first);
  });

  it('refuses raw streams to merchants and consumers, and has no write path', async () => {
    const { id, order } = await f.lateDispute();
    expect((await api.get(`/streams/dispute-${id}`, as.merchant(order.merchantId))).status).toBe(403);
    expect((await api.get(`/events`, as.consumer(order.consumerId))).status).toBe(403);
    expect((await api.post(`/streams/dispute-${id}`, {}, as.auditor())).status).toBe(404);
    expect((await api.get(`/streams/dispute-nope/verify`, as.auditor())).status).toBe(404);
  });

  it('proves with signed checkpoints that the log only grew, checked by the offline verifier', async () => {
    await f.lateDispute();
    const cp1 = await api.post('/audit/checkpoints', undefined, as.platform());
    expectStatus(cp1, 201);
    const key = await api.get('/audit/public-key', as.auditor());
    expectStatus(key, 200);
    const { id } = await f.lateDispute();
    const cp2 = await api.post('/audit/checkpoints', undefined, as.platform());
    expect(cp2.body.size).toBeGreaterThan(cp1.body.size);
    const proof = await api.get(`/audit/proofs/consistency?from=${cp1.body.size}&to=${cp2.body.size}`, as.auditor());
    expectStatus(proof, 200);
    const write = (name: string, v: unknown) => {
      const p = path.join(tmp, `${store}-${name}.json`);
      fs.writeFileSync(p, JSON.stringify(v));
      return p;
    };
    const pub = key.body.raw as string;
    const ok = await verifier(['verify-consistency', '--old', write('cp1', cp1.body), '--new', write('cp2', cp2.body), '--proof', write('proof', proof.body), '--public-key', pub]);
    expect(ok).toMatchObject({ code: 0 });

    // A forged history: the same new checkpoint with another root no longer verifies.
    const forged = { ...cp2.body, root: cp2.body.root.replace(/^./, (c: string) => (c === '0' ? '1' : '0')) };
    const bad = await verifier(['verify-consistency', '--old', write('cp1', cp1.body), '--new', write('forged', forged), '--proof', write('proof', proof.body), '--public-key', pub]);
    expect(bad.code).toBe(1);

    // Inclusion of one of the newest events in the signed tree.
    const timeline = await f.timeline(id);
    const eventId = timeline[0].eventId;
    const inclusion = await api.get(`/audit/proofs/inclusion?eventId=${eventId}&treeSize=${cp2.body.size}`, as.auditor());
    expectStatus(inclusion, 200);
    const raw = (await api.get(`/streams/dispute-${id}?limit=1`, as.auditor())).body.items[0];
    const inc = await verifier(['verify-inclusion', '--checkpoint', write('cp2', cp2.body), '--proof', write('inc', inclusion.body), '--event', write('event', raw), '--public-key', pub]);
    expect(inc).toMatchObject({ code: 0 });
    const tampered = await verifier([
      'verify-inclusion',
      '--checkpoint',
      write('cp2', cp2.body),
      '--proof',
      write('inc', inclusion.body),
      '--event',
      write('event-x', { ...raw, data: { ...raw.data, responseDueAt: '2099-01-01T00:00:00.000Z' } }),
      '--public-key',
      pub,
    ]);
    expect(tampered.code).toBe(1);
  });

  if (store === 'postgres') {
    it('detects an event altered or a tail deleted directly in the database, naming the revision', async () => {
      const { id, order } = await f.lateDispute();
      await f.choose(id, order.merchantId, { option: 'OUT_OF_STOCK_REFUND' });
      await f.respond(id, order.consumerId, { accepted: false });
      const stream = `dispute-${id}`;
      expect((await api.get(`/streams/${stream}/verify`, as.auditor())).body.valid).toBe(true);
      const db = new Client({ connectionString: server.databaseUrl() });
      await db.connect();
      try {
        // The insider disables the append-only guard, then edits one byte of revision 1's data.
        await db.query('ALTER TABLE es_events DISABLE TRIGGER USER');
        await db.query(`UPDATE es_events SET data = jsonb_set(data, '{option}', '"CONSUMER_CANCELLED"') WHERE stream_id = $1 AND stream_revision = 1`, [stream]);
        const altered = await api.get(`/streams/${stream}/verify`, as.auditor());
        expect(altered.body).toMatchObject({ valid: false, brokenAt: 1 });

        // Deleting the tail is caught against the Merkle log's head for the stream.
        const { rows } = await db.query(`SELECT max(stream_revision)::int AS last FROM es_events WHERE stream_id = $1`, [stream]);
        await db.query(`DELETE FROM es_events WHERE stream_id = $1 AND stream_revision = $2`, [stream, rows[0].last]);
        const truncated = await api.get(`/streams/${stream}/verify`, as.auditor());
        expect(truncated.body.valid).toBe(false);
        expect(truncated.body.brokenAt).toBeLessThanOrEqual(rows[0].last);
      } finally {
        await db.query('ALTER TABLE es_events ENABLE TRIGGER USER').catch(() => undefined);
        await db.end();
      }
    });
  }
});
