/**
 * The per-event hash chain shared by every adapter and by the auditors' verifier.
 *
 *   hash = hex(SHA-256(UTF-8(canonicalize({stream, revision, eventId, type, data, metadata, recordedAt, prevHash}))))
 *
 * `canonicalize` is RFC 8785 (JSON Canonicalization Scheme, package `canonicalize@2`). `recordedAt` is hashed
 * as the exact ISO-8601 string stored with the event (`Date#toISOString()`, millisecond precision), not as an
 * instant. `prevHash` is the previous event's hash in the same stream, `null` for revision 0.
 *
 * This file is deliberately dependency-free apart from node:crypto and canonicalize so that verification
 * tools can import it without pulling in any database driver. The field list and the canonical form are in
 * hash-content.ts (no node:crypto either), which the browser's verifier uses with its own SHA-256.
 */
import { createHash } from 'node:crypto';
import { eventHashWith, type HashableEvent } from './hash-content';

export { canonicalJson, eventHashText, eventHashWith, HASHED_EVENT_FIELDS, type HashableEvent } from './hash-content';

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The event's hash: SHA-256 hex over the canonical JSON of the hashed fields (hash-content.ts; extra fields are ignored). */
export const computeEventHash: (e: HashableEvent) => string = eventHashWith(sha256Hex);

export interface ChainVerification {
  valid: boolean;
  /** Number of events checked (up to and including the broken one). */
  checked: number;
  /** Revision of the first event whose hash or link is wrong. */
  brokenAt?: number;
  reason?: 'hash-mismatch' | 'prev-hash-mismatch' | 'revision-gap';
}

/**
 * Verifies a stream's events in revision order: every hash recomputes, every prevHash links to the previous
 * event's hash, and revisions are consecutive. `previous` is the event before `events[0]` when verifying a
 * later page (null/undefined: `events[0]` must be revision 0 with prevHash null).
 */
export function verifyEventChain(
  events: ReadonlyArray<HashableEvent & { hash: string }>,
  previous?: { revision: number; hash: string } | null,
): ChainVerification {
  let prevHash: string | null = previous ? previous.hash : null;
  let expectedRevision = previous ? previous.revision + 1 : 0;
  let checked = 0;
  for (const e of events) {
    checked++;
    if (e.revision !== expectedRevision) return { valid: false, checked, brokenAt: e.revision, reason: 'revision-gap' };
    if (e.prevHash !== prevHash) return { valid: false, checked, brokenAt: e.revision, reason: 'prev-hash-mismatch' };
    if (computeEventHash(e) !== e.hash) return { valid: false, checked, brokenAt: e.revision, reason: 'hash-mismatch' };
    prevHash = e.hash;
    expectedRevision++;
  }
  return { valid: true, checked };
}

/**
 * Normalises a value to what JSON (and therefore a jsonb column) can hold, so the hash is computed over exactly
 * what is stored and read back: drops undefined members, turns Dates into ISO strings (toJSON), rejects
 * NaN/Infinity/BigInt/functions and the NUL character (which PostgreSQL text/jsonb cannot store).
 *
 * The result is what `JSON.parse(JSON.stringify(value))` gives (a fresh copy), made by one walk over the value
 * instead of printing and parsing it: toJSON() is called, undefined/functions/symbols are left out of objects and
 * become null in arrays, boxed primitives are unwrapped, -0 becomes 0, a cycle is refused.
 */
export function toJsonObject(value: unknown, what: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new TypeError(`${what} must be a JSON object`);
  }
  let out: unknown;
  try {
    out = normalize(value, '', new Set());
  } catch (e) {
    if (e instanceof JsonNormalizeError) {
      if (e.kind === 'nul') throw new TypeError(`${what} contains a NUL character, which PostgreSQL cannot store`);
      throw new TypeError(`${what} is not JSON-serialisable: ${e.kind === 'non-finite' ? `${what} contains a non-finite number` : e.message}`);
    }
    throw new TypeError(`${what} is not JSON-serialisable: ${(e as Error).message}`);
  }
  if (out === null || typeof out !== 'object' || Array.isArray(out)) throw new TypeError(`${what} must be a JSON object`);
  return out as Record<string, unknown>;
}

class JsonNormalizeError extends Error {
  constructor(
    readonly kind: 'nul' | 'non-finite' | 'other',
    message: string,
  ) {
    super(message);
  }
}

const OMIT = Symbol('omit');

function normalize(input: unknown, key: string, ancestors: Set<object>): unknown {
  let v = input;
  if (v !== null && typeof v === 'object' && typeof (v as { toJSON?: unknown }).toJSON === 'function') v = (v as { toJSON(k: string): unknown }).toJSON(key);
  switch (typeof v) {
    case 'string':
      if (v.includes('\u0000')) throw new JsonNormalizeError('nul', 'NUL character');
      return v;
    case 'number':
      if (!Number.isFinite(v)) throw new JsonNormalizeError('non-finite', 'non-finite number');
      return v === 0 ? 0 : v;
    case 'boolean':
      return v;
    case 'bigint':
      throw new JsonNormalizeError('other', 'Do not know how to serialize a BigInt');
    case 'undefined':
    case 'function':
    case 'symbol':
      return OMIT;
  }
  if (v === null) return null;
  const obj = v as object;
  if (obj instanceof Number || obj instanceof String || obj instanceof Boolean) return normalize(obj.valueOf(), key, ancestors);
  if (ancestors.has(obj)) throw new JsonNormalizeError('other', 'Converting circular structure to JSON');
  ancestors.add(obj);
  try {
    if (Array.isArray(obj)) {
      const arr = new Array<unknown>(obj.length);
      for (let i = 0; i < obj.length; i++) {
        const r = normalize(obj[i], String(i), ancestors);
        arr[i] = r === OMIT ? null : r;
      }
      return arr;
    }
    const res: Record<string, unknown> = {};
    for (const k of Object.keys(obj)) {
      const r = normalize((obj as Record<string, unknown>)[k], k, ancestors);
      if (r === OMIT) continue;
      if (k.includes('\u0000')) throw new JsonNormalizeError('nul', 'NUL character');
      if (k === '__proto__') Object.defineProperty(res, k, { value: r, enumerable: true, writable: true, configurable: true });
      else res[k] = r;
    }
    return res;
  } finally {
    ancestors.delete(obj);
  }
}
