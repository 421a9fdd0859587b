import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { disputeStream, disputeDecider, type DisputeState } from '@app/domain';
import { AggregateRepository, type Handled } from '../../platform/commands/aggregate-repository';
import type { CommandContext } from '../../platform/commands/command-context';
import type { ContestDto } from '../disputes.dto';
import { visibleCase } from '../dispute-inputs';

/** POST /disputes/{id}/contest: the consumer says the claimed settlement was never agreed. */
export class ContestSettlementCommand extends Command<Handled<DisputeState>> {
  constructor(
    readonly disputeId: string,
    readonly dto: ContestDto,
    readonly ctx: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(ContestSettlementCommand)
export class ContestSettlementHandler implements ICommandHandler<ContestSettlementCommand> {
  constructor(private readonly repo: AggregateRepository) {}

  execute({ disputeId, dto, ctx }: ContestSettlementCommand): Promise<Handled<DisputeState>> {
    return this.repo.handle(
      disputeStream(disputeId),
      disputeDecider,
      (loaded) => {
        visibleCase(loaded, ctx.actor, disputeId);
        return { type: 'Contest' as const, statement: dto.statement, now: new Date().toISOString() };
      },
      ctx,
      'Contest',
    );
  }
}
