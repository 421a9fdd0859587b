/**
 * Client-side verification of what the audit endpoints return, trusting only pinned public keys and
 * (for consistency) the old checkpoint the auditor kept. Pure: inputs are parsed JSON values, the hash and
 * signature primitives are given (`AuditCrypto`), public keys are raw 32-byte Ed25519 keys. The one
 * implementation: ../proof-verify.ts binds it to node:crypto (the verifier CLI), the console to @noble.
 */
import { fromHex, toHex, type AuditCrypto } from './bytes';
import { verifyCheckpoint, type Checkpoint } from './checkpoint';
import { eventHashOf, eventLeafHashOf } from './event';
import { ProofError, checkConsistency, rootFromInclusionProof } from './merkle';
import { ProofFormatError, parseCheckpoint, parseConsistencyProof, parseEvent, parseInclusionProof } from './proof-format';

export interface VerificationStep {
  check: string;
  ok: boolean;
  detail: string;
}

export interface VerificationReport {
  valid: boolean;
  /** One line: "VALID: …" or "INVALID: …". */
  summary: string;
  steps: VerificationStep[];
}

class Failed extends Error {}

class Steps {
  readonly steps: VerificationStep[] = [];
  ok(check: string, detail: string): void {
    this.steps.push({ check, ok: true, detail });
  }
  fail(check: string, detail: string): never {
    this.steps.push({ check, ok: false, detail });
    throw new Failed(detail);
  }
  /** Runs a parser; a format error fails the step. */
  parse<T>(check: string, fn: () => T, detail: (v: T) => string): T {
    try {
      const v = fn();
      this.ok(check, detail(v));
      return v;
    } catch (e) {
      if (e instanceof ProofFormatError) this.fail(check, e.message);
      throw e;
    }
  }
  report(run: () => string): VerificationReport {
    try {
      const summary = run();
      return { valid: true, summary: `VALID: ${summary}`, steps: this.steps };
    } catch (e) {
      if (e instanceof Failed) return { valid: false, summary: `INVALID: ${e.message}`, steps: this.steps };
      throw e;
    }
  }
}

function checkSignature(crypto: AuditCrypto, s: Steps, check: string, value: unknown, keys: readonly Uint8Array[], origin?: string): Checkpoint {
  const label = check.replace(/-/g, ' ');
  let cp: Checkpoint;
  try {
    cp = parseCheckpoint(value);
  } catch (e) {
    if (e instanceof ProofFormatError) s.fail(check, `${label}: ${e.message}`);
    throw e;
  }
  const v = verifyCheckpoint(crypto, cp, keys, { origin });
  if (!v.valid) s.fail(check, `${label}: ${v.reason}`);
  s.ok(check, `size ${cp.size}, root ${cp.root}, issued ${cp.issuedAt}, signed by pinned key ${v.keyId}`);
  return cp;
}

export interface InclusionBundle {
  /** A checkpoint (parsed JSON) whose size is the proof's tree size. */
  checkpoint: unknown;
  proof: unknown;
  /** The full event (as exported). Without it, only the (stream, revision, eventId, eventHash) identity is proven. */
  event?: unknown;
  /** Pinned raw 32-byte Ed25519 public keys. */
  publicKeys: readonly Uint8Array[];
  origin?: string;
}

/** Verifies: the checkpoint's signature, that the event's content matches its hash, and that its leaf is in the signed tree. */
export function verifyInclusionBundle(crypto: AuditCrypto, input: InclusionBundle): VerificationReport {
  const s = new Steps();
  return s.report(() => {
    const cp = checkSignature(crypto, s, 'checkpoint-signature', input.checkpoint, input.publicKeys, input.origin);
    const proof = s.parse('proof-format', () => parseInclusionProof(input.proof), (p) => `leaf ${p.leafIndex} of ${p.treeSize}, ${p.path.length} path hashes`);
    if (proof.treeSize !== cp.size) s.fail('tree-size', `the proof is for tree size ${proof.treeSize}, the checkpoint is for size ${cp.size}`);
    s.ok('tree-size', `proof and checkpoint are both for size ${cp.size}`);

    let identity = { stream: proof.stream, revision: proof.revision, eventId: proof.eventId, hash: proof.eventHash };
    if (input.event !== undefined) {
      const event = s.parse('event-format', () => parseEvent(input.event), (e) => `event ${e.eventId} (stream ${e.stream}, revision ${e.revision})`);
      const recomputed = eventHashOf(crypto.sha256, event);
      if (recomputed !== event.hash) s.fail('event-hash', `the event's content hashes to ${recomputed}, but its stored hash is ${event.hash}: the event was altered`);
      s.ok('event-hash', `the event's content hashes to its stored hash ${event.hash}`);
      const mismatch: string[] = (['stream', 'revision', 'eventId'] as const).filter((k) => event[k] !== proof[k]);
      if (event.hash !== proof.eventHash) mismatch.push('eventHash');
      if (mismatch.length > 0) s.fail('event-identity', `the proof is for another event (differs in ${mismatch.join(', ')})`);
      s.ok('event-identity', 'the proof is for this event');
      identity = { stream: event.stream, revision: event.revision, eventId: event.eventId, hash: event.hash };
    } else {
      s.ok('event-content', 'no event given: proves only that (stream, revision, eventId, eventHash) is in the log');
    }

    const leaf = eventLeafHashOf(crypto.sha256, identity);
    if (toHex(leaf) !== proof.leafHash) s.fail('leaf-hash', `the leaf hash recomputes to ${toHex(leaf)}, the server sent ${proof.leafHash}`);
    s.ok('leaf-hash', `leaf hash ${proof.leafHash}`);
    let root: Uint8Array;
    try {
      root = rootFromInclusionProof(crypto.sha256, proof.leafIndex, proof.treeSize, leaf, proof.path.map(fromHex));
    } catch (e) {
      if (e instanceof ProofError) s.fail('inclusion', `inclusion proof rejected: ${e.message}`);
      throw e;
    }
    if (toHex(root) !== cp.root) s.fail('inclusion', `the inclusion path leads to root ${toHex(root)}, the signed root is ${cp.root}`);
    s.ok('inclusion', `leaf ${proof.leafIndex} is in the signed tree of size ${cp.size}`);
    return `event ${identity.eventId} (stream ${identity.stream}, revision ${identity.revision}) is leaf ${proof.leafIndex} of the log of size ${cp.size} signed at ${cp.issuedAt}`;
  });
}

export interface ConsistencyBundle {
  /** The checkpoint the auditor kept. */
  oldCheckpoint: unknown;
  newCheckpoint: unknown;
  proof: unknown;
  /** Pinned raw 32-byte Ed25519 public keys. */
  publicKeys: readonly Uint8Array[];
  origin?: string;
}

/** Verifies both checkpoints' signatures and that the old tree is a prefix of the new one (the log only grew). */
export function verifyConsistencyBundle(crypto: AuditCrypto, input: ConsistencyBundle): VerificationReport {
  const s = new Steps();
  return s.report(() => {
    const oldCp = checkSignature(crypto, s, 'old-checkpoint-signature', input.oldCheckpoint, input.publicKeys, input.origin);
    const newCp = checkSignature(crypto, s, 'new-checkpoint-signature', input.newCheckpoint, input.publicKeys, input.origin);
    const proof = s.parse('proof-format', () => parseConsistencyProof(input.proof), (p) => `${p.fromSize} → ${p.toSize}, ${p.path.length} path hashes`);
    if (newCp.size < oldCp.size) s.fail('sizes', `the new checkpoint has size ${newCp.size}, smaller than the old ${oldCp.size}: the log shrank`);
    if (proof.fromSize !== oldCp.size || proof.toSize !== newCp.size) {
      s.fail('sizes', `the proof is for ${proof.fromSize} → ${proof.toSize}, the checkpoints are ${oldCp.size} → ${newCp.size}`);
    }
    s.ok('sizes', `${oldCp.size} → ${newCp.size}`);
    try {
      checkConsistency(crypto.sha256, oldCp.size, newCp.size, fromHex(oldCp.root), fromHex(newCp.root), proof.path.map(fromHex));
    } catch (e) {
      if (e instanceof ProofError) s.fail('consistency', `consistency proof rejected: ${e.message}`);
      throw e;
    }
    s.ok('consistency', `the tree of size ${oldCp.size} is a prefix of the tree of size ${newCp.size}`);
    return `the log only grew: size ${oldCp.size} (root ${oldCp.root}, ${oldCp.issuedAt}) is a prefix of size ${newCp.size} (root ${newCp.root}, ${newCp.issuedAt})`;
  });
}
