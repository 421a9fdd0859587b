import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { delayReportDecider, delayReportStream, type DelayReportState } from '@app/domain';
import { AggregateRepository, type Handled } from '../../platform/commands/aggregate-repository';
import type { CommandContext } from '../../platform/commands/command-context';
import type { ReviewDelayReportDto } from '../delays.dto';
import { DelayInputs, invalidInputAs400 } from '../delay-inputs';

/** POST /delay-reports/{id}/review: the platform approves or rejects (with a reason) a pending report. */
export class ReviewDelayReportCommand extends Command<Handled<DelayReportState>> {
  constructor(
    readonly reportId: string,
    readonly dto: ReviewDelayReportDto,
    readonly ctx: CommandContext,
  ) {
    super();
  }
}

/** Reads the report once (404 when unknown), then read → decide → append. */
@CommandHandler(ReviewDelayReportCommand)
export class ReviewDelayReportHandler implements ICommandHandler<ReviewDelayReportCommand> {
  constructor(
    private readonly repo: AggregateRepository,
    private readonly inputs: DelayInputs,
  ) {}

  async execute({ reportId, dto, ctx }: ReviewDelayReportCommand): Promise<Handled<DelayReportState>> {
    const loaded = await this.inputs.report(reportId, ctx.actor);
    return invalidInputAs400(() =>
      this.repo.handle(
        delayReportStream(reportId),
        delayReportDecider,
        () => ({
          type: 'ReviewDelayReport' as const,
          approved: dto.approved,
          ...(dto.reason !== undefined ? { reason: dto.reason } : {}),
          reviewer: ctx.actor.sub,
          now: new Date().toISOString(),
        }),
        ctx,
        'ReviewDelayReport',
        { loaded },
      ),
    );
  }
}
