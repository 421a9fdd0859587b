/**
 * What an event's hash covers, without a hash implementation: the event store's second entry point, free of
 * node:crypto and of any driver, so a browser (the console's verifier, through `@app/audit/pure`) hashes events
 * with exactly the fields and canonical form the store does. hashing.ts binds it to node:crypto.
 *
 *   hash = hex(SHA-256(UTF-8(canonicalize({stream, revision, eventId, type, data, metadata, recordedAt, prevHash}))))
 *
 * `canonicalize` is RFC 8785 (JSON Canonicalization Scheme, package `canonicalize@2`, pure JavaScript).
 */
import canonicalize from 'canonicalize';

/** The fields of a RecordedEvent that its hash covers (structurally compatible with RecordedEvent). */
export interface HashableEvent {
  stream: string;
  revision: number;
  eventId: string;
  type: string;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  /** ISO-8601 UTC, exactly as stored (the string is hashed, not the instant). */
  recordedAt: string;
  prevHash: string | null;
}

/** The hashed fields, in the order they are listed above (the canonical form sorts them anyway). */
export const HASHED_EVENT_FIELDS = ['stream', 'revision', 'eventId', 'type', 'data', 'metadata', 'recordedAt', 'prevHash'] as const satisfies readonly (keyof HashableEvent)[];

/** RFC 8785 canonical JSON text. Throws on values JSON cannot represent (undefined at top level, NaN, Infinity). */
export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError('value has no JSON representation');
  return text;
}

/** The text an event's hash is taken over: the canonical JSON of its hashed fields (extra fields are ignored). */
export function eventHashText(e: HashableEvent): string {
  const content: Record<string, unknown> = {};
  for (const k of HASHED_EVENT_FIELDS) content[k] = e[k];
  return canonicalJson(content);
}

/** The event hash with a given SHA-256 (hex of the digest of the UTF-8 text). */
export function eventHashWith(sha256Hex: (text: string) => string): (e: HashableEvent) => string {
  return (e) => sha256Hex(eventHashText(e));
}
