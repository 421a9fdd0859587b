import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger, ValidationError } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ConcurrencyError, DuplicateEventIdError, InvalidPositionError, isTransientDatabaseError } from '@app/event-store';
import { domainErrorStatus } from './error-status';

/** RFC 9457 problem details. `type` is a stable URI per problem kind. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  [extension: string]: unknown;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  408: 'Request Timeout',
  413: 'Content Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

const RESERVED = new Set(['type', 'title', 'status', 'detail', 'instance', 'code', 'requestId']);

const HTTP_CODES: Record<number, string> = { 400: 'BAD_REQUEST', 404: 'NOT_FOUND', 405: 'METHOD_NOT_ALLOWED', 406: 'NOT_ACCEPTABLE', 415: 'UNSUPPORTED_MEDIA_TYPE' };

export const PROBLEM_BASE = 'https://dispute-service.example/problems/';

/** Throw this anywhere in the HTTP layer to answer with a problem document. */
export class ProblemException extends Error {
  /** Extra response headers (e.g. Retry-After), set with withHeaders(). */
  headers: Record<string, string> = {};
  constructor(
    readonly status: number,
    readonly code: string,
    detail: string,
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(detail);
    this.name = 'ProblemException';
  }
  withHeaders(headers: Record<string, string>): this {
    this.headers = { ...this.headers, ...headers };
    return this;
  }
  toProblem(instance?: string): Problem {
    // Extensions never override the RFC 9457 members; a colliding extension (e.g. a domain error's
    // details.status = the dispute's status) is kept under `context`.
    const extensions: Record<string, unknown> = {};
    const context: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(this.extensions)) (RESERVED.has(k) ? context : extensions)[k] = v;
    return {
      ...extensions,
      ...(Object.keys(context).length ? { context } : {}),
      type: PROBLEM_BASE + this.code.toLowerCase().replace(/_/g, '-'),
      title: TITLES[this.status] ?? 'Error',
      status: this.status,
      detail: this.message,
      ...(instance ? { instance } : {}),
      code: this.code,
    };
  }
}

/** Thrown (by the idempotency layer) to send a stored answer again: same status, same body. */
export class ReplayedResponse extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super('replayed');
    this.name = 'ReplayedResponse';
  }
}

export interface FieldError {
  field: string;
  messages: string[];
}

/** Flattens class-validator errors into [{field: 'evidence[0].kind', messages}]. */
export function flattenValidationErrors(errors: ValidationError[], prefix = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const e of errors) {
    const isIndex = /^\d+$/.test(e.property);
    const field = prefix ? (isIndex ? `${prefix}[${e.property}]` : `${prefix}.${e.property}`) : e.property;
    if (e.constraints && Object.keys(e.constraints).length) {
      out.push({ field, messages: [...new Set(Object.values(e.constraints))] });
    }
    if (e.children?.length) out.push(...flattenValidationErrors(e.children, field));
  }
  return out;
}

/** A validation answer lists at most this many field errors (plus errorCount): a huge bad body cannot amplify into a huge answer. */
export const MAX_REPORTED_ERRORS = 20;

export function validationProblem(errors: ValidationError[]): ProblemException {
  const fields = flattenValidationErrors(errors);
  const shown = fields.slice(0, MAX_REPORTED_ERRORS);
  const more = fields.length - shown.length;
  const names = shown.map((f) => f.field).join(', ') + (more > 0 ? ` and ${more} more` : '');
  return new ProblemException(400, 'VALIDATION_FAILED', `The request is invalid: ${names}`, { errors: shown, errorCount: fields.length });
}

/**
 * SQLSTATE class 22 (data exception: a value out of range, text the database cannot hold, …) can only come
 * from a value a request carried: a 400, never a 500. Validation refuses such values first; this is the net.
 */
function isDataException(e: unknown): boolean {
  const code = (e as { code?: unknown })?.code;
  return e instanceof Error && typeof code === 'string' && /^22[0-9A-Z]{3}$/.test(code);
}

/** Domain errors carry {code, details}; matched structurally, their status comes from DOMAIN_ERROR_STATUS (error-status.ts). */
interface DomainLikeError {
  name: string;
  code: string;
  message: string;
  details?: Record<string, unknown>;
}
function isDomainError(e: unknown): e is DomainLikeError {
  return e instanceof Error && e.name === 'DomainError' && typeof (e as any).code === 'string' && domainErrorStatus((e as any).code) !== undefined;
}

export function toProblemException(exception: unknown): ProblemException {
  if (exception instanceof ProblemException) return exception;
  if (isDomainError(exception)) return new ProblemException(domainErrorStatus(exception.code)!, exception.code, exception.message, exception.details ?? {});
  if (exception instanceof ConcurrencyError) {
    return new ProblemException(409, 'CONCURRENT_CHANGE', 'The resource was changed concurrently; retry the request.', { stream: exception.stream });
  }
  if (exception instanceof DuplicateEventIdError) {
    return new ProblemException(409, 'DUPLICATE_EVENT', exception.message);
  }
  if (isTransientDatabaseError(exception)) {
    // The statement's connection died (terminated backend, restart, fail-over) or none could be opened: the
    // transaction was rolled back and the pool reconnects. Retrying (with the same Idempotency-Key) is safe.
    return new ProblemException(503, 'DATABASE_UNAVAILABLE', 'The database is temporarily unavailable; nothing was changed. Retry shortly.').withHeaders({
      'retry-after': '1',
    });
  }
  if (exception instanceof InvalidPositionError) {
    return new ProblemException(400, 'INVALID_POSITION', exception.message, { errors: [{ field: 'position', messages: [exception.message] }] });
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const res = exception.getResponse();
    const message = typeof res === 'string' ? res : ((res as any)?.message ?? exception.message);
    const detail = Array.isArray(message) ? message.join('; ') : String(message);
    const code = HTTP_CODES[status] ?? `HTTP_${status}`;
    if (status === 413) return new ProblemException(413, 'BODY_TOO_LARGE', 'The request body exceeds the limit of 1 MB.');
    return new ProblemException(status, code, detail);
  }
  // Errors raised by Fastify itself (body parsing, size, content type) carry statusCode + code.
  const fe = exception as { statusCode?: number; code?: string; message?: string };
  if (fe && typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return new ProblemException(413, 'BODY_TOO_LARGE', 'The request body exceeds the limit of 1 MB.');
    if (fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return new ProblemException(415, 'UNSUPPORTED_MEDIA_TYPE', 'Send JSON with Content-Type: application/json.');
    return new ProblemException(fe.statusCode, fe.code ?? `HTTP_${fe.statusCode}`, fe.message ?? 'Bad request');
  }
  if (isDataException(exception)) {
    return new ProblemException(400, 'INVALID_VALUE', 'A value in the request cannot be stored or compared (out of range or not representable).');
  }
  return new ProblemException(500, 'INTERNAL', 'An unexpected error occurred. It has been logged with the request id.');
}

@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const reply = ctx.getResponse<FastifyReply>();
    const req = ctx.getRequest<FastifyRequest>();
    if (exception instanceof ReplayedResponse) {
      const isProblem = exception.status >= 400;
      void reply
        .status(exception.status)
        .header('content-type', isProblem ? 'application/problem+json; charset=utf-8' : 'application/json; charset=utf-8')
        .send(JSON.stringify(exception.body));
      return;
    }
    const problem = toProblemException(exception);
    if (problem.code === 'DATABASE_UNAVAILABLE') {
      // The line carries the request's reqId (bound by nestjs-pino for the whole request).
      this.logger.warn({ err: exception }, 'database unavailable: answered 503');
    } else if (problem.status >= 500) {
      this.logger.error({ err: exception }, 'unhandled error');
    }
    const body = problem.toProblem(req?.url);
    if (req?.id) body.requestId = req.id;
    for (const [name, value] of Object.entries(problem.headers)) void reply.header(name, value);
    void reply.status(problem.status).header('content-type', 'application/problem+json; charset=utf-8').send(JSON.stringify(body));
  }
}
