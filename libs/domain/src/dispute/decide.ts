/** The dispute's decide: one case per command, each in its own file. */
import { fileAppeal } from '../appeal/appeal';
import type { Decider } from '../decider';
import { invalidInput } from '../errors';
import { chooseOption } from './choose-option';
import type { DisputeCommand } from './commands';
import { consumerRespond } from './consumer-respond';
import { contest } from './contest';
import type { DisputeEvent } from './events';
import { fireDeadline } from './fire-deadline';
import { judge } from './judge';
import { observePickup } from './observe-pickup';
import { openDispute } from './open-dispute';
import { type DisputeState, evolve, initialState } from './state';

export function decide(command: DisputeCommand, state: DisputeState): DisputeEvent[] {
  switch (command.type) {
    case 'OpenDispute':
      return openDispute(command, state);
    case 'ChooseOption':
      return chooseOption(command, state);
    case 'ConsumerRespond':
      return consumerRespond(command, state);
    case 'Contest':
      return contest(command, state);
    case 'Judge':
      return judge(command, state);
    case 'ObservePickup':
      return observePickup(command, state);
    case 'FireDeadline':
      return fireDeadline(command, state);
    case 'FileAppeal':
      return fileAppeal(command, state);
    default:
      throw invalidInput(`Unknown dispute command ${(command as { type?: unknown }).type as string}`);
  }
}

export const decider: Decider<DisputeCommand, DisputeEvent, DisputeState> = { decide, evolve, initialState };

export const disputeDecider = decider;
