/**
 * Client-side verification of what the audit endpoints return, trusting only pinned public keys and
 * (for consistency) the old checkpoint the auditor kept. Pure: inputs are parsed JSON values.
 */
import type { KeyObject } from 'node:crypto';
import { verifyCheckpoint, type Checkpoint } from './checkpoint';
import { computeEventHash } from './event-hash';
import { eventLeafHash } from './event-leaf';
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

function checkSignature(s: Steps, check: string, value: unknown, keys: readonly KeyObject[], origin?: string): Checkpoint {
  const label = check.replace(/-/g, ' ');
  let cp: Checkpoint;
  try {
    cp = parseCheckpoint(value);
  } catch (e) {
    if (e instanceof ProofFormatError) s.fail(check, `${label}: ${e.message}`);
    throw e;
  }
  const v = verifyCheckpoint(cp, keys, { origin });
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
  publicKeys: readonly KeyObject[];
  origin?: string;
}

/** Verifies: the checkpoint's signature, that the event's content matches its hash, and that its leaf is in the signed tree. */
export function verifyInclusionBundle(input: InclusionBundle): VerificationReport {
  const s = new Steps();
  return s.report(() => {
    const cp = checkSignature(s, 'checkpoint-signature', input.checkpoint, input.publicKeys, input.origin);
    const proof = s.parse('proof-format', () => parseInclusionProof(input.proof), (p) => `leaf ${p.leafIndex} of ${p.treeSize}, ${p.path.length} path hashes`);
    if (proof.treeSize !== cp.size) s.fail('tree-size', `the proof is for tree size ${proof.treeSize}, the checkpoint is for size ${cp.size}`);
    s.ok('tree-size', `proof and checkpoint are both for size ${cp.size}`);

    let identity = { stream: proof.stream, revision: proof.revision, eventId: proof.eventId, hash: proof.eventHash };
    if (input.event !== undefined) {
      const event = s.parse('event-format', () => parseEvent(input.event), (e) => `event ${e.eventId} (stream ${e.stream}, revision ${e.revision})`);
      const recomputed = computeEventHash(event);
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

    const leaf = eventLeafHash(identity);
    if (leaf.toString('hex') !== proof.leafHash) s.fail('leaf-hash', `the leaf hash recomputes to ${leaf.toString('hex')}, the server sent ${proof.leafHash}`);
    s.ok('leaf-hash', `leaf hash ${proof.leafHash}`);
    let root: Buffer;
    try {
      root = rootFromInclusionProof(proof.leafIndex, proof.treeSize, leaf, proof.path.map((h) => Buffer.from(h, 'hex')));
    } catch (e) {
      if (e instanceof ProofError) s.fail('inclusion', `inclusion proof rejected: ${e.message}`);
      throw e;
    }
    if (root.toString('hex') !== cp.root) s.fail('inclusion', `the inclusion path leads to root ${root.toString('hex')}, the signed root is ${cp.root}`);
    s.ok('inclusion', `leaf ${proof.leafIndex} is in the signed tree of size ${cp.size}`);
    return `event ${identity.eventId} (stream ${identity.stream}, revision ${identity.revision}) is leaf ${proof.leafIndex} of the log of size ${cp.size} signed at ${cp.issuedAt}`;
  });
}

export interface ConsistencyBundle {
  /** The checkpoint the auditor kept. */
  oldCheckpoint: unknown;
  newCheckpoint: unknown;
  proof: unknown;
  publicKeys: readonly KeyObject[];
  origin?: string;
}

/** Verifies both checkpoints' signatures and that the old tree is a prefix of the new one (the log only grew). */
export function verifyConsistencyBundle(input: ConsistencyBundle): VerificationReport {
  const s = new Steps();
  return s.report(() => {
    const oldCp = checkSignature(s, 'old-checkpoint-signature', input.oldCheckpoint, input.publicKeys, input.origin);
    const newCp = checkSignature(s, 'new-checkpoint-signature', input.newCheckpoint, input.publicKeys, input.origin);
    const proof = s.parse('proof-format', () => parseConsistencyProof(input.proof), (p) => `${p.fromSize} → ${p.toSize}, ${p.path.length} path hashes`);
    if (newCp.size < oldCp.size) s.fail('sizes', `the new checkpoint has size ${newCp.size}, smaller than the old ${oldCp.size}: the log shrank`);
    if (proof.fromSize !== oldCp.size || proof.toSize !== newCp.size) {
      s.fail('sizes', `the proof is for ${proof.fromSize} → ${proof.toSize}, the checkpoints are ${oldCp.size} → ${newCp.size}`);
    }
    s.ok('sizes', `${oldCp.size} → ${newCp.size}`);
    try {
      checkConsistency(oldCp.size, newCp.size, Buffer.from(oldCp.root, 'hex'), Buffer.from(newCp.root, 'hex'), proof.path.map((h) => Buffer.from(h, 'hex')));
    } catch (e) {
      if (e instanceof ProofError) s.fail('consistency', `consistency proof rejected: ${e.message}`);
      throw e;
    }
    s.ok('consistency', `the tree of size ${oldCp.size} is a prefix of the tree of size ${newCp.size}`);
    return `the log only grew: size ${oldCp.size} (root ${oldCp.root}, ${oldCp.issuedAt}) is a prefix of size ${newCp.size} (root ${newCp.root}, ${newCp.issuedAt})`;
  });
}
