import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { delayCardDecider, delayCardStream, delayReportDecider, delayReportStream } from '@app/domain';
import { AggregateRepository, type Handled } from '../../platform/commands/aggregate-repository';
import type { CommandContext } from '../../platform/commands/command-context';

/** A delay deadline: a card's expiry (its order's card stream) or a report's review due time. */
export type DelayDeadline = { kind: 'DELAY_CARD_EXPIRY'; orderId: string } | { kind: 'DELAY_REPORT_OVERDUE'; reportId: string };

/**
 * A delay deadline fires if still due: a card unanswered at its expiry is cancelled (ExpireDelayCard), a report
 * still unreviewed at its review due time is flagged overdue (FlagDelayReportOverdue).
 */
export class FireDelayDeadlineCommand extends Command<boolean> {
  constructor(
    readonly deadline: DelayDeadline,
    readonly ctx: CommandContext,
  ) {
    super();
  }
}

/**
 * Read → decide → append on the card's or the report's stream. The deciders record nothing for what is no
 * longer pending or not yet due, and the append uses the exact expected revision, so firing is exactly-once
 * across instances. Answers whether anything was recorded.
 */
@CommandHandler(FireDelayDeadlineCommand)
export class FireDelayDeadlineHandler implements ICommandHandler<FireDelayDeadlineCommand> {
  constructor(private readonly repo: AggregateRepository) {}

  async execute({ deadline, ctx }: FireDelayDeadlineCommand): Promise<boolean> {
    const r: Handled<unknown> =
      deadline.kind === 'DELAY_CARD_EXPIRY'
        ? await this.repo.handle(delayCardStream(deadline.orderId), delayCardDecider, () => ({ type: 'ExpireDelayCard' as const, now: new Date().toISOString() }), ctx, 'ExpireDelayCard')
        : await this.repo.handle(
            delayReportStream(deadline.reportId),
            delayReportDecider,
            () => ({ type: 'FlagDelayReportOverdue' as const, now: new Date().toISOString() }),
            ctx,
            'FlagDelayReportOverdue',
          );
    return r.appended.length > 0;
  }
}
