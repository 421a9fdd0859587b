import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  casePenalty,
  isoWeekOf,
  latestClosableWeek,
  merchantWeekDecider,
  merchantWeekStream,
  settledMerchantWeek,
  toMerchantWeekView,
  weekBounds,
  weekCloseDueAt,
  type CorrectionReason,
  type MerchantWeekState,
  type MerchantWeekView,
  type Penalty,
} from '@app/domain';
import {
  lateShipmentJudgements,
  openMerchantWeeksDue,
  merchantWeekStats,
  weekLateOrders,
  weekShippingStats,
} from '@app/projections';
import { applySchema, type RecordedEvent, type SqlDatabase } from '@app/event-store';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { SQL_DB } from '../platform/persistence/tokens';
import { AggregateRepository, toDomainEvent } from '../platform/commands/aggregate-repository';
import { systemContext } from '../platform/commands/command-context';
import { Metrics } from '../platform/metrics/metrics';
import type { MerchantWeeks, WeekContext } from '../disputes/ports';

/** When week settlement first ran here: weeks whose close was due before that are backfills. */
export const WEEK_SETTLEMENT_DDL = `CREATE TABLE IF NOT EXISTS week_settlement_started (
  id integer PRIMARY KEY,
  started_at timestamptz NOT NULL
)`;

/** Background sweeps for merchant-weeks due to close run at most this often (explicit runs always sweep). */
const SWEEP_INTERVAL_MS = 30_000;

/** How a late-shipment judgement's points were settled by its week (for the dispute views). */
export interface PenaltySettlement extends Penalty {
  week: string;
  stream: string;
  closedAt: string;
  /** Whether the week's assessment counts this order (false: excused, or corrected away after an appeal). */
  counted: boolean;
  rulesVersion: string;
}

/**
 * Week settlement of penalty points. Each merchant-week closes WEEK_CLOSE_DELAY after its end in
 * BUSINESS_TIMEZONE: the deadline scheduler (DeadlinesService, every DEADLINE_POLL_INTERVAL and on
 * POST /deadlines/run) calls {@link runOnce}, which records the week's assessment in the week's own stream
 * under the rules version in force. Exactly once across instances and restarts: the decider records nothing
 * for a closed week and the append uses the stream's exact revision (a database lock also keeps two instances
 * from doing the same work at once). On its first run every week already past its close is assessed
 * (trigger BACKFILL). Later, a counted order that a standing judgement excuses (an appeal overturned) gets
 * a correction event on the week's stream.
 */
@Injectable()
export class WeekSettlementService implements MerchantWeeks {
  private readonly logger = new Logger('week-settlement');
  private running: Promise<number> | null = null;
  private migrated: Promise<void> | null = null;
  readonly timezone: string;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(SQL_DB) private readonly db: SqlDatabase,
    private readonly repo: AggregateRepository,
    private readonly metrics: Metrics,
  ) {
    this.timezone = config.BUSINESS_TIMEZONE;
  }

  private migrate(): Promise<void> {
    this.migrated ??= applySchema(this.db, [WEEK_SETTLEMENT_DDL]).catch((e) => {
      this.migrated = null;
      throw e;
    });
    return this.migrated;
  }

  /** The merchant-week's stream, folded (consistent: read from the event store, not the read model). */
  async load(merchantId: string, week: string): Promise<{ state: MerchantWeekState; events: RecordedEvent[]; stream: string }> {
    const stream = merchantWeekStream(merchantId, week);
    const { state, events } = await this.repo.load(stream, merchantWeekDecider);
    return { state, events, stream };
  }

  async view(merchantId: string, week: string): Promise<MerchantWeekView> {
    weekBounds(week, this.timezone); // INVALID_WEEK
    const { state, stream } = await this.load(merchantId, week);
    return toMerchantWeekView(state, { merchantId, week, stream });
  }

  /** JudgeContext week statistics: settled for a closed week, as of `now` for an open one. */
  async weekContext(merchantId: string, weekInstant: string, now: string): Promise<WeekContext> {
    const week = isoWeekOf(weekInstant, this.timezone);
    const { state } = await this.load(merchantId, week);
    if (state.status === 'CLOSED') return { merchantWeek: settledMerchantWeek(state), weekFinal: true };
    return { merchantWeek: await merchantWeekStats(this.db, merchantId, weekInstant, this.timezone, now), weekFinal: false };
  }

  /**
   * How the points of a late-shipment liability of `orderId` stood settled as of `asOf` (null while its week
   * was open then): the week's assessment and the corrections recorded by then.
   */
  async settlementOf(merchantId: string, orderId: string, week: string, asOf?: string): Promise<PenaltySettlement | null> {
    const { events, stream } = await this.load(merchantId, week);
    const t = asOf === undefined ? Infinity : Date.parse(asOf);
    let state = merchantWeekDecider.initialState();
    for (const e of events) {
      if (Date.parse(e.recordedAt) > t) break;
      state = merchantWeekDecider.evolve(state, toDomainEvent(e));
    }
    if (state.status !== 'CLOSED') return null;
    const counted = state.lateOrders.find((o) => o.orderId === orderId);
    const penalty = counted
      ? casePenalty(state.rulesVersion!, 'MERCHANT_LIABLE', 'LATE_SHIPMENT', settledMerchantWeek(state))
      : { points: 0, basis: `${week} settled: the order is not counted (${state.excusedOrders.find((x) => x.orderId === orderId)?.basis ?? 'not late by the facts at the close'})` };
    return { ...penalty, provisional: false, week, stream, closedAt: state.closedAt, counted: counted !== undefined, rulesVersion: state.rulesVersion! };
  }

  /**
   * Settles every merchant-week whose close is due; concurrent callers share one run. Returns how many were
   * recorded. `force` (POST /deadlines/run) sweeps now; background ticks sweep at most every 30 s.
   */
  runOnce(force = true): Promise<number> {
    if (!force && Date.now() - this.lastSweep < SWEEP_INTERVAL_MS) return Promise.resolve(0);
    if (!this.running) {
      this.running = this.settleDue().finally(() => {
        this.running = null;
      });
    }
    return this.running;
  }

  private lastSweep = 0;

  private async startedAt(now: string): Promise<string> {
    await this.db.query(`INSERT INTO week_settlement_started (id, started_at) VALUES (1, $1::timestamptz) ON CONFLICT (id) DO NOTHING`, [now]);
    const { rows } = await this.db.query<{ started_at: Date | string }>(`SELECT started_at FROM week_settlement_started WHERE id = 1`);
    return new Date(rows[0].started_at).toISOString();
  }

  private async settleDue(): Promise<number> {
    this.lastSweep = Date.now();
    await this.migrate();
    const lock = await this.db.tryAcquireLock('week-settlement');
    if (!lock) return 0; // another instance is settling right now
    try {
      const now = new Date().toISOString();
      const tz = this.timezone;
      const started = await this.startedAt(now);
      const latest = latestClosableWeek(now, tz, this.config.WEEK_CLOSE_DELAY.ms);
      let fired = 0;
      for (const { merchantId, week } of await openMerchantWeeksDue(this.db, tz, weekBounds(latest, tz).end)) {
        const trigger = Date.parse(weekCloseDueAt(week, tz, this.config.WEEK_CLOSE_DELAY.ms)) < Date.parse(started) ? 'BACKFILL' : 'DEADLINE';
        try {
          if (await this.closeWeek(merchantId, week, trigger, now)) {
            fired++;
            this.metrics.deadlinesFired.inc({ deadline: 'WEEK_CLOSE' });
          }
        } catch (e) {
          this.logger.error({ err: e, merchantId, week }, 'merchant-week could not be closed; retrying on the next run');
        }
      }
      return fired + (await this.reconcile());
    } finally {
      await lock.release();
    }
  }

  /** Closes one merchant-week with its statistics as of the close instant; false when it was already closed. */
  async closeWeek(merchantId: string, week: string, trigger: 'DEADLINE' | 'BACKFILL', now: string): Promise<boolean> {
    const tz = this.timezone;
    const delay = this.config.WEEK_CLOSE_DELAY.ms;
    const closeDueAt = weekCloseDueAt(week, tz, delay);
    const bounds = weekBounds(week, tz);
    const r = await this.repo.handle(
      merchantWeekStream(merchantId, week),
      merchantWeekDecider,
      async ({ state }) => {
        if (state.status === 'CLOSED') return { type: 'CloseMerchantWeek' as const, merchantId, week, timezone: tz, closeDelayMs: delay, rulesVersion: this.config.RULES_VERSION, trigger, ordersDue48h: 0, pickedUpWithin48h: 0, lateOrders: [], excuses: [], now };
        const stats = await weekShippingStats(this.db, merchantId, bounds, closeDueAt);
        const late = await weekLateOrders(this.db, merchantId, bounds, closeDueAt);
        const { excuses, liabilities } = await lateShipmentJudgements(this.db, late.map((o) => o.orderId));
        return {
          type: 'CloseMerchantWeek' as const,
          merchantId,
          week,
          timezone: tz,
          closeDelayMs: delay,
          rulesVersion: this.config.RULES_VERSION,
          trigger,
          ordersDue48h: stats.ordersDue48h,
          pickedUpWithin48h: stats.pickedUpWithin48h,
          lateOrders: late,
          excuses,
          liabilities,
          now,
        };
      },
      systemContext('deadline:WEEK_CLOSE'),
      'CloseMerchantWeek',
    );
    return r.appended.length > 0;
  }

  /** Records a correction on a closed week whose counted order a standing judgement now excuses. */
  async correct(merchantId: string, week: string, orderId: string, disputeId: string, reason: CorrectionReason, decidedAt: string, causationId?: string): Promise<boolean> {
    const r = await this.repo.handle(
      merchantWeekStream(merchantId, week),
      merchantWeekDecider,
      () => ({ type: 'CorrectMerchantWeekAssessment' as const, orderId, disputeId, reason, decidedAt, now: new Date().toISOString() }),
      systemContext('week-correction', causationId),
      'CorrectMerchantWeekAssessment',
    );
    return r.appended.length > 0;
  }

  /** Safety net for a correction lost to a crash: closed weeks still counting an order a standing judgement excuses. */
  private async reconcile(): Promise<number> {
    const { rows } = await this.db.query<{ merchant_id: string; week: string; order_id: string; dispute_id: string; basis: string | null; decided_at: Date | string }>(
      `SELECT w.merchant_id, w.week, j.order_id, j.dispute_id, j.basis, j.decided_at
       FROM judgements j JOIN merchant_weeks w ON w.merchant_id = j.merchant_id AND w.counted_orders ? j.order_id
       WHERE j.late_excused ORDER BY j.decided_at LIMIT 200`,
    );
    let n = 0;
    for (const r of rows) {
      try {
        const reason: CorrectionReason = r.basis === 'APPEAL_OVERTURNED' ? 'APPEAL_OVERTURNED' : 'LATE_SHIPMENT_EXCUSED';
        if (await this.correct(r.merchant_id, r.week, r.order_id, r.dispute_id, reason, new Date(r.decided_at).toISOString())) n++;
      } catch (e) {
        this.logger.warn({ err: e, week: r.week, orderId: r.order_id }, 'week correction failed; retrying on the next run');
      }
    }
    return n;
  }
}
