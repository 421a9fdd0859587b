import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { dueDeadlines, type DueDelayDeadline } from '@app/projections';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { systemContext } from '../platform/commands/command-context';
import { Metrics } from '../platform/metrics/metrics';
import { FireDeadlineCommand } from '../disputes/commands/fire-deadline.handler';
import { ProjectionsService } from '../read-models/projections.service';
import { FireDelayDeadlineCommand } from '../delays/commands/fire-delay-deadline.handler';
import { DelayQueries } from '../delays/queries/delay-queries';
import { WeekSettlementDue, type DueWeekClose } from '../merchant-weeks/queries/week-settlement-due';
import { CloseMerchantWeekCommand } from '../merchant-weeks/commands/close-merchant-week.handler';
import { CorrectMerchantWeekCommand, type WeekCorrection } from '../merchant-weeks/commands/correct-merchant-week.handler';

/** Background ticks sweep the merchant-weeks at most this often (explicit runs always sweep). */
const WEEK_SWEEP_INTERVAL_MS = 30_000;

/** One kind of due item: how to list those due now, name one, fire one, and wait for the read model it comes from. */
interface DeadlineSource<D> {
  name: string;
  due(now: string): Promise<D[]>;
  key(d: D): string;
  kind(d: D): string;
  fire(d: D): Promise<boolean>;
  /** Waits until the read model listing the due items applied the events just recorded. */
  settle(): Promise<unknown>;
}

/**
 * The service's one deadline scheduler. Deadlines are derived from events and fired every
 * DEADLINE_POLL_INTERVAL (while RUN_BACKGROUND is on) and by POST /deadlines/run:
 *  - delay cards unanswered at their expiry are cancelled, delay reports unreviewed at their review due time
 *    flagged overdue (the `delays` read model) through FireDelayDeadlineCommand;
 *  - merchant-weeks whose close is due get their assessment through CloseMerchantWeekCommand (from read
 *    models caught up with the log: an assessment is final), and closed weeks still counting an order a
 *    standing judgement excuses their correction through CorrectMerchantWeekCommand (the safety net for a
 *    correction lost to a crash); one instance at a time, at most every 30 s on background ticks;
 *  - each case's pending deadlines fire (the `deadlines` read model) through FireDeadlineCommand.
 * Firing is exactly-once even with several instances: the deciders ignore what is no longer due, and appends
 * use the stream's exact expected revision, so a second instance firing the same deadline records nothing.
 */
@Injectable()
export class DeadlinesService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('deadlines');
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  private stopped = false;
  private readonly delayDeadlines: DeadlineSource<DueDelayDeadline>;
  private readonly disputeDeadlines: DeadlineSource<Awaited<ReturnType<typeof dueDeadlines>>[number]>;
  private readonly weekCloses: DeadlineSource<DueWeekClose>;
  private readonly weekCorrections: DeadlineSource<WeekCorrection>;
  /** When the last merchant-week sweep started. */
  private lastWeekSweep = 0;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly commands: CommandBus,
    private readonly projections: ProjectionsService,
    private readonly metrics: Metrics,
    private readonly delays: DelayQueries,
    private readonly weeks: WeekSettlementDue,
  ) {
    this.delayDeadlines = {
      name: 'delay',
      due: (now) => this.delays.dueDeadlines(now, 200),
      key: (d) => (d.kind === 'DELAY_CARD_EXPIRY' ? `card|${d.orderId}` : `report|${d.reportId}`),
      kind: (d) => d.kind,
      fire: (d) => this.commands.execute(new FireDelayDeadlineCommand(d, systemContext(`deadline:${d.kind}`))),
      settle: () => this.delays.waitForReadModel(),
    };
    this.disputeDeadlines = {
      name: 'dispute',
      due: (now) => dueDeadlines(this.projections.db, now, 200),
      key: (d) => `${d.disputeId}|${d.deadline}|${d.dueAt}`,
      kind: (d) => d.deadline,
      fire: (d) => this.commands.execute(new FireDeadlineCommand(d.disputeId, d.deadline, systemContext(`deadline:${d.deadline}`))),
      settle: () => this.projections.catchUp(),
    };
    this.weekCloses = {
      name: 'merchant-week close',
      due: (now) => this.weeks.closes(now),
      key: (w) => `${w.merchantId}|${w.week}`,
      kind: () => 'WEEK_CLOSE',
      fire: (w) => this.commands.execute(new CloseMerchantWeekCommand(w.merchantId, w.week, w.trigger, systemContext('deadline:WEEK_CLOSE'))),
      settle: () => this.projections.catchUp(),
    };
    this.weekCorrections = {
      name: 'merchant-week correction',
      due: () => this.weeks.corrections(),
      key: (c) => `${c.merchantId}|${c.week}|${c.orderId}`,
      kind: () => 'WEEK_CORRECTION',
      fire: (c) => this.commands.execute(new CorrectMerchantWeekCommand(c, systemContext('week-correction'))),
      settle: () => this.projections.catchUp(),
    };
  }

  onApplicationBootstrap(): void {
    if (!this.config.RUN_BACKGROUND) return;
    const tick = async () => {
      if (this.stopped) return;
      try {
        await this.runOnce(false);
      } catch (e) {
        this.logger.warn({ err: e }, 'deadline run failed; retrying on the next tick');
      } finally {
        if (!this.stopped) this.timer = setTimeout(tick, this.config.DEADLINE_POLL_INTERVAL.ms);
      }
    };
    this.timer = setTimeout(tick, this.config.DEADLINE_POLL_INTERVAL.ms);
  }

  /** Fires every deadline due now; returns how many recorded something. Concurrent callers share one run. */
  runOnce(force = true): Promise<number> {
    if (!this.running) {
      this.running = this.fireDue(force).finally(() => {
        this.running = null;
      });
    }
    return this.running;
  }

  private async fireDue(force: boolean): Promise<number> {
    const caughtUp = await this.projections.catchUp();
    await this.delays.waitForReadModel();
    let fired = await this.drain(this.delayDeadlines);
    // Only from read models that reached the head of the log: a week's assessment is final, so it must not be
    // taken from an order_shipping / judgements table still behind (the next run settles it).
    try {
      if (caughtUp) fired += await this.settleWeeks(force);
      else this.logger.warn('read models behind the log: week settlement waits for the next run');
    } catch (e) {
      this.logger.error({ err: e }, 'week settlement failed; retrying on the next run');
    }
    return fired + (await this.drain(this.disputeDeadlines));
  }

  /** Merchant-week closes, then corrections, holding the week-settlement lock. */
  private settleWeeks(force: boolean): Promise<number> {
    if (!force && Date.now() - this.lastWeekSweep < WEEK_SWEEP_INTERVAL_MS) return Promise.resolve(0);
    this.lastWeekSweep = Date.now();
    return this.weeks.exclusively(async () => (await this.drain(this.weekCloses)) + (await this.drain(this.weekCorrections)));
  }

  /** Fires what is due until nothing new is (a fired deadline may make another one due, e.g. a contest window already past). */
  private async drain<D>(source: DeadlineSource<D>): Promise<number> {
    let fired = 0;
    const seen = new Set<string>();
    for (;;) {
      const due = (await source.due(new Date().toISOString())).filter((d) => !seen.has(source.key(d)));
      if (due.length === 0) return fired;
      for (const d of due) {
        seen.add(source.key(d));
        try {
          if (await source.fire(d)) {
            fired++;
            this.metrics.deadlinesFired.inc({ deadline: source.kind(d) });
          }
        } catch (e) {
          this.logger.error({ err: e, deadline: d }, `${source.name} deadline could not be fired`);
        }
      }
      await source.settle();
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
  }
}
