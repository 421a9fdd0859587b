/**
 * Webhooks across a crash and a change of settings, on both stores: the service killed (SIGKILL) while a
 * delivery is in flight resends it after the restart with the same webhook-id and loses nothing; with
 * WEBHOOK_ALLOW_PRIVATE switched off, an endpoint registered earlier on a loopback address is refused at
 * send time (nothing reaches it; the delivery log says why), and registrations of private destinations are refused.
 */
import { createDisputeClient } from '@app/client';
import { Fixtures } from './support/fixtures';
import { sleep, STORES, TestServer } from './support/server';
import { as } from './support/tokens';
import { verifyWith, WebhookReceiver } from './support/webhook-receiver';

jest.setTimeout(120_000);

describe.each(STORES)('webhooks across restarts (%s store)', (store) => {
  let server: TestServer;
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    server = await TestServer.start(store, { WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_RETRY_BASE: 'PT0.2S', WEBHOOK_RETRY_MAX_DELAY: 'PT0.5S', WEBHOOK_POLL_INTERVAL: 'PT0.2S' });
  }, 120_000);
  afterAll(async () => {
    await server?.dispose();
    await receiver?.close();
  });

  it('killed mid-delivery: after the restart the same message is sent again with the same id, and the rest follows in order', async () => {
    const fx = new Fixtures(server);
    const order = await fx.lateOrder();
    const api = () => createDisputeClient({ baseUrl: server.baseUrl, token: () => as.merchant(order.merchantId) });
    const { data: wh } = await api().POST('/webhooks', { body: { url: receiver.url('/crash') } });
    receiver.answer = () => 'hang';
    const d = await fx.open(order);
    expect((await fx.choose(d.disputeId, order.merchantId, { option: 'OUT_OF_STOCK_REFUND' })).status).toBe(200);
    await receiver.until(() => receiver.on('/crash').length >= 1, 'the first delivery to be in flight');
    const inFlight = receiver.on('/crash')[0];
    await server.crash();
    receiver.answer = () => 200;
    await server.restart();
    const total = (await fx.timeline(d.disputeId)).length;
    await receiver.until(() => receiver.messages('/crash').length >= total, `${total} messages after the restart`, 60_000);
    const again = receiver.on('/crash').filter((r) => r.id === inFlight.id);
    expect(again.length).toBeGreaterThanOrEqual(2);
    expect(again[again.length - 1].body).toBe(inFlight.body);
    for (const r of receiver.on('/crash')) verifyWith(wh!.secret, r);
    expect(receiver.messages('/crash').map((m) => m.json.data.revision)).toEqual(Array.from({ length: total }, (_, i) => i));
    const log = (await api().GET('/webhooks/{id}/deliveries', { params: { path: { id: wh!.webhookId } } })).data!.items;
    expect(log.filter((a) => a.status === 'SUCCEEDED')).toHaveLength(total);
  });

  it('with WEBHOOK_ALLOW_PRIVATE off, a loopback endpoint is refused at send time', async () => {
    const fx = new Fixtures(server);
    const order = await fx.lateOrder();
    const api = () => createDisputeClient({ baseUrl: server.baseUrl, token: () => as.merchant(order.merchantId) });
    // https to the loopback address: accepted while private addresses are allowed.
    const { data: wh } = await api().POST('/webhooks', { body: { url: `https://127.0.0.1:${receiver.port}/private` } });
    server.settings.WEBHOOK_ALLOW_PRIVATE = 'false';
    await server.restart();
    const connections = receiver.connections;
    await fx.open(order);
    let log: any[] = [];
    for (let i = 0; i < 100 && log.length === 0; i++) {
      await sleep(100);
      log = (await api().GET('/webhooks/{id}/deliveries', { params: { path: { id: wh!.webhookId } } })).data!.items;
    }
    expect(log[0]).toEqual(expect.objectContaining({ status: 'FAILED', attempt: 1, error: expect.stringMatching(/127\.0\.0\.1.*loopback/) }));
    expect(log[0].responseStatus).toBeUndefined();
    expect(receiver.connections).toBe(connections); // not even a connection was opened
  });

  it('with the defaults (public https only) registrations of loopback, private, link-local/metadata and local names are 422 naming url', async () => {
    expect(server.settings.WEBHOOK_ALLOW_PRIVATE).toBe('false');
    const api = createDisputeClient({ baseUrl: server.baseUrl, token: () => as.platform() });
    for (const url of [
      'http://127.0.0.1:8080/hook',
      'https://127.0.0.1/hook',
      'https://10.1.2.3/hook',
      'https://192.168.0.10/hook',
      'https://169.254.169.254/latest/meta-data',
      'https://[::1]/hook',
      'https://[fd00:ec2::254]/hook',
      'https://[::ffff:127.0.0.1]/hook',
      'https://localhost/hook',
      'https://100.100.100.200/hook',
      'http://hooks.example.com/hook',
    ]) {
      const r = await api.POST('/webhooks', { body: { url } });
      expect({ url, status: r.response.status }).toEqual({ url, status: 422 });
      expect((r.error as any).errors).toEqual([expect.objectContaining({ field: 'url' })]);
    }
    const ok = await api.POST('/webhooks', { body: { url: 'https://hooks.example.com/disputes' } });
    expect(ok.response.status).toBe(201);
  });
});
