/**
 * Signed checkpoints of the global Merkle log, verified with a given SHA-256 and Ed25519 (no node:crypto at
 * import): the one definition of the signed text, the key id and the verification, used by ../checkpoint.ts
 * (node:crypto KeyObjects) and by the console in the browser (@noble/curves).
 *
 * JSON: {origin, size, root (hex), issuedAt (ISO-8601), keyId, signature (base64)}; the signature is Ed25519
 * over the UTF-8 bytes of
 *
 *   dispute-service/merkle\n<size>\n<root, standard base64 of the 32 bytes>\n<issuedAt>\n
 *
 * keyId = first 16 hex characters of SHA-256(raw 32-byte Ed25519 public key): it only selects among pinned
 * keys; trust comes from the key itself.
 */
import { equalBytes, fromBase64, fromHex, toBase64, toHex, utf8, type AuditCrypto, type Sha256 } from './bytes';

export const CHECKPOINT_ORIGIN = 'dispute-service/merkle';

export interface Checkpoint {
  /** Identifies the log; part of the signed text. */
  origin: string;
  /** Number of leaves (events) in the log. */
  size: number;
  /** Merkle tree hash of the first `size` leaves, lowercase hex. */
  root: string;
  /** When it was signed (ISO-8601 UTC); part of the signed text. */
  issuedAt: string;
  keyId: string;
  /** Ed25519 signature over the checkpoint's text, standard base64. */
  signature: string;
}

export type UnsignedCheckpoint = Pick<Checkpoint, 'origin' | 'size' | 'root' | 'issuedAt'>;

export class CheckpointFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckpointFormatError';
  }
}

const HEX64 = /^[0-9a-f]{64}$/;
/** DER prefix of an Ed25519 SubjectPublicKeyInfo; the raw key follows. */
export const SPKI_ED25519_PREFIX = fromHex('302a300506032b6570032100');

/** The exact text that is signed. Throws on fields that would make it ambiguous. */
export function checkpointText(cp: UnsignedCheckpoint): string {
  if (typeof cp.origin !== 'string' || cp.origin === '' || /[\n\r]/.test(cp.origin)) throw new CheckpointFormatError('origin must be a non-empty single line');
  if (!Number.isSafeInteger(cp.size) || cp.size < 0) throw new CheckpointFormatError('size must be a non-negative integer');
  if (typeof cp.root !== 'string' || !HEX64.test(cp.root)) throw new CheckpointFormatError('root must be 64 lowercase hex characters');
  if (typeof cp.issuedAt !== 'string' || cp.issuedAt === '' || /[\n\r]/.test(cp.issuedAt)) throw new CheckpointFormatError('issuedAt must be a non-empty single line');
  return `${cp.origin}\n${cp.size}\n${toBase64(fromHex(cp.root))}\n${cp.issuedAt}\n`;
}

export function keyIdOf(sha256: Sha256, rawPublicKey: Uint8Array): string {
  return toHex(sha256(rawPublicKey)).slice(0, 16);
}

/** A pinned key as an auditor pastes it: base64 or hex of the raw 32-byte key, base64 of an SPKI DER, or an SPKI PEM. */
export function parseRawPublicKey(text: string): Uint8Array {
  let s = text.trim();
  if (s.includes('-----BEGIN')) s = s.replace(/-----(BEGIN|END) [A-Z ]+-----/g, '').replace(/\s+/g, '');
  let bytes: Uint8Array;
  if (/^[0-9a-fA-F]{64}$/.test(s)) bytes = fromHex(s);
  else if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(s)) bytes = fromBase64(s);
  else throw new CheckpointFormatError('the public key is neither PEM, base64 nor hex');
  if (bytes.length === 32) return bytes;
  if (bytes.length === 44 && equalBytes(bytes.subarray(0, 12), SPKI_ED25519_PREFIX)) return bytes.subarray(12);
  throw new CheckpointFormatError(`the public key decodes to ${bytes.length} bytes: expected a raw 32-byte Ed25519 key or its SPKI form`);
}

export type CheckpointVerification = { valid: true; keyId: string } | { valid: false; reason: string };

/**
 * Checks a checkpoint's shape, origin and signature against pinned raw Ed25519 public keys (selected by
 * keyId). Trusts nothing else in the checkpoint.
 */
export function verifyCheckpoint(crypto: AuditCrypto, cp: unknown, pinned: Uint8Array | readonly Uint8Array[], opts: { origin?: string } = {}): CheckpointVerification {
  const keys = (pinned instanceof Uint8Array ? [pinned] : pinned) as readonly Uint8Array[];
  if (typeof cp !== 'object' || cp === null) return { valid: false, reason: 'checkpoint is not an object' };
  const c = cp as Record<string, unknown>;
  const origin = opts.origin ?? CHECKPOINT_ORIGIN;
  if (c.origin !== origin) return { valid: false, reason: `checkpoint origin is ${JSON.stringify(c.origin)}, expected ${JSON.stringify(origin)}` };
  let message: Uint8Array;
  try {
    message = utf8(checkpointText(c as unknown as UnsignedCheckpoint));
  } catch (e) {
    return { valid: false, reason: `malformed checkpoint: ${(e as Error).message}` };
  }
  let sig: Uint8Array;
  try {
    if (typeof c.signature !== 'string' || !/^[A-Za-z0-9+/]+={0,2}$/.test(c.signature)) throw new Error('not base64');
    sig = fromBase64(c.signature);
  } catch {
    return { valid: false, reason: 'signature must be base64' };
  }
  if (sig.length !== 64) return { valid: false, reason: `signature has ${sig.length} bytes, expected 64` };
  const ids = keys.map((k) => keyIdOf(crypto.sha256, k));
  const candidates = keys.filter((_, i) => ids[i] === c.keyId);
  if (candidates.length === 0) return { valid: false, reason: `checkpoint is signed by key ${JSON.stringify(c.keyId)}, which is not pinned (pinned: ${ids.join(', ') || 'none'})` };
  for (const k of candidates) if (crypto.ed25519Verify(sig, message, k)) return { valid: true, keyId: keyIdOf(crypto.sha256, k) };
  return { valid: false, reason: 'bad checkpoint signature' };
}
