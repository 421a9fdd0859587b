import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { delayCardDecider, delayCardStream, type DelayCardState } from '@app/domain';
import { AggregateRepository, type Handled } from '../../platform/commands/aggregate-repository';
import type { CommandContext } from '../../platform/commands/command-context';
import type { DelayCardResponseDto } from '../delays.dto';
import { DelayInputs, invalidInputAs400 } from '../delay-inputs';

/** POST /orders/{orderId}/delay-card/response: the order's consumer accepts or rejects the delay card. */
export class RespondToDelayCardCommand extends Command<Handled<DelayCardState>> {
  constructor(
    readonly orderId: string,
    readonly dto: DelayCardResponseDto,
    readonly ctx: CommandContext,
  ) {
    super();
  }
}

/**
 * Checks the order is the consumer's own (another's is a 404), then read → decide → append on the order's card
 * stream (the decider refuses a second answer and one after the expiry).
 */
@CommandHandler(RespondToDelayCardCommand)
export class RespondToDelayCardHandler implements ICommandHandler<RespondToDelayCardCommand> {
  constructor(
    private readonly repo: AggregateRepository,
    private readonly inputs: DelayInputs,
  ) {}

  async execute({ orderId, dto, ctx }: RespondToDelayCardCommand): Promise<Handled<DelayCardState>> {
    await this.inputs.order(orderId, ctx.actor);
    return invalidInputAs400(() =>
      this.repo.handle(
        delayCardStream(orderId),
        delayCardDecider,
        () => ({
          type: 'RespondToDelayCard' as const,
          consumerId: ctx.actor.consumerId!,
          accepted: dto.accepted,
          ...(dto.comment !== undefined ? { comment: dto.comment } : {}),
          now: new Date().toISOString(),
        }),
        ctx,
        'RespondToDelayCard',
      ),
    );
  }
}
