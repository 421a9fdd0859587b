import { Inject, Logger, Optional } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { orderStream, orderDecider, toOrderView } from '@app/domain';
import { AggregateRepository } from '../../platform/commands/aggregate-repository';
import type { CommandContext } from '../../platform/commands/command-context';
import { toUtcIso } from '../../platform/validation/validators';
import type { OrderFactDto } from '../orders.dto';
import { ORDER_EVENT_REACTIONS, type OrderEventReactions } from '../order-reactions';
import type { OrderResult } from './register-order.handler';

/** POST /orders/{orderId}/facts: an order or logistics fact. */
export class RecordOrderFactCommand extends Command<OrderResult> {
  constructor(
    readonly orderId: string,
    readonly dto: OrderFactDto,
    readonly ctx: CommandContext,
  ) {
    super();
  }
}

/**
 * Appends the fact, then runs the reactions to it inline (so that, e.g., a case settled by this pickup scan
 * reads SETTLED when this write answers). The reactions' owner runs them from the log too, with a durable
 * checkpoint: if this process dies after the append, or the inline run fails, the subscription applies the
 * reaction; when the inline run succeeded, the subscription finds it done (the reactions are idempotent).
 */
@CommandHandler(RecordOrderFactCommand)
export class RecordOrderFactHandler implements ICommandHandler<RecordOrderFactCommand> {
  private readonly logger = new Logger('orders');

  constructor(
    private readonly repo: AggregateRepository,
    @Inject(ORDER_EVENT_REACTIONS) @Optional() private readonly reactions: OrderEventReactions | null,
  ) {}

  async execute({ orderId, dto, ctx }: RecordOrderFactCommand): Promise<OrderResult> {
    const now = new Date().toISOString();
    const result = await this.repo.handle(
      orderStream(orderId),
      orderDecider,
      () => ({
        type: 'RecordOrderFact' as const,
        fact: {
          type: dto.type,
          occurredAt: toUtcIso(dto.occurredAt),
          ...(dto.carrier !== undefined ? { carrier: dto.carrier } : {}),
          ...(dto.waybillNo !== undefined ? { waybillNo: dto.waybillNo } : {}),
          ...(dto.amount !== undefined ? { amount: dto.amount } : {}),
        },
        now,
      }),
      ctx,
      'RecordOrderFact',
    );
    if (this.reactions && result.appended.length) {
      await this.reactions.react(result.appended).catch((e: unknown) => {
        this.logger.warn({ err: e, orderId }, 'inline reaction failed; the reactions subscription applies it from the log');
      });
    }
    return { view: toOrderView(result.state, now), result };
  }
}
