/** State of a merchant-week, folded from its stream. */
import type { CorrectionReason, MerchantWeekAssessmentCorrected, MerchantWeekClosed, MerchantWeekEvent } from './events';

export interface MerchantWeekCorrection {
  correctedAt: string;
  reason: CorrectionReason;
  orderId: string;
  disputeId: string;
  previousPoints: number;
  points: number;
}

type ClosedWeek = MerchantWeekClosed['data'];

/**
 * The settled week as its MerchantWeekClosed event recorded it (before the close: empty, OPEN), with every
 * correction applied: `stats`, `pickupRate48h`, `points`, `basis`, `lateOrders` and `excusedOrders` stand as
 * corrected (`lateOrders`: the assessment's minus the corrected ones).
 */
export interface MerchantWeekState extends Omit<ClosedWeek, 'closeDelayMs' | 'trigger' | 'rulesVersion'> {
  status: 'OPEN' | 'CLOSED';
  trigger: ClosedWeek['trigger'] | null;
  rulesVersion: ClosedWeek['rulesVersion'] | null;
  /** The points the assessment recorded first (before corrections). */
  assessedPoints: number;
  corrections: MerchantWeekCorrection[];
}

export function initialState(): MerchantWeekState {
  return {
    status: 'OPEN',
    merchantId: '',
    week: '',
    timezone: '',
    weekStart: '',
    weekEnd: '',
    closeDueAt: '',
    closedAt: '',
    trigger: null,
    rulesVersion: null,
    stats: { ordersDue48h: 0, pickedUpWithin48h: 0, lateOrders: 0 },
    pickupRate48h: null,
    points: 0,
    basis: '',
    lateOrders: [],
    excusedOrders: [],
    assessedPoints: 0,
    corrections: [],
  };
}

export function evolve(state: MerchantWeekState, event: { type: string; data: unknown }): MerchantWeekState {
  const e = event as MerchantWeekEvent;
  switch (e.type) {
    case 'MerchantWeekClosed': {
      const d = e.data;
      return {
        ...state,
        status: 'CLOSED',
        merchantId: d.merchantId,
        week: d.week,
        timezone: d.timezone,
        weekStart: d.weekStart,
        weekEnd: d.weekEnd,
        closeDueAt: d.closeDueAt,
        closedAt: d.closedAt,
        trigger: d.trigger,
        rulesVersion: d.rulesVersion,
        stats: d.stats,
        pickupRate48h: d.pickupRate48h,
        points: d.points,
        basis: d.basis,
        lateOrders: d.lateOrders,
        excusedOrders: d.excusedOrders,
        assessedPoints: d.points,
      };
    }
    case 'MerchantWeekAssessmentCorrected': {
      const d: MerchantWeekAssessmentCorrected['data'] = e.data;
      return {
        ...state,
        stats: d.stats,
        pickupRate48h: d.pickupRate48h,
        points: d.points,
        basis: d.basis,
        lateOrders: state.lateOrders.filter((o) => o.orderId !== d.orderId),
        excusedOrders: [...state.excusedOrders, { orderId: d.orderId, disputeId: d.disputeId, basis: d.reason, decidedAt: d.decidedAt }],
        corrections: [
          ...state.corrections,
          { correctedAt: d.correctedAt, reason: d.reason, orderId: d.orderId, disputeId: d.disputeId, previousPoints: d.previousPoints, points: d.points },
        ],
      };
    }
    default:
      return state;
  }
}
