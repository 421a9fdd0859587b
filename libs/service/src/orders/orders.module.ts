import { DynamicModule, Module, type ModuleMetadata } from '@nestjs/common';
import { OrdersController } from './orders.controller';
import { OrderQueries } from './queries/order-queries';
import { RegisterOrderHandler } from './commands/register-order.handler';
import { RecordOrderFactHandler } from './commands/record-order-fact.handler';

/**
 * Orders and their facts: the routes, the two command handlers, the order read. `register({ reactionsFrom })`
 * takes the modules that provide ORDER_EVENT_REACTIONS (./order-reactions).
 */
@Module({})
export class OrdersModule {
  static register(opts: { reactionsFrom: NonNullable<ModuleMetadata['imports']> }): DynamicModule {
    return {
      module: OrdersModule,
      imports: opts.reactionsFrom,
      controllers: [OrdersController],
      providers: [OrderQueries, RegisterOrderHandler, RecordOrderFactHandler],
    };
  }
}
