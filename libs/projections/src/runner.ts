import type { EventStore, Position, RecordedEvent, SessionLock, SqlDatabase, Subscription } from '@app/event-store';
import { comparePositions, isTransientDatabaseError, START, withSchemaLock } from '@app/event-store';
import { advanceCheckpoint, CHECKPOINT_DDL, readCheckpoint } from './checkpoints';
import { FAILURES_DDL, listFailures, markResolved, openFailure, parkedEventIds, recordStall, type ProjectionFailure } from './failures';
import { type Projection, withPrefix } from './projection';

export interface ProjectionRunnerLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface ProjectionState {
  name: string;
  position: Position;
  leader: boolean;
  lagEvents: number;
  lagSeconds: number;
  /** Set while this instance leads the projection and it stands still on an event it could not apply. */
  stalled?: ProjectionFailure | null;
}

export interface ProjectionRunnerOptions {
  /** How often a follower tries to take over, and a stalled leader looks for an operator decision (default 2000 ms). */
  lockRetryMs?: number;
  batchSize?: number;
  /** Attempts at one event before the projection stalls on it (default 5). */
  maxAttempts?: number;
  /** Back-off between attempts: base, doubled each time, capped (defaults 200 ms, 5000 ms). */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** Called on every failed attempt to apply an event (not on database faults); for metrics. */
  onApplyFailure?: (projection: string, err: unknown) => void;
}

class CheckpointMovedError extends Error {}
/** The advisory-lock session is gone: another instance may lead now, so this one must stop at once. */
export class LeadershipLostError extends Error {
  constructor(projection: string) {
    super(`projection ${projection}: the lock session was lost; stopping before the next batch`);
    this.name = 'LeadershipLostError';
  }
}
/** A projection gave up on an event after its retries (recorded in projection_failures). */
export class ProjectionStalledError extends Error {
  constructor(readonly failure: ProjectionFailure) {
    super(`projection ${failure.projection} stalled at event ${failure.eventId} (${failure.stream}@${failure.revision}, position ${failure.position}): ${failure.error}`);
    this.name = 'ProjectionStalledError';
  }
}

const errorText = (e: unknown) => (e instanceof Error ? `${e.name}: ${e.message}` : String(e));
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

/**
 * Runs every projection from its own checkpoint off a catch-up subscription to all events.
 *
 * Leadership: each projection runs in exactly one service instance at a time. The runner takes a session
 * lock (pg_try_advisory_lock on a dedicated connection) per projection and retries every `lockRetryMs` until
 * the holder dies. Before EVERY batch the leader asks its lock session whether it still holds the lock
 * (SessionLock.verify: a query on that session, not a cached flag): if the session died (terminated backend,
 * server restart) PostgreSQL released the lock and another instance may already lead, so this one stops
 * before writing anything, releases, and competes for the lock again. The checkpoint compare-and-set in the
 * batch transaction is the second fence: a batch from a stale leader can never move a checkpoint twice.
 *
 * Faults: a database fault (connection lost) stops the subscription; the lock is released and re-taken
 * within `lockRetryMs`, and the projection resumes from its checkpoint. Such faults never count against an
 * event.
 *
 * Poison events: when a batch fails for another reason, its events are applied one by one so the failing
 * event is known; that event is tried `maxAttempts` times with back-off, then recorded durably in
 * projection_failures (status `stalled`) and the projection stops there (keeping its lock, so no other
 * instance spins on it), while the other projections go on. An operator retries or parks it
 * (resolveStall, `npm run cli -- projections retry|park <name>`); the leader notices within `lockRetryMs`.
 */
export class ProjectionRunner {
  private readonly states = new Map<string, ProjectionState>();
  private readonly subs = new Map<string, Subscription>();
  private readonly locks = new Map<string, SessionLock>();
  private readonly starting = new Set<string>();
  private stopped = false;
  private lockTimer: NodeJS.Timeout | null = null;
  private waiters = new Set<() => void>();

  constructor(
    private readonly store: EventStore,
    private readonly db: SqlDatabase,
    readonly projections: readonly Projection[],
    private readonly logger: ProjectionRunnerLogger,
    private readonly options: ProjectionRunnerOptions = {},
  ) {
    for (const p of projections) this.states.set(p.name, { name: p.name, position: START, leader: false, lagEvents: 0, lagSeconds: 0, stalled: null });
  }

  /** Creates checkpoint, failure and read-model tables (idempotent), under the migration lock. */
  async migrate(): Promise<void> {
    await withSchemaLock(this.db, async (tx) => {
      await tx.query(CHECKPOINT_DDL);
      await tx.query(FAILURES_DDL);
      for (const p of this.projections) for (const ddl of p.ddl) await tx.query(withPrefix(ddl, ''));
    });
  }

  async start(): Promise<void> {
    this.stopped = false;
    await this.tryLead();
    this.lockTimer = setInterval(() => void this.tryLead(), this.options.lockRetryMs ?? 2000);
    this.lockTimer.unref();
  }

  private async tryLead(): Promise<void> {
    for (const p of this.projections) {
      if (this.stopped || this.starting.has(p.name)) continue;
      this.starting.add(p.name);
      try {
        const held = this.locks.get(p.name);
        if (held) {
          // Leading and running: nothing to do. Leading but stalled: look for the operator's decision.
          if (this.subs.has(p.name)) continue;
          if (!(await held.verify())) {
            await this.resign(p.name, 'the lock session was lost while stalled');
            continue;
          }
          const open = await openFailure(this.db, p.name);
          if (open && open.status === 'stalled') continue;
          this.logger.info({ projection: p.name, decision: open?.status ?? 'parked' }, 'operator resolved the stalled projection; resuming');
          await this.run(p, held);
          continue;
        }
        const lock = await this.db.tryAcquireLock(`projection:${p.name}`);
        if (!lock) continue;
        if (this.stopped) {
          await lock.release();
          continue;
        }
        this.locks.set(p.name, lock);
        await this.run(p, lock);
      } catch (e) {
        if (isTransientDatabaseError(e)) this.logger.warn({ err: e, projection: p.name }, 'projection could not start (database fault); retrying');
        else this.logger.error({ err: e, projection: p.name }, 'projection failed to start; retrying');
        if (!this.subs.has(p.name)) await this.resign(p.name, 'start failed');
      } finally {
        this.starting.delete(p.name);
      }
    }
  }

  /** Gives up leadership of a projection (releases its lock); it is competed for again on the next tick. */
  private async resign(name: string, why: string): Promise<void> {
    const state = this.states.get(name)!;
    const wasLeader = state.leader;
    state.leader = false;
    state.stalled = null;
    const lock = this.locks.get(name);
    this.locks.delete(name);
    await lock?.release().catch(() => undefined);
    if (wasLeader) this.logger.warn({ projection: name, reason: why }, 'projection leadership released');
  }

  private async run(p: Projection, lock: SessionLock): Promise<void> {
    const state = this.states.get(p.name)!;
    state.leader = true;
    let position = await readCheckpoint(this.db, p.name);
    const parked = await parkedEventIds(this.db, p.name);
    let open = await openFailure(this.db, p.name);
    if (this.stopped) {
      // stop() ran while the checkpoint was being read (it already released the lock): do not subscribe,
      // or a projector would keep running after stop() returned.
      state.leader = false;
      return;
    }
    state.position = position;
    if (open && comparePositions(open.position, position) <= 0) {
      // The event is behind the checkpoint already (applied by a retry that crashed before marking it).
      await markResolved(this.db, p.name, open.eventId);
      open = null;
    }
    if (open && open.status === 'stalled') {
      // Another leader already gave up on this event: wait for an operator instead of spinning on it again.
      state.stalled = open;
      this.logger.error({ projection: p.name, failure: open }, 'projection is stalled on an event; waiting for an operator (projections retry|park)');
      return;
    }
    state.stalled = null;
    let retrying = open; // status 'retrying' (an operator asked for another try) or null
    this.logger.info({ projection: p.name, position }, 'projection running');
    const maxAttempts = Math.max(1, this.options.maxAttempts ?? 5);
    const base = this.options.retryBaseMs ?? 200;
    const cap = this.options.retryMaxMs ?? 5000;

    /** One transaction: the (non-parked) events' rows and the checkpoint move from `from` to `to`. */
    const applyBatch = async (events: RecordedEvent[], from: Position, to: Position) => {
      const live = parked.size ? events.filter((e) => !parked.has(e.eventId)) : events;
      const prepared = p.prepare && live.length ? await p.prepare(live) : undefined;
      await this.db.transaction(async (tx) => {
        // Read models are derived and their checkpoint commits atomically with them: a crash can only lose
        // whole recent batches, which are applied again from the checkpoint. So the batch need not wait for
        // the WAL flush (PostgreSQL: asynchronous commit for this transaction only), unless the projection asks
        // for synchronous commits (Projection.synchronousCommit).
        if (this.db.kind === 'pg' && !p.synchronousCommit) await tx.query('SET LOCAL synchronous_commit = off');
        if (live.length) await p.apply(tx, live, '', prepared);
        if (!(await advanceCheckpoint(tx, p.name, from, to, events.length))) throw new CheckpointMovedError(p.name);
      });
      position = to;
      state.position = to;
      if (retrying && comparePositions(to, retrying.position) >= 0) {
        await markResolved(this.db, p.name, retrying.eventId).catch(() => undefined);
        this.logger.info({ projection: p.name, eventId: retrying.eventId }, 'the retried event applied; projection resolved');
        retrying = null;
      }
      this.notify();
    };
    const fatal = (e: unknown) => e instanceof CheckpointMovedError || e instanceof LeadershipLostError || isTransientDatabaseError(e);

    const sub = this.store.subscribeToAll({
      after: position,
      batchSize: this.options.batchSize ?? 500,
      handler: async (events: RecordedEvent[]) => {
        // Check the session itself before writing: a leader whose lock died must not write another batch.
        if (!(await lock.verify())) throw new LeadershipLostError(p.name);
        try {
          await applyBatch(events, position, events[events.length - 1].position);
          return;
        } catch (e) {
          if (fatal(e)) throw e;
          this.logger.warn({ err: e, projection: p.name, events: events.length }, 'batch failed; applying its events one by one');
        }
        for (const event of events) {
          for (let attempt = 1; ; attempt++) {
            try {
              await applyBatch([event], position, event.position);
              break;
            } catch (e) {
              if (fatal(e)) throw e;
              this.options.onApplyFailure?.(p.name, e);
              if (attempt >= maxAttempts) {
                const failure = await recordStall(this.db, p.name, event, errorText(e), attempt);
                state.stalled = failure;
                throw new ProjectionStalledError(failure);
              }
              this.logger.warn({ err: e, projection: p.name, eventId: event.eventId, attempt }, 'event could not be applied; retrying');
              await sleep(Math.min(cap, base * 2 ** (attempt - 1)));
              if (this.stopped) throw new Error('runner stopped');
              if (!(await lock.verify())) throw new LeadershipLostError(p.name);
            }
          }
        }
      },
    });
    this.subs.set(p.name, sub);
    sub.done.catch(async (err) => {
      this.subs.delete(p.name);
      if (this.stopped) return;
      if (err instanceof ProjectionStalledError) {
        // Keep the lock: the projection stands still here until an operator decides (tryLead polls for it).
        this.logger.error({ projection: p.name, failure: err.failure }, 'projection stalled on an event it cannot apply; run `projections retry|park`');
        return;
      }
      if (err instanceof LeadershipLostError) this.logger.warn({ projection: p.name }, err.message);
      else if (isTransientDatabaseError(err)) this.logger.warn({ err, projection: p.name }, 'projection stopped on a database fault; it resumes from its checkpoint');
      else this.logger.error({ err, projection: p.name }, 'projection stopped on an error; it restarts from its checkpoint');
      await this.resign(p.name, errorText(err));
    });
  }

  private notify() {
    for (const w of this.waiters) w();
  }

  /** Positions of every projection (from the shared table, so it also works when another instance leads). */
  async positions(): Promise<Record<string, Position>> {
    const { rows } = await this.db.query<{ name: string; position: string }>(`SELECT name, position FROM projection_checkpoints`);
    const out: Record<string, Position> = {};
    for (const p of this.projections) out[p.name] = rows.find((r) => r.name === p.name)?.position ?? START;
    return out;
  }

  /**
   * Read-your-writes: resolves true once every projection (or the named ones) has applied `position`,
   * false when `timeoutMs` passed first.
   */
  async waitFor(position: Position, timeoutMs: number, names?: readonly string[]): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    const wanted = names ?? this.projections.map((p) => p.name);
    let checkedStalls = false;
    for (;;) {
      const local = wanted.every((n) => {
        const s = this.states.get(n);
        return s && s.leader && comparePositions(s.position, position) >= 0;
      });
      if (local) return true;
      const positions = await this.positions();
      const behind = wanted.filter((n) => comparePositions(positions[n] ?? START, position) < 0);
      if (behind.length === 0) return true;
      if (!checkedStalls) {
        // A projection stalled on a poison event will not get there: answer at once (stale) rather than
        // making every such read wait its full bound.
        checkedStalls = true;
        const open = await listFailures(this.db, { openOnly: true });
        if (open.some((f) => f.status === 'stalled' && behind.includes(f.projection))) return false;
      }
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(t);
          this.waiters.delete(done);
          resolve();
        };
        const t = setTimeout(done, Math.min(left, 25));
        this.waiters.add(done);
      });
    }
  }

  /** Measures lag (events and seconds behind the head of the log) for /health and /metrics. */
  async measureLag(maxScan = 10_000): Promise<ProjectionState[]> {
    const positions = await this.positions();
    const out: ProjectionState[] = [];
    for (const p of this.projections) {
      const s = this.states.get(p.name)!;
      const pos = positions[p.name] ?? START;
      const page = await this.store.readAll({ after: pos, maxCount: maxScan });
      s.lagEvents = page.events.length;
      s.lagSeconds = page.events.length ? Math.max(0, (Date.now() - Date.parse(page.events[0].recordedAt)) / 1000) : 0;
      out.push({ ...s, position: pos });
    }
    return out;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.lockTimer) clearInterval(this.lockTimer);
    await Promise.all([...this.subs.values()].map((s) => s.stop().catch(() => undefined)));
    this.subs.clear();
    await Promise.all([...this.locks.values()].map((l) => l.release().catch(() => undefined)));
    this.locks.clear();
    for (const s of this.states.values()) {
      s.leader = false;
      s.stalled = null;
    }
  }
}
