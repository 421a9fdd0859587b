/** Byte helpers that need no Buffer, which the browser lacks: hex, base64, UTF-8, comparison. */

/** SHA-256 of the concatenated parts (node:crypto on the server, @noble/hashes in the browser). */
export type Sha256 = (...parts: Uint8Array[]) => Uint8Array;

/** Ed25519 verification against a raw 32-byte public key; false (never a throw) for a bad signature or key. */
export type Ed25519Verify = (signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array) => boolean;

/** The hash and signature primitives the pure verifiers are given. */
export interface AuditCrypto {
  sha256: Sha256;
  ed25519Verify: Ed25519Verify;
}

const enc = new TextEncoder();

export function utf8(s: string): Uint8Array {
  return enc.encode(s);
}

export function toHex(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += x.toString(16).padStart(2, '0');
  return s;
}

export function fromHex(h: string): Uint8Array {
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(h)) throw new TypeError('not hex');
  const out = new Uint8Array(h.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(h.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function toBase64(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += String.fromCharCode(x);
  return btoa(s);
}

/** Standard or URL-safe base64. */
export function fromBase64(s: string): Uint8Array {
  const bin = atob(s.replace(/-/g, '+').replace(/_/g, '/'));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function sha256Hex(sha256: Sha256, text: string): string {
  return toHex(sha256(utf8(text)));
}
