/**
 * Per-event hash, identical to the event store's formula (RecordedEvent.hash in
 * libs/event-store/src/event-store.port.ts):
 *
 *   hash = hex(SHA-256(UTF-8(canonicalize({stream, revision, eventId, type, data, metadata, recordedAt, prevHash}))))
 *
 * where canonicalize is RFC 8785 (JSON Canonicalization Scheme, package `canonicalize@2`).
 *
 * NOTE: libs/event-store/src/hashing.ts (being written by the event-store owner) will export the
 * same function. This copy exists so libs/audit does not depend on a file that does not exist yet;
 * once it lands, this module should re-export it (or a test should pin both to the same output).
 * The audit verifier CLI deliberately uses this copy so it never needs the server's code.
 */
import { createHash } from 'node:crypto';
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

/** RFC 8785 canonical JSON text. Throws on values JSON cannot represent (undefined at top level, NaN, Infinity). */
export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError('value has no JSON representation');
  return text;
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The event's hash: SHA-256 hex over the canonical JSON of the hashed fields (extra fields are ignored). */
export function computeEventHash(e: HashableEvent): string {
  return sha256Hex(
    canonicalJson({
      stream: e.stream,
      revision: e.revision,
      eventId: e.eventId,
      type: e.type,
      data: e.data,
      metadata: e.metadata,
      recordedAt: e.recordedAt,
      prevHash: e.prevHash,
    }),
  );
}
