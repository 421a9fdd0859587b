/** Given/when/then specs: merchant report index (delay-index-{merchantId}). */
import type { FileDelayReport } from '../delay-report/commands';
import { delayReportDecider } from '../delay-report/decide';
import type { DelayReportFiled } from '../delay-report/events';
import { emergency, preReport } from '../delay-report/testing';
import { at, snapshot } from '../test-fixtures';
import { DeciderSpecification } from '../testing';
import { delayIndexDecider, type DelayReportIndexed, type IndexDelayReport, indexedReportsFor, indexEntryOf } from './index';

describe('merchant report index (delay-index-{merchantId})', () => {
  const idx = DeciderSpecification.for(delayIndexDecider);
  const filedData = (cmd: FileDelayReport) => (delayReportDecider.decide(cmd, delayReportDecider.initialState())[0] as DelayReportFiled).data;
  const index = (cmd: FileDelayReport): IndexDelayReport => ({ type: 'IndexDelayReport', merchantId: 'm-1', entry: indexEntryOf(filedData(cmd)), now: cmd.now });
  const foldIndex = (events: DelayReportIndexed[]) => events.reduce(delayIndexDecider.evolve, delayIndexDecider.initialState());

  it('records one entry per report (kind, window or order), once', () => {
    const out = idx.given([]).when(index(preReport(0))).then([
      {
        type: 'DelayReportIndexed',
        data: { reportId: 'r-1', kind: 'PRE_REPORT', filedAt: at(0), windowStart: at(1), windowEnd: at(49), merchantId: 'm-1', indexedAt: at(0) },
      },
    ]);
    idx.given(out).when(index(preReport(0))).thenNothing();
    idx.given(out).when({ ...index(preReport(0)), merchantId: 'm-2' }).thenThrows('INVALID_INPUT');
  });
  it('names the reports that may bear on an order: pre-reports ending after placement, emergency reports for it', () => {
    const events = [
      ...delayIndexDecider.decide(index(preReport(-10, { reportId: 'early', windowStart: at(-9), windowEnd: at(-1) })), foldIndex([])),
    ];
    events.push(...delayIndexDecider.decide(index(preReport(-10, { reportId: 'covering', windowStart: at(-5), windowEnd: at(40) })), foldIndex(events)));
    events.push(...delayIndexDecider.decide(index(emergency(30)), foldIndex(events)));
    events.push(...delayIndexDecider.decide(index(emergency(30, snapshot({ orderId: 'o-2' }), { reportId: 'other-order' })), foldIndex(events)));
    const state = foldIndex(events);
    expect(indexedReportsFor(state, { orderId: 'o-1', placedAt: at(0) })).toEqual(['covering', 'r-2']);
    expect(indexedReportsFor(state, { orderId: 'o-2', placedAt: at(-2) })).toEqual(['early', 'covering', 'other-order']);
  });
});
