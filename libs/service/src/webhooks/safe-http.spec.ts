import * as http from 'node:http';
import { forbiddenRange, RefusedDestinationError, safePost, urlProblem } from './safe-http';

/** A real receiver on 127.0.0.1 whose behaviour each test sets. */
function receiver(handler: http.RequestListener) {
  const seen: { host?: string; url?: string }[] = [];
  let connections = 0;
  const server = http.createServer((req, res) => {
    seen.push({ host: req.headers.host, url: req.url });
    handler(req, res);
  });
  server.on('connection', () => connections++);
  return new Promise<{ port: number; seen: typeof seen; connections: () => number; close: () => Promise<void> }>((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      resolve({
        port,
        seen,
        connections: () => connections,
        close: () => new Promise((r) => (server.closeAllConnections(), server.close(() => r()))),
      });
    }),
  );
}

const opts = { allowPrivate: true, connectTimeoutMs: 2000, timeoutMs: 2000, maxBodyBytes: 1024 };

describe('safe outbound POST', () => {
  it('classifies addresses: only public unicast is callable', () => {
    for (const a of ['127.0.0.1', '10.0.0.1', '172.16.5.4', '192.168.1.1', '169.254.169.254', '100.100.100.200', '0.0.0.0', '::1', 'fe80::1', 'fd00:ec2::254', '::ffff:127.0.0.1', '224.0.0.1']) {
      expect({ a, range: forbiddenRange(a) }).toEqual({ a, range: expect.any(String) });
    }
    for (const a of ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946', '::ffff:8.8.8.8']) expect(forbiddenRange(a)).toBeNull();
  });

  it('registration checks: https only, no literal private address, no local names, no credentials', () => {
    expect(urlProblem('https://hooks.example.com/x', false)).toBeNull();
    expect(urlProblem('http://hooks.example.com/x', false)).toMatch(/https/);
    expect(urlProblem('https://10.0.0.1/x', false)).toMatch(/public address/);
    expect(urlProblem('https://[::1]/x', false)).toMatch(/public address/);
    expect(urlProblem('https://metadata.internal/x', false)).toMatch(/local/);
    expect(urlProblem('https://user:pw@hooks.example.com/x', false)).toMatch(/credentials/);
    expect(urlProblem('http://127.0.0.1:9/x', true)).toBeNull();
  });

  it('resolves at send time and refuses a name resolving to a private address before connecting (DNS rebinding)', async () => {
    const r = await receiver((_q, s) => s.end('ok'));
    try {
      const resolve = async () => ['127.0.0.1'];
      await expect(safePost(`https://hooks.example.com:${r.port}/x`, {}, '{}', { ...opts, allowPrivate: false, resolve })).rejects.toThrow(RefusedDestinationError);
      await expect(safePost(`https://hooks.example.com:${r.port}/x`, {}, '{}', { ...opts, allowPrivate: false, resolve: async () => ['8.8.8.8', '10.0.0.7'] })).rejects.toThrow(/10\.0\.0\.7/);
      expect(r.connections()).toBe(0);
    } finally {
      await r.close();
    }
  });

  it('connects to the checked (pinned) address, keeping the host name in the Host header', async () => {
    const r = await receiver((_q, s) => s.end('ok'));
    try {
      let lookups = 0;
      const res = await safePost(`http://hooks.example.com:${r.port}/in?x=1`, { 'content-type': 'application/json' }, '{"a":1}', {
        ...opts,
        resolve: async () => (lookups++, ['127.0.0.1']),
      });
      expect(res).toEqual(expect.objectContaining({ status: 200, body: 'ok', address: '127.0.0.1' }));
      expect(lookups).toBe(1);
      expect(r.seen).toEqual([{ host: `hooks.example.com:${r.port}`, url: '/in?x=1' }]);
    } finally {
      await r.close();
    }
  });

  it('never follows a redirect, reads at most maxBodyBytes, and times out', async () => {
    const big = 'x'.repeat(1024 * 1024);
    const r = await receiver((q, s) => {
      if (q.url === '/redirect') {
        s.statusCode = 302;
        s.setHeader('location', '/elsewhere');
        s.end();
      } else if (q.url === '/big') s.end(big);
      else if (q.url === '/hang') {
        /* never answers */
      } else s.end('ok');
    });
    try {
      const url = (p: string) => `http://127.0.0.1:${r.port}${p}`;
      expect((await safePost(url('/redirect'), {}, '{}', opts)).status).toBe(302);
      expect(r.seen.map((s) => s.url)).toEqual(['/redirect']);
      const res = await safePost(url('/big'), {}, '{}', opts);
      expect(res.status).toBe(200);
      expect(res.body.length).toBeLessThanOrEqual(1024);
      const started = Date.now();
      await expect(safePost(url('/hang'), {}, '{}', { ...opts, timeoutMs: 300 })).rejects.toThrow(/timed out/);
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      await r.close();
    }
  });
});
