import { randomUUID } from 'node:crypto';
import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import {
  periodWeeks,
  PUBLISHED_RULES,
  simulationTotals,
  weekFigures,
  type PeriodWeek,
  type RulesRegistry,
  type WeekStats,
} from '@app/domain';
import { EVENT_STORE, START, type EventStore, type SqlDatabase } from '@app/event-store';
import { periodWeekStats, settledWeeksIn } from '@app/projections';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { SQL_DB } from '../platform/persistence/tokens';
import { ProblemException } from '../platform/http/problem';
import type { Actor } from '../platform/auth/auth';
import { ProjectionsService } from '../read-models/projections.service';
import { judgementPage, snapshotJudgements, type JudgementQuery } from './judgement-source';
import { createRejudger } from './rejudge-worker';
import { SimulationStore, type SimulationRun, type SimWeekRow } from './simulation-store';
import type { StartSimulationDto } from './simulations.dto';

/**
 * How often a process running the background (the worker, or the API on the embedded store) looks for RUNNING
 * simulations nobody runs: those requested on an API with the background off, and those of a dead process.
 */
const SWEEP_MS = 2_000;

/**
 * What-if simulations: a period re-judged under another rules version, read-only. A run has two phases, each
 * committed as it goes so that a restart resumes it (any instance; one at a time per simulation, by a lock):
 *  1. WEEKS: every merchant-week of the period, its statistics at the week's close (or at the time of asking,
 *     fixed at the start, for an open week) aggregated in SQL, and its points under the version in force and
 *     under the candidate;
 *  2. CASES: every standing judgement of the period read from the recorded events in batches, re-judged on a
 *     worker thread, changed cases written with the cursor after the batch.
 * Only then is it DONE, with totals computed from what was written. An error marks it FAILED.
 */
@Injectable()
export class SimulationsService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('simulations');
  readonly store: SimulationStore;
  /** The rules versions a simulation may name (tests may give a registry with a candidate). */
  registry: RulesRegistry = PUBLISHED_RULES;
  private readonly active = new Map<string, Promise<void>>();
  private stopping = false;
  private sweepTimer: NodeJS.Timeout | null = null;

  constructor(
    @Inject(SQL_DB) private readonly db: SqlDatabase,
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly moduleRef: ModuleRef,
  ) {
    this.store = new SimulationStore(db);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.store.migrate();
    // With the background on, runs left RUNNING by a stopped or crashed process resume here (or in the sweep, if
    // another instance holds them); an API with the background off leaves them to the worker.
    if (this.config.RUN_BACKGROUND) {
      void this.resumeAll();
      this.sweepTimer = setInterval(() => void this.resumeAll(), SWEEP_MS);
      this.sweepTimer.unref();
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    await Promise.allSettled([...this.active.values()]);
  }

  private projections(): ProjectionsService | null {
    try {
      return this.moduleRef.get(ProjectionsService, { strict: false });
    } catch {
      return null;
    }
  }

  /**
   * Records a RUNNING simulation and, with `runHere` (the default: tools and tests that call the service in
   * process), runs it in this process. POST /simulations passes RUN_BACKGROUND: an API with the background off
   * only records it, and the worker's sweep picks it up within SWEEP_MS, off the API's event loop and pool.
   */
  async start(dto: StartSimulationDto, actor: Actor, opts: { runHere?: boolean } = {}): Promise<{ simulationId: string; status: 'RUNNING' }> {
    if (this.events.kind === 'esdb') {
      throw new ProblemException(422, 'SIMULATION_UNSUPPORTED_STORE', 'Simulations read the recorded events with SQL; they need the embedded or PostgreSQL event store.');
    }
    const rules = this.registry.get(dto.rulesVersion);
    const now = new Date().toISOString();
    const from = new Date(dto.from).toISOString();
    const to = new Date(dto.to).toISOString();
    if (Date.parse(from) >= Date.parse(to)) throw fieldProblem('from', 'from must be before to');
    try {
      periodWeeks(from, to, this.config.BUSINESS_TIMEZONE, this.config.WEEK_CLOSE_DELAY.ms, now);
    } catch (e) {
      throw fieldProblem('to', e instanceof Error ? e.message : String(e));
    }
    // The read models the week statistics come from must include everything recorded before the start.
    const head = await this.events.headPosition();
    const projections = this.projections();
    if (projections && !(await projections.waitFor(head))) {
      throw new ProblemException(503, 'READ_MODELS_BEHIND', 'The read models are catching up with the recorded events; try again shortly.').withHeaders({ 'retry-after': '1' });
    }
    const simulationId = `sim-${randomUUID()}`;
    await this.store.create({
      simulationId,
      rulesVersion: rules.version,
      recordedRulesVersion: this.config.RULES_VERSION,
      from,
      to,
      merchantId: dto.merchantId ?? null,
      asOf: now,
      headPosition: head,
      cursorPosition: '0',
      requestedBy: { sub: actor.sub, role: actor.role },
      createdAt: now,
    });
    if (opts.runHere ?? true) this.launch(simulationId);
    return { simulationId, status: 'RUNNING' };
  }

  async view(id: string) {
    const run = await this.store.get(id);
    if (!run) throw new ProblemException(404, 'SIMULATION_NOT_FOUND', `Simulation ${id} was not found.`);
    const base: Record<string, unknown> = {
      simulationId: run.simulationId,
      status: run.status,
      progress: progressOf(run),
      rulesVersion: run.rulesVersion,
      recordedRulesVersion: run.recordedRulesVersion,
      from: run.from,
      to: run.to,
      ...(run.merchantId ? { merchantId: run.merchantId } : {}),
      asOf: run.asOf,
      requestedBy: run.requestedBy,
      createdAt: run.createdAt,
      ...(run.finishedAt ? { finishedAt: run.finishedAt } : {}),
      ...(run.error ? { error: run.error } : {}),
    };
    if (run.status !== 'DONE') return base;
    const weeks = await this.store.weeks(id);
    return {
      ...base,
      totals: run.totals,
      weeks: weeks.map((w) => ({
        merchantId: w.merchantId,
        week: w.week,
        pointsRecorded: w.pointsRecorded,
        pointsSimulated: w.pointsSimulated,
        final: w.closed,
        asOf: w.asOf,
        lateOrders: w.stats.lateOrders,
        ordersDue48h: w.stats.ordersDue48h,
        pickedUpWithin48h: w.stats.pickedUpWithin48h,
        pickupRate48h: w.stats.pickupRate48h ?? null,
      })),
    };
  }

  async changes(id: string, cursor: string | undefined, limit: number) {
    const run = await this.store.get(id);
    if (!run) throw new ProblemException(404, 'SIMULATION_NOT_FOUND', `Simulation ${id} was not found.`);
    if (run.status !== 'DONE') {
      throw new ProblemException(409, 'SIMULATION_NOT_DONE', `Simulation ${id} is ${run.status}: its changed cases are listed once it is DONE.`, { simulationStatus: run.status });
    }
    const after = cursor ? decodeChangesCursor(cursor, id) : null;
    const rows = await this.store.changes(id, after, limit + 1);
    const page = rows.slice(0, limit);
    const items = page.map((r) => ({ disputeId: r.item.disputeId, merchantId: r.item.merchantId, week: r.item.week, recorded: r.item.recorded, simulated: r.item.simulated, reasons: r.item.reasons }));
    return rows.length > limit ? { items, nextCursor: encodeChangesCursor(id, page[page.length - 1].key) } : { items };
  }

  /** Resolves when the run (in this process) has finished or stopped; for tests and the benchmark. */
  async settled(id: string): Promise<void> {
    await this.active.get(id);
  }

  private async resumeAll(): Promise<void> {
    if (this.stopping) return;
    try {
      for (const id of await this.store.running()) if (!this.active.has(id)) this.launch(id);
    } catch (e) {
      this.logger.warn({ err: e }, 'could not list running simulations');
    }
  }

  private launch(id: string): void {
    if (this.active.has(id)) return;
    const p = this.run(id)
      .catch((e) => this.logger.error({ err: e, simulationId: id }, 'simulation bookkeeping failed'))
      .finally(() => this.active.delete(id));
    this.active.set(id, p);
  }

  private async run(id: string): Promise<void> {
    const lock = await this.db.tryAcquireLock(`simulation:${id}`);
    if (!lock) return; // another instance runs it
    try {
      const run = await this.store.get(id);
      if (!run || run.status !== 'RUNNING') return;
      this.logger.log({ simulationId: id, phase: run.phase, done: run.judgementsDone }, run.judgementsDone > 0 || run.phase !== 'WEEKS' ? 'resuming simulation' : 'simulation started');
      try {
        await this.execute(run);
      } catch (e) {
        const msg = e instanceof Error ? e.message : String(e);
        if (this.stopping) {
          this.logger.warn({ simulationId: id, err: e }, 'simulation interrupted by shutdown; it resumes on the next start');
          return;
        }
        this.logger.error({ simulationId: id, err: e }, 'simulation failed');
        await this.store.fail(id, msg, new Date().toISOString());
      }
    } finally {
      await lock.release();
    }
  }

  private async execute(run: SimulationRun): Promise<void> {
    const id = run.simulationId;
    const candidate = this.registry.get(run.rulesVersion);
    const inForce = this.registry.get(run.recordedRulesVersion);
    const tz = this.config.BUSINESS_TIMEZONE;
    const weeks: PeriodWeek[] = periodWeeks(run.from, run.to, tz, this.config.WEEK_CLOSE_DELAY.ms, run.asOf);
    const query: JudgementQuery = { head: run.headPosition, decidedFrom: weeks[0]?.start ?? run.from, merchantId: run.merchantId };

    if (run.phase === 'WEEKS') {
      const byWeek = new Map(weeks.map((w) => [w.week, w]));
      const [stats, settled] = await Promise.all([
        periodWeekStats(this.db, weeks, run.merchantId ?? undefined),
        settledWeeksIn(this.db, weeks.map((w) => w.week), run.merchantId ?? undefined),
      ]);
      const settledBy = new Map(settled.map((x) => [`${x.merchantId}|${x.week}`, x]));
      const rows: SimWeekRow[] = stats.map((live) => {
        // A settled week: its assessment's statistics and recorded points (what the scorecard and compare show).
        const st = settledBy.get(`${live.merchantId}|${live.week}`);
        settledBy.delete(`${live.merchantId}|${live.week}`);
        const s = st ? { ...live, ...st.stats, pendingOrders: 0 } : live;
        const w = byWeek.get(s.week)!;
        const f = weekFigures(inForce, candidate, s);
        return {
          merchantId: s.merchantId,
          week: s.week,
          closed: w.closed,
          asOf: w.asOf,
          stats: {
            lateOrders: s.lateOrders,
            ordersDue48h: s.ordersDue48h,
            pickedUpWithin48h: s.pickedUpWithin48h,
            pendingOrders: s.pendingOrders,
            refundedBeforeDue: s.refundedBeforeDue,
            pickupRate48h: f.pickupRate48h,
            basisRecorded: f.basisRecorded,
            basisSimulated: f.basisSimulated,
          },
          pointsRecorded: st ? st.points : f.pointsRecorded,
          pointsSimulated: f.pointsSimulated,
          ...(st ? { asOf: st.closeDueAt, closed: true } : {}),
        };
      });
      for (const st of settledBy.values()) {
        // settled, but no order of it is on record as due any more (e.g. excluded since): the assessment stands
        const f = weekFigures(inForce, candidate, st.stats);
        rows.push({
          merchantId: st.merchantId,
          week: st.week,
          closed: true,
          asOf: st.closeDueAt,
          stats: { ...st.stats, pendingOrders: 0, refundedBeforeDue: 0, pickupRate48h: f.pickupRate48h, basisRecorded: `settled under ${st.rulesVersion}`, basisSimulated: f.basisSimulated },
          pointsRecorded: st.points,
          pointsSimulated: f.pointsSimulated,
        });
      }
      if (this.stopping) throw new Error('stopping');
      await this.store.saveWeeks(id, weeks.length, rows, (tx) => (weeks.length && run.headPosition !== START ? snapshotJudgements(tx, id, query) : Promise.resolve(0)), new Date().toISOString());
      run = (await this.store.get(id))!;
    }

    if (run.phase === 'CASES' && weeks.length > 0) {
      const statsRows = await this.store.weeks(id);
      const stats: [string, WeekStats][] = statsRows.map((w) => [`${w.merchantId}|${w.week}`, { lateOrders: w.stats.lateOrders, ordersDue48h: w.stats.ordersDue48h, pickedUpWithin48h: w.stats.pickedUpWithin48h }]);
      const rejudger = createRejudger(candidate, { timezone: tz, weeks: weeks.map((w) => w.week), stats });
      this.logger.log({ simulationId: id, rejudging: rejudger.mode, from: run.judgementsDone, of: run.judgementsTotal }, 're-judging the standing judgements');
      const batch = this.config.SIMULATION_BATCH_SIZE;
      const pauseMs = this.config.SIMULATION_BATCH_PAUSE?.ms ?? 0;
      try {
        const cursor = Number(run.cursorPosition);
        let next = judgementPage(this.db, id, Number.isSafeInteger(cursor) ? cursor : 0, batch);
        for (;;) {
          const rows = await next;
          if (rows.length === 0) break;
          const after = rows[rows.length - 1].seq;
          // read the next batch while the worker re-judges this one
          next = rows.length < batch ? Promise.resolve([]) : judgementPage(this.db, id, after, batch);
          const result = await rejudger.run(rows);
          await this.store.saveBatch(id, result.changed, String(after), rows.length, new Date().toISOString());
          if (this.stopping) {
            await next.catch(() => undefined);
            throw new Error('stopping');
          }
          if (pauseMs > 0) await new Promise((r) => setTimeout(r, pauseMs));
        }
      } finally {
        await rejudger.close();
      }
    }
    await this.store.finish(id, simulationTotals, new Date().toISOString());
    this.logger.log({ simulationId: id }, 'simulation done');
  }
}

function progressOf(run: SimulationRun) {
  const casesPart = run.judgementsTotal > 0 ? Math.min(1, run.judgementsDone / run.judgementsTotal) : run.phase === 'WEEKS' ? 0 : 1;
  const fraction = run.status === 'DONE' ? 1 : run.phase === 'WEEKS' ? 0 : 0.1 + 0.9 * casesPart;
  return {
    phase: run.phase,
    percent: Math.floor(fraction * 1000) / 10,
    weeks: run.weeksTotal,
    merchantWeeks: run.merchantWeeks,
    judgementsTotal: run.judgementsTotal,
    judgementsDone: run.judgementsDone,
  };
}

function fieldProblem(field: string, message: string): ProblemException {
  return new ProblemException(400, 'VALIDATION_FAILED', `The request is invalid: ${field}: ${message}`, { errors: [{ field, messages: [message] }] });
}

function encodeChangesCursor(id: string, key: [string, string, string]): string {
  return Buffer.from(JSON.stringify({ s: id, k: key })).toString('base64url');
}

function decodeChangesCursor(cursor: string, id: string): [string, string, string] {
  try {
    const c = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { s?: unknown; k?: unknown };
    if (c.s === id && Array.isArray(c.k) && c.k.length === 3 && c.k.every((x) => typeof x === 'string')) return c.k as [string, string, string];
  } catch {
    // fall through
  }
  throw new ProblemException(400, 'INVALID_CURSOR', 'cursor is not a cursor of this simulation’s changes', { errors: [{ field: 'cursor', messages: ['invalid cursor'] }] });
}
