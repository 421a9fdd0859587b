import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { DynamicModule, LoggerService } from '@nestjs/common';
import { Logger as NestPinoLogger, LoggerModule, PinoLogger, type Params } from 'nestjs-pino';
import pino, { type DestinationStream, type Logger } from 'pino';

/** An incoming X-Request-Id is kept when it is a short token of these characters; anything else gets a fresh UUID. */
const REQUEST_ID_RE = /^[A-Za-z0-9._:-]{1,128}$/;

/** The id of a request: the caller's X-Request-Id when it is a safe token, otherwise a random UUID. */
export function requestId(req: { headers: Record<string, string | string[] | undefined> }): string {
  const h = req.headers['x-request-id'];
  return typeof h === 'string' && REQUEST_ID_RE.test(h) ? h : randomUUID();
}

/**
 * One pino instance for the whole process: structured JSON lines on stdout (or `destination`), the level of
 * LOG_LEVEL, and the Authorization header never written.
 */
export function createRootLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { service: 'dispute-service' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: ['req.headers.authorization'], censor: '[redacted]' },
  };
  return destination ? pino(options, destination) : pino(options);
}

/**
 * Logging through nestjs-pino: pino-http writes one `request completed` line per request (method, url, host,
 * remote address, status, response time; no headers), and every line the application logs while it handles a
 * request (Nest's `Logger` included) carries that request's `reqId`. The id is the one Fastify gave the request
 * (`requestId()`, also sent back as X-Request-Id and put in problem+json bodies); pino-http only reads it.
 */
export function loggingParams(logger: Logger): Params {
  return {
    pinoHttp: {
      logger,
      genReqId: (req: IncomingMessage) => (req as IncomingMessage & { id?: string }).id ?? requestId(req),
      // Application lines in a request carry only its reqId; the request line itself carries the request.
      quietReqLogger: true,
      serializers: {
        req: (req: { id: string; method: string; url: string; headers: Record<string, unknown>; remoteAddress?: string; remotePort?: number }) => ({
          id: req.id,
          method: req.method,
          url: req.url,
          host: req.headers.host,
          remoteAddress: req.remoteAddress,
          remotePort: req.remotePort,
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    },
  };
}

/** The nestjs-pino module (request lines and request-scoped lines) for these parameters. */
export function loggingModule(params: Params): DynamicModule {
  return LoggerModule.forRoot(params);
}

/**
 * nestjs-pino's Nest logger for NestFactory.create, so Nest's own start-up lines are written when they happen
 * (not buffered until the module exists). nestjs-pino keeps one pino-http instance per process: the module
 * built from the same parameters uses this one.
 */
export function nestLogger(params: Params): LoggerService {
  return new NestPinoLogger(new PinoLogger(params), params);
}
