import type { EventStore, Position, ReadAllPage, RecordedEvent, SqlDatabase, SqlExecutor } from '@app/event-store';
import { comparePositions, MIGRATIONS_LOCK_KEY, START, withSchemaLock } from '@app/event-store';
import { CHECKPOINT_DDL, readCheckpoint } from './checkpoints';
import { FAILURES_DDL, parkedEventIds } from './failures';
import { type Projection, withPrefix } from './projection';

export const REBUILD_PREFIX = 'rebuild_';
/**
 * The final compare-and-swap waits for the live checkpoints to settle (see below): at most SETTLE_ATTEMPTS
 * tries, SETTLE_DELAY_MS apart, and gives up early once the live checkpoints stood still for SETTLE_IDLE_ATTEMPTS
 * tries in a row (no live projector is moving them), then compares as things stand.
 */
const SETTLE_ATTEMPTS = 250;
const SETTLE_IDLE_ATTEMPTS = 25;
const SETTLE_DELAY_MS = 20;
/** Apply batches read ahead of the slowest projection while catching up (bounds the rebuild's memory). */
const MAX_QUEUED_BATCHES = 3;
/**
 * Events per apply batch of the catch-up (default of `applyBatchSize`). Every projection folds a batch's events per
 * stream and writes each touched row once per batch, so a batch much larger than a read page rewrites a row
 * (its whole state as jsonb, and its indexes) far less often; a larger batch also means fewer statements.
 */
export const DEFAULT_REBUILD_APPLY_BATCH = 20_000;
/** Connections (lanes) a per-stream projection's batches are split over during the catch-up on PostgreSQL. */
export const DEFAULT_REBUILD_STREAM_LANES = 2;

/** FNV-1a of a stream name: which lane its events go to (any fixed function would do). */
function streamHash(stream: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < stream.length; i++) h = Math.imul(h ^ stream.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Non-unique secondary indexes are built after the catch-up (unique ones stay: they are constraints, and conflict targets). */
function isDeferrableIndex(ddl: string): boolean {
  return /^\s*CREATE\s+INDEX\b/i.test(ddl);
}

export interface RebuildProgress {
  applied: number;
  position: Position;
  head: Position;
  eventsPerSecond: number;
}

export interface TableComparison {
  table: string;
  liveRows: number;
  rebuiltRows: number;
  liveDigest: string;
  rebuiltDigest: string;
  equal: boolean;
}

export interface RebuildResult {
  position: Position;
  applied: number;
  seconds: number;
  eventsPerSecond: number;
  comparisons: TableComparison[];
  matched: boolean;
  swapped: boolean;
}

/**
 * Order-independent content digest of a table: md5 over its rows' 64-bit hashes (hash_record_extended: every
 * column hashed with its type's own hash function, jsonb in its binary form) in sorted order. Equal tables give
 * equal digests; a changed row changes its hash. Hashing the rows instead of sorting and md5-ing their text
 * forms skips printing every row's jsonb as text (≈ 5 × cheaper on the dispute rows, whose state is several kB).
 */
export async function tableDigest(db: SqlExecutor, table: string): Promise<{ rows: number; digest: string }> {
  const { rows } = await db.query<{ n: string; d: string | null }>(
    `SELECT count(*)::text AS n, md5(coalesce(string_agg(h::text, ',' ORDER BY h), '')) AS d FROM (SELECT hash_record_extended(t, 0) AS h FROM ${table} t) s`,
  );
  return { rows: Number(rows[0].n), digest: rows[0].d ?? '' };
}

async function dropPrefixed(db: SqlExecutor, projections: readonly Projection[], prefix: string) {
  for (const p of projections) for (const t of p.tables) await db.query(`DROP TABLE IF EXISTS ${prefix}${t} CASCADE`);
}

/**
 * Rebuilds the given projections from the first event into fresh `rebuild_*` tables, then — with the live
 * tables locked so the live projector cannot move — brings the rebuilt tables to exactly the live checkpoint,
 * compares them table by table, and swaps them in when they match (or when `force` is set).
 * Deterministic: projections read only event data (never the clock), so two rebuilds give identical tables.
 */
export async function rebuildProjections(
  store: EventStore,
  db: SqlDatabase,
  projections: readonly Projection[],
  options: {
    /** Events per read of the log (page). */
    batchSize?: number;
    /** Events per apply batch of the catch-up (pages are gathered until at least this many; default DEFAULT_REBUILD_APPLY_BATCH). */
    applyBatchSize?: number;
    /** Lanes per per-stream projection (Projection.perStream) on PostgreSQL; default DEFAULT_REBUILD_STREAM_LANES. */
    streamLanes?: number;
    force?: boolean;
    swap?: boolean;
    onProgress?: (p: RebuildProgress) => void;
  } = {},
): Promise<RebuildResult> {
  const batchSize = options.batchSize ?? 2000;
  const applyBatchSize = Math.max(1, options.applyBatchSize ?? DEFAULT_REBUILD_APPLY_BATCH);
  // All DDL under the one migration lock (instances may be starting and creating the live tables meanwhile).
  await withSchemaLock(db, async (tx) => {
    await tx.query(CHECKPOINT_DDL);
    await tx.query(FAILURES_DDL);
    for (const p of projections) for (const ddl of p.ddl) await tx.query(withPrefix(ddl, ''));
    await dropPrefixed(tx, projections, REBUILD_PREFIX);
    for (const p of projections) for (const ddl of p.ddl) if (!isDeferrableIndex(ddl)) await tx.query(withPrefix(ddl, REBUILD_PREFIX));
  });

  // Events an operator parked are skipped by the rebuild exactly as by the live projector.
  const parked = new Map<string, Set<string>>();
  for (const p of projections) parked.set(p.name, await parkedEventIds(db, p.name));
  const t0 = performance.now();
  let position: Position = START;
  let applied = 0;
  const head = await store.headPosition();
  const applyUntil = async (limit: Position | null, tx: SqlExecutor | null) => {
    for (;;) {
      const page = await store.readAll({ after: position, maxCount: batchSize });
      const events = limit ? page.events.filter((e) => comparePositions(e.position, limit) <= 0) : page.events;
      if (events.length === 0) return;
      const run = async (x: SqlExecutor) => {
        for (const p of projections) {
          const skip = parked.get(p.name)!;
          const live = skip.size ? events.filter((e) => !skip.has(e.eventId)) : events;
          if (live.length) await p.apply(x, live, REBUILD_PREFIX);
        }
      };
      if (tx) await run(tx);
      else await db.transaction(run);
      position = events[events.length - 1].position;
      applied += events.length;
      const secs = (performance.now() - t0) / 1000;
      options.onProgress?.({ applied, position, head, eventsPerSecond: secs > 0 ? applied / secs : 0 });
      if (events.length < page.events.length || page.isEnd) {
        if (!limit || comparePositions(position, limit) >= 0 || page.isEnd) return;
      }
    }
  };
  /**
   * The catch-up outside any lock, on both cores: the next page is read while the current ones are applied,
   * pages are gathered into apply batches of `applyBatchSize` events, and every projection applies the batches in order on its own connection and in its own transactions (they
   * write disjoint tables), so one projection's folding in this process overlaps the others' statements in
   * PostgreSQL. Each projection still sees every event in global order, batch after batch, exactly as the
   * sequential path: the tables come out the same (the compare below checks it). The batches' commits are
   * asynchronous (synchronous_commit = off): the rebuild tables are scratch until the swap, a crash drops them
   * at the next start, and the swap itself commits durably. On PGlite (one connection) this degrades to the
   * sequential order.
   */
  const catchUp = async (limit: Position) => {
    // A projection whose rows each follow one stream (Projection.perStream) applies every batch in `lanes` parts,
    // split by stream, each on its own connection and in its own transaction: a stream's events stay in order
    // in one part, and parts write disjoint rows, so the tables come out the same.
    const lanes = projections.map((p) => (p.perStream && db.kind === 'pg' ? Math.max(1, options.streamLanes ?? DEFAULT_REBUILD_STREAM_LANES) : 1));
    const chains: Promise<void>[][] = projections.map((_, i) => Array.from({ length: lanes[i] }, () => Promise.resolve()));
    const queued: Promise<void>[] = [];
    const applyOne = (p: Projection, events: RecordedEvent[]) =>
      db.transaction(async (x) => {
        await x.query('SET LOCAL synchronous_commit = off');
        const skip = parked.get(p.name)!;
        const live = skip.size ? events.filter((e) => !skip.has(e.eventId)) : events;
        if (live.length) await p.apply(x, live, REBUILD_PREFIX);
      });
    const split = (events: RecordedEvent[], n: number): RecordedEvent[][] => {
      if (n === 1) return [events];
      const parts: RecordedEvent[][] = Array.from({ length: n }, () => []);
      const laneOf = new Map<string, number>();
      for (const e of events) {
        let lane = laneOf.get(e.stream);
        if (lane === undefined) laneOf.set(e.stream, (lane = streamHash(e.stream) % n));
        parts[lane].push(e);
      }
      return parts;
    };
    const dispatch = (events: RecordedEvent[]) => {
      const batchEnd = events[events.length - 1].position;
      const byLanes = new Map<number, RecordedEvent[][]>();
      const work = projections.flatMap((p, i) => {
        let parts = byLanes.get(lanes[i]);
        if (!parts) byLanes.set(lanes[i], (parts = split(events, lanes[i])));
        return parts.map((part, lane) => (part.length ? (chains[i][lane] = chains[i][lane].then(() => applyOne(p, part))) : chains[i][lane]));
      });
      const done = Promise.all(work).then(() => {
        if (comparePositions(batchEnd, position) > 0) position = batchEnd;
        applied += events.length;
        const secs = (performance.now() - t0) / 1000;
        options.onProgress?.({ applied, position, head, eventsPerSecond: secs > 0 ? applied / secs : 0 });
      });
      done.catch(() => undefined); // awaited below
      queued.push(done);
    };
    let after = position;
    let next: Promise<ReadAllPage> | null = store.readAll({ after, maxCount: batchSize });
    // Pages are gathered into apply batches of at least applyBatchSize events (in log order; the last may be short).
    let gathering: RecordedEvent[] = [];
    try {
      while (next) {
        const page: ReadAllPage = await next;
        next = null;
        const events = page.events.filter((e) => comparePositions(e.position, limit) <= 0);
        if (events.length === 0) break;
        after = events[events.length - 1].position;
        const last = events.length < page.events.length || page.isEnd || comparePositions(after, limit) >= 0;
        if (!last) {
          next = store.readAll({ after, maxCount: batchSize }); // read ahead while the gathered batches are applied
          next.catch(() => undefined); // awaited above in the next turn; never an unhandled rejection
        }
        if (gathering.length === 0 && events.length >= applyBatchSize) gathering = events;
        else for (const e of events) gathering.push(e);
        if (gathering.length >= applyBatchSize) {
          dispatch(gathering);
          gathering = [];
        }
        while (queued.length >= MAX_QUEUED_BATCHES) await queued.shift();
      }
      if (gathering.length) dispatch(gathering);
    } finally {
      await Promise.allSettled(queued);
    }
    await Promise.all(queued);
  };
  // Catch up with the log without blocking the live projector.
  await catchUp(head);
  // The rebuilt tables' digests, taken on other connections while the secondary indexes are built (a digest
  // reads the rows only; CREATE INDEX lets them be read): the compare below uses them as long as the rebuild still
  // stands at this position (nothing else writes the rebuild_ tables), and digests again inside its transaction
  // when it had to apply more.
  const digestedAt = position;
  const rebuiltDigests = new Map<string, { rows: number; digest: string }>();
  const digesting =
    db.kind === 'pg'
      ? Promise.all(projections.flatMap((p) => p.tables).map(async (t) => rebuiltDigests.set(t, await tableDigest(db, REBUILD_PREFIX + t))))
      : Promise.resolve([]);
  digesting.catch(() => undefined); // awaited below
  // The secondary indexes, built once over the caught-up tables (instead of maintained row by row), before
  // the compare and the swap.
  try {
    await withSchemaLock(db, async (tx) => {
      for (const p of projections) for (const ddl of p.ddl) if (isDeferrableIndex(ddl)) await tx.query(withPrefix(ddl, REBUILD_PREFIX));
    });
  } finally {
    await Promise.allSettled([digesting]);
  }
  await digesting;

  // Compare and swap with the live tables locked. The rebuilt tables must stand at exactly the live
  // checkpoint, which keeps moving while the live projector runs, so this may take a few attempts:
  //  - live ahead of the rebuild: catch up *outside* the lock and try again (on PGlite the store reads
  //    through the same single connection, so reading the log inside this transaction would dead-lock:
  //    PgliteReentrancyError); on pg the last attempt reads inside the transaction;
  //  - live behind the rebuild, or the projections' checkpoints not all equal: give the live projector a
  //    moment to catch up and try again.
  // When they do not settle, the comparison is made as things stand (and reports matched=false if they differ).
  let idle = 0;
  let lastSeen = '';
  for (let attempt = 1; ; attempt++) {
    const lastAttempt = attempt >= SETTLE_ATTEMPTS || idle >= SETTLE_IDLE_ATTEMPTS;
    const outcome = await db.transaction(async (tx): Promise<RebuildResult | { retry: 'ahead' | 'behind'; target: Position }> => {
      // The swap below drops and renames tables: serialise it with every other DDL (starting instances).
      await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [MIGRATIONS_LOCK_KEY]);
      // Freeze the live read models: the live projector's next write waits for this transaction.
      for (const p of projections) for (const t of p.tables) await tx.query(`LOCK TABLE ${t} IN EXCLUSIVE MODE`);
      await tx.query(`LOCK TABLE projection_checkpoints IN EXCLUSIVE MODE`);
      const checkpoints: Position[] = [];
      for (const p of projections) checkpoints.push(await readCheckpoint(tx, p.name));
      const distinct = [...new Set(checkpoints)];
      const target = distinct.sort(comparePositions)[distinct.length - 1] ?? START;
      const live = checkpoints.every((c) => c === target);
      const seen = checkpoints.join(',');
      idle = seen === lastSeen ? idle + 1 : 0;
      lastSeen = seen;
      if (!lastAttempt) {
        if (comparePositions(target, position) > 0 && db.kind === 'pglite') return { retry: 'ahead', target };
        if (comparePositions(target, position) < 0 || !live) return { retry: 'behind', target };
      }
      if (comparePositions(target, position) > 0 && db.kind !== 'pglite') await applyUntil(target, tx);
      const comparisons: TableComparison[] = [];
      for (const p of projections) {
        for (const t of p.tables) {
          const a = await tableDigest(tx, t);
          const early = comparePositions(position, digestedAt) === 0 ? rebuiltDigests.get(t) : undefined;
          const b = early ?? (await tableDigest(tx, REBUILD_PREFIX + t));
          comparisons.push({ table: t, liveRows: a.rows, rebuiltRows: b.rows, liveDigest: a.digest, rebuiltDigest: b.digest, equal: a.digest === b.digest });
        }
      }
      const matched = live && comparisons.every((c) => c.equal) && comparePositions(position, target) === 0;
      const swap = (options.swap ?? true) && (matched || options.force === true);
      if (swap) {
        for (const p of projections) {
          for (const t of p.tables) {
            await tx.query(`DROP TABLE ${t} CASCADE`);
            await tx.query(`ALTER TABLE ${REBUILD_PREFIX}${t} RENAME TO ${t}`);
            // Indexes and constraints keep their rebuild_ names; give them the live names back.
            const { rows } = await tx.query<{ indexname: string }>(`SELECT indexname FROM pg_indexes WHERE tablename = $1 AND indexname LIKE $2`, [
              t,
              `${REBUILD_PREFIX}%`,
            ]);
            for (const r of rows) await tx.query(`ALTER INDEX ${r.indexname} RENAME TO ${r.indexname.slice(REBUILD_PREFIX.length)}`);
          }
          await tx.query(
            `INSERT INTO projection_checkpoints (name, position, updated_at) VALUES ($1, $2, now())
             ON CONFLICT (name) DO UPDATE SET position = EXCLUDED.position, updated_at = now()`,
            [p.name, position],
          );
        }
      } else {
        await dropPrefixed(tx, projections, REBUILD_PREFIX);
      }
      const seconds = (performance.now() - t0) / 1000;
      return { position, applied, seconds, eventsPerSecond: seconds > 0 ? applied / seconds : 0, comparisons, matched, swapped: swap };
    });
    if (!('retry' in outcome)) return outcome;
    if (outcome.retry === 'ahead') await catchUp(outcome.target);
    else await new Promise((resolve) => setTimeout(resolve, SETTLE_DELAY_MS));
  }
}
