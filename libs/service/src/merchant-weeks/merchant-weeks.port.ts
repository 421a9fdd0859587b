import { Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { CorrectionReason } from '@app/domain';
import { systemContext } from '../platform/commands/command-context';
import type { MerchantWeeks, WeekContext } from '../disputes/ports';
import { MerchantWeekQueries, type PenaltySettlement } from './queries/merchant-week-queries';
import { CorrectMerchantWeekCommand } from './commands/correct-merchant-week.handler';

/**
 * The dispute feature's MERCHANT_WEEKS port: its reads (week statistics, settled points) answered by
 * MerchantWeekQueries, its write (a settled week's correction after an appeal) dispatched on the CommandBus.
 */
@Injectable()
export class MerchantWeeksPort implements MerchantWeeks {
  constructor(
    private readonly queries: MerchantWeekQueries,
    private readonly commands: CommandBus,
  ) {}

  weekContext(merchantId: string, weekInstant: string, now: string): Promise<WeekContext> {
    return this.queries.weekContext(merchantId, weekInstant, now);
  }

  settlementOf(merchantId: string, orderId: string, week: string, asOf?: string): Promise<PenaltySettlement | null> {
    return this.queries.settlementOf(merchantId, orderId, week, asOf);
  }

  correct(merchantId: string, week: string, orderId: string, disputeId: string, reason: CorrectionReason, decidedAt: string, causationId?: string): Promise<boolean> {
    return this.commands.execute(new CorrectMerchantWeekCommand({ merchantId, week, orderId, disputeId, reason, decidedAt }, systemContext('week-correction', causationId)));
  }
}
