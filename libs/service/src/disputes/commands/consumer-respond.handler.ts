import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { disputeStream, disputeDecider, type DisputeState } from '@app/domain';
import { AggregateRepository, type Handled } from '../../platform/commands/aggregate-repository';
import type { CommandContext } from '../../platform/commands/command-context';
import type { ConsumerResponseDto } from '../disputes.dto';
import { DisputeInputs, visibleCase } from '../dispute-inputs';

/** POST /disputes/{id}/consumer-response: the consumer accepts or rejects an out-of-stock refund. */
export class ConsumerRespondCommand extends Command<Handled<DisputeState>> {
  constructor(
    readonly disputeId: string,
    readonly dto: ConsumerResponseDto,
    readonly ctx: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(ConsumerRespondCommand)
export class ConsumerRespondHandler implements ICommandHandler<ConsumerRespondCommand> {
  constructor(
    private readonly repo: AggregateRepository,
    private readonly inputs: DisputeInputs,
  ) {}

  execute({ disputeId, dto, ctx }: ConsumerRespondCommand): Promise<Handled<DisputeState>> {
    return this.repo.handle(
      disputeStream(disputeId),
      disputeDecider,
      (loaded) => {
        visibleCase(loaded, ctx.actor, disputeId);
        return {
          type: 'ConsumerRespond' as const,
          accepted: dto.accepted,
          ...(dto.comment !== undefined ? { comment: dto.comment } : {}),
          now: new Date().toISOString(),
          rules: this.inputs.rulesWithoutWeek(),
        };
      },
      ctx,
      'ConsumerRespond',
    );
  }
}
