import { delayCardStream, delayReportStream, toDelayCardView, toDelayReportView, type DelayCardState, type DelayCardView, type DelayReportState, type DelayReportView } from '@app/domain';

export type DelayReportResponse = DelayReportView & { revision: number; stream: string };
export type DelayCardResponse = DelayCardView & { answerable: boolean; revision: number; stream: string };

/** A report as the API answers it: its view, revision and stream. */
export function delayReportResponse(state: DelayReportState, revision: number | null): DelayReportResponse {
  return { ...toDelayReportView(state), revision: revision ?? -1, stream: delayReportStream(state.reportId) };
}

/** A card as the API answers it: its view, whether it can still be answered now, revision and stream. */
export function delayCardResponse(state: DelayCardState, revision: number | null, now = new Date().toISOString()): DelayCardResponse {
  return {
    ...toDelayCardView(state),
    answerable: state.status === 'PENDING' && Date.parse(now) <= Date.parse(state.expiresAt!),
    revision: revision ?? -1,
    stream: delayCardStream(state.orderId),
  };
}
