/**
 * RFC 6962 / RFC 9162 Merkle tree hashing, inclusion proofs and consistency proofs (SHA-256).
 *
 *   leaf hash  = SHA-256(0x00 || leaf data)
 *   node hash  = SHA-256(0x01 || left || right)
 *   MTH({})    = SHA-256("")                      (the empty tree)
 *   MTH(D[n])  = node(MTH(D[0:k]), MTH(D[k:n]))    k = the largest power of two < n
 *
 * Proof generation reads only hashes of *complete, aligned* subtrees — a {@link SubtreeRef}
 * `{level, index}` covers the 2^level leaves `[index·2^level, (index+1)·2^level)`. Level 0 is a
 * leaf hash. Any proof or root for a tree of size n needs O(log n) of them, so storage keeps leaf
 * hashes plus the hash of every complete aligned subtree (see merkle-log.ts) and answers one batched
 * lookup per proof: first `subtreesFor*()` tells it which refs to fetch, then the synchronous
 * generator assembles the proof from them (the `generate*` async helpers do both steps).
 *
 * Verification implements RFC 9162 §2.1.3.2 (inclusion) and §2.1.4.2 (consistency) literally.
 * Sizes and indexes are JS numbers (safe integers, < 2^53); only arithmetic, no 32-bit bit operators.
 */
import { createHash } from 'node:crypto';
import { nodeSha256 } from './node-crypto';
import * as pure from './pure/merkle';

export const HASH_SIZE = pure.HASH_SIZE;

/** SHA-256 of the empty string: the root of the empty tree. */
export const EMPTY_ROOT: Buffer = createHash('sha256').digest();

export function leafHash(data: Uint8Array): Buffer {
  return createHash('sha256').update(Uint8Array.of(0x00)).update(data).digest();
}

export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  return createHash('sha256').update(Uint8Array.of(0x01)).update(left).update(right).digest();
}

/** The largest power of two strictly smaller than n (n ≥ 2): the RFC 6962 split point. */
export function splitPoint(n: number): number {
  if (!(n >= 2)) throw new RangeError(`splitPoint needs n >= 2, got ${n}`);
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function isPowerOfTwo(n: number): boolean {
  if (n < 1) return false;
  while (n % 2 === 0) n /= 2;
  return n === 1;
}

function log2Exact(n: number): number {
  let l = 0;
  while (n > 1) {
    n /= 2;
    l++;
  }
  return l;
}

function assertSize(name: string, n: number): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`${name} must be a non-negative safe integer, got ${n}`);
}

// ---------------------------------------------------------------------------------------------
// Complete subtrees
// ---------------------------------------------------------------------------------------------

/** A complete, aligned subtree: leaves [index·2^level, (index+1)·2^level). Level 0 = one leaf. */
export interface SubtreeRef {
  level: number;
  index: number;
}

export function subtreeKey(ref: SubtreeRef): string {
  return `${ref.level}:${ref.index}`;
}

/** Returns the hash of a complete subtree (must exist: the caller only asks for ranges below the tree size). */
export type SubtreeHashFn = (ref: SubtreeRef) => Uint8Array;

/** Batched lookup: returns a map keyed by {@link subtreeKey} containing every requested ref. */
export type SubtreeFetcher = (refs: SubtreeRef[]) => Promise<ReadonlyMap<string, Uint8Array>> | ReadonlyMap<string, Uint8Array>;

/**
 * MTH(D[start:end]) of a range of the tree's own shape (every range the RFC recursion visits is one:
 * start is a multiple of a power of two ≥ end − start). Decomposes it into ≤ log n complete subtrees.
 */
export function rangeHash(start: number, end: number, get: SubtreeHashFn): Buffer {
  const n = end - start;
  if (n === 0) return EMPTY_ROOT;
  if (n < 0) throw new RangeError(`bad range [${start}, ${end})`);
  if (isPowerOfTwo(n)) {
    if (start % n !== 0) throw new RangeError(`range [${start}, ${end}) is not aligned`);
    return Buffer.from(get({ level: log2Exact(n), index: start / n }));
  }
  const k = splitPoint(n);
  return nodeHash(rangeHash(start, start + k, get), rangeHash(start + k, end, get));
}

/** Root of the tree of the first `size` leaves. */
export function rootFromSubtrees(size: number, get: SubtreeHashFn): Buffer {
  assertSize('size', size);
  return rangeHash(0, size, get);
}

/** RFC 6962 §2.1.1 PATH(m, D[n]), leaf-sibling first (the order RFC 9162 verification expects). */
export function inclusionPathFromSubtrees(leafIndex: number, treeSize: number, get: SubtreeHashFn): Buffer[] {
  assertSize('treeSize', treeSize);
  assertSize('leafIndex', leafIndex);
  if (leafIndex >= treeSize) throw new RangeError(`leaf index ${leafIndex} is not below tree size ${treeSize}`);
  const out: Buffer[] = [];
  const path = (start: number, end: number): void => {
    const n = end - start;
    if (n <= 1) return;
    const k = splitPoint(n);
    if (leafIndex < start + k) {
      path(start, start + k);
      out.push(rangeHash(start + k, end, get));
    } else {
      path(start + k, end);
      out.push(rangeHash(start, start + k, get));
    }
  };
  path(0, treeSize);
  return out;
}

/** RFC 6962 §2.1.2 PROOF(m, D[n]) = SUBPROOF(m, D[n], true). Empty for m = 0 or m = n. */
export function consistencyPathFromSubtrees(oldSize: number, newSize: number, get: SubtreeHashFn): Buffer[] {
  assertSize('oldSize', oldSize);
  assertSize('newSize', newSize);
  if (oldSize > newSize) throw new RangeError(`old size ${oldSize} is larger than new size ${newSize}`);
  const out: Buffer[] = [];
  if (oldSize === 0 || oldSize === newSize) return out;
  const sub = (start: number, end: number, complete: boolean): void => {
    if (oldSize === end) {
      if (!complete) out.push(rangeHash(start, end, get));
      return;
    }
    const k = splitPoint(end - start);
    if (oldSize <= start + k) {
      sub(start, start + k, complete);
      out.push(rangeHash(start + k, end, get));
    } else {
      sub(start + k, end, false);
      out.push(rangeHash(start, start + k, get));
    }
  };
  sub(0, newSize, true);
  return out;
}

const ZERO_HASH = Buffer.alloc(HASH_SIZE);

function plan(run: (get: SubtreeHashFn) => unknown): SubtreeRef[] {
  const seen = new Map<string, SubtreeRef>();
  run((ref) => {
    seen.set(subtreeKey(ref), { level: ref.level, index: ref.index });
    return ZERO_HASH;
  });
  return [...seen.values()];
}

/** The complete subtrees needed for the root of a tree of `size` leaves (one per set bit of size). */
export function subtreesForRoot(size: number): SubtreeRef[] {
  return plan((get) => rootFromSubtrees(size, get));
}
export function subtreesForInclusion(leafIndex: number, treeSize: number): SubtreeRef[] {
  return plan((get) => inclusionPathFromSubtrees(leafIndex, treeSize, get));
}
export function subtreesForConsistency(oldSize: number, newSize: number): SubtreeRef[] {
  return plan((get) => consistencyPathFromSubtrees(oldSize, newSize, get));
}

function lookup(map: ReadonlyMap<string, Uint8Array>): SubtreeHashFn {
  return (ref) => {
    const h = map.get(subtreeKey(ref));
    if (!h) throw new Error(`missing subtree hash ${subtreeKey(ref)}`);
    return h;
  };
}

export async function computeRoot(size: number, fetch: SubtreeFetcher): Promise<Buffer> {
  const refs = subtreesForRoot(size);
  return rootFromSubtrees(size, lookup(await fetch(refs)));
}
export async function generateInclusionProof(leafIndex: number, treeSize: number, fetch: SubtreeFetcher): Promise<Buffer[]> {
  const refs = subtreesForInclusion(leafIndex, treeSize);
  return inclusionPathFromSubtrees(leafIndex, treeSize, lookup(await fetch(refs)));
}
export async function generateConsistencyProof(oldSize: number, newSize: number, fetch: SubtreeFetcher): Promise<Buffer[]> {
  const refs = subtreesForConsistency(oldSize, newSize);
  return consistencyPathFromSubtrees(oldSize, newSize, lookup(await fetch(refs)));
}

// ---------------------------------------------------------------------------------------------
// Incremental construction
// ---------------------------------------------------------------------------------------------

/**
 * The right edge ("compact range") of a tree: the complete subtrees [0, size) decomposes into,
 * largest first. Appending a leaf pushes it and merges equal-level neighbours; every merge
 * creates one new complete subtree, reported through `onSubtree` so storage can persist it.
 */
export class MerkleFrontier {
  private readonly stack: Array<{ ref: SubtreeRef; hash: Buffer }>;
  private count: number;

  /** `frontier` must be the complete subtrees of {@link subtreesForRoot}(size) with their hashes, in that order. */
  constructor(size = 0, frontier: Array<{ ref: SubtreeRef; hash: Uint8Array }> = []) {
    assertSize('size', size);
    const expected = subtreesForRoot(size).map(subtreeKey);
    const given = frontier.map((f) => subtreeKey(f.ref));
    if (expected.join(',') !== given.join(',')) throw new Error(`frontier for size ${size} must be [${expected.join(', ')}], got [${given.join(', ')}]`);
    this.stack = frontier.map((f) => ({ ref: { ...f.ref }, hash: Buffer.from(f.hash) }));
    this.count = size;
  }

  get size(): number {
    return this.count;
  }

  /** Appends one leaf hash; returns the complete subtrees (level ≥ 1) this append completed, lowest first. */
  append(leaf: Uint8Array): Array<{ ref: SubtreeRef; hash: Buffer }> {
    const created: Array<{ ref: SubtreeRef; hash: Buffer }> = [];
    this.stack.push({ ref: { level: 0, index: this.count }, hash: Buffer.from(leaf) });
    this.count++;
    while (this.stack.length >= 2) {
      const right = this.stack[this.stack.length - 1];
      const left = this.stack[this.stack.length - 2];
      if (left.ref.level !== right.ref.level) break;
      const merged = { ref: { level: left.ref.level + 1, index: left.ref.index / 2 }, hash: nodeHash(left.hash, right.hash) };
      this.stack.splice(this.stack.length - 2, 2, merged);
      created.push(merged);
    }
    return created;
  }

  root(): Buffer {
    if (this.stack.length === 0) return EMPTY_ROOT;
    let acc = this.stack[this.stack.length - 1].hash;
    for (let i = this.stack.length - 2; i >= 0; i--) acc = nodeHash(this.stack[i].hash, acc);
    return acc;
  }
}

/** An in-memory tree keeping every complete subtree: O(log n) proofs. For tests and small tools. */
export class MemoryMerkleTree {
  /** levels[L][i] = hash of SubtreeRef {level: L, index: i}. */
  private readonly levels: Buffer[][] = [[]];

  static fromLeafHashes(leafHashes: readonly Uint8Array[]): MemoryMerkleTree {
    const t = new MemoryMerkleTree();
    for (const h of leafHashes) t.appendLeafHash(h);
    return t;
  }

  get size(): number {
    return this.levels[0].length;
  }

  appendLeafData(data: Uint8Array): number {
    return this.appendLeafHash(leafHash(data));
  }

  /** Returns the new leaf's index. */
  appendLeafHash(h: Uint8Array): number {
    const index = this.levels[0].length;
    this.levels[0].push(Buffer.from(h));
    let level = 0;
    let i = index;
    while (i % 2 === 1) {
      const hash = nodeHash(this.levels[level][i - 1], this.levels[level][i]);
      level++;
      i = (i - 1) / 2;
      (this.levels[level] ??= []).push(hash);
    }
    return index;
  }

  readonly subtree: SubtreeHashFn = (ref) => {
    const h = this.levels[ref.level]?.[ref.index];
    if (!h) throw new Error(`no complete subtree ${subtreeKey(ref)} in a tree of size ${this.size}`);
    return h;
  };

  leafHash(index: number): Buffer {
    return Buffer.from(this.subtree({ level: 0, index }));
  }

  root(size = this.size): Buffer {
    this.checkSize(size);
    return rootFromSubtrees(size, this.subtree);
  }

  inclusionProof(leafIndex: number, treeSize = this.size): Buffer[] {
    this.checkSize(treeSize);
    return inclusionPathFromSubtrees(leafIndex, treeSize, this.subtree);
  }

  consistencyProof(oldSize: number, newSize = this.size): Buffer[] {
    this.checkSize(newSize);
    return consistencyPathFromSubtrees(oldSize, newSize, this.subtree);
  }

  private checkSize(size: number): void {
    assertSize('size', size);
    if (size > this.size) throw new RangeError(`size ${size} exceeds the tree size ${this.size}`);
  }
}

/** MTH over leaf hashes (O(n), no proofs). */
export function merkleRoot(leafHashes: readonly Uint8Array[]): Buffer {
  const f = new MerkleFrontier();
  for (const h of leafHashes) f.append(h);
  return f.root();
}

// ---------------------------------------------------------------------------------------------
// Verification (RFC 9162): pure/merkle.ts (the browser's too), bound to node:crypto
// ---------------------------------------------------------------------------------------------

export { ProofError } from './pure/merkle';

/**
 * RFC 9162 §2.1.3.2: the root an inclusion path leads to. Throws {@link ProofError} when the path
 * has the wrong length for (leafIndex, treeSize) or malformed elements.
 */
export function rootFromInclusionProof(leafIndex: number, treeSize: number, leaf: Uint8Array, path: readonly Uint8Array[]): Buffer {
  return Buffer.from(pure.rootFromInclusionProof(nodeSha256, leafIndex, treeSize, leaf, path));
}

/** True iff `path` proves that `leaf` is leaf number `leafIndex` of the tree of size `treeSize` with `root`. */
export function verifyInclusion(leafIndex: number, treeSize: number, leaf: Uint8Array, path: readonly Uint8Array[], root: Uint8Array): boolean {
  return pure.verifyInclusion(nodeSha256, leafIndex, treeSize, leaf, path, root);
}

/**
 * RFC 9162 §2.1.4.2, plus the trivial cases: oldSize = newSize needs an empty proof and equal roots;
 * oldSize = 0 needs an empty proof (every tree extends the empty one).
 * Throws {@link ProofError} with the reason; see {@link verifyConsistency} for a boolean.
 */
export function checkConsistency(oldSize: number, newSize: number, oldRoot: Uint8Array, newRoot: Uint8Array, path: readonly Uint8Array[]): void {
  pure.checkConsistency(nodeSha256, oldSize, newSize, oldRoot, newRoot, path);
}

/** True iff `path` proves that the tree (oldSize, oldRoot) is a prefix of the tree (newSize, newRoot). */
export function verifyConsistency(oldSize: number, newSize: number, oldRoot: Uint8Array, newRoot: Uint8Array, path: readonly Uint8Array[]): boolean {
  return pure.verifyConsistency(nodeSha256, oldSize, newSize, oldRoot, newRoot, path);
}
