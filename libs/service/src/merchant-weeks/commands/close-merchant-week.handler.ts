import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { merchantWeekDecider, merchantWeekStream, weekBounds, weekCloseDueAt, type CloseMerchantWeek } from '@app/domain';
import { lateShipmentJudgements, weekLateOrders, weekShippingStats } from '@app/projections';
import type { SqlDatabase } from '@app/event-store';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { SQL_DB } from '../../platform/persistence/tokens';
import { AggregateRepository } from '../../platform/commands/aggregate-repository';
import type { CommandContext } from '../../platform/commands/command-context';

/**
 * A merchant-week's close is due (WEEK_CLOSE_DELAY after its end in BUSINESS_TIMEZONE): record its assessment
 * under the rules version in force. `trigger` BACKFILL: the close was due before week settlement first ran.
 */
export class CloseMerchantWeekCommand extends Command<boolean> {
  constructor(
    readonly merchantId: string,
    readonly week: string,
    readonly trigger: CloseMerchantWeek['trigger'],
    readonly ctx: CommandContext,
  ) {
    super();
  }
}

/** What an assessment is made of: the week's statistics and late orders as of its close, and the standing judgements on those orders. */
type WeekFacts = Pick<CloseMerchantWeek, 'ordersDue48h' | 'pickedUpWithin48h' | 'lateOrders' | 'excuses' | 'liabilities'>;

/** A closed week decides nothing, whatever it is given: nothing to gather for it. */
const NOTHING_TO_ASSESS: WeekFacts = { ordersDue48h: 0, pickedUpWithin48h: 0, lateOrders: [], excuses: [] };

/**
 * Gets the week's stream (cached when this process has it) and, while it is open, gathers its facts once
 * from the read models (the scheduler dispatches this only when they reached the head of the log: an
 * assessment is final), then decide → append. The decider records nothing for a closed week and the append uses the stream's
 * exact revision, so a close is recorded once across instances and restarts. Answers whether it was recorded.
 */
@CommandHandler(CloseMerchantWeekCommand)
export class CloseMerchantWeekHandler implements ICommandHandler<CloseMerchantWeekCommand> {
  constructor(
    private readonly repo: AggregateRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(SQL_DB) private readonly db: SqlDatabase,
  ) {}

  async execute({ merchantId, week, trigger, ctx }: CloseMerchantWeekCommand): Promise<boolean> {
    const timezone = this.config.BUSINESS_TIMEZONE;
    const closeDelayMs = this.config.WEEK_CLOSE_DELAY.ms;
    const stream = merchantWeekStream(merchantId, week);
    const loaded = await this.repo.current(stream, merchantWeekDecider);
    const facts = loaded.state.status === 'CLOSED' ? NOTHING_TO_ASSESS : await this.facts(merchantId, week, timezone, closeDelayMs);
    const r = await this.repo.handle(
      stream,
      merchantWeekDecider,
      () => ({ type: 'CloseMerchantWeek' as const, merchantId, week, timezone, closeDelayMs, rulesVersion: this.config.RULES_VERSION, trigger, ...facts, now: new Date().toISOString() }),
      ctx,
      'CloseMerchantWeek',
      { loaded },
    );
    return r.appended.length > 0;
  }

  /** The week's statistics and late orders as of its close instant, with the standing judgements on those orders. */
  private async facts(merchantId: string, week: string, timezone: string, closeDelayMs: number): Promise<WeekFacts> {
    const closeDueAt = weekCloseDueAt(week, timezone, closeDelayMs);
    const bounds = weekBounds(week, timezone);
    const stats = await weekShippingStats(this.db, merchantId, bounds, closeDueAt);
    const lateOrders = await weekLateOrders(this.db, merchantId, bounds, closeDueAt);
    const { excuses, liabilities } = await lateShipmentJudgements(this.db, lateOrders.map((o) => o.orderId));
    return { ordersDue48h: stats.ordersDue48h, pickedUpWithin48h: stats.pickedUpWithin48h, lateOrders, excuses, liabilities };
  }
}
