import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  excludeSystemEvents,
  FORWARDS,
  jsonEvent,
  NO_STREAM,
  START as ESDB_START,
  StreamNotFoundError,
  WrongExpectedVersionError,
  type AllStreamResolvedEvent,
  type AppendExpectedRevision,
  type ReadPosition,
  type ResolvedEvent,
  type StreamingRead,
} from '@eventstore/db-client';
import { chainEvents, prepareEvents, validateExpected, validateStream, type PreparedEvent, type StreamHead } from '../append-support';
import {
  comparePositions,
  ConcurrencyError,
  DuplicateEventIdError,
  parsePosition,
  START,
  type AppendOptions,
  type AppendResult,
  type EventStore,
  type EventToAppend,
  type Position,
  type ReadAllOptions,
  type ReadAllPage,
  type ReadStreamOptions,
  type RecordedEvent,
  type StreamMetadata,
  type SubscribeToAllOptions,
  type Subscription,
} from '../event-store.port';
import { canonicalJson, toJsonObject } from '../hashing';
import { PollingSubscription } from '../polling-subscription';

/**
 * Event-metadata key holding the chain fields ({hash, prevHash, recordedAt}) of events written by this
 * adapter. It is stripped from `metadata` on read; user metadata may not use it.
 */
export const ESDB_CHAIN_METADATA_KEY = '_es';
/** Stream-metadata key under which this adapter keeps the application's stream metadata (ESDB's own keys such as maxCount stay untouched). */
export const ESDB_APP_STREAM_METADATA_KEY = 'app';

/** An idempotent replay is recognised when the repeated events are among the stream's last this-many events. */
export const ESDB_REPLAY_WINDOW = 100;

export interface EsdbEventStoreOptions {
  /** Default EVENTSTORE_CONNECTION_STRING. */
  connectionString?: string;
  /** Or a ready client (the store then does not dispose it on close unless ownsClient). */
  client?: EventStoreDBClient;
  ownsClient?: boolean;
}

interface ChainFields {
  hash: string;
  prevHash: string | null;
  recordedAt: string;
}

export type EsdbRecorded = NonNullable<ResolvedEvent['event']> | NonNullable<AllStreamResolvedEvent['event']>;

function isSystem(e: { type: string; streamId: string }): boolean {
  return e.type.startsWith('$') || e.streamId.startsWith('$');
}

async function collect<T>(read: StreamingRead<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of read) out.push(item);
  return out;
}

function toPosition(p: { commit: bigint; prepare: bigint } | undefined): Position {
  return p ? `${p.commit}/${p.prepare}` : START;
}

function toReadPosition(p: Position): ReadPosition {
  const [commit, prepare] = parsePosition(p);
  return commit === 0n && prepare === 0n ? ESDB_START : { commit, prepare };
}

/** Maps an EventStoreDB event to a RecordedEvent, taking the chain fields out of its metadata. */
export function esdbEventToRecorded(e: EsdbRecorded): RecordedEvent {
  const meta = (e.isJson && e.metadata && typeof e.metadata === 'object' && !(e.metadata instanceof Uint8Array) ? e.metadata : {}) as Record<
    string,
    unknown
  >;
  const { [ESDB_CHAIN_METADATA_KEY]: chainRaw, ...metadata } = meta;
  const chain = (chainRaw ?? null) as ChainFields | null;
  const data = e.isJson && e.data && typeof e.data === 'object' && !Array.isArray(e.data) ? (e.data as Record<string, unknown>) : {};
  return {
    stream: e.streamId,
    revision: Number(e.revision),
    position: toPosition(e.position),
    eventId: e.id,
    type: e.type,
    data,
    metadata,
    recordedAt: chain?.recordedAt ?? e.created.toISOString(),
    hash: chain?.hash ?? '',
    prevHash: chain?.prevHash ?? null,
  };
}

/**
 * EventStore over EventStoreDB (gRPC client). Thin by design:
 *  - appends compute the same hash chain as the SQL stores client-side: the stream's tail is read backwards
 *    (which also detects an idempotent replay of the same event ids), the events are chained onto it and
 *    appended with the tail's exact revision as expected revision, so a concurrent writer can never fork
 *    the chain (for 'any'/'stream_exists' the append is retried on a fresh tail);
 *  - WrongExpectedVersionError → ConcurrencyError; positions are `${commit}/${prepare}`;
 *  - readAll / subscribeToAll skip system events ($-prefixed type or stream); subscriptions are the same
 *    polling catch-up loop as the SQL stores, woken by a live $all subscription.
 * Cross-stream event-id uniqueness is not enforced (ESDB has no such index).
 * Not tested against a live server in this repository (none can run in CI here).
 */
export class EsdbEventStore implements EventStore {
  readonly kind = 'esdb' as const;
  readonly client: EventStoreDBClient;
  private readonly ownsClient: boolean;
  private readonly subscriptions = new Set<PollingSubscription>();
  private waker: { unsubscribe(): Promise<void> } | null = null;
  private closed = false;

  constructor(options: EsdbEventStoreOptions = {}) {
    if (options.client) {
      this.client = options.client;
      this.ownsClient = options.ownsClient ?? false;
    } else {
      const cs = options.connectionString ?? process.env.EVENTSTORE_CONNECTION_STRING;
      if (!cs) throw new Error('EsdbEventStore needs a connection string (options.connectionString or EVENTSTORE_CONNECTION_STRING)');
      this.client = EventStoreDBClient.connectionString(cs);
      this.ownsClient = true;
    }
  }

  async init(): Promise<void> {
    await this.ping();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
    await this.waker?.unsubscribe().catch(() => undefined);
    this.waker = null;
    if (this.ownsClient) await this.client.dispose();
  }

  /** The last `count` events of a stream, newest first ([] when it does not exist). */
  private async readTail(stream: string, count: number): Promise<RecordedEvent[]> {
    try {
      const events = await collect(this.client.readStream(stream, { direction: BACKWARDS, fromRevision: END, maxCount: count }));
      return events.filter((r) => r.event).map((r) => esdbEventToRecorded(r.event!));
    } catch (e) {
      if (e instanceof StreamNotFoundError) return [];
      throw e;
    }
  }

  async appendToStream(stream: string, events: EventToAppend[], options?: AppendOptions): Promise<AppendResult> {
    validateStream(stream);
    const expected = options?.expectedRevision ?? 'any';
    validateExpected(expected);
    const prepared = prepareEvents(stream, events);
    for (const e of prepared) {
      if (ESDB_CHAIN_METADATA_KEY in e.metadata) throw new TypeError(`metadata key "${ESDB_CHAIN_METADATA_KEY}" is reserved`);
    }
    const checkIds = events.some((e) => e.eventId !== undefined);
    const recordedAt = new Date().toISOString();

    for (let attempt = 0; ; attempt++) {
      // With caller-supplied ids, look for them among the last events (ESDB has no index by event id).
      const tail = await this.readTail(stream, checkIds ? prepared.length + ESDB_REPLAY_WINDOW : 1);
      const head: StreamHead = tail[0] ? { revision: tail[0].revision, hash: tail[0].hash } : { revision: -1, hash: null };
      if (checkIds) {
        const replay = this.replayOf(stream, prepared, tail);
        if (replay) return replay;
      }
      const actual = head.revision < 0 ? null : head.revision;
      if (
        (expected === 'no_stream' && actual !== null) ||
        (expected === 'stream_exists' && actual === null) ||
        (typeof expected === 'number' && expected !== actual)
      ) {
        throw new ConcurrencyError(stream, expected, actual);
      }
      const chained = chainEvents(stream, prepared, head, recordedAt);
      const exact: AppendExpectedRevision = head.revision < 0 ? NO_STREAM : BigInt(head.revision);
      try {
        await this.client.appendToStream(
          stream,
          chained.map((e) =>
            jsonEvent({
              id: e.eventId,
              type: e.type,
              data: e.data,
              metadata: { ...e.metadata, [ESDB_CHAIN_METADATA_KEY]: { hash: e.hash, prevHash: e.prevHash, recordedAt: e.recordedAt } },
            }),
          ),
          { expectedRevision: exact },
        );
      } catch (e) {
        if (e instanceof WrongExpectedVersionError) {
          if ((expected === 'any' || expected === 'stream_exists') && attempt < 20) continue;
          const av = e.actualVersion;
          throw new ConcurrencyError(stream, expected, typeof av === 'bigint' ? Number(av) : null);
        }
        throw e;
      }
      // Read the events back for their exact positions (every event of a write has its own prepare position).
      const written = await collect(
        this.client.readStream(stream, { direction: FORWARDS, fromRevision: BigInt(head.revision + 1), maxCount: chained.length }),
      );
      const recorded = written.filter((r) => r.event).map((r) => esdbEventToRecorded(r.event!));
      const last = recorded[recorded.length - 1];
      for (const s of this.subscriptions) s.wake();
      return { nextExpectedRevision: last.revision, position: last.position, events: recorded, idempotentReplay: false };
    }
  }

  private replayOf(stream: string, prepared: PreparedEvent[], tail: RecordedEvent[]): AppendResult | null {
    const byId = new Map(tail.map((e) => [e.eventId, e]));
    const found = prepared.map((p) => byId.get(p.eventId));
    const hits = found.filter((f) => f !== undefined).length;
    if (hits === 0) return null;
    const same = prepared.every((p, i) => {
      const f = found[i];
      return f && f.type === p.type && canonicalJson(f.data) === canonicalJson(p.data);
    });
    if (hits !== prepared.length || !same) {
      const bad = prepared.find((p, i) => found[i] && (found[i]!.type !== p.type || canonicalJson(found[i]!.data) !== canonicalJson(p.data)));
      throw new DuplicateEventIdError((bad ?? prepared.find((_, i) => found[i]))!.eventId, stream);
    }
    const stored = (found as RecordedEvent[]).slice().sort((a, b) => a.revision - b.revision);
    const last = stored[stored.length - 1];
    return { nextExpectedRevision: last.revision, position: last.position, events: stored, idempotentReplay: true };
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    validateStream(stream);
    const backwards = options.direction === 'backwards';
    if (options.maxCount !== undefined && options.maxCount <= 0) return [];
    try {
      const events = await collect(
        this.client.readStream(stream, {
          direction: backwards ? BACKWARDS : FORWARDS,
          fromRevision: options.fromRevision !== undefined ? BigInt(options.fromRevision) : backwards ? END : ESDB_START,
          ...(options.maxCount !== undefined ? { maxCount: options.maxCount } : {}),
        }),
      );
      return events.filter((r) => r.event).map((r) => esdbEventToRecorded(r.event!));
    } catch (e) {
      if (e instanceof StreamNotFoundError) return [];
      throw e;
    }
  }

  async streamRevision(stream: string): Promise<number | null> {
    const tail = await this.readTail(stream, 1);
    return tail[0] ? tail[0].revision : null;
  }

  async readAll(options: ReadAllOptions = {}): Promise<ReadAllPage> {
    const after = options.after ?? START;
    parsePosition(after);
    const max = Math.max(1, Math.floor(options.maxCount ?? 1000));
    const out: RecordedEvent[] = [];
    let from = after;
    let exhausted = false;
    // Pages of raw $all (which includes system events); the first may start at `after` itself (inclusive).
    while (out.length <= max && !exhausted) {
      const page = await collect(this.client.readAll({ direction: FORWARDS, fromPosition: toReadPosition(from), maxCount: max + 1 }));
      exhausted = page.length < max + 1;
      let advanced = false;
      for (const r of page) {
        if (!r.event) continue;
        const pos = toPosition(r.event.position);
        if (comparePositions(pos, from) <= 0 && from !== START) continue;
        from = pos;
        advanced = true;
        if (isSystem(r.event)) continue;
        if (comparePositions(pos, after) <= 0) continue;
        out.push(esdbEventToRecorded(r.event));
        if (out.length > max) break;
      }
      if (!advanced) break;
    }
    const isEnd = out.length <= max;
    const events = out.slice(0, max);
    return { events, lastPosition: events.length ? events[events.length - 1].position : after, isEnd };
  }

  async headPosition(): Promise<Position> {
    let from: ReadPosition = END;
    for (let pages = 0; pages < 100; pages++) {
      const page: AllStreamResolvedEvent[] = await collect(this.client.readAll({ direction: BACKWARDS, fromPosition: from, maxCount: 200 }));
      for (const r of page) if (r.event && !isSystem(r.event)) return toPosition(r.event.position);
      const last: { commit: bigint; prepare: bigint } | undefined = page[page.length - 1]?.event?.position;
      if (page.length < 200 || !last) return START;
      from = last;
    }
    return START;
  }

  subscribeToAll(options: SubscribeToAllOptions): Subscription {
    const sub = new PollingSubscription((after, maxCount) => this.readAll({ after, maxCount }), options, (s) => {
      this.subscriptions.delete(s);
      if (this.subscriptions.size === 0 && this.waker) {
        const w = this.waker;
        this.waker = null;
        void w.unsubscribe().catch(() => undefined);
      }
    });
    this.subscriptions.add(sub);
    this.ensureWaker();
    return sub;
  }

  /** A live $all subscription used only to wake the polling loops at once when anything is written. */
  private ensureWaker() {
    if (this.waker || this.closed) return;
    const live = this.client.subscribeToAll({ fromPosition: END, filter: excludeSystemEvents() });
    live.on('data', () => {
      for (const s of this.subscriptions) s.wake();
    });
    live.on('error', () => {
      if (this.waker?.unsubscribe === unsubscribe) this.waker = null; // polling continues; the next subscribe retries
    });
    const unsubscribe = () => live.unsubscribe();
    this.waker = { unsubscribe };
  }

  async getStreamMetadata(stream: string): Promise<StreamMetadata | null> {
    try {
      const r = await this.client.getStreamMetadata(stream);
      const app = r.metadata?.[ESDB_APP_STREAM_METADATA_KEY];
      return app && typeof app === 'object' ? (app as StreamMetadata) : null;
    } catch (e) {
      if (e instanceof StreamNotFoundError) return null;
      throw e;
    }
  }

  async setStreamMetadata(stream: string, metadata: StreamMetadata): Promise<void> {
    validateStream(stream);
    const current = await this.client.getStreamMetadata(stream).catch(() => ({ metadata: undefined }));
    await this.client.setStreamMetadata(stream, { ...(current.metadata ?? {}), [ESDB_APP_STREAM_METADATA_KEY]: toJsonObject(metadata, 'stream metadata') });
  }

  async ping(): Promise<void> {
    await collect(this.client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1 }));
  }
}
