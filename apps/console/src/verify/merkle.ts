/**
 * Checks, in the browser, that an event is in the service's global Merkle log as signed in a
 * checkpoint, trusting only the Ed25519 public key the auditor pinned (libs/audit: merkle.ts,
 * event-leaf.ts, checkpoint.ts, proof-verify.ts):
 *
 *   leaf data  = UTF-8(RFC8785({stream, revision, eventId, hash}))
 *   leaf hash  = SHA-256(0x00 ‖ leaf data);  node hash = SHA-256(0x01 ‖ left ‖ right)   (RFC 6962/9162)
 *   signed     = "<origin>\n<size>\n<base64 root>\n<issuedAt>\n", Ed25519;  keyId = hex(SHA-256(raw key))[0..16]
 */
import { canonicalJson, ed25519Verify, equalBytes, fromBase64, fromHex, sha256Bytes, toBase64, toHex, utf8 } from './crypto';
import { computeEventHash, type RawEvent } from './chain';

export const CHECKPOINT_ORIGIN = 'dispute-service/merkle';

export interface Checkpoint {
  origin: string;
  size: number;
  root: string;
  issuedAt: string;
  keyId: string;
  signature: string;
}

export interface InclusionProof {
  eventId: string;
  stream: string;
  revision: number;
  eventHash: string;
  leafIndex: number;
  treeSize: number;
  leafHash: string;
  path: string[];
}

export interface Step {
  check: string;
  ok: boolean;
  detail: string;
}

export interface Report {
  valid: boolean;
  steps: Step[];
}

const HEX64 = /^[0-9a-f]{64}$/;
const SPKI_ED25519_PREFIX = fromHex('302a300506032b6570032100');

export function leafHash(data: Uint8Array): Uint8Array {
  return sha256Bytes(Uint8Array.of(0), data);
}

export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  return sha256Bytes(Uint8Array.of(1), left, right);
}

export function eventLeafHash(e: { stream: string; revision: number; eventId: string; hash: string }): Uint8Array {
  return leafHash(utf8(canonicalJson({ stream: e.stream, revision: e.revision, eventId: e.eventId, hash: e.hash })));
}

/** RFC 9162 §2.1.3.2: the root an inclusion path leads to; throws when the path has the wrong length. */
export function rootFromInclusionProof(leafIndex: number, treeSize: number, leaf: Uint8Array, path: readonly Uint8Array[]): Uint8Array {
  if (!Number.isSafeInteger(leafIndex) || !Number.isSafeInteger(treeSize) || leafIndex < 0 || leafIndex >= treeSize) throw new Error(`leaf index ${leafIndex} is not below tree size ${treeSize}`);
  let fn = leafIndex;
  let sn = treeSize - 1;
  let r = leaf;
  for (const p of path) {
    if (p.length !== 32) throw new Error('a path element is not a 32-byte hash');
    if (sn === 0) throw new Error('the inclusion path is too long');
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn /= 2;
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  if (sn !== 0) throw new Error('the inclusion path is too short');
  return r;
}

/** A pinned key: base64 or hex of the raw 32-byte key, base64 of an SPKI DER, or an SPKI PEM. */
export function parsePublicKey(text: string): Uint8Array {
  let s = text.trim();
  if (s.includes('-----BEGIN')) s = s.replace(/-----(BEGIN|END) [A-Z ]+-----/g, '').replace(/\s+/g, '');
  let bytes: Uint8Array;
  if (/^[0-9a-fA-F]{64}$/.test(s)) bytes = fromHex(s);
  else if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(s)) bytes = fromBase64(s);
  else throw new Error('the public key is neither PEM, base64 nor hex');
  if (bytes.length === 32) return bytes;
  if (bytes.length === 44 && equalBytes(bytes.subarray(0, 12), SPKI_ED25519_PREFIX)) return bytes.subarray(12);
  throw new Error(`the public key decodes to ${bytes.length} bytes: expected a raw 32-byte Ed25519 key or its SPKI form`);
}

export function keyIdOf(publicKey: Uint8Array): string {
  return toHex(sha256Bytes(publicKey)).slice(0, 16);
}

export function checkpointMessage(cp: Pick<Checkpoint, 'origin' | 'size' | 'root' | 'issuedAt'>): Uint8Array {
  return utf8(`${cp.origin}\n${cp.size}\n${toBase64(fromHex(cp.root))}\n${cp.issuedAt}\n`);
}

export function verifyCheckpoint(cp: Checkpoint, publicKey: Uint8Array): { valid: boolean; reason?: string } {
  if (cp.origin !== CHECKPOINT_ORIGIN) return { valid: false, reason: `origin ${JSON.stringify(cp.origin)}, expected ${CHECKPOINT_ORIGIN}` };
  if (!Number.isSafeInteger(cp.size) || cp.size < 0 || !HEX64.test(cp.root) || typeof cp.issuedAt !== 'string' || /[\r\n]/.test(cp.issuedAt)) {
    return { valid: false, reason: 'malformed checkpoint' };
  }
  if (cp.keyId !== keyIdOf(publicKey)) return { valid: false, reason: `signed by key ${cp.keyId}, the pinned key is ${keyIdOf(publicKey)}` };
  let sig: Uint8Array;
  try {
    sig = fromBase64(cp.signature);
  } catch {
    return { valid: false, reason: 'the signature is not base64' };
  }
  if (sig.length !== 64) return { valid: false, reason: `the signature has ${sig.length} bytes, expected 64` };
  return ed25519Verify(sig, checkpointMessage(cp), publicKey) ? { valid: true } : { valid: false, reason: 'bad signature' };
}

/**
 * The checkpoint's signature against the pinned key, the event's content against its hash, the proof
 * against the event, and the inclusion path against the signed root. Stops at the first failure.
 */
export function verifyInclusion(input: { checkpoint: Checkpoint; proof: InclusionProof; event: RawEvent; publicKey: Uint8Array }): Report {
  const steps: Step[] = [];
  const done = (ok: boolean, check: string, detail: string): boolean => {
    steps.push({ check, ok, detail });
    return ok;
  };
  const { checkpoint: cp, proof, event, publicKey } = input;
  const run = (): boolean => {
    const sig = verifyCheckpoint(cp, publicKey);
    if (!done(sig.valid, 'checkpoint-signature', sig.valid ? `size ${cp.size}, root ${cp.root}, signed ${cp.issuedAt} by the pinned key ${cp.keyId}` : sig.reason!)) return false;
    if (!done(proof.treeSize === cp.size, 'tree-size', `proof for size ${proof.treeSize}, checkpoint size ${cp.size}`)) return false;
    const recomputed = computeEventHash(event);
    if (!done(recomputed === event.hash, 'event-hash', recomputed === event.hash ? `content hashes to ${recomputed}` : `content hashes to ${recomputed}, stored ${event.hash}: the event was altered`)) return false;
    const same = proof.eventId === event.eventId && proof.stream === event.stream && proof.revision === event.revision && proof.eventHash === event.hash;
    if (!done(same, 'event-identity', same ? 'the proof is for this event' : 'the proof is for another event')) return false;
    const leaf = eventLeafHash(event);
    if (!done(toHex(leaf) === proof.leafHash, 'leaf-hash', `leaf ${toHex(leaf)}`)) return false;
    let root: Uint8Array;
    try {
      root = rootFromInclusionProof(proof.leafIndex, proof.treeSize, leaf, proof.path.map(fromHex));
    } catch (e) {
      return done(false, 'inclusion', (e as Error).message);
    }
    const ok = toHex(root) === cp.root;
    return done(ok, 'inclusion', ok ? `leaf ${proof.leafIndex} of ${cp.size} leads to the signed root` : `the path leads to ${toHex(root)}, the signed root is ${cp.root}`);
  };
  return { valid: run(), steps };
}
