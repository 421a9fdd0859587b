import { Injectable, Logger } from '@nestjs/common';
import { dueDelayDeadlines } from '@app/projections';
import { systemContext } from '../app/command-context';
import { Metrics } from '../infra/metrics';
import { DelaysService } from './delays.service';

/**
 * The delay feature's deadlines, fired by the service's deadline scheduler (DeadlinesService, every
 * DEADLINE_POLL_INTERVAL while RUN_BACKGROUND is on, and by POST /deadlines/run):
 *  - a delay card unanswered at its expiry (sent + DELAY_CARD_RESPONSE_WINDOW, default 48 h) is cancelled;
 *  - a delay report unreviewed at its review due time (filed + DELAY_REPORT_REVIEW_WINDOW, default 24 h) is
 *    flagged overdue (it stays in the review queue, marked).
 * Due items come from the `delays` read model; firing is exactly-once across instances because the deciders
 * ignore what is no longer due and appends use the stream's exact expected revision.
 */
@Injectable()
export class DelayDeadlines {
  private readonly logger = new Logger('delay-deadlines');
  private running: Promise<number> | null = null;

  constructor(
    private readonly delays: DelaysService,
    private readonly metrics: Metrics,
  ) {}

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
}
