import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { delayReportDecider, delayReportStream, type DelayReportState } from '@app/domain';
import { AggregateRepository, type Handled } from '../../platform/commands/aggregate-repository';
import type { CommandContext } from '../../platform/commands/command-context';
import { DelayInputs, invalidInputAs400 } from '../delay-inputs';

/** POST /delay-reports/{id}/withdraw: the merchant withdraws its report before it is reviewed. */
export class WithdrawDelayReportCommand extends Command<Handled<DelayReportState>> {
  constructor(
    readonly reportId: string,
    readonly ctx: CommandContext,
  ) {
    super();
  }
}

/** Reads the report once (another merchant's report is a 404), then read → decide → append. */
@CommandHandler(WithdrawDelayReportCommand)
export class WithdrawDelayReportHandler implements ICommandHandler<WithdrawDelayReportCommand> {
  constructor(
    private readonly repo: AggregateRepository,
    private readonly inputs: DelayInputs,
  ) {}

  async execute({ reportId, ctx }: WithdrawDelayReportCommand): Promise<Handled<DelayReportState>> {
    const loaded = await this.inputs.report(reportId, ctx.actor);
    return invalidInputAs400(() =>
      this.repo.handle(
        delayReportStream(reportId),
        delayReportDecider,
        () => ({ type: 'WithdrawDelayReport' as const, merchantId: ctx.actor.merchantId!, now: new Date().toISOString() }),
        ctx,
        'WithdrawDelayReport',
        { loaded },
      ),
    );
  }
}
