/**
 * The hashing and signature primitives the console verifies with, in the browser: SHA-256 and Ed25519
 * from the audited @noble libraries (pure JS: they work on any page, also where WebCrypto is not
 * available, e.g. a console opened over plain http on a LAN address), and RFC 8785 canonical JSON from
 * `canonicalize`, the same package the service hashes events with (libs/event-store/src/hashing.ts).
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { ed25519 } from '@noble/curves/ed25519.js';
import canonicalize from 'canonicalize';

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
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(h)) throw new Error('not hex');
  const out = new Uint8Array(h.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(h.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function toBase64(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += String.fromCharCode(x);
  return btoa(s);
}

export function fromBase64(s: string): Uint8Array {
  const bin = atob(s.replace(/-/g, '+').replace(/_/g, '/'));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export function sha256Bytes(...parts: Uint8Array[]): Uint8Array {
  const h = sha256.create();
  for (const p of parts) h.update(p);
  return h.digest();
}

export function sha256Hex(data: string | Uint8Array): string {
  return toHex(sha256Bytes(typeof data === 'string' ? utf8(data) : data));
}

/** RFC 8785 canonical JSON (throws on values JSON cannot represent). */
export function canonicalJson(value: unknown): string {
  const text = (canonicalize as (v: unknown) => string | undefined)(value);
  if (text === undefined) throw new TypeError('value has no JSON representation');
  return text;
}

export function ed25519Verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  try {
    return ed25519.verify(signature, message, publicKey);
  } catch {
    return false;
  }
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
