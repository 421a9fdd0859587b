import {
  ConcurrencyError,
  DuplicateEventIdError,
  parsePosition,
  START,
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
import { runMigrations } from './migrations';
import type { SqlDatabase } from './sql-database';

export const DEFAULT_READ_ALL_MAX_COUNT = 1000;
const MAX_APPEND_ATTEMPTS = 20;

export interface SqlEventStoreOptions {
  /** Reported `kind`; default from the database ('pglite' → 'embedded', 'pg' → 'postgres'). */
  kind?: 'embedded' | 'postgres';
  /** close() also closes the database (default false: the database is shared with read models). */
  ownsDatabase?: boolean;
  /** How many stream heads to remember to save a read before appending (default 10 000). */
  streamHeadCacheSize?: number;
  /**
   * Send `NOTIFY es_events` after appends so subscriptions in other processes wake at once (default true;
   * PostgreSQL only). Without it they notice new events on their next poll.
   */
  notifyOtherProcesses?: boolean;
  /**
   * Group commit (default true on PostgreSQL, false on PGlite): appends without caller-supplied event ids that arrive while earlier ones are
   * being written wait and are then written together, in one statement and one transaction (one commit, one
   * WAL flush), each with its own expected-revision check and its own answer (es_append_batch). An append is
   * answered only after its transaction committed. A lone append goes out at once.
   */
  groupCommit?: boolean;
  /** Batches in flight at once (default 2). */
  groupCommitConcurrency?: number;
  /** Most appends in one batch (default 64). */
  groupCommitMaxBatch?: number;
}

/** One append waiting for its batch. */
interface PendingAppend {
  stream: string;
  kind: 'any' | 'no_stream' | 'stream_exists' | 'exact';
  expected: number | null;
  head: StreamHead;
  recordedAt: string;
  chained: ReadonlyArray<Omit<RecordedEvent, 'position'>>;
  /** Write it in a batch of its own (set after its batch failed as a whole with a server error). */
  alone: boolean;
  resolve(rows: AppendRow[]): void;
  reject(err: unknown): void;
}

interface BatchRow {
  r_index: number;
  r_code: string | null;
  r_revision: number | string;
  r_hash: string | null;
  r_tx: string | null;
  r_gp: string | null;
}

/** The error a single append of a batch is answered with: the fields es_append's exceptions carry. */
class BatchAppendError extends Error {
  constructor(
    readonly code: string,
    readonly detail: string,
  ) {
    super(`append refused (${code})`);
  }
}

const APPEND_BATCH_SQL = `SELECT r_index, r_code, r_revision, r_hash, r_tx, r_gp FROM es_append_batch($1::text::jsonb)`;
const READ_HEAD_SQL = `SELECT revision, last_hash FROM es_streams WHERE stream_id = $1`;

const EVENT_COLUMNS = `stream_id, stream_revision, transaction_id::text AS tx, global_position::text AS gp, event_id::text AS event_id,
  event_type, data, metadata, to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS recorded_at, hash, prev_hash`;

interface EventRow {
  stream_id: string;
  stream_revision: number | string;
  tx: string;
  gp: string;
  event_id: string;
  event_type: string;
  data: Record<string, unknown>;
  metadata: Record<string, unknown> | null;
  recorded_at: string;
  hash: string;
  prev_hash: string | null;
}

interface AppendRow {
  r_replay: boolean;
  r_revision: number | string;
  r_tx: string;
  r_gp: string;
  r_event_id: string | null;
  r_type: string | null;
  r_data: Record<string, unknown> | null;
  r_metadata: Record<string, unknown> | null;
  r_recorded_at: string | null;
  r_hash: string | null;
  r_prev_hash: string | null;
}

/** SQL of the global-order read: only events of transactions below the snapshot's xmin (see class doc). */
export const READ_ALL_SQL = `SELECT ${EVENT_COLUMNS} FROM es_events
 WHERE (transaction_id, global_position) > ($1::xid8, $2::bigint)
   AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
 ORDER BY transaction_id, global_position
 LIMIT $3`;

export const HEAD_POSITION_SQL = `SELECT transaction_id::text AS tx, global_position::text AS gp FROM es_events
 WHERE transaction_id < pg_snapshot_xmin(pg_current_snapshot())
 ORDER BY transaction_id DESC, global_position DESC LIMIT 1`;

/**
 * Are there committed events that readers may not see yet (an older transaction is still open)? Asked of the
 * newest row only, an index read (an EXISTS over `transaction_id >= xmin` made the planner pick a sequential
 * scan at scale).
 */
export const PENDING_SQL = `SELECT COALESCE(
   (SELECT transaction_id FROM es_events ORDER BY transaction_id DESC, global_position DESC LIMIT 1)
     >= pg_snapshot_xmin(pg_current_snapshot()), false) AS pending`;

function rowToEvent(r: EventRow): RecordedEvent {
  return {
    stream: r.stream_id,
    revision: Number(r.stream_revision),
    position: `${r.tx}/${r.gp}`,
    eventId: r.event_id,
    type: r.event_type,
    data: r.data,
    metadata: r.metadata ?? {},
    recordedAt: r.recorded_at,
    hash: r.hash,
    prevHash: r.prev_hash,
  };
}

const APPEND_SQL = `SELECT * FROM es_append($1::text, $2::text, $3::bigint, $4::bigint, $5::text, $6::boolean, $7::timestamptz, $8::text::jsonb)`;
const READ_FORWARD_SQL = `SELECT ${EVENT_COLUMNS} FROM es_events WHERE stream_id = $1 AND stream_revision >= $2::bigint
  ORDER BY stream_revision LIMIT $3::bigint`;
const READ_BACKWARD_SQL = `SELECT ${EVENT_COLUMNS} FROM es_events WHERE stream_id = $1 AND stream_revision <= $2::bigint
  ORDER BY stream_revision DESC LIMIT $3::bigint`;

/**
 * The one statement that appends (see event-store-schema.ts): exported so that tests (and tools) can run
 * the very same SQL path on their own connection, e.g. inside a transaction they hold open.
 */
export function buildAppendStatement(
  stream: string,
  chained: ReadonlyArray<Omit<RecordedEvent, 'position'>>,
  expected: ExpectedRevision,
  head: StreamHead,
  checkIds: boolean,
): { sql: string; params: unknown[] } {
  const kind = typeof expected === 'number' ? 'exact' : expected;
  const payload = chained.map((e) => ({ id: e.eventId, type: e.type, data: e.data, metadata: e.metadata, hash: e.hash, prevHash: e.prevHash }));
  return {
    sql: APPEND_SQL,
    params: [
      stream,
      kind,
      typeof expected === 'number' ? expected : null,
      head.revision,
      head.hash,
      checkIds,
      chained[0]?.recordedAt ?? new Date().toISOString(),
      JSON.stringify(payload),
    ],
  };
}

interface PgLikeError {
  code?: string;
  detail?: string;
  constraint?: string;
}

function headFromDetail(err: PgLikeError): StreamHead & { eventId?: string } {
  try {
    const d = JSON.parse(err.detail ?? '{}') as { revision?: number | string; hash?: string | null; eventId?: string };
    return { revision: Number(d.revision ?? -1), hash: d.hash ?? null, eventId: d.eventId };
  } catch {
    return { revision: -1, hash: null };
  }
}

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
  private notifying: Promise<void> | null = null;
  private notifyAgain = false;
  private readonly groupCommit: boolean;
  private readonly batchConcurrency: number;
  private readonly maxBatch: number;
  private queue: PendingAppend[] = [];
  private batchesInFlight = 0;

  constructor(
    readonly db: SqlDatabase,
    private readonly options: SqlEventStoreOptions = {},
  ) {
    this.kind = options.kind ?? (db.kind === 'pglite' ? 'embedded' : 'postgres');
    this.headCacheSize = options.streamHeadCacheSize ?? 10_000;
    // PGlite runs one connection: a transaction holds it for its whole callback, so a batch queued behind an
    // append made (wrongly) from inside such a callback would wait for it forever instead of failing at once
    // (PgliteReentrancyError). Group commit is for the server.
    this.groupCommit = options.groupCommit ?? db.kind === 'pg';
    this.batchConcurrency = Math.max(1, options.groupCommitConcurrency ?? 2);
    this.maxBatch = Math.max(1, options.groupCommitMaxBatch ?? 64);
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
    while (this.queue.length > 0 || this.batchesInFlight > 0) await new Promise<void>((r) => setTimeout(r, 1));
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
    const unlisten = await this.unlisten?.catch(() => null);
    this.unlisten = null;
    await unlisten?.().catch(() => undefined);
    await this.notifying;
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

  async appendToStream(stream: string, events: EventToAppend[], options?: { expectedRevision?: ExpectedRevision }): Promise<AppendResult> {
    this.assertOpen();
    validateStream(stream);
    const expected = options?.expectedRevision ?? 'any';
    validateExpected(expected);
    const prepared = prepareEvents(stream, events);
    const checkIds = events.some((e) => e.eventId !== undefined);
    const recordedAt = new Date().toISOString();

    // The head the chain is computed against: known for 'no_stream', else cached, else looked up. A wrong
    // guess is safe: es_append verifies it under the row lock and reports the actual head (ES001/ES003).
    let head: StreamHead = expected === 'no_stream' ? { revision: -1, hash: null } : (this.heads.get(stream) ?? (await this.readHead(stream)));

    // Contention on one stream with 'any'/'stream_exists' (ES003: the head moved between our guess and the
    // append) switches to the locked path: a transaction that locks the stream row first and computes the
    // chain on the head it read under that lock, so waiting writers queue instead of retrying in a storm.
    let locked = false;
    for (let attempt = 0; ; attempt++) {
      let chained: Array<Omit<RecordedEvent, 'position'>>;
      let rows: AppendRow[];
      try {
        if (locked) {
          ({ chained, rows } = await this.appendLocked(stream, prepared, expected, recordedAt, checkIds));
        } else if (this.groupCommit && !checkIds) {
          chained = chainEvents(stream, prepared, head, recordedAt);
          rows = await this.enqueue(stream, chained, expected, head, recordedAt);
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

  // ---- group commit --------------------------------------------------------------------------------------

  private enqueue(
    stream: string,
    chained: ReadonlyArray<Omit<RecordedEvent, 'position'>>,
    expected: ExpectedRevision,
    head: StreamHead,
    recordedAt: string,
  ): Promise<AppendRow[]> {
    return new Promise<AppendRow[]>((resolve, reject) => {
      this.queue.push({
        stream,
        kind: typeof expected === 'number' ? 'exact' : expected,
        expected: typeof expected === 'number' ? expected : null,
        head,
        recordedAt,
        chained,
        alone: false,
        resolve,
        reject,
      });
      this.pump();
    });
  }

  /** Starts batches while fewer than the allowed number are in flight. */
  private pump() {
    while (this.batchesInFlight < this.batchConcurrency && this.queue.length > 0) {
      const batch = this.takeBatch();
      this.batchesInFlight++;
      void this.writeBatch(batch).finally(() => {
        this.batchesInFlight--;
        this.pump();
      });
    }
  }

  /** The oldest waiting appends, at most one per stream (a second append to a stream waits for the next batch). */
  private takeBatch(): PendingAppend[] {
    const first = this.queue[0];
    if (first.alone) {
      this.queue.shift();
      return [first];
    }
    const batch: PendingAppend[] = [];
    const streams = new Set<string>();
    const rest: PendingAppend[] = [];
    for (const p of this.queue) {
      if (batch.length < this.maxBatch && !p.alone && !streams.has(p.stream)) {
        streams.add(p.stream);
        batch.push(p);
      } else rest.push(p);
    }
    this.queue = rest;
    return batch;
  }

  private async writeBatch(batch: PendingAppend[]): Promise<void> {
    const payload = batch.map((p, i) => ({
      i,
      s: p.stream,
      k: p.kind,
      x: p.expected,
      ar: p.head.revision,
      ah: p.head.hash,
      t: p.recordedAt,
      e: p.chained.map((e) => ({ id: e.eventId, type: e.type, data: e.data, metadata: e.metadata, hash: e.hash, prevHash: e.prevHash })),
    }));
    let rows: BatchRow[];
    try {
      rows = (await this.db.query<BatchRow>(APPEND_BATCH_SQL, [JSON.stringify(payload)], { name: 'es_append_batch' })).rows;
    } catch (e) {
      const code = (e as PgLikeError).code;
      if (batch.length > 1 && typeof code === 'string' && code.length === 5) {
        // The server refused the whole statement (e.g. a deadlock with another writer, a unique violation):
        // nothing of it was written. Write each append on its own so that each gets its own answer.
        for (const p of batch) p.alone = true;
        this.queue.unshift(...batch);
        return;
      }
      // One append alone, or the outcome is unknown (connection lost): the same answer as without batching.
      for (const p of batch) p.reject(e);
      return;
    }
    const byIndex = new Map<number, BatchRow[]>();
    for (const r of rows) {
      const list = byIndex.get(r.r_index);
      if (list) list.push(r);
      else byIndex.set(r.r_index, [r]);
    }
    batch.forEach((p, i) => {
      const mine = byIndex.get(i) ?? [];
      const failed = mine.find((r) => r.r_code !== null);
      if (failed) {
        p.reject(new BatchAppendError(failed.r_code!, JSON.stringify({ revision: Number(failed.r_revision), hash: failed.r_hash })));
        return;
      }
      p.resolve(
        mine.map((r) => ({
          r_replay: false,
          r_revision: r.r_revision,
          r_tx: r.r_tx!,
          r_gp: r.r_gp!,
          r_event_id: null,
          r_type: null,
          r_data: null,
          r_metadata: null,
          r_recorded_at: null,
          r_hash: null,
          r_prev_hash: null,
        })),
      );
    });
  }

  /** Append in a transaction that locks the stream row first and chains onto the head read under the lock. */
  private appendLocked(
    stream: string,
    prepared: PreparedEvent[],
    expected: ExpectedRevision,
    recordedAt: string,
    checkIds: boolean,
  ): Promise<{ chained: Array<Omit<RecordedEvent, 'position'>>; rows: AppendRow[] }> {
    return this.db.transaction(async (tx) => {
      const lockSql = `SELECT revision, last_hash FROM es_streams WHERE stream_id = $1 FOR UPDATE`;
      let { rows: heads } = await tx.query<{ revision: number | string; last_hash: string | null }>(lockSql, [stream]);
      if (!heads[0]) {
        await tx.query(`INSERT INTO es_streams (stream_id) VALUES ($1) ON CONFLICT (stream_id) DO NOTHING`, [stream]);
        ({ rows: heads } = await tx.query<{ revision: number | string; last_hash: string | null }>(lockSql, [stream]));
      }
      const head: StreamHead = { revision: Number(heads[0].revision), hash: heads[0].last_hash };
      const chained = chainEvents(stream, prepared, head, recordedAt);
      const { sql, params } = buildAppendStatement(stream, chained, expected, head, checkIds);
      const { rows } = await tx.query<AppendRow>(sql, params);
      return { chained, rows };
    });
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
      const stored: RecordedEvent[] = rows.map((r) => ({
        stream,
        revision: Number(r.r_revision),
        position: `${r.r_tx}/${r.r_gp}`,
        eventId: r.r_event_id!,
        type: r.r_type!,
        data: r.r_data!,
        metadata: r.r_metadata ?? {},
        recordedAt: r.r_recorded_at!,
        hash: r.r_hash!,
        prevHash: r.r_prev_hash,
      }));
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
    this.notifyOtherProcesses();
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

  /**
   * Tells subscribers in other processes (LISTEN es_events) that something was committed: one NOTIFY at a
   * time, outside the append transaction, coalescing appends that finish meanwhile into one more. (A NOTIFY
   * inside each append would serialise commits on PostgreSQL's notify lock.) PGlite: one process, nothing to do.
   */
  private notifyOtherProcesses() {
    if (this.db.kind !== 'pg' || this.closed || this.options.notifyOtherProcesses === false) return;
    if (this.notifying) {
      this.notifyAgain = true;
      return;
    }
    this.notifyAgain = false;
    this.notifying = this.db
      .query(`SELECT pg_notify($1, '')`, [EVENTS_NOTIFY_CHANNEL])
      .then(
        () => undefined,
        () => undefined,
      )
      .then(() => {
        this.notifying = null;
        if (this.notifyAgain) this.notifyOtherProcesses();
      });
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
