import { Inject, Injectable } from '@nestjs/common';
import { latestClosableWeek, weekBounds, weekCloseDueAt, type CloseMerchantWeek } from '@app/domain';
import { openMerchantWeeksDue } from '@app/projections';
import { applySchema, type SqlDatabase } from '@app/event-store';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { SQL_DB } from '../../platform/persistence/tokens';
import type { WeekCorrection } from '../commands/correct-merchant-week.handler';

/** When week settlement first ran here: weeks whose close was due before that are backfills. */
export const WEEK_SETTLEMENT_DDL = `CREATE TABLE IF NOT EXISTS week_settlement_started (
  id integer PRIMARY KEY,
  started_at timestamptz NOT NULL
)`;

/** A merchant-week whose close is due (CloseMerchantWeekCommand). */
export interface DueWeekClose {
  merchantId: string;
  week: string;
  trigger: CloseMerchantWeek['trigger'];
}

/**
 * What week settlement has to do now, for the deadline scheduler, from read models caught up with the log:
 * the merchant-weeks whose close is due (WEEK_CLOSE_DELAY after their end in BUSINESS_TIMEZONE; trigger
 * BACKFILL for a close due before week settlement first ran here), and the closed weeks still counting an order
 * a standing judgement excuses (the safety net for a correction lost to a crash). One instance settles at a
 * time (`exclusively`, a database lock); the deciders and exact revisions keep each record exactly-once anyway.
 */
@Injectable()
export class WeekSettlementDue {
  private migrated: Promise<void> | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(SQL_DB) private readonly db: SqlDatabase,
  ) {}

  private migrate(): Promise<void> {
    this.migrated ??= applySchema(this.db, [WEEK_SETTLEMENT_DDL]).catch((e) => {
      this.migrated = null;
      throw e;
    });
    return this.migrated;
  }

  /** Runs `settle` holding the week-settlement lock; answers 0 without running it while another instance holds it. */
  async exclusively(settle: () => Promise<number>): Promise<number> {
    await this.migrate();
    const lock = await this.db.tryAcquireLock('week-settlement');
    if (!lock) return 0;
    try {
      return await settle();
    } finally {
      await lock.release();
    }
  }

  /** The open merchant-weeks whose close is due at `now`. */
  async closes(now: string): Promise<DueWeekClose[]> {
    await this.migrate();
    const tz = this.config.BUSINESS_TIMEZONE;
    const delay = this.config.WEEK_CLOSE_DELAY.ms;
    const started = Date.parse(await this.startedAt(now));
    const latest = latestClosableWeek(now, tz, delay);
    const due = await openMerchantWeeksDue(this.db, tz, weekBounds(latest, tz).end);
    return due.map(({ merchantId, week }) => ({ merchantId, week, trigger: Date.parse(weekCloseDueAt(week, tz, delay)) < started ? 'BACKFILL' : 'DEADLINE' }));
  }

  /** Closed weeks still counting an order that a standing judgement excuses (oldest decisions first, at most 200). */
  async corrections(): Promise<WeekCorrection[]> {
    const { rows } = await this.db.query<{ merchant_id: string; week: string; order_id: string; dispute_id: string; basis: string | null; decided_at: Date | string }>(
      `SELECT w.merchant_id, w.week, j.order_id, j.dispute_id, j.basis, j.decided_at
       FROM judgements j JOIN merchant_weeks w ON w.merchant_id = j.merchant_id AND w.counted_orders ? j.order_id
       WHERE j.late_excused ORDER BY j.decided_at LIMIT 200`,
    );
    return rows.map((r) => ({
      merchantId: r.merchant_id,
      week: r.week,
      orderId: r.order_id,
      disputeId: r.dispute_id,
      reason: r.basis === 'APPEAL_OVERTURNED' ? 'APPEAL_OVERTURNED' : 'LATE_SHIPMENT_EXCUSED',
      decidedAt: new Date(r.decided_at).toISOString(),
    }));
  }

  private async startedAt(now: string): Promise<string> {
    await this.db.query(`INSERT INTO week_settlement_started (id, started_at) VALUES (1, $1::timestamptz) ON CONFLICT (id) DO NOTHING`, [now]);
    const { rows } = await this.db.query<{ started_at: Date | string }>(`SELECT started_at FROM week_settlement_started WHERE id = 1`);
    return new Date(rows[0].started_at).toISOString();
  }
}
