import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { Metrics, OpsAccess, ProblemException, Readiness } from '@app/service';

/**
 * The worker's operations listener, on its own port (WORKER_PORT) and nothing else: the worker serves no API.
 * It exists because what the worker does is only visible from inside its process — projection lag and
 * stalls, deadlines fired, webhook attempts, database connection losses are counted in its own Prometheus
 * registry — and an orchestrator needs a liveness probe to restart a hung worker.
 *  - GET /health/live: 200 {"status":"ok"} while the event loop answers;
 *  - GET /health (/health/ready): the same readiness as the API's /health (event store, database,
 *    projections); the status alone for anyone, the details for a platform/auditor JWT or OPS_TOKEN;
 *  - GET /metrics: Prometheus text, for a platform/auditor JWT or OPS_TOKEN.
 * Plain node:http: three read-only routes need neither Fastify nor Nest's router.
 */
export async function startOpsServer(opts: { port: number; host: string; metrics: Metrics; readiness: Readiness; ops: OpsAccess; logger: Logger }): Promise<{ port: number; close(): Promise<void> }> {
  const send = (res: http.ServerResponse, status: number, body: string, type = 'application/json') => {
    res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
    res.end(body);
  };
  const problem = (res: http.ServerResponse, e: unknown) => {
    if (e instanceof ProblemException) {
      res.writeHead(e.status, { 'content-type': 'application/problem+json', 'cache-control': 'no-store', ...e.headers });
      res.end(JSON.stringify(e.toProblem()));
      return;
    }
    opts.logger.error({ err: e }, 'operations listener failed');
    send(res, 500, JSON.stringify({ status: 500, title: 'Internal Server Error', detail: 'see the worker log' }), 'application/problem+json');
  };
  const handle = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const url = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, JSON.stringify({ status: 405, title: 'Method Not Allowed' }), 'application/problem+json');
    if (url === '/health/live') return send(res, 200, JSON.stringify({ status: 'ok' }));
    if (url === '/health' || url === '/health/ready') {
      const details = await opts.ops.check(req);
      const report = await opts.readiness.report();
      return send(res, report.status === 'ok' ? 200 : 503, JSON.stringify(details ? { role: 'worker', ...report } : { status: report.status }));
    }
    if (url === '/metrics') {
      await opts.ops.require(req);
      return send(res, 200, await opts.metrics.registry.metrics(), 'text/plain; version=0.0.4; charset=utf-8');
    }
    send(res, 404, JSON.stringify({ status: 404, title: 'Not Found', detail: 'The worker answers /health/live, /health and /metrics only.' }), 'application/problem+json');
  };
  const server = http.createServer((req, res) => void handle(req, res).catch((e) => problem(res, e)));
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
