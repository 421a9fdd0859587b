/** Group commit for SqlEventStore (see SqlEventStoreOptions.groupCommit): appends queued while earlier batches are in flight go out together. */
import type { ExpectedRevision, RecordedEvent } from '../event-store.port';
import type { StreamHead } from '../append-support';
import type { SqlDatabase } from './sql-database';
import type { AppendRow, PgLikeError } from './event-rows';
import { APPEND_BATCH_SQL } from './statements';

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

/** The queue of appends waiting for a batch and the batches in flight (at most `concurrency`, each of at most `maxBatch` appends). */
export class GroupCommit {
  private queue: PendingAppend[] = [];
  private batchesInFlight = 0;

  constructor(
    private readonly db: SqlDatabase,
    private readonly batchConcurrency: number,
    private readonly maxBatch: number,
  ) {}

  /** Appends are queued or being written. */
  get busy(): boolean {
    return this.queue.length > 0 || this.batchesInFlight > 0;
  }

  enqueue(
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
}
