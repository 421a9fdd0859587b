/**
 * Logging through nestjs-pino, on the real application (createApp, embedded store, no listener):
 *  - a request's id is the caller's X-Request-Id when it is a safe token, a fresh UUID otherwise; the same id is
 *    sent back as X-Request-Id, put in problem+json bodies and carried by the request's log lines;
 *  - a line the application logs while it handles a request carries that request's reqId;
 *  - the Authorization header (or any header) is never written; LOG_LEVEL is honoured; Nest's own lines use it too.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadConfig } from '@app/config';
import { createRootLogger } from '@app/service';
import { createApp } from './bootstrap';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const SECRET_TOKEN = 'never-logged-token-value-0123456789';

describe('logging: request ids and request lines through nestjs-pino', () => {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  const logs = () => lines.map((l) => JSON.parse(l) as Record<string, any>);
  let app: NestFastifyApplication;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'logger-spec-'));
    const config = loadConfig({ EVENT_STORE: 'embedded', DATA_DIR: dataDir, EMBEDDED_FSYNC: 'false', RUN_BACKGROUND: 'false', LOG_LEVEL: 'info', RATE_LIMIT_ENABLED: 'false' });
    ({ app } = await createApp(config, { logger: createRootLogger(config.LOG_LEVEL, sink) }));
    // A route that logs while it handles a request (added before the server is ready; Nest's middleware covers it).
    app
      .getHttpAdapter()
      .getInstance()
      .get('/__log-probe', async () => {
        new Logger('probe').log({ probe: true }, 'inside a request');
        new Logger('probe').debug('below LOG_LEVEL');
        return { ok: true };
      });
  });

  afterAll(async () => {
    await app?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const inject = (url: string, headers: Record<string, string> = {}) => app.getHttpAdapter().getInstance().inject({ method: 'GET', url, headers });

  it("keeps a safe X-Request-Id: answered back and carried by the request's line, without any header", async () => {
    const res = await inject('/health/live', { 'x-request-id': 'trace-abc.1:2', authorization: `Bearer ${SECRET_TOKEN}` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-request-id']).toBe('trace-abc.1:2');
    const line = logs().find((l) => l.msg === 'request completed' && l.req?.id === 'trace-abc.1:2');
    expect(line).toMatchObject({ level: 30, reqId: 'trace-abc.1:2', service: 'dispute-service', req: { method: 'GET', url: '/health/live' }, res: { statusCode: 200 } });
    expect(typeof line!.responseTime).toBe('number');
    expect(line!.req.headers).toBeUndefined();
    expect(lines.join('\n')).not.toContain(SECRET_TOKEN);
  });

  it('replaces an unsafe X-Request-Id by a UUID, the same in the header, the problem body and the log line', async () => {
    const res = await inject('/disputes/d-1', { 'x-request-id': '../not an id' });
    expect(res.statusCode).toBe(401);
    const id = res.headers['x-request-id'] as string;
    expect(id).toMatch(UUID);
    expect(res.json()).toMatchObject({ code: 'UNAUTHENTICATED', requestId: id, instance: '/disputes/d-1' });
    expect(logs().find((l) => l.msg === 'request completed' && l.req?.id === id)).toMatchObject({ reqId: id, res: { statusCode: 401 } });
    expect(lines.join('\n')).not.toContain('not an id');
  });

  it("an application line written during a request carries the request's reqId; LOG_LEVEL is honoured", async () => {
    const res = await inject('/__log-probe', { 'x-request-id': 'probe-1' });
    expect(res.statusCode).toBe(200);
    expect(logs().find((l) => l.msg === 'inside a request')).toMatchObject({ level: 30, context: 'probe', probe: true, reqId: 'probe-1' });
    expect(logs().some((l) => l.msg === 'below LOG_LEVEL')).toBe(false);
    // Nest's own start-up lines go through the same logger, in the same format.
    expect(logs().find((l) => l.context === 'NestFactory')).toMatchObject({ level: 30, service: 'dispute-service', msg: 'Starting Nest application...' });
  });
});
