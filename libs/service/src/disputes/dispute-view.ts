import { disputeStream, toDisputeView, type DisputeState, type DisputeView } from '@app/domain';

/** A dispute as the API answers it: the domain view plus the stream's revision and name. */
export type DisputeResponse = DisputeView & { revision: number; stream: string };

export function disputeResponse(state: DisputeState, revision: number | null, now = new Date().toISOString()): DisputeResponse {
  return { ...toDisputeView(state, now), revision: revision ?? -1, stream: disputeStream(state.disputeId) };
}
