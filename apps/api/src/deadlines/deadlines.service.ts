import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { dueDeadlines } from '@app/projections';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { systemContext } from '../app/command-context';
import { DisputesService } from '../disputes/disputes.service';
import { ProjectionsService } from '../read-models/projections.service';
import { Metrics } from '../infra/metrics';
import { DelayDeadlines } from '../delays/delay-deadlines';
import { WeekSettlementService } from '../merchant-weeks/week-settlement.service';

/**
 * Deadlines are derived from events (the `deadlines` read model holds each case's pending deadlines; the
 * `delays` read model holds delay-card expiries and delay-report review due times; merchant-week closes
 * follow from the calendar and the `order_shipping` / `merchant_weeks` read models) and
 * fired by a scheduler inside the service every DEADLINE_POLL_INTERVAL. Firing is exactly-once even with
 * several instances: the dispute decider ignores a deadline that is no longer pending, and the append uses
 * the stream's exact expected revision, so a second instance firing the same deadline records nothing.
 */
@Injectable()
export class DeadlinesService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('deadlines');
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  private stopped = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly disputes: DisputesService,
    private readonly projections: ProjectionsService,
    private readonly metrics: Metrics,
    private readonly delayDeadlines: DelayDeadlines,
    private readonly weekSettlement: WeekSettlementService,
  ) {}

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
    // Delay cards expiring and delay reports overdue for review (their own read model and streams).
    let fired = await this.delayDeadlines.runOnce();
    // Merchant-weeks whose close (WEEK_CLOSE_DELAY after the week's end) is due: the week's assessment.
    // Only from read models that reached the head of the log: a week's assessment is final, so it must not be
    // taken from an order_shipping / judgements table still behind (the next run settles it).
    try {
      if (caughtUp) fired += await this.weekSettlement.runOnce(force);
      else this.logger.warn('read models behind the log: week settlement waits for the next run');
    } catch (e) {
      this.logger.error({ err: e }, 'week settlement failed; retrying on the next run');
    }
    const seen = new Set<string>();
    for (;;) {
      const now = new Date().toISOString();
      const due = (await dueDeadlines(this.projections.db, now, 200)).filter((d) => !seen.has(`${d.disputeId}|${d.deadline}|${d.dueAt}`));
      if (due.length === 0) return fired;
      for (const d of due) {
        seen.add(`${d.disputeId}|${d.deadline}|${d.dueAt}`);
        const ctx = systemContext(`deadline:${d.deadline}`);
        try {
          if (await this.disputes.fireDeadline(d.disputeId, d.deadline, ctx)) {
            fired++;
            this.metrics.deadlinesFired.inc({ deadline: d.deadline });
          }
        } catch (e) {
          this.logger.error({ err: e, disputeId: d.disputeId, deadline: d.deadline }, 'deadline could not be fired');
        }
      }
      // Newly recorded events may have produced new due deadlines (e.g. a contest window already past).
      await this.projections.catchUp();
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
  }
}
