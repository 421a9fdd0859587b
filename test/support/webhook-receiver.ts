/**
 * A real HTTP receiver on 127.0.0.1 for webhook tests. Every request is recorded with its headers and raw
 * body; `verify(secret)` checks the signatures with the Standard Webhooks library (`standardwebhooks`).
 * `answer` decides per request: a status code, or 'hang' (never answer: the socket stays open).
 */
import * as http from 'node:http';
import { Client } from 'pg';
import { Webhook } from 'standardwebhooks';
import { sleep } from './server';

/** The service's webhook senders alive on a database (the last 6 s): process id and the partitions each leads. */
export async function webhookSenders(url: string): Promise<{ pid: number; partitions: number[] }[]> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    const { rows } = await c.query<{ instance_id: string; partitions: number[] }>(
      `SELECT instance_id, partitions FROM webhook_senders WHERE seen_at > now() - interval '6 seconds'`,
    );
    return rows.map((r) => ({ pid: Number(r.instance_id.split('-')[0]), partitions: r.partitions }));
  } finally {
    await c.end();
  }
}

export interface Received {
  id: string;
  timestamp: string;
  signature: string;
  body: string;
  json: any;
  path: string;
  at: number;
}

export type Answer = number | 'hang';

export class WebhookReceiver {
  readonly received: Received[] = [];
  private server: http.Server | null = null;
  private hanging = new Set<http.ServerResponse>();
  port = 0;
  /** TCP connections accepted so far (whatever was sent on them). */
  connections = 0;
  /** Requests per webhook-id received but not answered yet whose connection is still open. */
  private readonly open = new Map<string, number>();
  /** webhook-ids received while another request with the same id was still open (sent concurrently). */
  readonly concurrent: string[] = [];
  /** Decides the answer of each request (default 200). `n` counts earlier requests with the same webhook-id. */
  answer: (r: Received, n: number) => Answer | Promise<Answer> = () => 200;

  static async start(): Promise<WebhookReceiver> {
    const r = new WebhookReceiver();
    await r.listen();
    return r;
  }

  private listen(): Promise<void> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', async () => {
        const body = Buffer.concat(chunks).toString('utf8');
        let json: any;
        try {
          json = JSON.parse(body);
        } catch {
          json = undefined;
        }
        const rec: Received = {
          id: String(req.headers['webhook-id'] ?? ''),
          timestamp: String(req.headers['webhook-timestamp'] ?? ''),
          signature: String(req.headers['webhook-signature'] ?? ''),
          body,
          json,
          path: req.url ?? '',
          at: Date.now(),
        };
        const n = this.received.filter((x) => x.id === rec.id).length;
        this.received.push(rec);
        const openNow = this.open.get(rec.id) ?? 0;
        if (openNow > 0) this.concurrent.push(rec.id);
        this.open.set(rec.id, openNow + 1);
        // Closed: answered, or the sender went away (its process killed) before the answer.
        res.once('close', () => {
          const left = (this.open.get(rec.id) ?? 1) - 1;
          if (left > 0) this.open.set(rec.id, left);
          else this.open.delete(rec.id);
        });
        const a = await this.answer(rec, n);
        if (a === 'hang') {
          this.hanging.add(res);
          return;
        }
        res.statusCode = a;
        res.end(a >= 200 && a < 300 ? 'ok' : 'no');
      });
    });
    this.server.on('connection', () => this.connections++);
    return new Promise((resolve) => {
      this.server!.listen(0, '127.0.0.1', () => {
        const addr = this.server!.address();
        this.port = typeof addr === 'object' && addr ? addr.port : 0;
        resolve();
      });
    });
  }

  url(path = '/hooks'): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  /** Requests received on `path` (each endpoint gets its own path). */
  on(path: string): Received[] {
    return this.received.filter((r) => r.path === path);
  }

  /** Distinct messages (first receipt of each webhook-id) on `path`, in arrival order. */
  messages(path: string): Received[] {
    const seen = new Set<string>();
    return this.on(path).filter((r) => (seen.has(r.id) ? false : (seen.add(r.id), true)));
  }

  /** Waits until `cond` holds (polling), or fails with `what`. */
  async until(cond: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!cond()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; received: ${JSON.stringify(this.received.map((r) => [r.path, r.id, r.json?.type, r.json?.data?.revision]))}`);
      await sleep(50);
    }
  }

  async close(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.hanging.clear();
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}

/** Verifies a received delivery with the Standard Webhooks library; returns the parsed payload (throws when invalid). */
export function verifyWith(secret: string, r: Received): any {
  return new Webhook(secret).verify(r.body, { 'webhook-id': r.id, 'webhook-timestamp': r.timestamp, 'webhook-signature': r.signature });
}
