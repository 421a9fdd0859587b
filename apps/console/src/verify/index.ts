/**
 * The console's in-browser verifier: the service's own algorithms (`@app/audit/pure`: the event store's hashed
 * fields and RFC 8785 form, the RFC 6962/9162 path walk, the checkpoint text and signature check, the chain
 * rules) bound to @noble's SHA-256 and Ed25519 (./crypto.ts). Nothing here trusts an answer of the service
 * about validity: the page downloads the events, the checkpoint and the proof and does the mathematics itself,
 * with the Ed25519 public key the auditor pinned.
 */
import {
  eventHashOf,
  keyIdOf,
  parseRawPublicKey,
  StreamChainVerifier,
  verifyCheckpoint,
  verifyInclusionBundle,
  verifyStreamChain,
  type ChainEvent,
  type ChainVerifyResult,
  type Checkpoint,
  type CheckpointVerification,
  type HashableEvent,
  type InclusionProof,
  type VerificationReport,
} from '@app/audit/pure';
import { BROWSER_CRYPTO } from './crypto';

export type { ChainVerifyResult, Checkpoint, InclusionProof, VerificationReport } from '@app/audit/pure';

/** An event as GET /streams/{stream} answers it. */
export interface RawEvent extends ChainEvent {
  position?: string;
}

export function computeEventHash(e: HashableEvent): string {
  return eventHashOf(BROWSER_CRYPTO.sha256, e);
}

/** Incremental: push events in revision order, then finish(). */
export function chainVerifier(stream?: string): StreamChainVerifier {
  return new StreamChainVerifier(computeEventHash, { stream });
}

export function verifyChain(events: readonly RawEvent[], stream?: string): ChainVerifyResult {
  return verifyStreamChain(computeEventHash, events, { stream });
}

/** The pinned key as pasted (raw base64 or hex, SPKI base64 or PEM) → its 32 bytes. */
export const parsePublicKey = parseRawPublicKey;

export function keyIdOfKey(publicKey: Uint8Array): string {
  return keyIdOf(BROWSER_CRYPTO.sha256, publicKey);
}

export function checkCheckpoint(cp: Checkpoint, publicKey: Uint8Array): CheckpointVerification {
  return verifyCheckpoint(BROWSER_CRYPTO, cp, publicKey);
}

/**
 * The checkpoint's signature against the pinned key, the event's content against its hash, the proof against
 * the event, and the inclusion path against the signed root, step by step; stops at the first failure.
 */
export function verifyInclusion(input: { checkpoint: Checkpoint; proof: InclusionProof; event: RawEvent; publicKey: Uint8Array }): VerificationReport {
  return verifyInclusionBundle(BROWSER_CRYPTO, { checkpoint: input.checkpoint, proof: input.proof, event: input.event, publicKeys: [input.publicKey] });
}
