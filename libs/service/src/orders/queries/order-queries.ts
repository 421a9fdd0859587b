import { Injectable } from '@nestjs/common';
import { orderStream, orderDecider, toOrderView, type OrderView } from '@app/domain';
import { AggregateRepository } from '../../platform/commands/aggregate-repository';
import type { Actor } from '../../platform/auth/auth';
import { assertVisible } from '../../platform/auth/tenancy';

/** GET /orders/{orderId}: the order folded from its stream (merchants and consumers: their own orders only). */
@Injectable()
export class OrderQueries {
  constructor(private readonly repo: AggregateRepository) {}

  async get(orderId: string, actor: Actor): Promise<OrderView> {
    const { state } = await this.repo.load(orderStream(orderId), orderDecider);
    assertVisible(actor, state.order, 'Order', orderId);
    return toOrderView(state, new Date().toISOString());
  }
}
