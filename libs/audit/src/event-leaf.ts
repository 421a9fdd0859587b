/**
 * What the global Merkle log commits to for each event.
 *
 *   leaf data = UTF-8( RFC 8785 canonical JSON of {stream, revision, eventId, hash} )
 *   leaf hash = SHA-256(0x00 || leaf data)                        (RFC 6962 leaf hash)
 *
 * `hash` is the event's own content hash (see event-hash.ts), so the leaf commits to the event's
 * full content and, through prevHash, to its whole stream prefix; stream/revision/eventId bind the
 * leaf to the event's identity and place, so a leaf cannot be "re-pointed" to another event with the
 * same content. The global position ("A/B") is deliberately not part of the leaf: the leaf index in
 * the log is the event's order in the log, and positions are adapter-specific.
 *
 * Example: {"eventId":"e-1","hash":"9f…","revision":0,"stream":"dispute-42"}
 */
import { leafHash } from './merkle';
import { eventLeafText, type EventLeafIdentity } from './pure/event';

export type { EventLeafIdentity } from './pure/event';

/** The leaf data (pure/event.ts defines the text, for the browser too). */
export function eventLeafData(e: EventLeafIdentity): Buffer {
  return Buffer.from(eventLeafText(e), 'utf8');
}

export function eventLeafHash(e: EventLeafIdentity): Buffer {
  return leafHash(eventLeafData(e));
}
