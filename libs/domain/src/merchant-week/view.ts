/** The HTTP representation of a merchant-week's settlement. */
import type { CountedLateOrder, ExcusedLateOrder, SettledWeekStats } from './events';
import type { MerchantWeekCorrection, MerchantWeekState } from './state';
import type { RulesVersion } from '../shared/rules';

export interface MerchantWeekView {
  merchantId: string;
  week: string;
  stream: string;
  final: boolean;
  closedAt?: string;
  closeDueAt?: string;
  trigger?: 'DEADLINE' | 'BACKFILL';
  rulesVersion?: RulesVersion;
  stats?: SettledWeekStats;
  pickupRate48h?: number | null;
  points?: number;
  assessedPoints?: number;
  basis?: string;
  lateOrders?: CountedLateOrder[];
  excusedOrders?: ExcusedLateOrder[];
  corrections?: MerchantWeekCorrection[];
}

export function toMerchantWeekView(state: MerchantWeekState, ids: { merchantId: string; week: string; stream: string }): MerchantWeekView {
  if (state.status !== 'CLOSED') return { merchantId: ids.merchantId, week: ids.week, stream: ids.stream, final: false };
  return {
    merchantId: state.merchantId,
    week: state.week,
    stream: ids.stream,
    final: true,
    closedAt: state.closedAt,
    closeDueAt: state.closeDueAt,
    trigger: state.trigger ?? undefined,
    rulesVersion: state.rulesVersion ?? undefined,
    stats: state.stats,
    pickupRate48h: state.pickupRate48h,
    points: state.points,
    assessedPoints: state.assessedPoints,
    basis: state.basis,
    lateOrders: state.lateOrders,
    excusedOrders: state.excusedOrders,
    corrections: state.corrections,
  };
}
