/**
 * Hostile-input guards that apply to EVERY route (present and future) because they sit in Fastify itself,
 * below Nest's routing and validation:
 *  - the only body parser is JSON, and it refuses, before any validation runs, documents nested deeper
 *    than MAX_DEPTH, objects with more than MAX_MEMBERS members, arrays longer than MAX_ITEMS, more than
 *    MAX_NODES values in all, and strings or member names holding NUL or a lone UTF-16 surrogate;
 *  - path parameters and query strings get the same string and size checks (preValidation hook);
 *  - errors Fastify raises itself (bad URL encoding, a path parameter too long, header overflow, a
 *    malformed request line) are answered as application/problem+json.
 * Every refusal is a 400 (414/431 where HTTP says so) problem naming the field.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { ProblemException } from './problem';

export const INPUT_LIMITS = {
  /** Nesting depth of a JSON body (the service's own bodies need 3). */
  MAX_DEPTH: 32,
  /** Members of one JSON object, and parameters of one query string. */
  MAX_MEMBERS: 100,
  /** Items of one JSON array (DTOs cap their arrays lower, e.g. 50 evidence items). */
  MAX_ITEMS: 1000,
  /** Values in one body, all levels together. */
  MAX_NODES: 10_000,
} as const;

/** Longest path parameter Fastify routes (longer ones answer 414 problem+json). */
export const MAX_PARAM_LENGTH = 256;

function invalid(field: string, message: string, code = 'INVALID_INPUT'): ProblemException {
  return new ProblemException(400, code, `${field} ${message}.`, { errors: [{ field, messages: [message] }] });
}

/** NUL, or a UTF-16 surrogate without its partner (cannot be stored as text, nor encoded as UTF-8). */
export function badStringReason(s: string): string | null {
  if (s.includes('\u0000')) return 'must not contain NUL characters';
  if (!(s as string & { isWellFormed(): boolean }).isWellFormed()) return 'must not contain unpaired UTF-16 surrogates';
  return null;
}

/** Depth of the deepest bracket of a JSON text, scanning without recursion; stops at `limit + 1`. */
export function jsonDepthExceeds(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

const fieldOf = (parent: string, key: string | number) =>
  typeof key === 'number' ? `${parent}[${key}]` : /^[A-Za-z_$][\w$]*$/.test(key) ? (parent ? `${parent}.${key}` : key) : `${parent}[${JSON.stringify(key)}]`;

/**
 * Walks a parsed value iteratively (no recursion) and throws the first violation as a 400 problem.
 * `root` names the value in messages ('' for a body: fields are named as in validation errors).
 */
export function inspectInput(value: unknown, root: string, limits = INPUT_LIMITS): void {
  const stack: Array<[unknown, string, number]> = [[value, root, 0]];
  let nodes = 0;
  while (stack.length) {
    const [v, field, depth] = stack.pop()!;
    const name = field || 'body';
    if (++nodes > limits.MAX_NODES) throw invalid(root || 'body', `must hold at most ${limits.MAX_NODES} values`, 'INPUT_TOO_LARGE');
    if (typeof v === 'string') {
      const reason = badStringReason(v);
      if (reason) throw invalid(name, reason, 'INVALID_STRING');
    } else if (Array.isArray(v)) {
      if (depth >= limits.MAX_DEPTH) throw invalid(name, `is nested too deeply (at most ${limits.MAX_DEPTH} levels)`, 'INPUT_TOO_DEEP');
      if (v.length > limits.MAX_ITEMS) throw invalid(name, `must have at most ${limits.MAX_ITEMS} items`, 'INPUT_TOO_LARGE');
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], fieldOf(field, i), depth + 1]);
    } else if (v !== null && typeof v === 'object') {
      if (depth >= limits.MAX_DEPTH) throw invalid(name, `is nested too deeply (at most ${limits.MAX_DEPTH} levels)`, 'INPUT_TOO_DEEP');
      const keys = Object.keys(v);
      if (keys.length > limits.MAX_MEMBERS) throw invalid(name, `must have at most ${limits.MAX_MEMBERS} members`, 'INPUT_TOO_LARGE');
      for (let i = keys.length - 1; i >= 0; i--) {
        const k = keys[i];
        const reason = badStringReason(k);
        if (reason) throw invalid(name, `member names ${reason}`, 'INVALID_STRING');
        stack.push([(v as Record<string, unknown>)[k], fieldOf(field, k), depth + 1]);
      }
    }
  }
}

/** The JSON body parser (the only one): size, depth and string checks before anything else looks at it. */
function parseJsonBody(_req: FastifyRequest, body: string | Buffer, done: (err: Error | null, body?: unknown) => void): void {
  const text = typeof body === 'string' ? body : body.toString('utf8');
  if (text.trim() === '') return done(null, undefined);
  if (jsonDepthExceeds(text, INPUT_LIMITS.MAX_DEPTH)) {
    return done(invalid('body', `is nested too deeply (at most ${INPUT_LIMITS.MAX_DEPTH} levels)`, 'INPUT_TOO_DEEP'));
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text, (k, v) => {
      // Prototype poisoning: refuse like Fastify's default parser does.
      if (k === '__proto__' || (k === 'constructor' && v && typeof v === 'object' && 'prototype' in v)) throw new SyntaxError(`forbidden member "${k}"`);
      return v;
    });
  } catch (e) {
    return done(new ProblemException(400, 'INVALID_JSON', `The body is not valid JSON: ${(e as Error).message}`, { errors: [{ field: 'body', messages: ['must be valid JSON'] }] }));
  }
  try {
    inspectInput(parsed, '');
  } catch (e) {
    return done(e as Error);
  }
  done(null, parsed);
}

/** Path parameters and query strings: the same string rules, and a cap on the number of query parameters. */
async function checkParamsAndQuery(req: FastifyRequest): Promise<void> {
  const params = (req.params ?? {}) as Record<string, unknown>;
  for (const [k, v] of Object.entries(params)) {
    if (typeof v === 'string') {
      const reason = badStringReason(v);
      if (reason) throw invalid(k, reason, 'INVALID_STRING');
    }
  }
  const query = req.query as Record<string, unknown> | undefined;
  if (query && typeof query === 'object') {
    const keys = Object.keys(query);
    if (keys.length > INPUT_LIMITS.MAX_MEMBERS) throw invalid('query', `must have at most ${INPUT_LIMITS.MAX_MEMBERS} parameters`, 'INPUT_TOO_LARGE');
    for (const k of keys) {
      const reason = badStringReason(k);
      if (reason) throw invalid('query', `parameter names ${reason}`, 'INVALID_STRING');
      const v = query[k];
      for (const s of Array.isArray(v) ? v : [v]) {
        if (typeof s !== 'string') continue;
        const r = badStringReason(s);
        if (r) throw invalid(k, r, 'INVALID_STRING');
      }
    }
  }
}

function problemJson(status: number, code: string, detail: string, instance: string | undefined, requestId: string | undefined): string {
  const body = new ProblemException(status, code, detail).toProblem(instance);
  if (requestId) body.requestId = requestId;
  return JSON.stringify(body);
}

/** Fastify's own routing errors (bad %-encoding, path parameter too long) as problem+json. */
function frameworkErrors(error: Error & { code?: string }, req: FastifyRequest, reply: FastifyReply): void {
  const tooLong = error.code === 'FST_ERR_MAX_PARAM_LENGTH';
  const status = tooLong ? 414 : 400;
  const detail = tooLong
    ? `A path segment is longer than ${MAX_PARAM_LENGTH} characters.`
    : error.code === 'FST_ERR_BAD_URL'
      ? 'The URL is not validly percent-encoded UTF-8.'
      : 'The request could not be routed.';
  void reply
    .status(status)
    .header('content-type', 'application/problem+json; charset=utf-8')
    .send(problemJson(status, tooLong ? 'URI_TOO_LONG' : 'BAD_URL', detail, undefined, String(req.id)));
}

/** Errors Node's HTTP parser raises before there is a request (header overflow, malformed request). */
function clientErrorHandler(err: Error & { code?: string }, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  let status = 400;
  let code = 'BAD_REQUEST';
  let detail = 'The request is not valid HTTP.';
  if (err.code === 'HPE_HEADER_OVERFLOW') [status, code, detail] = [431, 'HEADERS_TOO_LARGE', 'The request headers are too large.'];
  else if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') [status, code, detail] = [408, 'REQUEST_TIMEOUT', 'The request was not received in time.'];
  const body = problemJson(status, code, detail, undefined, undefined);
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/problem+json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(err);
}

/** Options for `new FastifyAdapter(...)`. */
export const inputGuardServerOptions: Pick<FastifyServerOptions, 'frameworkErrors' | 'clientErrorHandler' | 'routerOptions'> = {
  frameworkErrors: frameworkErrors as FastifyServerOptions['frameworkErrors'],
  clientErrorHandler,
  routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
};

/** Installs the body parser and the hook on the Fastify instance (before the routes are registered). */
export function installInputGuards(fastify: FastifyInstance, bodyLimit: number): void {
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit }, parseJsonBody);
  fastify.addHook('preValidation', checkParamsAndQuery);
}
