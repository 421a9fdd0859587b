import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { dueDelayDeadlines } from '@app/projections';
import { systemContext } from '../app/command-context';
import { APP_CONFIG, type AppConfig } from '../config/config';
import { Metrics } from '../infra/metrics';
import { DelaysService } from './delays.service';

/**
 * The delay feature's deadlines, fired on their own every DEADLINE_POLL_INTERVAL while RUN_BACKGROUND is on:
 *  - a delay card unanswered at its expiry (sent + DELAY_CARD_RESPONSE_WINDOW, default 48 h) is cancelled;
 *  - a delay report unreviewed at its review due time (filed + DELAY_REPORT_REVIEW_WINDOW, default 24 h) is
 *    flagged overdue (it stays in the review queue, marked).
 * Due items come from the `delays` read model; firing is exactly-once across instances because the deciders
 * ignore what is no longer due and appends use the stream's exact expected revision.
 *
 * `DelayDeadlines.runOnce()` (static) fires them from elsewhere (POST /deadlines/run); it answers 0 until
 * the module has started.
 */
@Injectable()
export class DelayDeadlines implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private static current: DelayDeadlines | null = null;

  /** Fires every delay deadline due now in the running service; returns how many recorded something. */
  static runOnce(): Promise<number> {
    return DelayDeadlines.current ? DelayDeadlines.current.runOnce() : Promise.resolve(0);
  }

  private readonly logger = new Logger('delay-deadlines');
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  private stopped = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly delays: DelaysService,
    private readonly metrics: Metrics,
  ) {}

  onApplicationBootstrap(): void {
    DelayDeadlines.current = this;
    if (!this.config.RUN_BACKGROUND) return;
    const tick = async () => {
      if (this.stopped) return;
      try {
        await this.runOnce();
      } catch (e) {
        this.logger.warn({ err: e }, 'delay deadline run failed; retrying on the next tick');
      } finally {
        if (!this.stopped) this.timer = setTimeout(tick, this.config.DEADLINE_POLL_INTERVAL.ms);
      }
    };
    this.timer = setTimeout(tick, this.config.DEADLINE_POLL_INTERVAL.ms);
  }

  /** Fires every delay deadline due now; concurrent callers share one run. */
  runOnce(): Promise<number> {
    if (!this.running) {
      this.running = this.fireDue().finally(() => {
        this.running = null;
      });
    }
    return this.running;
  }

  private async fireDue(): Promise<number> {
    await this.delays.waitForReadModel();
    let fired = 0;
    const seen = new Set<string>();
    for (;;) {
      const due = (await dueDelayDeadlines(this.delays.db, new Date().toISOString(), 200)).filter((d) => {
        const key = d.kind === 'DELAY_CARD_EXPIRY' ? `card|${d.orderId}` : `report|${d.reportId}`;
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      });
      if (due.length === 0) return fired;
      for (const d of due) {
        try {
          const done =
            d.kind === 'DELAY_CARD_EXPIRY'
              ? await this.delays.expireCard(d.orderId, systemContext('deadline:DELAY_CARD_EXPIRY'))
              : await this.delays.flagOverdue(d.reportId, systemContext('deadline:DELAY_REPORT_OVERDUE'));
          if (done) {
            fired++;
            this.metrics.deadlinesFired.inc({ deadline: d.kind });
          }
        } catch (e) {
          this.logger.error({ err: e, deadline: d }, 'delay deadline could not be fired');
        }
      }
      await this.delays.waitForReadModel();
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (DelayDeadlines.current === this) DelayDeadlines.current = null;
    await this.running?.catch(() => undefined);
  }
}
