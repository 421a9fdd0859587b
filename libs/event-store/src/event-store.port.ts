/**
 * The event-store port: the one interface every adapter (embedded PGlite, PostgreSQL, EventStoreDB)
 * implements and the shared contract suite proves.
 *
 * Positions in the global log are opaque strings of the form "A/B" (two unsigned integers, like a
 * PostgreSQL LSN). They are totally ordered by (A, B) numerically — use {@link comparePositions}.
 *  - PostgreSQL/PGlite: A = the appending transaction id (xid8), B = the global sequence number.
 *  - EventStoreDB:      A = commit position, B = prepare position.
 * `START` ("0/0") is before every event.
 */
export type Position = string;
export const START: Position = '0/0';

const MAX_POSITION_PART = 2n ** 63n - 1n;
export function parsePosition(p: Position): [bigint, bigint] {
  const m = /^(\d{1,20})\/(\d{1,20})$/.exec(p);
  if (!m) throw new InvalidPositionError(p);
  const parts: [bigint, bigint] = [BigInt(m[1]), BigInt(m[2])];
  // Both parts are stored as PostgreSQL bigint: a larger number is no position (and must not reach SQL).
  if (parts[0] > MAX_POSITION_PART || parts[1] > MAX_POSITION_PART) throw new InvalidPositionError(p);
  return parts;
}
export function comparePositions(a: Position, b: Position): number {
  const [a1, a2] = parsePosition(a);
  const [b1, b2] = parsePosition(b);
  if (a1 !== b1) return a1 < b1 ? -1 : 1;
  if (a2 !== b2) return a2 < b2 ? -1 : 1;
  return 0;
}

/** no_stream: the stream must not exist; stream_exists: it must exist; any: no check; number: the exact current revision (0-based revision of its last event). */
export type ExpectedRevision = 'no_stream' | 'stream_exists' | 'any' | number;

export interface EventToAppend {
  /** Optional: a deterministic id makes a retried append a no-op. Defaults to a random UUID. */
  eventId?: string;
  type: string;
  data: Record<string, unknown>;
  metadata?: Record<string, unknown>;
}

export interface AppendOptions {
  expectedRevision?: ExpectedRevision;
  /**
   * What the caller knows of the stream's head: the revision and hash of its last event (e.g. from the
   * command path's cache). With an exact expected revision equal to `head.revision`, a store that chains
   * hashes uses it instead of looking the head up; the store still verifies it, so a wrong hint costs at most
   * a retry or a ConcurrencyError, never a broken chain. Optional; adapters may ignore it.
   */
  head?: { revision: number; hash: string | null };
}

export interface RecordedEvent {
  stream: string;
  /** 0-based position of the event within its stream. */
  revision: number;
  /** Position in the global log (see {@link Position}). */
  position: Position;
  eventId: string;
  type: string;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  /** ISO-8601 UTC. */
  recordedAt: string;
  /** SHA-256 (hex) over the RFC 8785 canonical JSON of {stream, revision, eventId, type, data, metadata, recordedAt, prevHash}. */
  hash: string;
  /** Hash of the previous event of the same stream; null for revision 0. */
  prevHash: string | null;
}

export interface AppendResult {
  /** Revision of the stream's last event after the append. */
  nextExpectedRevision: number;
  /** Position of the last appended event. */
  position: Position;
  /** The events as stored (on an idempotent replay of the same event ids: the ones stored the first time). */
  events: RecordedEvent[];
  /** True when every event id was already stored and nothing new was written. */
  idempotentReplay: boolean;
}

export interface ReadStreamOptions {
  direction?: 'forwards' | 'backwards';
  /** Inclusive start revision. Forwards default 0, backwards default the end. */
  fromRevision?: number;
  maxCount?: number;
}

export interface ReadAllOptions {
  /** Exclusive: return events strictly after this position. Default START. */
  after?: Position;
  maxCount?: number;
}

export interface ReadAllPage {
  events: RecordedEvent[];
  /** Position to pass as `after` for the next page (the last event's position, or `after` if empty). */
  lastPosition: Position;
  isEnd: boolean;
}

export interface Subscription {
  /** Stops the subscription; resolves when the handler is no longer running. */
  stop(): Promise<void>;
  /** Resolves when the subscription stopped (by stop() or by a handler error, which rejects). */
  readonly done: Promise<void>;
}

export interface SubscribeToAllOptions {
  /** Exclusive checkpoint. */
  after?: Position;
  /** Called with batches in global order; the next batch comes only after the promise resolves. */
  handler: (events: RecordedEvent[]) => Promise<void>;
  batchSize?: number;
  /** Max wait between polls when idle, ms (appends in this process wake it at once). */
  pollIntervalMs?: number;
}

export interface StreamMetadata {
  [key: string]: unknown;
}

export interface EventStore {
  readonly kind: 'embedded' | 'postgres' | 'esdb';
  init(): Promise<void>;
  close(): Promise<void>;
  appendToStream(stream: string, events: EventToAppend[], options?: AppendOptions): Promise<AppendResult>;
  readStream(stream: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /** Current revision of the stream's last event, or null when it does not exist. */
  streamRevision(stream: string): Promise<number | null>;
  readAll(options?: ReadAllOptions): Promise<ReadAllPage>;
  /** The position of the newest event visible to readers (START when empty). */
  headPosition(): Promise<Position>;
  subscribeToAll(options: SubscribeToAllOptions): Subscription;
  getStreamMetadata(stream: string): Promise<StreamMetadata | null>;
  setStreamMetadata(stream: string, metadata: StreamMetadata): Promise<void>;
  /** Liveness check for /health. */
  ping(): Promise<void>;
}

export class ConcurrencyError extends Error {
  constructor(
    readonly stream: string,
    readonly expected: ExpectedRevision,
    readonly actual: number | null,
  ) {
    super(`Wrong expected revision for stream ${stream}: expected ${String(expected)}, actual ${actual === null ? 'no stream' : actual}`);
    this.name = 'ConcurrencyError';
  }
}

export class DuplicateEventIdError extends Error {
  constructor(readonly eventId: string, readonly stream: string) {
    super(`Event id ${eventId} is already stored in another stream or with other content than in ${stream}`);
    this.name = 'DuplicateEventIdError';
  }
}

export class InvalidPositionError extends Error {
  constructor(readonly value: string) {
    super(`Invalid position "${value}": expected "A/B" with two unsigned integers`);
    this.name = 'InvalidPositionError';
  }
}

export const EVENT_STORE = Symbol('EVENT_STORE');
