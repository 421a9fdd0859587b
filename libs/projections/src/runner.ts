import type { EventStore, Position, RecordedEvent, SqlDatabase, Subscription } from '@app/event-store';
import { comparePositions, START } from '@app/event-store';
import { advanceCheckpoint, CHECKPOINT_DDL, readCheckpoint } from './checkpoints';
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
}

class CheckpointMovedError extends Error {}

/**
 * Runs every projection from its own checkpoint off a catch-up subscription to all events.
 * Each projection runs in exactly one service instance at a time: the runner takes a session lock
 * (pg_try_advisory_lock) per projection and retries every `lockRetryMs` until the holder dies.
 */
export class ProjectionRunner {
  private readonly states = new Map<string, ProjectionState>();
  private readonly subs = new Map<string, Subscription>();
  private readonly locks = new Map<string, { release(): Promise<void> }>();
  private stopped = false;
  private lockTimer: NodeJS.Timeout | null = null;
  private waiters = new Set<() => void>();

  constructor(
    private readonly store: EventStore,
    private readonly db: SqlDatabase,
    readonly projections: readonly Projection[],
    private readonly logger: ProjectionRunnerLogger,
    private readonly options: { lockRetryMs?: number; batchSize?: number } = {},
  ) {
    for (const p of projections) this.states.set(p.name, { name: p.name, position: START, leader: false, lagEvents: 0, lagSeconds: 0 });
  }

  /** Creates checkpoint and read-model tables (idempotent). */
  async migrate(): Promise<void> {
    await this.db.query(CHECKPOINT_DDL);
    for (const p of this.projections) for (const ddl of p.ddl) await this.db.query(withPrefix(ddl, ''));
  }

  async start(): Promise<void> {
    this.stopped = false;
    await this.tryLead();
    this.lockTimer = setInterval(() => void this.tryLead(), this.options.lockRetryMs ?? 2000);
    this.lockTimer.unref();
  }

  private async tryLead(): Promise<void> {
    for (const p of this.projections) {
      if (this.stopped || this.locks.has(p.name)) continue;
      try {
        const lock = await this.db.tryAcquireLock(`projection:${p.name}`);
        if (!lock) continue;
        if (this.stopped) {
          await lock.release();
          continue;
        }
        this.locks.set(p.name, lock);
        await this.run(p);
      } catch (e) {
        this.logger.error({ err: e, projection: p.name }, 'projection failed to start');
      }
    }
  }

  private async run(p: Projection): Promise<void> {
    const state = this.states.get(p.name)!;
    state.leader = true;
    let position = await readCheckpoint(this.db, p.name);
    if (this.stopped) {
      // stop() ran while the checkpoint was being read (it already released the lock): do not subscribe,
      // or a projector would keep running after stop() returned.
      state.leader = false;
      return;
    }
    state.position = position;
    this.logger.info({ projection: p.name, position }, 'projection running');
    const sub = this.store.subscribeToAll({
      after: position,
      batchSize: this.options.batchSize ?? 500,
      handler: async (events: RecordedEvent[]) => {
        const to = events[events.length - 1].position;
        await this.db.transaction(async (tx) => {
          // Read models are derived and their checkpoint commits atomically with them: a crash can only lose
          // whole recent batches, which are applied again from the checkpoint. So the batch need not wait for
          // the WAL flush (PostgreSQL: asynchronous commit for this transaction only).
          if (this.db.kind === 'pg') await tx.query('SET LOCAL synchronous_commit = off');
          await p.apply(tx, events, '');
          if (!(await advanceCheckpoint(tx, p.name, position, to, events.length))) throw new CheckpointMovedError(p.name);
        });
        position = to;
        state.position = to;
        this.notify();
      },
    });
    this.subs.set(p.name, sub);
    sub.done.catch(async (err) => {
      if (this.stopped) return;
      this.logger.error({ err, projection: p.name }, 'projection stopped on an error; it restarts from its checkpoint');
      this.subs.delete(p.name);
      state.leader = false;
      const lock = this.locks.get(p.name);
      this.locks.delete(p.name);
      await lock?.release().catch(() => undefined);
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
    for (;;) {
      const local = wanted.every((n) => {
        const s = this.states.get(n);
        return s && s.leader && comparePositions(s.position, position) >= 0;
      });
      if (local) return true;
      const positions = await this.positions();
      if (wanted.every((n) => comparePositions(positions[n] ?? START, position) >= 0)) return true;
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
    for (const s of this.states.values()) s.leader = false;
  }
}
