/** A small HTTP client over global fetch, and problem+json assertions. */
import type { TestServer } from './server';

export interface Res<T = any> {
  status: number;
  headers: Headers;
  contentType: string;
  text: string;
  /** Parsed JSON (undefined when the body is not JSON). */
  body: T;
}

export interface RequestOptions {
  token?: string | Promise<string>;
  /** JSON body (serialised). */
  body?: unknown;
  /** Raw body, sent as is (with content-type application/json unless headers say otherwise). */
  raw?: string | Buffer;
  headers?: Record<string, string>;
  idempotencyKey?: string;
}

export class Api {
  constructor(private readonly server: TestServer) {}

  async request<T = any>(method: string, path: string, opts: RequestOptions = {}): Promise<Res<T>> {
    const headers: Record<string, string> = { accept: 'application/json, application/problem+json', ...(opts.headers ?? {}) };
    const token = opts.token ? await opts.token : undefined;
    if (token) headers.authorization = `Bearer ${token}`;
    if (opts.idempotencyKey) headers['idempotency-key'] = opts.idempotencyKey;
    let body: string | Buffer | undefined;
    if (opts.raw !== undefined) body = opts.raw;
    else if (opts.body !== undefined) body = JSON.stringify(opts.body);
    if (body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(`${this.server.baseUrl}${path}`, { method, headers, body, signal: AbortSignal.timeout(30_000) });
    } catch (e) {
      const cause = (e as { cause?: Error }).cause;
      throw new Error(
        `${method} ${path} on the ${this.server.store} service failed: ${(e as Error).message}${cause ? ` (${cause.message})` : ''}; ` +
          `service ${this.server.running ? 'running' : 'NOT running'}; its output:\n${this.server.logTail()}`,
      );
    }
    const text = await res.text();
    let parsed: any;
    try {
      parsed = text.length ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: res.status, headers: res.headers, contentType: res.headers.get('content-type') ?? '', text, body: parsed };
  }

  get<T = any>(path: string, token?: string | Promise<string>, opts: Omit<RequestOptions, 'token'> = {}) {
    return this.request<T>('GET', path, { ...opts, token });
  }

  post<T = any>(path: string, body: unknown, token?: string | Promise<string>, opts: Omit<RequestOptions, 'token' | 'body'> = {}) {
    return this.request<T>('POST', path, { ...opts, body, token });
  }
}

/** Describes a response for assertion messages. */
export function show(res: Res): string {
  return `${res.status} ${res.contentType} ${res.text.slice(0, 1500)}`;
}

/** Asserts the status, with the body in the failure message. */
export function expectStatus(res: Res, status: number): void {
  if (res.status !== status) throw new Error(`expected HTTP ${status}, got ${show(res)}`);
}

/** Asserts an RFC 9457 problem document: application/problem+json with type, title, status, detail. */
export function expectProblem(res: Res, status: number, code?: string): void {
  expectStatus(res, status);
  expect(res.contentType).toMatch(/^application\/problem\+json/);
  expect(res.body).toEqual(
    expect.objectContaining({
      type: expect.any(String),
      title: expect.any(String),
      status,
      detail: expect.any(String),
    }),
  );
  expect(res.body.type.length).toBeGreaterThan(0);
  expect(res.body.title.length).toBeGreaterThan(0);
  if (code !== undefined) expect({ code: res.body.code, detail: res.body.detail }).toEqual(expect.objectContaining({ code }));
}

/** The names of the fields a validation problem lists (errors[].field). */
export function problemFields(res: Res): string[] {
  return Array.isArray(res.body?.errors) ? res.body.errors.map((e: { field: string }) => e.field) : [];
}
