/**
 * Client-side verification of what the audit endpoints return, trusting only pinned public keys and
 * (for consistency) the old checkpoint the auditor kept: pure/proof-verify.ts (the browser's too), bound to
 * node:crypto and KeyObjects for the verifier CLI.
 */
import type { KeyObject } from 'node:crypto';
import { rawPublicKey } from './checkpoint';
import { NODE_CRYPTO } from './node-crypto';
import * as pure from './pure/proof-verify';
import type { VerificationReport } from './pure/proof-verify';

export type { VerificationReport, VerificationStep } from './pure/proof-verify';

export interface InclusionBundle extends Omit<pure.InclusionBundle, 'publicKeys'> {
  publicKeys: readonly KeyObject[];
}

export interface ConsistencyBundle extends Omit<pure.ConsistencyBundle, 'publicKeys'> {
  publicKeys: readonly KeyObject[];
}

/** Verifies: the checkpoint's signature, that the event's content matches its hash, and that its leaf is in the signed tree. */
export function verifyInclusionBundle(input: InclusionBundle): VerificationReport {
  return pure.verifyInclusionBundle(NODE_CRYPTO, { ...input, publicKeys: input.publicKeys.map(rawPublicKey) });
}

/** Verifies both checkpoints' signatures and that the old tree is a prefix of the new one (the log only grew). */
export function verifyConsistencyBundle(input: ConsistencyBundle): VerificationReport {
  return pure.verifyConsistencyBundle(NODE_CRYPTO, { ...input, publicKeys: input.publicKeys.map(rawPublicKey) });
}
