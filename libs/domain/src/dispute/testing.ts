/** Shared helpers of the dispute specs (test-only; not exported from the barrel). */
import type { Evidence } from '../shared/input';
import type { DisputeOption, OrderSnapshot } from '../shared/types';
import { at, fact, opened, pickup, snapshot, V2, waybill } from '../test-fixtures';
import { DeciderSpecification } from '../testing';
import type { ChooseOption, DisputeCommand } from './commands';
import { decide, disputeDecider } from './decide';
import type { DisputeEvent } from './events';
import { type DisputeState, evolve, initialState } from './state';

export const spec = DeciderSpecification.for(disputeDecider);
export const fold = (events: DisputeEvent[]): DisputeState => events.reduce(evolve, initialState());
/** Applies commands in turn, returning all events (given + produced). */
export function play(given: DisputeEvent[], ...commands: DisputeCommand[]): DisputeEvent[] {
  let events = [...given];
  for (const c of commands) events = [...events, ...decide(c, fold(events))];
  return events;
}

export const chat: Evidence = { kind: 'CHAT_LOG', ref: 'oss://evidence/chat-1.png', description: 'consumer agrees' };
export const bare = snapshot();
export const cancelled = snapshot({}, [fact('CANCELLATION_REQUESTED', 20)]);
export const refunded = snapshot({}, [fact('REFUNDED', 20)]);
export const shipped = snapshot({}, [waybill(10), pickup(20)]);
export const shippedLate = snapshot({}, [waybill(28), pickup(29)]);

export function choose(option: DisputeOption, hours: number, order: OrderSnapshot = bare, extra: Partial<ChooseOption> = {}): ChooseOption {
  return { type: 'ChooseOption', option, order, now: at(hours), rules: V2, ...extra };
}
export const shipBy = (hours: number, agreedAtHours: number, order: OrderSnapshot = bare, evidence: Evidence[] = [chat]) =>
  choose('SHIP_BY_AGREED_DATE', hours, order, { agreedShipBy: at(agreedAtHours), evidence });
export const defend = (reason: string, hours: number, order: OrderSnapshot = bare, evidence: Evidence[] = [], extra: Partial<ChooseOption> = {}) =>
  choose('NO_FAULT_DEFENSE', hours, order, { defense: { reason: reason as never, statement: 'not my fault' }, evidence, ...extra });
export const fire = (deadline: 'RESPONSE' | 'AGREED_SHIP_BY' | 'CONSUMER_RESPONSE' | 'CONTEST', hours: number, order: OrderSnapshot = bare): DisputeCommand => ({
  type: 'FireDeadline',
  deadline,
  order,
  rules: V2,
  now: at(hours),
});

export const U = opened('UNIFIED'); // opened at +30 h, response due at +54 h
export const L = opened('LEGACY');
