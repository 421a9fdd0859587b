/**
 * Webhooks with several instances of the built service on ONE PostgreSQL database sending to one receiver on
 * 127.0.0.1, commands spread over the instances:
 *  - the instances share the sender partitions (each leads some, so both send at once);
 *  - every committed event is delivered to every endpoint, signatures verify with the Standard Webhooks library,
 *    and per dispute the messages arrive in revision order;
 *  - the same webhook-id is never sent by two instances at once (the receiver tracks requests per id whose
 *    connection is still open);
 *  - one instance SIGKILLed while deliveries of its partitions are in flight: the other takes its partitions over
 *    and resends those messages with the same webhook-id; nothing is lost;
 *  - the killed instance started again gets partitions back (handed over only after their sends were answered),
 *    and deliveries go on across both.
 */
import { createHash } from 'node:crypto';
import { Client } from 'pg';
import { createDisputeClient } from '@app/client';
import { Fixtures, type OrderRef } from './support/fixtures';
import { sleep, TestServer, until } from './support/server';
import { as } from './support/tokens';
import { verifyWith, WebhookReceiver, webhookSenders } from './support/webhook-receiver';

jest.setTimeout(300_000);

const PARTITIONS = 8;
const SETTINGS = {
  WEBHOOK_ALLOW_PRIVATE: 'true',
  WEBHOOK_RETRY_BASE: 'PT0.2S',
  WEBHOOK_RETRY_MAX_DELAY: 'PT0.5S',
  WEBHOOK_POLL_INTERVAL: 'PT0.2S',
  WEBHOOK_PARTITIONS: String(PARTITIONS),
};

/** The same hash the senders use (libs/service/src/webhooks/webhook-sender.ts, partitionOf). */
const partitionOf = (endpointId: string) => createHash('sha256').update(endpointId).digest().readUInt32BE(0) % PARTITIONS;

const senders = webhookSenders;

const pidOf = (s: TestServer) => s.pid;

async function successes(s: TestServer): Promise<number> {
  const r = await fetch(`${s.baseUrl}/metrics`, { headers: { authorization: `Bearer ${await as.platform()}` } });
  const text = await r.text();
  return Number(/^webhook_delivery_attempts_total\{result="success"\} (\d+)/m.exec(text)?.[1] ?? 0);
}

describe('webhooks with several instances on one PostgreSQL database', () => {
  let a: TestServer;
  let b: TestServer;
  let receiver: WebhookReceiver;
  let dbUrl: string;
  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    a = await TestServer.start('postgres', SETTINGS);
    dbUrl = a.databaseUrl();
    b = await TestServer.start('postgres', { ...SETTINGS, DATABASE_URL: dbUrl });
  }, 180_000);
  afterAll(async () => {
    await b?.dispose();
    await a?.dispose();
    await receiver?.close();
  });

  it('share the partitions, deliver every event in order, never one webhook-id twice at once, and survive a SIGKILL mid-delivery', async () => {
    // ---- both instances lead partitions
    let split: { pid: number; partitions: number[] }[] = [];
    await until('both instances to lead partitions', async () => {
      split = await senders(dbUrl);
      const pa = split.find((x) => x.pid === pidOf(a))?.partitions.length ?? 0;
      const pb = split.find((x) => x.pid === pidOf(b))?.partitions.length ?? 0;
      return pa > 0 && pb > 0 && pa + pb === PARTITIONS;
    });
    const led = (s: TestServer) => new Set(split.find((x) => x.pid === pidOf(s))!.partitions);
    expect(led(a).size).toBe(PARTITIONS / 2);

    // ---- platform endpoints (every case) until each instance leads at least two of them
    const platform = createDisputeClient({ baseUrl: a.baseUrl, token: () => as.platform() });
    const endpoints: { id: string; path: string; secret: string; partition: number }[] = [];
    for (let i = 0; i < 40; i++) {
      const path = `/mi/${i}`;
      const { data } = await platform.POST('/webhooks', { body: { url: receiver.url(path) } });
      endpoints.push({ id: data!.webhookId, path, secret: data!.secret, partition: partitionOf(data!.webhookId) });
      const onA = endpoints.filter((e) => led(a).has(e.partition)).length;
      if (onA >= 2 && endpoints.length - onA >= 2) break;
    }
    const ofA = endpoints.filter((e) => led(a).has(e.partition));
    expect(ofA.length).toBeGreaterThanOrEqual(2);
    expect(endpoints.length - ofA.length).toBeGreaterThanOrEqual(2);

    receiver.answer = async () => {
      await sleep(Math.floor(Math.random() * 15));
      return 200;
    };
    const fxA = new Fixtures(a);
    const fxB = new Fixtures(b);
    const cases: string[] = [];
    const lengths = new Map<string, number>();
    /** Every event of every case so far delivered (first receipts) to every endpoint. */
    const allDelivered = async () => {
      for (const id of cases) if (!lengths.has(id)) lengths.set(id, (await fxB.timeline(id)).length);
      const total = [...lengths.values()].reduce((x, y) => x + y, 0);
      return endpoints.every((e) => receiver.messages(e.path).length >= total);
    };
    /** One case on one instance: opened, two racing choices (one wins), the consumer answers. */
    const runCase = async (fx: Fixtures, i: number) => {
      const order: OrderRef = await fx.lateOrder();
      const d = await fx.open(order);
      cases.push(d.disputeId);
      const racing = await Promise.all([
        fx.choose(d.disputeId, order.merchantId, { option: 'OUT_OF_STOCK_REFUND' }),
        fx.choose(d.disputeId, order.merchantId, { option: 'OUT_OF_STOCK_REFUND' }),
      ]);
      expect(racing.map((r) => r.status).sort()).toEqual([200, 409]);
      expect((await fx.respond(d.disputeId, order.consumerId, { accepted: i % 2 === 0 })).status).toBe(200);
    };

    // ---- phase 1: commands spread over both instances, concurrently
    await Promise.all(Array.from({ length: 12 }, (_, i) => runCase(i % 2 === 0 ? fxA : fxB, i)));
    await until('phase 1 delivered', allDelivered, 60_000);
    // Both instances sent (each leads some of the endpoints).
    expect(await successes(a)).toBeGreaterThan(0);
    expect(await successes(b)).toBeGreaterThan(0);

    // ---- phase 2: the endpoints of A's partitions hang; A is killed while those deliveries are in flight
    const hangOn = new Set(ofA.map((e) => e.path));
    receiver.answer = async (r) => {
      if (hangOn.has(r.path)) return 'hang';
      await sleep(Math.floor(Math.random() * 15));
      return 200;
    };
    const before = receiver.received.length;
    await Promise.all(Array.from({ length: 4 }, (_, i) => runCase(fxB, i)));
    await until('a delivery in flight on every endpoint of A', () => ofA.every((e) => receiver.received.slice(before).some((r) => r.path === e.path)), 30_000);
    const inFlight = receiver.received.slice(before).filter((r) => hangOn.has(r.path));
    await a.crash();
    receiver.answer = async () => {
      await sleep(Math.floor(Math.random() * 15));
      return 200;
    };
    // Commands go on on B meanwhile.
    await Promise.all(Array.from({ length: 4 }, (_, i) => runCase(fxB, i)));
    await until('B to lead every partition', async () => (await senders(dbUrl)).find((x) => x.pid === pidOf(b))?.partitions.length === PARTITIONS, 30_000);

    // ---- phase 3: A again; partitions are shared again and deliveries go on over both
    await a.relaunch();
    await until('both instances to lead partitions again', async () => {
      const s = await senders(dbUrl);
      return (s.find((x) => x.pid === pidOf(a))?.partitions.length ?? 0) > 0 && (s.find((x) => x.pid === pidOf(b))?.partitions.length ?? 0) > 0;
    });
    await Promise.all(Array.from({ length: 6 }, (_, i) => runCase(i % 2 === 0 ? new Fixtures(a) : fxB, i)));

    // ---- every event of every case delivered to every endpoint, in order, verified
    await until('every case delivered', allDelivered, 90_000);
    const total = [...lengths.values()].reduce((x, y) => x + y, 0);
    for (const e of endpoints) {
      await receiver.until(() => receiver.messages(e.path).length >= total, `${total} messages on ${e.path}`, 60_000);
      const msgs = receiver.messages(e.path);
      expect(msgs).toHaveLength(total);
      for (const r of receiver.on(e.path)) verifyWith(e.secret, r);
      for (const [disputeId, n] of lengths) {
        expect({ disputeId, revisions: msgs.filter((m) => m.json.data.disputeId === disputeId).map((m) => m.json.data.revision) }).toEqual({
          disputeId,
          revisions: Array.from({ length: n }, (_, k) => k),
        });
      }
    }
    // The messages in flight at the kill were sent again, with the same id and body, and answered.
    for (const r of inFlight) {
      const again = receiver.on(r.path).filter((x) => x.id === r.id);
      expect(again.length).toBeGreaterThanOrEqual(2);
      expect(again[again.length - 1].body).toBe(r.body);
    }
    // Never the same webhook-id in flight twice at once (two senders), across the kill and both hand-overs.
    expect(receiver.concurrent).toEqual([]);
    // Each message was recorded as delivered (the delivery logs agree with the receiver).
    const c = new Client({ connectionString: dbUrl });
    await c.connect();
    try {
      await until('every message recorded as delivered', async () => {
        const r = await c.query<{ n: string }>(`SELECT count(*)::text AS n FROM webhook_messages WHERE state <> 'DELIVERED'`);
        return r.rows[0].n === '0';
      }, 30_000);
      const { rows } = await c.query<{ n: string }>(`SELECT count(*)::text AS n FROM webhook_messages`);
      expect(Number(rows[0].n)).toBe(total * endpoints.length);
    } finally {
      await c.end();
    }
  });
});
