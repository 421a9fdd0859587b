/** The delay report's decide: filing, withdrawal, review and the overdue flag. */
import type { Decider } from '../decider';
import { DomainError, invalidInput } from '../errors';
import { optionalText } from '../shared/input';
import { compact, iso, toMs } from '../shared/time';
import type { DelayReportCommand } from './commands';
import type { DelayReportEvent } from './events';
import { fileReport } from './file-delay-report';
import { type DelayReportState, evolveDelayReport, initialDelayReportState, requirePending, requireReport } from './state';

export function decideDelayReport(command: DelayReportCommand, state: DelayReportState): DelayReportEvent[] {
  switch (command.type) {
    case 'FileDelayReport':
      return fileReport(command, state);
    case 'WithdrawDelayReport': {
      requireReport(state);
      const nowMs = toMs(command.now, 'now');
      if (command.merchantId !== state.merchantId) throw new DomainError('DELAY_REPORT_NOT_FOUND', 'Delay report not found');
      requirePending(state, 'withdrawn');
      return [{ type: 'DelayReportWithdrawn', data: { reportId: state.reportId, withdrawnAt: iso(nowMs) } }];
    }
    case 'ReviewDelayReport': {
      requireReport(state);
      const nowMs = toMs(command.now, 'now');
      if (typeof command.approved !== 'boolean') throw invalidInput('approved must be a boolean', { field: 'approved' });
      const reason = optionalText(command.reason, 'reason');
      if (!command.approved && (reason === undefined || reason.trim() === '')) {
        throw invalidInput('A rejection must give the reason', { field: 'reason' });
      }
      requirePending(state, 'reviewed');
      return [
        {
          type: 'DelayReportReviewed',
          data: compact({
            reportId: state.reportId,
            decision: command.approved ? ('APPROVED' as const) : ('REJECTED' as const),
            reason: reason === undefined || reason.trim() === '' ? undefined : reason,
            reviewedBy: command.reviewer,
            reviewedAt: iso(nowMs),
          }),
        },
      ];
    }
    case 'FlagDelayReportOverdue': {
      requireReport(state);
      const nowMs = toMs(command.now, 'now');
      if (state.status !== 'PENDING' || state.overdue || nowMs < Date.parse(state.reviewDueAt!)) return [];
      return [{ type: 'DelayReportReviewOverdue', data: { reportId: state.reportId, reviewDueAt: state.reviewDueAt!, flaggedAt: iso(nowMs) } }];
    }
    default:
      throw invalidInput(`Unknown delay report command ${(command as { type?: unknown }).type as string}`);
  }
}

export const delayReportDecider: Decider<DelayReportCommand, DelayReportEvent, DelayReportState> = {
  decide: decideDelayReport,
  evolve: evolveDelayReport,
  initialState: initialDelayReportState,
};


/**
 * Stream `delay-index-{merchantId}`: one `DelayReportIndexed` per report the merchant filed, so the reports
 * bearing on an order can be found by reading streams (consistent), without waiting for a read model. The
 * app appends the entry just before the report itself (after the same FileDelayReport was decided on an
 * empty report); an entry whose report stream does not exist (a crash in between) is ignored by readers.
 */
