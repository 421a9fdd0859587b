/** Derived from state: whether a case is final, excuses a late shipment, or still blocks a new dispute on its order. */
import { toMs } from '../shared/time';
import type { JudgementBasis } from './events';
import type { DisputeState } from './state';

/** Final: JUDGED, or SETTLED with nothing left to contest (see the header). `now` lets a passed window count. */
export function isFinal(state: DisputeState, now?: string): boolean {
  if (state.status === 'JUDGED') return true;
  if (state.status !== 'SETTLED') return false;
  if (state.contestWindowEndsAt === null || state.contestWindowClosed) return true;
  return now !== undefined && toMs(now, 'now') > Date.parse(state.contestWindowEndsAt);
}

/**
 * Whether the standing judgement holds the merchant not liable for the order's late shipment (so the order's
 * lateness is not counted on the scorecard or in the week's assessment): a verified no-fault defense, an
 * adjudicator's not-liable decision in a review where late shipment was at issue, or an appeal that
 * overturned a late-shipment liability. A not-liable judgement at the response deadline (the order was not
 * late yet, or not assessed) excuses nothing: lateness that comes later still counts.
 */
export function lateShipmentExcuse(state: DisputeState): { basis: JudgementBasis; decidedAt: string } | null {
  const j = state.judgement;
  if (!j || j.outcome !== 'MERCHANT_NOT_LIABLE' || state.status !== 'JUDGED') return null;
  const basis = state.judgementBasis;
  const excuse = { basis: basis!, decidedAt: j.decidedAt };
  switch (basis) {
    case 'DEFENSE_VERIFIED':
      return excuse;
    case 'ADJUDICATOR':
      return state.review?.allowedViolations.includes('LATE_SHIPMENT') ? excuse : null;
    case 'APPEAL_OVERTURNED': {
      const history = state.judgements ?? [];
      const appealed = history[history.length - 2]?.judgement;
      return appealed?.violation === 'LATE_SHIPMENT' ? excuse : null;
    }
    default:
      return null;
  }
}

/**
 * Whether the case still counts as the order's open rush-order dispute (a new one is refused while it does):
 * not final — except a case whose judgement is under appeal. An appeal reviews a judgement; it does not
 * reopen the dispute (no choice, no consumer step, no deadline), so it never holds up a new urging.
 */
export function blocksNewDispute(state: DisputeState, now?: string): boolean {
  if (isFinal(state, now)) return false;
  return !(state.status === 'UNDER_REVIEW' && state.review?.reason === 'APPEAL');
}
