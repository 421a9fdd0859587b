/**
 * Webhooks end to end, on both stores, through the typed client (libs/client) against the real service and
 * a real HTTP receiver on 127.0.0.1 that verifies every signature with the Standard Webhooks library.
 * Short retry settings keep the suite fast. Destinations with the defaults (public https only):
 * webhooks-restart.e2e-spec.ts.
 */
import { createDisputeClient, type DisputeClient } from '@app/client';
import { DOCUMENT_EVIDENCE, Fixtures, type OrderRef } from './support/fixtures';
import { sleep, STORES, TestServer, useServers } from './support/server';
import { as } from './support/tokens';
import { verifyWith, WebhookReceiver, type Received } from './support/webhook-receiver';

jest.setTimeout(60_000);

const FAST = {
  WEBHOOK_ALLOW_PRIVATE: 'true',
  WEBHOOK_RETRY_BASE: 'PT0.2S',
  WEBHOOK_RETRY_MAX_DELAY: 'PT0.5S',
  WEBHOOK_RETRY_FOR: 'PT4S',
  WEBHOOK_POLL_INTERVAL: 'PT0.2S',
};
const servers = useServers({ fast: FAST });

const client = (server: TestServer, token: Promise<string>): DisputeClient => createDisputeClient({ baseUrl: server.baseUrl, token: () => token });

let receiver: WebhookReceiver;
beforeAll(async () => {
  receiver = await WebhookReceiver.start();
});
afterAll(async () => {
  await receiver.close();
});

let pathNo = 0;
const newPath = () => `/hooks/${++pathNo}-${Math.random().toString(36).slice(2, 8)}`;

async function register(api: DisputeClient, body: { url: string; eventTypes?: any[]; description?: string }) {
  const { data, error, response } = await api.POST('/webhooks', { body: body as any });
  if (response.status !== 201 || !data) throw new Error(`POST /webhooks answered ${response.status}: ${JSON.stringify(error)}`);
  return data;
}

async function deliveries(api: DisputeClient, id: string) {
  const { data, response } = await api.GET('/webhooks/{id}/deliveries', { params: { path: { id }, query: { limit: 200 } } });
  expect(response.status).toBe(200);
  return data!.items;
}

/** The revisions of one dispute's messages, in the order the receiver first got them. */
const revisionsOf = (msgs: Received[], disputeId: string) => msgs.filter((m) => m.json.data.disputeId === disputeId).map((m) => m.json.data.revision as number);

describe.each(STORES)('webhooks (%s store)', (store) => {
  let fx: Fixtures;
  let server: TestServer;
  let platform: DisputeClient;
  const merchant = (m: string) => client(server, as.merchant(m));
  beforeAll(() => {
    server = servers.get(store, 'fast');
    fx = new Fixtures(server);
    platform = client(server, as.platform());
  });
  afterEach(() => {
    receiver.answer = () => 200;
  });

  async function merchantEndpoint(m: string, extra: { eventTypes?: string[] } = {}) {
    const path = newPath();
    const wh = await register(merchant(m), { url: receiver.url(path), ...extra });
    return { path, wh, secret: wh.secret };
  }

  it('registers (secret whsec_ + base64 shown once), lists, reads, rotates and deletes; bad input is 400 naming the field', async () => {
    const order = await fx.lateOrder();
    const api = merchant(order.merchantId);
    const wh = await register(api, { url: receiver.url(newPath()), eventTypes: ['dispute.opened', 'dispute.judged'], description: 'ERP' });
    expect(wh).toEqual(expect.objectContaining({ webhookId: expect.stringMatching(/^wh_/), status: 'ENABLED', eventTypes: ['dispute.opened', 'dispute.judged'] }));
    expect(wh.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(Buffer.from(wh.secret.slice(6), 'base64').length).toBeGreaterThanOrEqual(24);

    const one = await api.GET('/webhooks/{id}', { params: { path: { id: wh.webhookId } } });
    expect(one.response.status).toBe(200);
    expect(one.data).toEqual(expect.objectContaining({ webhookId: wh.webhookId, url: wh.url, scope: 'MERCHANT', merchantId: order.merchantId }));
    expect(JSON.stringify(one.data)).not.toContain(wh.secret.slice(6));
    const list = await api.GET('/webhooks', {});
    expect(list.data!.items.map((w) => w.webhookId)).toEqual([wh.webhookId]);
    expect(JSON.stringify(list.data)).not.toContain('whsec_');

    // Another merchant neither lists nor reads it; consumers may not use webhooks.
    const other = merchant(`${order.merchantId}-other`);
    expect((await other.GET('/webhooks', {})).data!.items).toEqual([]);
    expect((await other.GET('/webhooks/{id}', { params: { path: { id: wh.webhookId } } })).response.status).toBe(404);
    expect((await other.DELETE('/webhooks/{id}', { params: { path: { id: wh.webhookId } } })).response.status).toBe(404);
    const consumer = client(server, as.consumer(order.consumerId));
    expect((await consumer.POST('/webhooks', { body: { url: receiver.url() } })).response.status).toBe(403);
    // The platform sees every endpoint.
    expect((await platform.GET('/webhooks/{id}', { params: { path: { id: wh.webhookId } } })).response.status).toBe(200);

    for (const [body, field] of [
      [{ url: 'not a url' }, 'url'],
      [{}, 'url'],
      [{ url: receiver.url(), eventTypes: ['dispute.exploded'] }, 'eventTypes'],
      [{ url: receiver.url(), eventTypes: [] }, 'eventTypes'],
      [{ url: receiver.url(), extra: 1 }, 'extra'],
    ] as const) {
      const r = await api.POST('/webhooks', { body: body as any });
      expect(r.response.status).toBe(400);
      expect(r.response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect((r.error as any).errors.map((e: any) => e.field)).toContain(field);
    }
    const ftp = await api.POST('/webhooks', { body: { url: 'ftp://files.example.com/x' } });
    expect(ftp.response.status).toBe(422);
    expect((ftp.error as any).errors).toEqual([expect.objectContaining({ field: 'url' })]);

    const rotated = await api.POST('/webhooks/{id}/rotate-secret', { params: { path: { id: wh.webhookId } } });
    expect(rotated.response.status).toBe(200);
    expect(rotated.data!.secret).toMatch(/^whsec_/);
    expect(rotated.data!.secret).not.toBe(wh.secret);

    expect((await api.DELETE('/webhooks/{id}', { params: { path: { id: wh.webhookId } } })).response.status).toBe(204);
    expect((await api.GET('/webhooks/{id}', { params: { path: { id: wh.webhookId } } })).response.status).toBe(404);
  });

  it('delivers every contract event type when it happens, signed per Standard Webhooks; the body carries the case as GET /disputes/{id}?at=<revision>', async () => {
    const order = await fx.lateOrder();
    const { path, secret } = await merchantEndpoint(order.merchantId);
    const api = merchant(order.merchantId);
    // Settled: out-of-stock refund accepted by the consumer.
    const settledCase = await fx.open(order);
    expect((await api.POST('/disputes/{id}/choice', { params: { path: { id: settledCase.disputeId } }, body: { option: 'OUT_OF_STOCK_REFUND' } })).response.status).toBe(200);
    expect((await fx.respond(settledCase.disputeId, order.consumerId, { accepted: true })).status).toBe(200);
    // Judged: a defense under review, judged by an adjudicator (a second order of the same merchant).
    const order2 = await fx.lateOrder({ merchantId: order.merchantId });
    const judgedCase = await fx.open(order2);
    const defense = { option: 'NO_FAULT_DEFENSE', defense: { reason: 'FORCE_MAJEURE', statement: 'Typhoon' }, evidence: DOCUMENT_EVIDENCE } as const;
    expect((await api.POST('/disputes/{id}/choice', { params: { path: { id: judgedCase.disputeId } }, body: defense as any })).response.status).toBe(200);
    expect((await fx.judge(judgedCase.disputeId, { outcome: 'MERCHANT_NOT_LIABLE', rationale: 'Typhoon proven' })).status).toBe(200);

    const timelines = { [settledCase.disputeId]: await fx.timeline(settledCase.disputeId), [judgedCase.disputeId]: await fx.timeline(judgedCase.disputeId) };
    const expected = Object.values(timelines).reduce((n, t) => n + t.length, 0);
    await receiver.until(() => receiver.messages(path).length >= expected, `${expected} messages`);
    const msgs = receiver.messages(path);
    expect(msgs).toHaveLength(expected);
    for (const m of msgs) {
      const payload = verifyWith(secret, m) as any; // throws unless the signature verifies
      expect(m.id).toMatch(/^msg_/);
      expect(Math.abs(Number(m.timestamp) - Date.now() / 1000)).toBeLessThan(120);
      expect(m.signature).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
      expect(Object.keys(payload).sort()).toEqual(['data', 'timestamp', 'type']);
      expect(Object.keys(payload.data).sort()).toEqual(['dispute', 'disputeId', 'eventType', 'merchantId', 'position', 'revision', 'stream']);
      const event = timelines[payload.data.disputeId][payload.data.revision];
      expect(payload.data).toEqual(expect.objectContaining({ merchantId: order.merchantId, stream: `dispute-${payload.data.disputeId}`, eventType: event.type, position: event.position }));
      expect(payload.timestamp).toBe(event.recordedAt);
      const asOf = await api.GET('/disputes/{id}', { params: { path: { id: payload.data.disputeId }, query: { at: String(payload.data.revision) } } });
      const { asOf: _asOf, ...view } = asOf.data as any;
      expect(payload.data.dispute).toEqual(view);
    }
    const types = msgs.map((m) => m.json.type);
    expect(new Set(types)).toEqual(new Set(['dispute.opened', 'dispute.updated', 'dispute.settled', 'dispute.judged']));
    expect(msgs.filter((m) => m.json.type === 'dispute.settled').map((m) => m.json.data.disputeId)).toEqual([settledCase.disputeId]);
    expect(msgs.filter((m) => m.json.type === 'dispute.judged').map((m) => m.json.data.disputeId)).toEqual([judgedCase.disputeId]);
    expect(msgs.filter((m) => m.json.type === 'dispute.opened').map((m) => m.json.data.revision)).toEqual([0, 0]);
    // The delivery log: one successful attempt per message, with status, response code and duration.
    const wh = (await api.GET('/webhooks', {})).data!.items.find((w) => w.url.endsWith(path))!;
    const log = await deliveries(api, wh.webhookId);
    expect(log).toHaveLength(expected);
    for (const a of log) expect(a).toEqual(expect.objectContaining({ attempt: 1, status: 'SUCCEEDED', responseStatus: 200, durationMs: expect.any(Number), at: expect.any(String) }));
    expect(new Set(log.map((a) => a.webhookMessageId))).toEqual(new Set(msgs.map((m) => m.id)));
  });

  it("a merchant's endpoint never sees another merchant's case; the platform's sees every case; eventTypes filter", async () => {
    const a = await fx.lateOrder();
    const b = await fx.lateOrder();
    const epA = await merchantEndpoint(a.merchantId);
    const epB = await merchantEndpoint(b.merchantId, { eventTypes: ['dispute.opened'] });
    const platformPath = newPath();
    const epP = await register(platform, { url: receiver.url(platformPath), eventTypes: ['dispute.opened'] });
    expect(epP.scope).toBe('PLATFORM');
    const da = await fx.open(a);
    const db = await fx.open(b);
    await fx.choose(db.disputeId, b.merchantId, { option: 'OUT_OF_STOCK_REFUND' });
    await receiver.until(() => receiver.messages(platformPath).filter((m) => [da.disputeId, db.disputeId].includes(m.json.data.disputeId)).length >= 2, 'platform messages');
    await receiver.until(() => receiver.messages(epA.path).length >= 1 && receiver.messages(epB.path).length >= 1, 'merchant messages');
    await sleep(1000); // anything misrouted would have arrived by now
    expect(receiver.on(epA.path).every((m) => m.json.data.merchantId === a.merchantId && m.json.data.disputeId === da.disputeId)).toBe(true);
    expect(receiver.on(epB.path).map((m) => [m.json.type, m.json.data.disputeId])).toEqual([['dispute.opened', db.disputeId]]);
    for (const m of receiver.on(epA.path)) verifyWith(epA.secret, m);
    for (const m of receiver.on(platformPath)) verifyWith(epP.secret, m);
    expect(() => verifyWith(epB.secret, receiver.on(epA.path)[0])).toThrow();
  });

  it('per-dispute revision order under concurrent commands, with a flaky receiver (at least once, never out of order)', async () => {
    const merchantId = `m-order-${Date.now().toString(36)}`;
    const { path, secret } = await merchantEndpoint(merchantId);
    // The first attempt of every third message fails; answers are slow and uneven.
    let count = 0;
    receiver.answer = async (r, n) => {
      await sleep(Math.floor(Math.random() * 30));
      return n === 0 && r.path === path && ++count % 3 === 0 ? 500 : 200;
    };
    const orders: OrderRef[] = await Promise.all(Array.from({ length: 5 }, () => fx.lateOrder({ merchantId })));
    const cases = await Promise.all(orders.map((o) => fx.open(o)));
    // Concurrent commands: per case two merchants' choices race (one wins, the other 409), then the consumer answers.
    await Promise.all(
      cases.map(async (c, i) => {
        const racing = await Promise.all([fx.choose(c.disputeId, merchantId, { option: 'OUT_OF_STOCK_REFUND' }), fx.choose(c.disputeId, merchantId, { option: 'OUT_OF_STOCK_REFUND' })]);
        expect(racing.map((r) => r.status).sort()).toEqual([200, 409]);
        expect((await fx.respond(c.disputeId, orders[i].consumerId, { accepted: i % 2 === 0 })).status).toBe(200);
      }),
    );
    const lengths = await Promise.all(cases.map(async (c) => (await fx.timeline(c.disputeId)).length));
    const total = lengths.reduce((x, y) => x + y, 0);
    await receiver.until(() => receiver.messages(path).length >= total, `${total} messages`, 30_000);
    // Every message delivered 2xx eventually: wait for the retried ones too.
    await receiver.until(() => new Set(receiver.on(path).filter((r) => r.json).map((r) => r.id)).size === total, 'all ids');
    const msgs = receiver.messages(path);
    for (const m of receiver.on(path)) verifyWith(secret, m);
    cases.forEach((c, i) => expect(revisionsOf(msgs, c.disputeId)).toEqual(Array.from({ length: lengths[i] }, (_, k) => k)));
  });

  it('a receiver failing the first attempts gets the same webhook-id (and body) again until it answers 2xx; the log shows each attempt', async () => {
    const order = await fx.lateOrder();
    const { path, secret, wh } = await merchantEndpoint(order.merchantId);
    receiver.answer = (r, n) => (r.path === path && n < 2 ? 503 : 200);
    const d = await fx.open(order);
    await receiver.until(() => receiver.on(path).length >= 3, 'three attempts');
    const got = receiver.on(path);
    expect(new Set(got.map((r) => r.id)).size).toBe(1);
    expect(new Set(got.map((r) => r.body)).size).toBe(1);
    for (const r of got) expect(verifyWith(secret, r).data.disputeId).toBe(d.disputeId);
    await sleep(500);
    expect(receiver.on(path)).toHaveLength(3); // delivered: no further attempt
    const log = await deliveries(merchant(order.merchantId), wh.webhookId);
    expect(log.map((a) => [a.attempt, a.status, a.responseStatus])).toEqual([
      [3, 'SUCCEEDED', 200],
      [2, 'FAILED', 503],
      [1, 'FAILED', 503],
    ]);
    expect(new Set(log.map((a) => a.webhookMessageId))).toEqual(new Set([got[0].id]));

    // Manual redelivery of that message: the same webhook-id once more.
    const again = await merchant(order.merchantId).POST('/webhooks/{id}/messages/{messageId}/redeliver', { params: { path: { id: wh.webhookId, messageId: got[0].id } } });
    expect(again.response.status).toBe(202);
    await receiver.until(() => receiver.on(path).length >= 4, 'the redelivery');
    expect(receiver.on(path)[3].id).toBe(got[0].id);
    const unknown = await merchant(order.merchantId).POST('/webhooks/{id}/messages/{messageId}/redeliver', {
      params: { path: { id: wh.webhookId, messageId: `msg_${'0'.repeat(32)}` } },
    });
    expect(unknown.response.status).toBe(404);
  });

  it('during a secret rotation every delivery carries both signatures, each verifying with its secret', async () => {
    const order = await fx.lateOrder();
    const { path, secret, wh } = await merchantEndpoint(order.merchantId);
    const rotated = await merchant(order.merchantId).POST('/webhooks/{id}/rotate-secret', { params: { path: { id: wh.webhookId } } });
    const fresh = rotated.data!.secret;
    expect(Date.parse(rotated.data!.previousSecretExpiresAt)).toBeGreaterThan(Date.now());
    await fx.open(order);
    await receiver.until(() => receiver.on(path).length >= 1, 'a delivery');
    const r = receiver.on(path)[0];
    expect(r.signature.split(' ')).toHaveLength(2);
    verifyWith(fresh, r);
    verifyWith(secret, r);
    expect(() => verifyWith(`whsec_${Buffer.alloc(32, 7).toString('base64')}`, r)).toThrow();
  });

  it('410 Gone disables the endpoint (with the reason); nothing more is sent to it', async () => {
    const order = await fx.lateOrder();
    const { path, wh } = await merchantEndpoint(order.merchantId);
    receiver.answer = (r) => (r.path === path ? 410 : 200);
    await fx.open(order);
    await receiver.until(() => receiver.on(path).length >= 1, 'the first attempt');
    const api = merchant(order.merchantId);
    let view = (await api.GET('/webhooks/{id}', { params: { path: { id: wh.webhookId } } })).data!;
    for (let i = 0; i < 40 && view.status !== 'DISABLED'; i++) {
      await sleep(100);
      view = (await api.GET('/webhooks/{id}', { params: { path: { id: wh.webhookId } } })).data!;
    }
    expect(view.status).toBe('DISABLED');
    expect(view.disabledReason).toMatch(/410/);
    const order2 = await fx.lateOrder({ merchantId: order.merchantId });
    await fx.open(order2);
    await sleep(1500);
    expect(receiver.on(path)).toHaveLength(1);
  });

  it('an endpoint failing for the whole WEBHOOK_RETRY_FOR is disabled and says why; another merchant is not delayed meanwhile', async () => {
    const failing = await fx.lateOrder();
    const healthy = await fx.lateOrder();
    const bad = await merchantEndpoint(failing.merchantId);
    const good = await merchantEndpoint(healthy.merchantId);
    receiver.answer = async (r) => {
      if (r.path !== bad.path) return 200;
      await sleep(300); // slow and failing
      return 500;
    };
    await fx.open(failing);
    await receiver.until(() => receiver.on(bad.path).length >= 1, 'a first failing attempt');
    const started = Date.now();
    await fx.open(healthy);
    await receiver.until(() => receiver.on(good.path).length >= 1, 'the healthy delivery');
    expect(Date.now() - started).toBeLessThan(5000);
    const api = merchant(failing.merchantId);
    let view = (await api.GET('/webhooks/{id}', { params: { path: { id: bad.wh.webhookId } } })).data!;
    for (let i = 0; i < 100 && view.status !== 'DISABLED'; i++) {
      await sleep(200);
      view = (await api.GET('/webhooks/{id}', { params: { path: { id: bad.wh.webhookId } } })).data!;
    }
    expect(view.status).toBe('DISABLED');
    expect(view.disabledReason).toMatch(/no delivery succeeded for PT4S/);
    const log = await deliveries(api, bad.wh.webhookId);
    expect(log.length).toBeGreaterThanOrEqual(2);
    expect(log.every((a) => a.status === 'FAILED' && a.responseStatus === 500)).toBe(true);
  });
});
