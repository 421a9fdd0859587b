import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { orderStream, orderDecider, toOrderView, type OrderState, type OrderView } from '@app/domain';
import { AggregateRepository, type Handled } from '../../platform/commands/aggregate-repository';
import type { CommandContext } from '../../platform/commands/command-context';
import { toUtcIso } from '../../platform/validation/validators';
import type { RegisterOrderDto } from '../orders.dto';

export type OrderResult = { view: OrderView; result: Handled<OrderState> };

/** POST /orders: the platform's order pipeline registers an order. */
export class RegisterOrderCommand extends Command<OrderResult> {
  constructor(
    readonly dto: RegisterOrderDto,
    readonly ctx: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(RegisterOrderCommand)
export class RegisterOrderHandler implements ICommandHandler<RegisterOrderCommand> {
  constructor(private readonly repo: AggregateRepository) {}

  async execute({ dto, ctx }: RegisterOrderCommand): Promise<OrderResult> {
    const now = new Date().toISOString();
    const result = await this.repo.handle(
      orderStream(dto.orderId),
      orderDecider,
      () => ({
        type: 'RegisterOrder' as const,
        order: {
          orderId: dto.orderId,
          merchantId: dto.merchantId,
          consumerId: dto.consumerId,
          placedAt: toUtcIso(dto.placedAt),
          paymentMethod: dto.paymentMethod,
          orderKind: dto.orderKind,
          ...(dto.promisedShipAt ? { promisedShipAt: toUtcIso(dto.promisedShipAt) } : {}),
          amount: dto.amount,
        },
        now,
      }),
      ctx,
      'RegisterOrder',
    );
    return { view: toOrderView(result.state, now), result };
  }
}
