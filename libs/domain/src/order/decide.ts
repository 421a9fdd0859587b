/** The order's decide: one case per command. */
import type { Decider } from '../decider';
import { invalidInput } from '../errors';
import type { OrderCommand } from './commands';
import type { OrderEvent } from './events';
import { openRushDispute } from './open-rush-dispute';
import { recordOrderFact } from './record-order-fact';
import { registerOrder } from './register-order';
import { evolve, initialState, type OrderState } from './state';

export function decide(command: OrderCommand, state: OrderState): OrderEvent[] {
  switch (command.type) {
    case 'RegisterOrder':
      return registerOrder(command, state);
    case 'RecordOrderFact':
      return recordOrderFact(command, state);
    case 'OpenRushDispute':
      return openRushDispute(command, state);
    default:
      throw invalidInput(`Unknown order command ${(command as { type?: unknown }).type as string}`);
  }
}

export const decider: Decider<OrderCommand, OrderEvent, OrderState> = { decide, evolve, initialState };

export const orderDecider = decider;
