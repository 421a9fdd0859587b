import { Inject, Injectable } from '@nestjs/common';
import { orderDecider, orderStream, toOrderView, type OrderState, type OrderView } from '@app/domain';
import { AggregateRepository, type Handled } from '../app/aggregate-repository';
import type { CommandContext } from '../app/command-context';
import { assertVisible } from '../app/tenancy';
import type { Actor } from '../auth/auth';
import type { OrderFactDto, RegisterOrderDto } from '../dto/orders.dto';
import { toUtcIso } from '../dto/validators';
import { DisputeReactions } from '../disputes/dispute-reactions';

@Injectable()
export class OrdersService {
  constructor(
    private readonly repo: AggregateRepository,
    @Inject(DisputeReactions) private readonly reactions: DisputeReactions,
  ) {}

  async register(dto: RegisterOrderDto, ctx: CommandContext): Promise<{ view: OrderView; result: Handled<OrderState> }> {
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

  async recordFact(orderId: string, dto: OrderFactDto, ctx: CommandContext): Promise<{ view: OrderView; result: Handled<OrderState> }> {
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
    // A pickup scan may settle a dispute waiting for shipment by an agreed date. The deadline re-checks the
    // facts too, so a reaction lost in a crash only delays the settlement until the agreed time.
    if (dto.type === 'PICKUP_SCANNED' && result.state.activeDisputeId && result.appended.length) {
      await this.reactions.pickupObserved(result.state.activeDisputeId, result, ctx);
    }
    return { view: toOrderView(result.state, now), result };
  }

  async get(orderId: string, actor: Actor): Promise<OrderView> {
    const { state } = await this.repo.load(orderStream(orderId), orderDecider);
    assertVisible(actor, state.order, 'Order', orderId);
    return toOrderView(state, new Date().toISOString());
  }
}
