import { v4 as uuidv4, validate as uuidValidate } from 'uuid';
import { DuplicateEventIdError, type EventToAppend, type ExpectedRevision, type RecordedEvent } from './event-store.port';
import { computeEventHash, toJsonObject } from './hashing';

/** Shared by every adapter: validation, id assignment, JSON normalisation and hash chaining of appends. */

export const MAX_STREAM_ID_LENGTH = 500;

/** The head of a stream's hash chain: revision of its last event (-1: none) and that event's hash. */
export interface StreamHead {
  revision: number;
  hash: string | null;
}

/** An event after validation and JSON normalisation, with its id fixed. */
export interface PreparedEvent {
  eventId: string;
  type: string;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
}

export function validateStream(stream: string) {
  if (typeof stream !== 'string' || stream.length === 0 || stream.length > MAX_STREAM_ID_LENGTH) {
    throw new TypeError(`stream must be a non-empty string of at most ${MAX_STREAM_ID_LENGTH} characters`);
  }
}

export function validateExpected(expected: ExpectedRevision) {
  if (expected === 'any' || expected === 'no_stream' || expected === 'stream_exists') return;
  if (typeof expected !== 'number' || !Number.isSafeInteger(expected) || expected < 0) {
    throw new TypeError(`expectedRevision must be 'any', 'no_stream', 'stream_exists' or a revision >= 0, got ${String(expected)}`);
  }
}

/** Validates events, fixes their ids and normalises data/metadata to exactly what jsonb stores. */
export function prepareEvents(stream: string, events: readonly EventToAppend[]): PreparedEvent[] {
  if (!Array.isArray(events) || events.length === 0) throw new TypeError('appendToStream needs at least one event');
  const seen = new Set<string>();
  return events.map((e, i) => {
    if (!e || typeof e.type !== 'string' || e.type.length === 0) throw new TypeError(`event #${i} needs a non-empty type`);
    const eventId = e.eventId === undefined ? uuidv4() : String(e.eventId).toLowerCase();
    if (!uuidValidate(eventId)) throw new TypeError(`event #${i}: eventId must be a UUID, got "${String(e.eventId)}"`);
    if (seen.has(eventId)) throw new DuplicateEventIdError(eventId, stream);
    seen.add(eventId);
    return {
      eventId,
      type: e.type,
      data: toJsonObject(e.data, `event #${i} data`),
      metadata: e.metadata === undefined ? {} : toJsonObject(e.metadata, `event #${i} metadata`),
    };
  });
}

/** Chains prepared events onto a stream head: revisions, prevHash and hash (recordedAt fixed by the caller). */
export function chainEvents(
  stream: string,
  events: readonly PreparedEvent[],
  head: StreamHead,
  recordedAt: string,
): Array<Omit<RecordedEvent, 'position'>> {
  let prevHash = head.hash;
  return events.map((e, i) => {
    const unhashed = { stream, revision: head.revision + 1 + i, eventId: e.eventId, type: e.type, data: e.data, metadata: e.metadata, recordedAt, prevHash };
    const hash = computeEventHash(unhashed);
    prevHash = hash;
    return { ...unhashed, hash };
  });
}

