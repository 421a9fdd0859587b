/**
 * An event's content hash and its Merkle leaf, given a SHA-256: the field list and canonical form come from the
 * event store's driver-free `hash-content` (the same code hashing.ts hashes appends with), the leaf format is
 * the one ../event-leaf.ts documents.
 *
 *   event hash = hex(SHA-256(UTF-8(RFC8785({stream, revision, eventId, type, data, metadata, recordedAt, prevHash}))))
 *   leaf data  = UTF-8(RFC8785({stream, revision, eventId, hash}));  leaf hash = SHA-256(0x00 || leaf data)
 */
import { canonicalJson, eventHashText, type HashableEvent } from '@app/event-store/hash-content';
import { sha256Hex, utf8, type Sha256 } from './bytes';
import { leafHashWith } from './merkle';

export { canonicalJson, eventHashText, HASHED_EVENT_FIELDS, type HashableEvent } from '@app/event-store/hash-content';

export interface EventLeafIdentity {
  stream: string;
  revision: number;
  eventId: string;
  /** The event's content hash (hex). */
  hash: string;
}

export function eventHashOf(sha256: Sha256, e: HashableEvent): string {
  return sha256Hex(sha256, eventHashText(e));
}

export function eventLeafText(e: EventLeafIdentity): string {
  return canonicalJson({ stream: e.stream, revision: e.revision, eventId: e.eventId, hash: e.hash });
}

export function eventLeafHashOf(sha256: Sha256, e: EventLeafIdentity): Uint8Array {
  return leafHashWith(sha256, utf8(eventLeafText(e)));
}
