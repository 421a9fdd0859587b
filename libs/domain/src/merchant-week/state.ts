/** State of a merchant-week, folded from its stream. */
import type { RulesVersion } from '../shared/rules';
import type { CorrectionReason, CountedLateOrder, ExcusedLateOrder, MerchantWeekAssessmentCorrected, MerchantWeekEvent, SettledWeekStats } from './events';

export interface MerchantWeekCorrection {
  correctedAt: string;
  reason: CorrectionReason;
  orderId: string;
  disputeId: string;
  previousPoints: number;
  points: number;
}

export interface MerchantWeekState {
  status: 'OPEN' | 'CLOSED';
  merchantId: string;
  week: string;
  timezone: string;
  weekStart: string;
  weekEnd: string;
  closeDueAt: string;
  closedAt: string;
  trigger: 'DEADLINE' | 'BACKFILL' | null;
  rulesVersion: RulesVersion | null;
  /** The statistics as they stand after every correction. */
  stats: SettledWeekStats;
  pickupRate48h: number | null;
  points: number;
  basis: string;
  /** Late orders counted now (the assessment's, minus the corrected ones). */
  lateOrders: CountedLateOrder[];
  excusedOrders: ExcusedLateOrder[];
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
