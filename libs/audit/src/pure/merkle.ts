/**
 * RFC 6962 / RFC 9162 Merkle hashing and proof verification, given a SHA-256 (no node:crypto at import):
 * the one implementation of the inclusion path walk (§2.1.3.2) and the consistency check (§2.1.4.2), used by
 * the service (../merkle.ts binds it to node:crypto) and by the console in the browser (with @noble/hashes).
 *
 *   leaf hash  = SHA-256(0x00 || leaf data)
 *   node hash  = SHA-256(0x01 || left || right)
 *
 * Sizes and indexes are JS numbers (safe integers, < 2^53); only arithmetic, no 32-bit bit operators.
 */
import { equalBytes, type Sha256 } from './bytes';

export const HASH_SIZE = 32;

export class ProofError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProofError';
  }
}

export function leafHashWith(sha256: Sha256, data: Uint8Array): Uint8Array {
  return sha256(Uint8Array.of(0x00), data);
}

export function nodeHashWith(sha256: Sha256, left: Uint8Array, right: Uint8Array): Uint8Array {
  return sha256(Uint8Array.of(0x01), left, right);
}

function checkHash(name: string, h: Uint8Array): void {
  if (!(h instanceof Uint8Array) || h.length !== HASH_SIZE) throw new ProofError(`${name} must be a ${HASH_SIZE}-byte hash`);
}

function isPowerOfTwo(n: number): boolean {
  if (n < 1) return false;
  while (n % 2 === 0) n /= 2;
  return n === 1;
}

/**
 * RFC 9162 §2.1.3.2: the root an inclusion path leads to. Throws {@link ProofError} when the path
 * has the wrong length for (leafIndex, treeSize) or malformed elements.
 */
export function rootFromInclusionProof(sha256: Sha256, leafIndex: number, treeSize: number, leaf: Uint8Array, path: readonly Uint8Array[]): Uint8Array {
  if (!Number.isSafeInteger(leafIndex) || !Number.isSafeInteger(treeSize) || leafIndex < 0 || treeSize < 0) throw new ProofError('bad index or size');
  if (leafIndex >= treeSize) throw new ProofError(`leaf index ${leafIndex} is not below tree size ${treeSize}`);
  checkHash('leaf hash', leaf);
  let fn = leafIndex;
  let sn = treeSize - 1;
  let r: Uint8Array = leaf;
  for (const [i, p] of path.entries()) {
    checkHash(`path[${i}]`, p);
    if (sn === 0) throw new ProofError('inclusion path is too long');
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHashWith(sha256, p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn /= 2;
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = nodeHashWith(sha256, r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  if (sn !== 0) throw new ProofError('inclusion path is too short');
  return r;
}

/** True iff `path` proves that `leaf` is leaf number `leafIndex` of the tree of size `treeSize` with `root`. */
export function verifyInclusion(sha256: Sha256, leafIndex: number, treeSize: number, leaf: Uint8Array, path: readonly Uint8Array[], root: Uint8Array): boolean {
  try {
    checkHash('root', root);
    return equalBytes(rootFromInclusionProof(sha256, leafIndex, treeSize, leaf, path), root);
  } catch (e) {
    if (e instanceof ProofError) return false;
    throw e;
  }
}

/**
 * RFC 9162 §2.1.4.2, plus the trivial cases: oldSize = newSize needs an empty proof and equal roots;
 * oldSize = 0 needs an empty proof (every tree extends the empty one).
 * Throws {@link ProofError} with the reason; see {@link verifyConsistency} for a boolean.
 */
export function checkConsistency(sha256: Sha256, oldSize: number, newSize: number, oldRoot: Uint8Array, newRoot: Uint8Array, path: readonly Uint8Array[]): void {
  if (!Number.isSafeInteger(oldSize) || !Number.isSafeInteger(newSize) || oldSize < 0 || newSize < 0) throw new ProofError('bad sizes');
  if (oldSize > newSize) throw new ProofError(`old size ${oldSize} is larger than new size ${newSize}: the log shrank`);
  checkHash('old root', oldRoot);
  checkHash('new root', newRoot);
  if (oldSize === newSize) {
    if (path.length !== 0) throw new ProofError('proof between equal sizes must be empty');
    if (!equalBytes(oldRoot, newRoot)) throw new ProofError('same size but different roots: the log was rewritten');
    return;
  }
  if (oldSize === 0) {
    if (path.length !== 0) throw new ProofError('proof from the empty tree must be empty');
    return;
  }
  if (path.length === 0) throw new ProofError('empty consistency proof');
  path.forEach((p, i) => checkHash(`path[${i}]`, p));

  const proof = isPowerOfTwo(oldSize) ? [oldRoot, ...path] : [...path];
  let fn = oldSize - 1;
  let sn = newSize - 1;
  while (fn % 2 === 1) {
    fn = (fn - 1) / 2;
    sn = Math.floor(sn / 2);
  }
  let fr: Uint8Array = proof[0];
  let sr: Uint8Array = proof[0];
  for (const c of proof.slice(1)) {
    if (sn === 0) throw new ProofError('consistency proof is too long');
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHashWith(sha256, c, fr);
      sr = nodeHashWith(sha256, c, sr);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn /= 2;
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      sr = nodeHashWith(sha256, sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  if (sn !== 0) throw new ProofError('consistency proof is too short');
  if (!equalBytes(fr, oldRoot)) throw new ProofError('proof does not lead to the old root: the old tree is not a prefix of the new one');
  if (!equalBytes(sr, newRoot)) throw new ProofError('proof does not lead to the new root');
}

/** True iff `path` proves that the tree (oldSize, oldRoot) is a prefix of the tree (newSize, newRoot). */
export function verifyConsistency(sha256: Sha256, oldSize: number, newSize: number, oldRoot: Uint8Array, newRoot: Uint8Array, path: readonly Uint8Array[]): boolean {
  try {
    checkConsistency(sha256, oldSize, newSize, oldRoot, newRoot, path);
    return true;
  } catch (e) {
    if (e instanceof ProofError) return false;
    throw e;
  }
}
