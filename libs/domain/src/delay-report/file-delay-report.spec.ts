/** Given/when/then specs: pre-report (预报备): filing, emergency report (紧急报备). */
import type { OrderSnapshot } from '../shared/types';
import { at, fact, snapshot, T0 } from '../test-fixtures';
import { delayReportDecider } from './decide';
import { emergencyReportCutoff } from './rules';
import { chat, emergency, ms, photo, play, preReport, reports, SHANGHAI } from './testing';

describe('pre-report (预报备): filing', () => {
  it('records reason, window, evidence and the 24 h review due time', () => {
    reports.given([]).when(preReport(0)).then([
      {
        type: 'DelayReportFiled',
        data: {
          reportId: 'r-1',
          kind: 'PRE_REPORT',
          merchantId: 'm-1',
          filedBy: 'u-merchant',
          filedAt: at(0),
          reviewDueAt: at(24),
          reason: 'WEATHER',
          note: 'typhoon warning',
          evidence: [photo],
          windowStart: at(1),
          windowEnd: at(49),
        },
      },
    ]);
  });
  it('a window without a start begins now', () => {
    reports.given([]).when(preReport(0, { windowStart: undefined })).thenMatches([{ data: { windowStart: at(0), windowEnd: at(49) } }]);
  });
  it('the window may start exactly now, not a millisecond earlier', () => {
    reports.given([]).when(preReport(0, { windowStart: at(0) })).thenMatches([{ type: 'DelayReportFiled' }]);
    reports.given([]).when(preReport(0, { windowStart: ms(at(0), -1) })).thenThrows('WINDOW_STARTS_IN_PAST', { windowStart: ms(at(0), -1), now: at(0) });
    reports.given([]).when(preReport(0, { windowStart: at(-24) })).thenThrows('WINDOW_STARTS_IN_PAST');
  });
  it('the window may end exactly 7 days ahead, not a millisecond later', () => {
    reports.given([]).when(preReport(0, { windowEnd: at(7 * 24) })).thenMatches([{ data: { windowEnd: at(168) } }]);
    reports.given([]).when(preReport(0, { windowEnd: ms(at(168), 1) })).thenThrows('WINDOW_TOO_FAR_AHEAD', { maxWindowEnd: at(168) });
    reports.given([]).when(preReport(0, { windowStart: at(100), windowEnd: at(200) })).thenThrows('WINDOW_TOO_FAR_AHEAD');
  });
  it('the window must end after it starts', () => {
    reports.given([]).when(preReport(0, { windowStart: at(5), windowEnd: at(5) })).thenThrows('INVALID_INPUT', { field: 'windowEnd' });
    reports.given([]).when(preReport(0, { windowStart: at(5), windowEnd: at(4) })).thenThrows('INVALID_INPUT', { field: 'windowEnd' });
  });
  it('needs a reason, evidence and a window end; refuses unknown reasons and emergency-only fields', () => {
    reports.given([]).when(preReport(0, { reason: undefined, evidence: [] })).thenThrows('PRECONDITIONS_NOT_MET', { missing: ['REASON', 'EVIDENCE'] });
    reports.given([]).when(preReport(0, { windowEnd: undefined })).thenThrows('PRECONDITIONS_NOT_MET', { missing: ['WINDOW_END'] });
    reports.given([]).when(preReport(0, { reason: 'BAD_LUCK' as never })).thenThrows('INVALID_INPUT', { field: 'reason' });
    reports.given([]).when(preReport(0, { promisedShipAt: at(30) })).thenThrows('INVALID_INPUT', { field: 'promisedShipAt' });
    reports.given([]).when(preReport(0, { order: snapshot() })).thenThrows('INVALID_INPUT');
    reports.given([]).when(preReport(0, { evidence: [{ kind: 'VIDEO' as never, ref: 'x' }] })).thenThrows('INVALID_INPUT');
  });
  it('every reason of the rules is accepted', () => {
    for (const reason of ['WEATHER', 'MAJOR_NATIONAL_EVENT', 'WAREHOUSE_MAINTENANCE', 'OTHER'] as const) {
      reports.given([]).when(preReport(0, { reason })).thenMatches([{ data: { reason } }]);
    }
  });
  it('a report id is filed once', () => {
    reports.given(play(delayReportDecider, preReport(0))).when(preReport(1)).thenThrows('DELAY_REPORT_ALREADY_EXISTS');
  });
});

describe('emergency report (紧急报备)', () => {
  it('records the order, its evidence, the promised ship date and the cut-off', () => {
    reports.given([]).when(emergency(30)).then([
      {
        type: 'DelayReportFiled',
        data: {
          reportId: 'r-2',
          kind: 'EMERGENCY_REPORT',
          merchantId: 'm-1',
          filedAt: at(30),
          reviewDueAt: at(54),
          evidence: [chat],
          orderId: 'o-1',
          orderPlacedAt: T0,
          orderClockStartsAt: T0,
          // placed Monday 2024-03-04 (week 10, Shanghai): cut-off at the end of Sunday 2024-03-17, Shanghai time
          cutoffAt: '2024-03-17T16:00:00.000Z',
          promisedShipAt: at(102),
          timezone: SHANGHAI,
        },
      },
    ]);
  });
  it.each(['CHAT_LOG', 'SMS', 'CALL_RECORD'] as const)('accepts %s as evidence', (kind) => {
    reports.given([]).when(emergency(30, snapshot(), { evidence: [{ kind, ref: 'oss://x' }] })).thenMatches([{ type: 'DelayReportFiled' }]);
  });
  it('needs a chat log, SMS or call record, and the promised ship date', () => {
    reports
      .given([])
      .when(emergency(30, snapshot(), { evidence: [photo], promisedShipAt: undefined }))
      .thenThrows('PRECONDITIONS_NOT_MET', { missing: ['PROMISED_SHIP_AT', 'EVIDENCE:CHAT_LOG|SMS|CALL_RECORD'] });
    reports.given([]).when(emergency(30, snapshot(), { evidence: [photo, chat] })).thenMatches([{ type: 'DelayReportFiled' }]);
    reports.given([]).when(emergency(30, snapshot(), { promisedShipAt: at(-1) })).thenThrows('INVALID_INPUT', { field: 'promisedShipAt' });
  });
  it("refuses another merchant's order as not found, and pre-report fields", () => {
    reports.given([]).when(emergency(30, snapshot({ merchantId: 'm-2' }))).thenThrows('ORDER_NOT_FOUND');
    reports.given([]).when(emergency(30, snapshot(), { windowEnd: at(40) })).thenThrows('INVALID_INPUT');
    reports.given([]).when(emergency(30, undefined as never, { order: undefined })).thenThrows('INVALID_INPUT');
  });
  it.each([
    ['a presale order', snapshot({ orderKind: 'PRESALE' }), ['ORDER_KIND_PRESALE']],
    ['a LOC order', snapshot({ orderKind: 'LOC' }), ['ORDER_KIND_LOC']],
    ['a custom order', snapshot({ orderKind: 'CUSTOM' }), ['ORDER_KIND_CUSTOM']],
    ['a locked order', snapshot({}, [fact('LOCKED', 5)]), ['ORDER_LOCKED']],
    ['an invalidated order', snapshot({}, [fact('INVALIDATED', 5)]), ['ORDER_INVALIDATED']],
    ['a post-office remittance', snapshot({ paymentMethod: 'POST_OFFICE_REMITTANCE' }), ['PAYMENT_POST_OFFICE_REMITTANCE']],
    ['a company transfer', snapshot({ paymentMethod: 'COMPANY_TRANSFER' }), ['PAYMENT_COMPANY_TRANSFER']],
  ])('refuses %s: not assessed, needs no report', (_label, order, reasons) => {
    const err = reports.given([]).when(emergency(30, order)).thenThrows('ORDER_NOT_ASSESSED', { orderId: 'o-1', notAssessedReasons: reasons });
    expect(err.message).toContain('needs no delay report');
  });

  describe('the Sunday cut-off, in the business timezone', () => {
    // Sunday 2024-03-10 23:30 in Shanghai = 15:30 UTC (week 10 in Shanghai); 30 min later it is Monday in
    // Shanghai (week 11) although still Sunday in UTC.
    const sundayNight = snapshot({ placedAt: '2024-03-10T15:30:00.000Z' }, []);
    const mondayJustAfterMidnight = snapshot({ placedAt: '2024-03-10T16:00:00.000Z' }, []);
    const fileAt = (order: OrderSnapshot, now: string, timezone = SHANGHAI) =>
      emergency(0, { ...order, facts: [{ seq: 0, type: 'PAID', occurredAt: order.placedAt }] }, { now, promisedShipAt: '2024-03-20T00:00:00.000Z', timezone });
    it('computes the end of the following Sunday from the week of placement', () => {
      expect(emergencyReportCutoff('2024-03-10T15:30:00.000Z', SHANGHAI)).toBe('2024-03-17T16:00:00.000Z');
      expect(emergencyReportCutoff('2024-03-10T16:00:00.000Z', SHANGHAI)).toBe('2024-03-24T16:00:00.000Z');
      expect(emergencyReportCutoff('2024-03-10T15:30:00.000Z', 'UTC')).toBe('2024-03-18T00:00:00.000Z');
      expect(emergencyReportCutoff(T0, SHANGHAI)).toBe('2024-03-17T16:00:00.000Z');
    });
    it('accepts a report up to the last millisecond of that Sunday, refuses one at midnight', () => {
      reports.given([]).when(fileAt(sundayNight, '2024-03-17T15:59:59.999Z')).thenMatches([{ data: { cutoffAt: '2024-03-17T16:00:00.000Z' } }]);
      reports
        .given([])
        .when(fileAt(sundayNight, '2024-03-17T16:00:00.000Z'))
        .thenThrows('EMERGENCY_REPORT_TOO_LATE', { cutoffAt: '2024-03-17T16:00:00.000Z', timezone: SHANGHAI, placedAt: '2024-03-10T15:30:00.000Z' });
    });
    it('an order placed 30 minutes later falls in the next Shanghai week and gets a week more', () => {
      reports.given([]).when(fileAt(mondayJustAfterMidnight, '2024-03-17T16:00:00.000Z')).thenMatches([{ data: { cutoffAt: '2024-03-24T16:00:00.000Z' } }]);
      reports.given([]).when(fileAt(mondayJustAfterMidnight, '2024-03-24T16:00:00.000Z')).thenThrows('EMERGENCY_REPORT_TOO_LATE');
    });
    it('the same instant counted in UTC gives a later cut-off', () => {
      reports.given([]).when(fileAt(sundayNight, '2024-03-17T16:00:00.000Z', 'UTC')).thenMatches([{ data: { cutoffAt: '2024-03-18T00:00:00.000Z', timezone: 'UTC' } }]);
    });
  });
});
