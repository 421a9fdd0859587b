/**
 * A merchant's index of delay reports, stream `delay-index-{merchantId}`: one `DelayReportIndexed` per report
 * the merchant filed, so the reports bearing on an order can be found by reading streams (consistent), without
 * waiting for a read model. The app appends the entry just before the report itself (after the same
 * FileDelayReport was decided on an empty report); an entry whose report stream does not exist (a crash in
 * between) is ignored by readers.
 */
import type { Decider } from '../decider';
import type { DelayReportFiled } from '../delay-report/events';
import { DELAY_REPORT_KINDS, type DelayReportKind } from '../delay-report/rules';
import { invalidInput } from '../errors';
import { nonEmpty } from '../shared/input';
import { compact, iso, toMs } from '../shared/time';
import { isOneOf } from '../shared/types';

export interface DelayIndexEntry {
  reportId: string;
  kind: DelayReportKind;
  filedAt: string;
  orderId?: string;
  windowStart?: string;
  windowEnd?: string;
}

export interface IndexDelayReport {
  type: 'IndexDelayReport';
  merchantId: string;
  entry: DelayIndexEntry;
  now: string;
}

export interface DelayReportIndexed {
  type: 'DelayReportIndexed';
  data: DelayIndexEntry & { merchantId: string; indexedAt: string };
}

export interface DelayIndexState {
  merchantId: string;
  entries: DelayIndexEntry[];
}

/** The index entry of a filed report. */
export function indexEntryOf(filed: DelayReportFiled['data']): DelayIndexEntry {
  return compact({
    reportId: filed.reportId,
    kind: filed.kind,
    filedAt: filed.filedAt,
    orderId: filed.orderId,
    windowStart: filed.windowStart,
    windowEnd: filed.windowEnd,
  });
}

/** Index entries that may bear on an order: pre-reports whose window ends at or after it was placed, and its emergency reports. */
export function indexedReportsFor(state: DelayIndexState, order: { orderId: string; placedAt: string }): string[] {
  const placedMs = Date.parse(order.placedAt);
  return state.entries
    .filter((e) => (e.kind === 'PRE_REPORT' ? e.windowEnd !== undefined && Date.parse(e.windowEnd) >= placedMs : e.orderId === order.orderId))
    .map((e) => e.reportId);
}

export const delayIndexDecider: Decider<IndexDelayReport, DelayReportIndexed, DelayIndexState> = {
  initialState: () => ({ merchantId: '', entries: [] }),
  evolve(state, event) {
    if (event.type !== 'DelayReportIndexed') return state;
    const { merchantId, indexedAt: _at, ...entry } = event.data;
    return { merchantId, entries: [...state.entries, entry] };
  },
  decide(cmd, state) {
    const merchantId = nonEmpty(cmd.merchantId, 'merchantId');
    const nowMs = toMs(cmd.now, 'now');
    const e = cmd.entry;
    if (!e || !isOneOf(DELAY_REPORT_KINDS, e.kind)) throw invalidInput('entry.kind must be PRE_REPORT or EMERGENCY_REPORT', { field: 'entry.kind' });
    nonEmpty(e.reportId, 'entry.reportId');
    if (state.merchantId !== '' && state.merchantId !== merchantId) throw invalidInput('This index belongs to another merchant', { field: 'merchantId' });
    if (state.entries.some((x) => x.reportId === e.reportId)) return [];
    return [{ type: 'DelayReportIndexed', data: compact({ ...e, merchantId, indexedAt: iso(nowMs) }) }];
  },
};
