/**
 * JSON wire formats of the audit endpoints, shared by the server (MerkleLog produces them) and the
 * standalone verifier (which parses them without trusting them). All hashes are lowercase hex of
 * 32 bytes; sizes and indexes are JSON numbers (safe integers). Unknown fields are ignored.
 *
 * GET /audit/checkpoint                                 → Checkpoint (checkpoint.ts)
 *   {"origin":"dispute-service/merkle","size":1234,"root":"<hex>","issuedAt":"2025-…Z",
 *    "keyId":"<16 hex>","signature":"<base64 Ed25519>"}
 *   The newest signed checkpoint.
 *
 * GET /audit/proofs/inclusion?eventId=<id>&treeSize=<n> → InclusionProof
 *   {"eventId":"…","stream":"…","revision":3,"eventHash":"<hex>","leafIndex":17,"treeSize":1234,
 *    "leafHash":"<hex>","path":["<hex>",…]}
 *   Proves leaf `leafIndex` of the tree of `treeSize` leaves; it must be ≥ leafIndex + 1 and ≤ the
 *   log size. The endpoint should default treeSize to the newest checkpoint's size, so the proof
 *   matches a signed root (MerkleLog.inclusionProof itself defaults to the current log size). `path` is the RFC 9162
 *   inclusion path, leaf-sibling first. The leaf is eventLeafHash({stream, revision, eventId,
 *   hash: eventHash}) (event-leaf.ts); `leafHash` is a convenience a verifier recomputes.
 *
 * GET /audit/proofs/consistency?from=<m>&to=<n>         → ConsistencyProof
 *   {"fromSize":1000,"toSize":1234,"path":["<hex>",…]}
 *   RFC 9162 consistency proof that the tree of `fromSize` leaves is a prefix of the tree of
 *   `toSize` leaves (empty when from = 0 or from = to). The endpoint should default `to` to the newest
 *   checkpoint's size. Errors: MerkleLogError code 'event-not-found' → 404, 'invalid-range' → 400.
 *
 * Event (event.json for the verifier) = one item of GET /streams/{stream} or one NDJSON line of the
 * export: {stream, revision, position, eventId, type, data, metadata, recordedAt, hash, prevHash}.
 */
import type { Checkpoint } from './checkpoint';
import type { ChainEvent } from './chain-verify';

export type { Checkpoint } from './checkpoint';

export interface InclusionProof {
  eventId: string;
  stream: string;
  revision: number;
  /** The event's content hash committed to by the leaf. */
  eventHash: string;
  leafIndex: number;
  treeSize: number;
  leafHash: string;
  path: string[];
}

export interface ConsistencyProof {
  fromSize: number;
  toSize: number;
  path: string[];
}

export class ProofFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProofFormatError';
  }
}

const HEX64 = /^[0-9a-f]{64}$/;

function obj(v: unknown, what: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ProofFormatError(`${what} must be a JSON object`);
  return v as Record<string, unknown>;
}
function str(o: Record<string, unknown>, k: string, what: string): string {
  if (typeof o[k] !== 'string') throw new ProofFormatError(`${what}.${k} must be a string`);
  return o[k] as string;
}
function int(o: Record<string, unknown>, k: string, what: string): number {
  const v = o[k];
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw new ProofFormatError(`${what}.${k} must be a non-negative integer`);
  return v;
}
function hash(o: Record<string, unknown>, k: string, what: string): string {
  const v = str(o, k, what);
  if (!HEX64.test(v)) throw new ProofFormatError(`${what}.${k} must be 64 lowercase hex characters`);
  return v;
}
function hashList(o: Record<string, unknown>, k: string, what: string): string[] {
  const v = o[k];
  if (!Array.isArray(v)) throw new ProofFormatError(`${what}.${k} must be an array`);
  return v.map((h, i) => {
    if (typeof h !== 'string' || !HEX64.test(h)) throw new ProofFormatError(`${what}.${k}[${i}] must be 64 lowercase hex characters`);
    return h;
  });
}
function record(o: Record<string, unknown>, k: string, what: string): Record<string, unknown> {
  return obj(o[k], `${what}.${k}`);
}

export function parseCheckpoint(v: unknown): Checkpoint {
  const o = obj(v, 'checkpoint');
  return {
    origin: str(o, 'origin', 'checkpoint'),
    size: int(o, 'size', 'checkpoint'),
    root: hash(o, 'root', 'checkpoint'),
    issuedAt: str(o, 'issuedAt', 'checkpoint'),
    keyId: str(o, 'keyId', 'checkpoint'),
    signature: str(o, 'signature', 'checkpoint'),
  };
}

export function parseInclusionProof(v: unknown): InclusionProof {
  const o = obj(v, 'inclusion proof');
  const w = 'inclusion proof';
  const p: InclusionProof = {
    eventId: str(o, 'eventId', w),
    stream: str(o, 'stream', w),
    revision: int(o, 'revision', w),
    eventHash: hash(o, 'eventHash', w),
    leafIndex: int(o, 'leafIndex', w),
    treeSize: int(o, 'treeSize', w),
    leafHash: hash(o, 'leafHash', w),
    path: hashList(o, 'path', w),
  };
  if (p.leafIndex >= p.treeSize) throw new ProofFormatError(`inclusion proof leafIndex ${p.leafIndex} is not below treeSize ${p.treeSize}`);
  return p;
}

export function parseConsistencyProof(v: unknown): ConsistencyProof {
  const o = obj(v, 'consistency proof');
  const w = 'consistency proof';
  return { fromSize: int(o, 'fromSize', w), toSize: int(o, 'toSize', w), path: hashList(o, 'path', w) };
}

/** An event as exported (extra fields such as position are kept out; only the hashed ones matter). */
export function parseEvent(v: unknown): ChainEvent {
  const o = obj(v, 'event');
  const prev = o.prevHash;
  if (prev !== null && (typeof prev !== 'string' || !HEX64.test(prev))) throw new ProofFormatError('event.prevHash must be null or 64 lowercase hex characters');
  if (typeof o.hash !== 'string') throw new ProofFormatError('event.hash must be a string');
  if (typeof o.revision !== 'number' || !Number.isSafeInteger(o.revision) || o.revision < 0) throw new ProofFormatError('event.revision must be a non-negative integer');
  return {
    stream: str(o, 'stream', 'event'),
    revision: o.revision,
    eventId: str(o, 'eventId', 'event'),
    type: str(o, 'type', 'event'),
    data: record(o, 'data', 'event'),
    metadata: record(o, 'metadata', 'event'),
    recordedAt: str(o, 'recordedAt', 'event'),
    prevHash: prev as string | null,
    hash: o.hash,
  };
}
