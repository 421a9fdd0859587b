import * as dns from 'node:dns';
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * Outbound POSTs to merchants' endpoints that cannot be turned against the service's own network (SSRF):
 *  - only https, and only to public unicast addresses, unless `allowPrivate` (WEBHOOK_ALLOW_PRIVATE=true);
 *  - the host name is resolved at send time, every resolved address is checked (loopback, private,
 *    link-local incl. cloud metadata 169.254.169.254, CGNAT, unique-local, multicast, reserved… are
 *    refused), and the connection goes to the address that was checked (the lookup result is what the
 *    socket connects to, so a second resolution cannot rebind it);
 *  - redirects are never followed (a 3xx is an answer like any other non-2xx);
 *  - a connect timeout and a total timeout; at most `maxBodyBytes` of the answer are read.
 */
export interface SafePostOptions {
  allowPrivate: boolean;
  connectTimeoutMs: number;
  timeoutMs: number;
  maxBodyBytes: number;
  /** Name resolution (tests inject one; default dns.lookup with all addresses). */
  resolve?: (hostname: string) => Promise<string[]>;
  agent?: http.Agent;
}

export interface SafePostResult {
  status: number;
  /** The first maxBodyBytes of the answer (utf-8). */
  body: string;
  durationMs: number;
  /** The address the request was sent to. */
  address: string;
}

export class RefusedDestinationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RefusedDestinationError';
  }
}

/** Why an address may not be called ('loopback', 'private', 'linkLocal', …), or null when it is public. */
export function forbiddenRange(address: string): string | null {
  if (!ipaddr.isValid(address)) return 'invalid';
  const parsed = ipaddr.process(address); // IPv4-mapped IPv6 → IPv4
  const range = parsed.range();
  return range === 'unicast' ? null : range;
}

/** Checks a URL's shape for registration: returns a message naming the problem, or null when acceptable. */
export function urlProblem(raw: string, allowPrivate: boolean): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'must be an absolute URL';
  }
  if (url.protocol !== 'https:' && !(allowPrivate && url.protocol === 'http:')) {
    return allowPrivate ? 'must use http or https' : 'must use https (http is accepted only with WEBHOOK_ALLOW_PRIVATE=true)';
  }
  if (url.username || url.password) return 'must not carry credentials';
  if (url.hash) return 'must not have a fragment';
  if (!allowPrivate) {
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (net.isIP(host)) {
      const range = forbiddenRange(host);
      if (range) return `must point to a public address (${host} is ${range})`;
    } else if (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.local') || host.endsWith('.internal') || !host.includes('.')) {
      return `must point to a public host name (${host} is local)`;
    }
  }
  return null;
}

const defaultResolve = async (hostname: string): Promise<string[]> => (await dns.promises.lookup(hostname, { all: true, verbatim: true })).map((a) => a.address);

/** Resolves and checks the destination; returns the address to connect to. */
export async function checkedAddress(hostname: string, opts: Pick<SafePostOptions, 'allowPrivate' | 'resolve'>): Promise<string> {
  const host = hostname.replace(/^\[|\]$/g, '');
  const addresses = net.isIP(host) ? [host] : await (opts.resolve ?? defaultResolve)(host);
  if (addresses.length === 0) throw new RefusedDestinationError(`${host} does not resolve`);
  if (!opts.allowPrivate) {
    for (const a of addresses) {
      const range = forbiddenRange(a);
      if (range) throw new RefusedDestinationError(`refused: ${host} resolves to ${a} (${range}); only public addresses may be called`);
    }
  }
  return addresses[0];
}

export async function safePost(rawUrl: string, headers: Record<string, string>, body: string, opts: SafePostOptions): Promise<SafePostResult> {
  const started = performance.now();
  const url = new URL(rawUrl);
  const isHttps = url.protocol === 'https:';
  if (!isHttps && !(opts.allowPrivate && url.protocol === 'http:')) throw new RefusedDestinationError(`refused: ${url.protocol} is not allowed`);
  const address = await checkedAddress(url.hostname, opts);
  const family = net.isIP(address);
  // Pinned: the socket connects to the checked address whatever the name resolves to by then.
  const lookup = ((_h: string, o: { all?: boolean }, cb: (...a: unknown[]) => void) =>
    o?.all ? cb(null, [{ address, family }]) : cb(null, address, family)) as unknown as net.LookupFunction;
  const hostname = url.hostname.replace(/^\[|\]$/g, '');
  return new Promise<SafePostResult>((resolve, reject) => {
    let settled = false;
    const finish = (err: Error | null, result?: SafePostResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(total);
      clearTimeout(connectTimer);
      if (err) reject(err);
      else resolve(result!);
    };
    const req = (isHttps ? https : http).request({
      protocol: url.protocol,
      hostname,
      port: url.port || (isHttps ? 443 : 80),
      path: `${url.pathname}${url.search}`,
      method: 'POST',
      headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      lookup,
      agent: opts.agent,
      ...(isHttps && !net.isIP(hostname) ? { servername: hostname } : {}),
    });
    const total = setTimeout(() => req.destroy(new Error(`timed out after ${opts.timeoutMs} ms`)), opts.timeoutMs);
    let connectTimer: NodeJS.Timeout | undefined;
    req.on('socket', (socket: net.Socket) => {
      if (!socket.connecting) return;
      connectTimer = setTimeout(() => req.destroy(new Error(`connect timed out after ${opts.connectTimeoutMs} ms`)), opts.connectTimeoutMs);
      socket.once('connect', () => clearTimeout(connectTimer));
    });
    req.on('error', (e) => finish(e));
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const done = () => {
        const text = Buffer.concat(chunks).subarray(0, opts.maxBodyBytes).toString('utf8');
        finish(null, { status: res.statusCode ?? 0, body: text, durationMs: Math.round(performance.now() - started), address });
      };
      res.on('data', (c: Buffer) => {
        if (size >= opts.maxBodyBytes) return;
        chunks.push(c);
        size += c.length;
        if (size >= opts.maxBodyBytes) {
          // Enough: stop reading (the connection is not reused).
          done();
          res.destroy();
        }
      });
      res.on('end', done);
      res.on('error', (e) => (size >= opts.maxBodyBytes ? done() : finish(e)));
      res.on('close', () => {
        if (!settled) done();
      });
    });
    req.end(body);
  });
}
