import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { delayCardDecider, delayCardStream, type DelayCardState } from '@app/domain';
import { AggregateRepository, type Handled } from '../../platform/commands/aggregate-repository';
import type { CommandContext } from '../../platform/commands/command-context';
import { toUtcIso } from '../../platform/validation/validators';
import type { SendDelayCardDto } from '../delays.dto';
import { DelayInputs, invalidInputAs400, newDelayId } from '../delay-inputs';

/** POST /orders/{orderId}/delay-card: the order's merchant sends the delay card to its consumer (once per order). */
export class SendDelayCardCommand extends Command<Handled<DelayCardState>> {
  constructor(
    readonly orderId: string,
    readonly dto: SendDelayCardDto,
    readonly ctx: CommandContext,
  ) {
    super();
  }
}

/**
 * Gathers the order (the merchant's own; another's is a 404) once, then read → decide → append on the order's
 * card stream (the decider refuses a second card and orders not assessed for late shipment). A key-derived
 * card id makes a retried request record the same card.
 */
@CommandHandler(SendDelayCardCommand)
export class SendDelayCardHandler implements ICommandHandler<SendDelayCardCommand> {
  constructor(
    private readonly repo: AggregateRepository,
    private readonly inputs: DelayInputs,
  ) {}

  async execute({ orderId, dto, ctx }: SendDelayCardCommand): Promise<Handled<DelayCardState>> {
    const order = await this.inputs.order(orderId, ctx.actor);
    const cardId = newDelayId(ctx, `delay-card|${orderId}`);
    return invalidInputAs400(() =>
      this.repo.handle(
        delayCardStream(orderId),
        delayCardDecider,
        () => ({
          type: 'SendDelayCard' as const,
          cardId,
          order,
          merchantId: ctx.actor.merchantId!,
          sentBy: ctx.actor.sub,
          ...(dto.message !== undefined ? { message: dto.message } : {}),
          ...(dto.promisedShipAt !== undefined ? { promisedShipAt: toUtcIso(dto.promisedShipAt) } : {}),
          responseWindowMs: this.inputs.settings.cardResponseWindowMs,
          now: new Date().toISOString(),
        }),
        ctx,
        'SendDelayCard',
      ),
    );
  }
}
