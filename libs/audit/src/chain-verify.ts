/**
 * Per-stream hash-chain verification with the event store's own event hash (node:crypto): the implementation
 * is pure/chain-verify.ts (also the browser's), bound here to computeEventHash. See there for the rules.
 */
import { computeEventHash } from './event-hash';
import {
  AllStreamsVerifier as PureAllStreamsVerifier,
  StreamChainVerifier as PureStreamChainVerifier,
  verifyStreamChain as pureVerifyStreamChain,
  type ChainEvent,
  type ChainVerifyOptions,
  type ChainVerifyResult,
  type StreamHead,
} from './pure/chain-verify';

export type { AllStreamsSummary, ChainBreakReason, ChainEvent, ChainVerifyOptions, ChainVerifyResult, StreamBreak, StreamHead } from './pure/chain-verify';

/** Incremental verifier: push events in revision order (e.g. page by page), then finish(). */
export class StreamChainVerifier extends PureStreamChainVerifier {
  constructor(opts: ChainVerifyOptions = {}) {
    super(computeEventHash, opts);
  }
}

/**
 * Recomputes a stream's chain (events in the order they were read, normally by revision) and reports
 * the first revision where content, order or linkage no longer matches.
 */
export function verifyStreamChain(events: readonly ChainEvent[], opts: ChainVerifyOptions = {}): ChainVerifyResult {
  return pureVerifyStreamChain(computeEventHash, events, opts);
}

/** Verifies every stream's chain from events in global order (see pure/chain-verify.ts). */
export class AllStreamsVerifier extends PureAllStreamsVerifier {
  constructor(opts: { expectedHeads?: ReadonlyMap<string, StreamHead>; exactHeads?: boolean } = {}) {
    super(computeEventHash, opts);
  }
}
