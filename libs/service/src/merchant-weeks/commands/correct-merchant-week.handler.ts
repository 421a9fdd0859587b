import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { merchantWeekDecider, merchantWeekStream, type CorrectionReason } from '@app/domain';
import { AggregateRepository } from '../../platform/commands/aggregate-repository';
import type { CommandContext } from '../../platform/commands/command-context';

/** A correction of a settled week: its counted order `orderId` is excused by the standing judgement of `disputeId`. */
export interface WeekCorrection {
  merchantId: string;
  week: string;
  orderId: string;
  disputeId: string;
  reason: CorrectionReason;
  decidedAt: string;
}

/**
 * Correct a closed week's assessment: the order leaves the count and the points are recomputed (after an appeal
 * overturned its liability, from the judge handler through the MERCHANT_WEEKS port; or the scheduler's safety net
 * for a correction lost to a crash).
 */
export class CorrectMerchantWeekCommand extends Command<boolean> {
  constructor(
    readonly correction: WeekCorrection,
    readonly ctx: CommandContext,
  ) {
    super();
  }
}

/**
 * Read → decide → append on the week's stream. The decider records nothing for a week not closed yet or an
 * order no longer counted (already corrected), so a correction is recorded once. Answers whether it was recorded.
 */
@CommandHandler(CorrectMerchantWeekCommand)
export class CorrectMerchantWeekHandler implements ICommandHandler<CorrectMerchantWeekCommand> {
  constructor(private readonly repo: AggregateRepository) {}

  async execute({ correction: { merchantId, week, orderId, disputeId, reason, decidedAt }, ctx }: CorrectMerchantWeekCommand): Promise<boolean> {
    const r = await this.repo.handle(
      merchantWeekStream(merchantId, week),
      merchantWeekDecider,
      () => ({ type: 'CorrectMerchantWeekAssessment' as const, orderId, disputeId, reason, decidedAt, now: new Date().toISOString() }),
      ctx,
      'CorrectMerchantWeekAssessment',
    );
    return r.appended.length > 0;
  }
}
