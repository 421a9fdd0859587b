/** The console's only way out: the public HTTP API of this origin, with the session's bearer token. */
import { clearSession, loadSession } from './auth';

export interface FieldError {
  field: string;
  messages: string[];
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code?: string;
  errors?: FieldError[];
  [k: string]: unknown;
}

/** Problem codes that are about one request field. */
const CODE_FIELDS: Record<string, string> = {
  VIOLATION_REQUIRED: 'violation',
  VIOLATION_NOT_APPLICABLE: 'violation',
  UNKNOWN_RULES_VERSION: 'rulesVersion',
};

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem,
  ) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.name = 'ApiError';
  }

  /** The messages the problem names for one field (problem+json `errors[]`, also nested fields such as defense.reason). */
  fieldMessages(field: string): string[] {
    const listed = (this.problem.errors ?? []).filter((e) => e.field === field || e.field.startsWith(`${field}.`) || e.field.startsWith(`${field}[`)).flatMap((e) => e.messages);
    // A rules refusal (422) names its field with a `field` member, or by a code about one field.
    const named = this.problem.field === field || (this.problem.code !== undefined && CODE_FIELDS[this.problem.code] === field);
    return named ? [...listed, this.problem.detail] : listed;
  }
}

type Listener = () => void;
const unauthorized = new Set<Listener>();
/** Called when the API answers 401: the token expired or is bad, so the session ends. */
export function onUnauthorized(fn: Listener): () => void {
  unauthorized.add(fn);
  return () => unauthorized.delete(fn);
}

/**
 * Read-your-writes: the position the console's last write reached (X-Event-Position); later reads send
 * it as X-Min-Position so the read models (queue, case list, scorecards) already show that write.
 */
let lastWritePosition: string | null = null;

export async function request<T>(method: string, path: string, body?: unknown, opts: { token?: string; signal?: AbortSignal } = {}): Promise<T> {
  const token = opts.token ?? loadSession()?.token;
  const headers: Record<string, string> = { accept: 'application/json, application/problem+json' };
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method === 'GET' && lastWritePosition) headers['x-min-position'] = lastWritePosition;
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: opts.signal, credentials: 'omit', cache: 'no-store' });
  const position = res.headers.get('x-event-position');
  if (method !== 'GET' && res.ok && position) lastWritePosition = position;
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!res.ok) {
    const problem: Problem =
      parsed && typeof parsed === 'object'
        ? (parsed as Problem)
        : { type: 'about:blank', title: res.statusText, status: res.status, detail: text.slice(0, 200) || res.statusText };
    if (res.status === 401 && !opts.token) {
      clearSession();
      unauthorized.forEach((fn) => fn());
    }
    throw new ApiError(res.status, problem);
  }
  return parsed as T;
}

export const get = <T>(path: string, opts?: { token?: string; signal?: AbortSignal }) => request<T>('GET', path, undefined, opts);
export const post = <T>(path: string, body: unknown) => request<T>('POST', path, body);

/** Builds a query string from defined values. */
export function qs(params: Record<string, string | number | undefined | null>): string {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') u.set(k, String(v));
  const s = u.toString();
  return s ? `?${s}` : '';
}

export interface Page<T> {
  items: T[];
  nextCursor?: string;
}
