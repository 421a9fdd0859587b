import {
  ConcurrencyError,
  DuplicateEventIdError,
  parsePosition,
  START,
  type AppendOptions,
  type AppendResult,
  type EventStore,
  type EventToAppend,
  type ExpectedRevision,
  type Position,
  type ReadAllOptions,
  type ReadAllPage,
  type ReadStreamOptions,
  type RecordedEvent,
  type StreamMetadata,
  type SubscribeToAllOptions,
  type Subscription,
} from '../event-store.port';
import { chainEvents, prepareEvents, validateExpected, validateStream, type PreparedEvent, type StreamHead } from '../append-support';
import { toJsonObject } from '../hashing';
import { PollingSubscription, type SubscriptionPage } from '../polling-subscription';
import { EVENT_STORE_MIGRATION_NAMESPACE, EVENT_STORE_MIGRATIONS, EVENTS_NOTIFY_CHANNEL } from './event-store-schema';
import { headFromDetail, replayedEvents, rowToEvent, type AppendRow, type EventRow, type PgLikeError } from './event-rows';
import { GroupCommit } from './group-commit';
import { runMigrations } from './migrations';
import { OtherProcessNotifier } from './other-process-notifier';
import type { SqlDatabase } from './sql-database';
import type { SqlEventStoreOptions } from './sql-event-store-options';
import {
  appendLocked,
  buildAppendStatement,
  HEAD_POSITION_SQL,
  PENDING_SQL,
  READ_ALL_SQL,
  READ_BACKWARD_SQL,
  READ_FORWARD_SQL,
  READ_HEAD_SQL,
} from './statements';

export { buildAppendStatement, HEAD_POSITION_SQL, PENDING_SQL, READ_ALL_SQL } from './statements';
export type { SqlEventStoreOptions } from './sql-event-store-options';

export const DEFAULT_READ_ALL_MAX_COUNT = 1000;
const MAX_APPEND_ATTEMPTS = 20;

/**
 * EventStore over a SqlDatabase: the same SQL on PostgreSQL ('postgres') and PGlite ('embedded').
 *
 * Appends: one statement, `es_append(...)` or — group commit, for appends without caller-supplied event ids —
 * `es_append_batch(...)` shared with the appends that queued while earlier batches were in flight (see
 * event-store-schema.ts and SqlEventStoreOptions.groupCommit), i.e. one awaited round trip and one
 * transaction, when the stream head (revision + last hash) is known: it is cached from earlier appends and
 * reads of this process, and is always 'empty' for expectedRevision 'no_stream'. Otherwise one extra
 * lookup first. A stale cache costs one retry (the function reports the actual head). Event hashes
 * are computed here (RFC 8785 needs JavaScript's number formatting), the database verifies the head under
 * the stream's row lock, so the chain cannot fork.
 *
 * Global order: position = `${transaction_id}/${global_position}`, ordered by that pair. A reader only sees
 * events whose transaction_id is below the xmin of its snapshot (every transaction older than that has
 * finished), so an event of a transaction that commits late — though it drew a lower sequence number or has
 * a lower xid — can never appear behind a position a reader already passed: it is held back until every
 * older transaction ended and then sorts exactly where the reader will look next. Cost: while any
 * transaction with an xid stays open (in this database's cluster), newer events wait for it. Appends of this
 * store are short; keep other transactions short too (consider idle_in_transaction_session_timeout).
 * Stream order and global order agree: an append that waited for a stream lock held by a newer transaction
 * is retried in a new transaction (ES004).
 *
 * PGlite has one connection and serialises transactions, so appends there run one at a time and readers
 * always see everything committed.
 */
export class SqlEventStore implements EventStore {
  readonly kind: 'embedded' | 'postgres';
  private readonly heads = new Map<string, StreamHead>();
  private readonly headCacheSize: number;
  private readonly subscriptions = new Set<PollingSubscription>();
  private unlisten: Promise<(() => Promise<void>) | null> | null = null;
  private initialized: Promise<void> | null = null;
  private closed = false;
  private readonly notifier: OtherProcessNotifier;
  private readonly groupCommit: boolean;
  private readonly batcher: GroupCommit;

  constructor(
    readonly db: SqlDatabase,
    private readonly options: SqlEventStoreOptions = {},
  ) {
    this.kind = options.kind ?? (db.kind === 'pglite' ? 'embedded' : 'postgres');
    this.headCacheSize = options.streamHeadCacheSize ?? 10_000;
    // Tells subscribers in other processes that something was committed (PGlite: one process, nothing to do).
    this.notifier = new OtherProcessNotifier(db, () => db.kind === 'pg' && !this.closed && options.notifyOtherProcesses !== false);
    // PGlite runs one connection: a transaction holds it for its whole callback, so a batch queued behind an
    // append made (wrongly) from inside such a callback would wait for it forever instead of failing at once
    // (PgliteReentrancyError). Group commit is for the server.
    this.groupCommit = options.groupCommit ?? db.kind === 'pg';
    this.batcher = new GroupCommit(db, Math.max(1, options.groupCommitConcurrency ?? 2), Math.max(1, options.groupCommitMaxBatch ?? 64));
  }

  /** Creates/upgrades the schema (idempotent, safe with several processes starting at once). */
  init(): Promise<void> {
    if (!this.initialized) {
      this.initialized = runMigrations(this.db, EVENT_STORE_MIGRATION_NAMESPACE, EVENT_STORE_MIGRATIONS).then(() => undefined);
      this.initialized.catch(() => {
        this.initialized = null;
      });
    }
    return this.initialized;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Appends already queued for group commit are written (and answered) before the database may close.
    while (this.batcher.busy) await new Promise<void>((r) => setTimeout(r, 1));
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
    const unlisten = await this.unlisten?.catch(() => null);
    this.unlisten = null;
    await unlisten?.().catch(() => undefined);
    await this.notifier.inFlight;
    if (this.options.ownsDatabase) await this.db.close();
  }

  private assertOpen() {
    if (this.closed) throw new Error('SqlEventStore is closed');
  }

  // ---- stream head cache -------------------------------------------------------------------------------

  private rememberHead(stream: string, head: StreamHead) {
    const known = this.heads.get(stream);
    if (known && known.revision > head.revision) return;
    this.heads.delete(stream);
    this.heads.set(stream, head);
    if (this.heads.size > this.headCacheSize) {
      const oldest = this.heads.keys().next().value;
      if (oldest !== undefined) this.heads.delete(oldest);
    }
  }

  private async readHead(stream: string): Promise<StreamHead> {
    const { rows } = await this.db.query<{ revision: number | string; last_hash: string | null }>(READ_HEAD_SQL, [stream], { name: 'es_read_head' });
    return rows[0] ? { revision: Number(rows[0].revision), hash: rows[0].last_hash } : { revision: -1, hash: null };
  }

  // ---- append --------------------------------------------------------------------------------------------

  async appendToStream(stream: string, events: EventToAppend[], options?: AppendOptions): Promise<AppendResult> {
    this.assertOpen();
    validateStream(stream);
    const expected = options?.expectedRevision ?? 'any';
    validateExpected(expected);
    const prepared = prepareEvents(stream, events);
    const checkIds = events.some((e) => e.eventId !== undefined);
    const recordedAt = new Date().toISOString();

    // The head the chain is computed against: known for 'no_stream', else the caller's hint or cached, else looked up. A wrong
    // guess is safe: es_append verifies it under the row lock and reports the actual head (ES001/ES003).
    // The caller's hint is the head exactly when its revision is the expected one (an event's hash never changes).
    const hint = options?.head && typeof expected === 'number' && options.head.revision === expected ? options.head : undefined;
    let head: StreamHead =
      expected === 'no_stream' ? { revision: -1, hash: null } : (hint ?? this.heads.get(stream) ?? (await this.readHead(stream)));

    // Contention on one stream with 'any'/'stream_exists' (ES003: the head moved between our guess and the
    // append) switches to the locked path: a transaction that locks the stream row first and computes the
    // chain on the head it read under that lock, so waiting writers queue instead of retrying in a storm.
    let locked = false;
    for (let attempt = 0; ; attempt++) {
      let chained: Array<Omit<RecordedEvent, 'position'>>;
      let rows: AppendRow[];
      try {
        if (locked) {
          ({ chained, rows } = await appendLocked(this.db, stream, prepared, expected, recordedAt, checkIds));
        } else if (this.groupCommit && !checkIds) {
          chained = chainEvents(stream, prepared, head, recordedAt);
          rows = await this.batcher.enqueue(stream, chained, expected, head, recordedAt);
        } else {
          chained = chainEvents(stream, prepared, head, recordedAt);
          const { sql, params } = buildAppendStatement(stream, chained, expected, head, checkIds);
          rows = (await this.db.query<AppendRow>(sql, params, { name: 'es_append' })).rows;
        }
      } catch (e) {
        const err = e as PgLikeError;
        const actual = headFromDetail(err);
        switch (err.code) {
          case 'ES001': // wrong expected revision
            if (actual.revision >= 0) this.rememberHead(stream, actual);
            throw new ConcurrencyError(stream, expected, actual.revision < 0 ? null : actual.revision);
          case 'ES002':
            throw new DuplicateEventIdError(actual.eventId ?? prepared[0].eventId, stream);
          case 'ES003': // the head moved since we computed the chain (any/stream_exists, or a stale cache)
            head = { revision: actual.revision, hash: actual.hash };
            if (attempt === 0) continue; // a stale cache: one optimistic retry with the reported head
            locked = true;
            if (attempt < MAX_APPEND_ATTEMPTS) continue;
            throw new ConcurrencyError(stream, expected, actual.revision < 0 ? null : actual.revision);
          case 'ES004': // a newer transaction appended to this stream while we waited: retry with a new xid
            head = { revision: actual.revision, hash: actual.hash };
            if (attempt < MAX_APPEND_ATTEMPTS) continue;
            throw new ConcurrencyError(stream, expected, actual.revision < 0 ? null : actual.revision);
          case '23505': // unique violation from a race the locks did not cover
            throw await this.uniqueViolation(stream, expected, prepared, err);
          case '40001': // serialization failure
          case '40P01': // deadlock
            throw new ConcurrencyError(stream, expected, await this.streamRevision(stream).catch(() => null));
          default:
            throw e;
        }
      }
      return this.appended(stream, chained, rows);
    }
  }

  private async uniqueViolation(stream: string, expected: ExpectedRevision, prepared: PreparedEvent[], err: PgLikeError): Promise<Error> {
    if (err.constraint === 'es_events_event_id_key') {
      const ids = prepared.map((p) => p.eventId);
      const { rows } = await this.db.query<{ event_id: string }>(`SELECT event_id::text AS event_id FROM es_events WHERE event_id = ANY($1::uuid[])`, [ids]);
      return new DuplicateEventIdError(rows[0]?.event_id ?? ids[0], stream);
    }
    return new ConcurrencyError(stream, expected, await this.streamRevision(stream).catch(() => null));
  }

  private appended(stream: string, chained: ReadonlyArray<Omit<RecordedEvent, 'position'>>, rows: AppendRow[]): AppendResult {
    if (rows.length > 0 && rows[0].r_replay) {
      const stored = replayedEvents(stream, rows);
      const last = stored[stored.length - 1];
      return { nextExpectedRevision: last.revision, position: last.position, events: stored, idempotentReplay: true };
    }
    const byRevision = new Map(rows.map((r) => [Number(r.r_revision), `${r.r_tx}/${r.r_gp}`]));
    const recorded: RecordedEvent[] = chained.map((e) => {
      const position = byRevision.get(e.revision);
      if (!position) throw new Error(`es_append did not return revision ${e.revision} of ${stream}`);
      return { ...e, position };
    });
    const last = recorded[recorded.length - 1];
    this.rememberHead(stream, { revision: last.revision, hash: last.hash });
    this.wakeSubscriptions();
    this.notifier.notify();
    return { nextExpectedRevision: last.revision, position: last.position, events: recorded, idempotentReplay: false };
  }

  // ---- reads ---------------------------------------------------------------------------------------------

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    validateStream(stream);
    const backwards = options.direction === 'backwards';
    const limit = options.maxCount === undefined ? null : Math.max(0, Math.floor(options.maxCount));
    if (limit === 0) return [];
    const from = options.fromRevision;
    if (from !== undefined && (!Number.isSafeInteger(from) || from < 0)) throw new TypeError('fromRevision must be an integer >= 0');
    const { rows } = backwards
      ? await this.db.query<EventRow>(READ_BACKWARD_SQL, [stream, from ?? Number.MAX_SAFE_INTEGER, limit], { name: 'es_read_stream_backward' })
      : await this.db.query<EventRow>(READ_FORWARD_SQL, [stream, from ?? 0, limit], { name: 'es_read_stream_forward' });
    const events = rows.map(rowToEvent);
    // The newest event seen is a good guess of the head for the append that usually follows a read.
    const newest = backwards ? events[0] : events[events.length - 1];
    if (newest) this.rememberHead(stream, { revision: newest.revision, hash: newest.hash });
    return events;
  }

  async streamRevision(stream: string): Promise<number | null> {
    this.assertOpen();
    const head = await this.readHead(stream);
    return head.revision < 0 ? null : head.revision;
  }

  async readAll(options: ReadAllOptions = {}): Promise<ReadAllPage> {
    this.assertOpen();
    const after = options.after ?? START;
    const [tx, gp] = parsePosition(after);
    const max = Math.max(1, Math.floor(options.maxCount ?? DEFAULT_READ_ALL_MAX_COUNT));
    const { rows } = await this.db.query<EventRow>(READ_ALL_SQL, [tx.toString(), gp.toString(), max + 1], { name: 'es_read_all' });
    const isEnd = rows.length <= max;
    const events = (isEnd ? rows : rows.slice(0, max)).map(rowToEvent);
    return { events, lastPosition: events.length ? events[events.length - 1].position : after, isEnd };
  }

  async headPosition(): Promise<Position> {
    this.assertOpen();
    const { rows } = await this.db.query<{ tx: string; gp: string }>(HEAD_POSITION_SQL);
    return rows[0] ? `${rows[0].tx}/${rows[0].gp}` : START;
  }

  // ---- subscriptions -------------------------------------------------------------------------------------

  subscribeToAll(options: SubscribeToAllOptions): Subscription {
    this.assertOpen();
    const read = async (after: Position, maxCount: number): Promise<SubscriptionPage> => {
      const page = await this.readAll({ after, maxCount });
      if (page.events.length > 0 || this.db.kind === 'pglite') return page;
      const { rows } = await this.db.query<{ pending: boolean }>(PENDING_SQL);
      return { ...page, pending: rows[0]?.pending === true };
    };
    const sub = new PollingSubscription(read, options, (s) => this.subscriptions.delete(s));
    this.subscriptions.add(sub);
    this.ensureListening();
    return sub;
  }

  private ensureListening() {
    if (this.unlisten) return;
    this.unlisten = this.db.listen(EVENTS_NOTIFY_CHANNEL, () => this.wakeSubscriptions()).catch(() => {
      this.unlisten = null; // polling still works; try again with the next subscription
      return null;
    });
  }

  private wakeSubscriptions() {
    for (const s of this.subscriptions) s.wake();
  }
  // ---- metadata, health ----------------------------------------------------------------------------------

  async getStreamMetadata(stream: string): Promise<StreamMetadata | null> {
    this.assertOpen();
    const { rows } = await this.db.query<{ metadata: StreamMetadata | null }>(`SELECT metadata FROM es_streams WHERE stream_id = $1`, [stream]);
    return rows[0]?.metadata ?? null;
  }

  async setStreamMetadata(stream: string, metadata: StreamMetadata): Promise<void> {
    this.assertOpen();
    validateStream(stream);
    const json = JSON.stringify(toJsonObject(metadata, 'stream metadata'));
    await this.db.query(
      `INSERT INTO es_streams (stream_id, metadata) VALUES ($1, $2::text::jsonb)
       ON CONFLICT (stream_id) DO UPDATE SET metadata = EXCLUDED.metadata`,
      [stream, json],
    );
  }

  async ping(): Promise<void> {
    this.assertOpen();
    await this.db.query('SELECT 1 AS ok', []);
  }
}
