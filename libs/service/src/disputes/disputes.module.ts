import { DynamicModule, Module, type ModuleMetadata } from '@nestjs/common';
import { ORDER_EVENT_REACTIONS } from '../orders/order-reactions';
import { DisputesController } from './disputes.controller';
import { DisputeInputs } from './dispute-inputs';
import { DisputeQueries } from './queries/dispute-queries';
import { OpenDisputeHandler } from './commands/open-dispute.handler';
import { ChooseOptionHandler } from './commands/choose-option.handler';
import { ConsumerRespondHandler } from './commands/consumer-respond.handler';
import { ContestSettlementHandler } from './commands/contest-settlement.handler';
import { JudgeDisputeHandler } from './commands/judge-dispute.handler';
import { FireDeadlineHandler } from './commands/fire-deadline.handler';
import { ObservePickupHandler } from './commands/observe-pickup.handler';
import { DisputeOrderReactions } from './reactions/order-reactions';
import { DisputeReactionsSubscription } from './reactions/dispute-reactions.subscription';

export const DISPUTE_COMMAND_HANDLERS = [
  OpenDisputeHandler,
  ChooseOptionHandler,
  ConsumerRespondHandler,
  ContestSettlementHandler,
  JudgeDisputeHandler,
  FireDeadlineHandler,
  ObservePickupHandler,
];

/**
 * Rush-order disputes: the routes, one command handler per command (dispatched on the CommandBus), the reads
 * of one case, and the reactions to order events (run from the log by a checkpointed subscription).
 * `register({ imports })` takes the modules that provide the ports in ./ports (MERCHANT_WEEKS, DELAY_EXCUSES).
 */
@Module({})
export class DisputesModule {
  static register(opts: { imports: NonNullable<ModuleMetadata['imports']> }): DynamicModule {
    return {
      module: DisputesModule,
      imports: opts.imports,
      controllers: [DisputesController],
      providers: [
        DisputeInputs,
        DisputeQueries,
        ...DISPUTE_COMMAND_HANDLERS,
        DisputeOrderReactions,
        DisputeReactionsSubscription,
        { provide: ORDER_EVENT_REACTIONS, useExisting: DisputeOrderReactions },
      ],
      exports: [ORDER_EVENT_REACTIONS],
    };
  }
}
