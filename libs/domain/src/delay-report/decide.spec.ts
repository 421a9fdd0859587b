/** Given/when/then specs: delay report: withdrawal, delay report: platform review, delay report: unreviewed after 24 h is flagged overdue. */
import { HOUR_MS } from '../shared/time';
import { at } from '../test-fixtures';
import type { DelayReportCommand } from './commands';
import { delayReportDecider } from './decide';
import { foldReport, ms, play, preReport, reports } from './testing';
import { toDelayReportView } from './view';

describe('delay report: withdrawal', () => {
  const filed = play(delayReportDecider, preReport(0));
  const withdraw = (hours: number, merchantId = 'm-1'): DelayReportCommand => ({ type: 'WithdrawDelayReport', merchantId, now: at(hours) });
  const review = (hours: number, approved: boolean, reason?: string): DelayReportCommand => ({ type: 'ReviewDelayReport', approved, reason, reviewer: 'u-platform', now: at(hours) });
  it('the merchant withdraws a pending report', () => {
    const out = reports.given(filed).when(withdraw(2)).then([{ type: 'DelayReportWithdrawn', data: { reportId: 'r-1', withdrawnAt: at(2) } }]);
    expect(toDelayReportView(foldReport([...filed, ...out])).status).toBe('WITHDRAWN');
  });
  it('not after the review, not twice', () => {
    reports.given([...filed, ...delayReportDecider.decide(review(3, true), foldReport(filed))]).when(withdraw(4)).thenThrows('DELAY_REPORT_NOT_PENDING', { reportStatus: 'APPROVED' });
    reports.given(play(delayReportDecider, preReport(0), withdraw(1))).when(withdraw(2)).thenThrows('DELAY_REPORT_NOT_PENDING', { reportStatus: 'WITHDRAWN' });
  });
  it('a withdrawn report cannot be reviewed', () => {
    reports.given(play(delayReportDecider, preReport(0), withdraw(1))).when(review(2, true)).thenThrows('DELAY_REPORT_NOT_PENDING');
  });
  it("another merchant's or an unknown report is not found", () => {
    reports.given(filed).when(withdraw(2, 'm-2')).thenThrows('DELAY_REPORT_NOT_FOUND');
    reports.given([]).when(withdraw(2)).thenThrows('DELAY_REPORT_NOT_FOUND');
  });
  it('an overdue-flagged report can still be withdrawn', () => {
    const flagged = play(delayReportDecider, preReport(0), { type: 'FlagDelayReportOverdue', now: at(25) });
    reports.given(flagged).when(withdraw(26)).thenMatches([{ type: 'DelayReportWithdrawn' }]);
  });
});

describe('delay report: platform review', () => {
  const filed = play(delayReportDecider, preReport(0));
  it('approves (with an optional note) or rejects with a reason', () => {
    reports
      .given(filed)
      .when({ type: 'ReviewDelayReport', approved: true, reviewer: 'u-platform', now: at(3) })
      .then([{ type: 'DelayReportReviewed', data: { reportId: 'r-1', decision: 'APPROVED', reviewedBy: 'u-platform', reviewedAt: at(3) } }]);
    const out = reports
      .given(filed)
      .when({ type: 'ReviewDelayReport', approved: false, reason: 'No weather warning on record', reviewer: 'u-platform', now: at(3) })
      .thenMatches([{ data: { decision: 'REJECTED', reason: 'No weather warning on record' } }]);
    expect(toDelayReportView(foldReport([...filed, ...out]))).toMatchObject({ status: 'REJECTED', review: { decision: 'REJECTED', reason: 'No weather warning on record' } });
  });
  it('a rejection without a reason is refused', () => {
    reports.given(filed).when({ type: 'ReviewDelayReport', approved: false, now: at(3) }).thenThrows('INVALID_INPUT', { field: 'reason' });
    reports.given(filed).when({ type: 'ReviewDelayReport', approved: false, reason: '  ', now: at(3) }).thenThrows('INVALID_INPUT', { field: 'reason' });
  });
  it('is reviewed once', () => {
    const approved = play(delayReportDecider, preReport(0), { type: 'ReviewDelayReport', approved: true, now: at(3) });
    reports.given(approved).when({ type: 'ReviewDelayReport', approved: false, reason: 'changed my mind', now: at(4) }).thenThrows('DELAY_REPORT_NOT_PENDING', { reportStatus: 'APPROVED' });
  });
  it('an unknown report is not found', () => {
    reports.given([]).when({ type: 'ReviewDelayReport', approved: true, now: at(3) }).thenThrows('DELAY_REPORT_NOT_FOUND');
  });
});

describe('delay report: unreviewed after 24 h is flagged overdue', () => {
  const filed = play(delayReportDecider, preReport(0));
  const flag = (hours: number, delta = 0): DelayReportCommand => ({ type: 'FlagDelayReportOverdue', now: ms(at(hours), delta) });
  it('not before the review due time; at it, once', () => {
    reports.given(filed).when(flag(24, -1)).thenNothing();
    const out = reports.given(filed).when(flag(24)).then([{ type: 'DelayReportReviewOverdue', data: { reportId: 'r-1', reviewDueAt: at(24), flaggedAt: at(24) } }]);
    reports.given([...filed, ...out]).when(flag(30)).thenNothing();
    expect(toDelayReportView(foldReport([...filed, ...out]))).toMatchObject({ status: 'PENDING', overdue: true, overdueFlaggedAt: at(24) });
  });
  it('a reviewed or withdrawn report is never flagged', () => {
    reports.given(play(delayReportDecider, preReport(0), { type: 'ReviewDelayReport', approved: true, now: at(3) })).when(flag(30)).thenNothing();
    reports.given(play(delayReportDecider, preReport(0), { type: 'WithdrawDelayReport', merchantId: 'm-1', now: at(3) })).when(flag(30)).thenNothing();
  });
  it('a flagged report can still be reviewed', () => {
    reports
      .given(play(delayReportDecider, preReport(0), flag(25)))
      .when({ type: 'ReviewDelayReport', approved: true, now: at(26) })
      .thenMatches([{ type: 'DelayReportReviewed', data: { decision: 'APPROVED' } }]);
  });
  it('the review window may be set per command (recorded in the event)', () => {
    reports.given([]).when(preReport(0, { reviewWindowMs: 2 * HOUR_MS })).thenMatches([{ data: { reviewDueAt: at(2) } }]);
    reports.given([]).when(preReport(0, { reviewWindowMs: 0 })).thenThrows('INVALID_INPUT');
  });
});
