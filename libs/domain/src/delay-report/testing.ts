/** Shared helpers of the delay-report, delay-card and excuse specs (test-only). */
import type { SendDelayCard } from '../delay-card/commands';
import { delayCardDecider } from '../delay-card/decide';
import type { DelayCardEvent } from '../delay-card/events';
import type { DelayCardState } from '../delay-card/state';
import type { Evidence } from '../shared/input';
import { iso } from '../shared/time';
import type { OrderSnapshot } from '../shared/types';
import { at, snapshot } from '../test-fixtures';
import { DeciderSpecification } from '../testing';
import type { FileDelayReport } from './commands';
import { delayReportDecider } from './decide';
import type { DelayReportEvent } from './events';
import type { DelayReportState } from './state';

export const reports = DeciderSpecification.for(delayReportDecider);
export const cards = DeciderSpecification.for(delayCardDecider);
export const foldReport = (events: DelayReportEvent[]): DelayReportState => events.reduce(delayReportDecider.evolve, delayReportDecider.initialState());
export const foldCard = (events: DelayCardEvent[]): DelayCardState => events.reduce(delayCardDecider.evolve, delayCardDecider.initialState());
export const ms = (t: string, delta: number) => iso(Date.parse(t) + delta);

export const photo: Evidence = { kind: 'PHOTO', ref: 'oss://evidence/storm.png' };
export const chat: Evidence = { kind: 'CHAT_LOG', ref: 'oss://evidence/chat.png', description: 'consumer agrees to ship on Friday' };
export const SHANGHAI = 'Asia/Shanghai';

export function preReport(hours: number, extra: Partial<FileDelayReport> = {}): FileDelayReport {
  return {
    type: 'FileDelayReport',
    reportId: 'r-1',
    kind: 'PRE_REPORT',
    merchantId: 'm-1',
    filedBy: 'u-merchant',
    reason: 'WEATHER',
    note: 'typhoon warning',
    evidence: [photo],
    windowStart: at(hours + 1),
    windowEnd: at(hours + 49),
    now: at(hours),
    ...extra,
  };
}
export function emergency(hours: number, order: OrderSnapshot = snapshot(), extra: Partial<FileDelayReport> = {}): FileDelayReport {
  return {
    type: 'FileDelayReport',
    reportId: 'r-2',
    kind: 'EMERGENCY_REPORT',
    merchantId: 'm-1',
    order,
    evidence: [chat],
    promisedShipAt: at(hours + 72),
    timezone: SHANGHAI,
    now: at(hours),
    ...extra,
  };
}
export const send = (hours: number, order: OrderSnapshot = snapshot(), extra: Partial<SendDelayCard> = {}): SendDelayCard => ({
  type: 'SendDelayCard',
  cardId: 'card-1',
  order,
  merchantId: 'm-1',
  message: 'Storm: we ship on Friday',
  now: at(hours),
  ...extra,
});
export const play = <C, E, S>(decider: { decide(c: C, s: S): E[]; evolve(s: S, e: E): S; initialState(): S }, ...commands: C[]): E[] => {
  let events: E[] = [];
  for (const c of commands) events = [...events, ...decider.decide(c, events.reduce(decider.evolve, decider.initialState()))];
  return events;
};
