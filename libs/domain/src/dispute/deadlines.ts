/** The deadlines a case has pending, derived from state alone (the scheduler indexes these). */
import { CONTESTABLE_OPTIONS, type DeadlineKind } from '../shared/types';
import type { DisputeState } from './state';

export function contestable(state: DisputeState): boolean {
  const c = state.settlementChoice;
  return c !== null && CONTESTABLE_OPTIONS.includes(c.option) && state.contestWindowEndsAt !== null;
}

export interface PendingDeadline {
  deadline: DeadlineKind;
  dueAt: string;
}

/** Deadlines that will fire (when due), derived from state only; the scheduler indexes these. */
export function pendingDeadlines(state: DisputeState): PendingDeadline[] {
  const out: PendingDeadline[] = [];
  switch (state.status) {
    case 'AWAITING_MERCHANT':
      out.push({ deadline: 'RESPONSE', dueAt: state.responseDueAt });
      break;
    case 'AWAITING_SHIPMENT':
      if (state.agreedShipBy) out.push({ deadline: 'AGREED_SHIP_BY', dueAt: state.agreedShipBy });
      break;
    case 'AWAITING_CONSUMER':
      if (state.consumerResponseDueAt) out.push({ deadline: 'CONSUMER_RESPONSE', dueAt: state.consumerResponseDueAt });
      break;
    default:
      break;
  }
  if (
    (state.status === 'SETTLED' || state.status === 'AWAITING_SHIPMENT') &&
    contestable(state) &&
    !state.contestWindowClosed &&
    state.contest === null
  ) {
    out.push({ deadline: 'CONTEST', dueAt: state.contestWindowEndsAt! });
  }
  return out.sort((a, b) => Date.parse(a.dueAt) - Date.parse(b.dueAt));
}
