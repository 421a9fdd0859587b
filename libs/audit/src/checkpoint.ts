/**
 * Signed checkpoints of the global Merkle log (Ed25519, node:crypto).
 *
 * JSON: {origin, size, root (hex), issuedAt (ISO-8601), keyId, signature (base64)}
 *
 * The signature is Ed25519 over the UTF-8 bytes of this text (modelled on the C2SP
 * tlog-checkpoint body: origin line, decimal size, base64 root, then one extension line):
 *
 *   dispute-service/merkle\n
 *   <size>\n
 *   <root, standard base64 of the 32 bytes>\n
 *   <issuedAt>\n
 *
 * keyId = first 16 hex characters of SHA-256(raw 32-byte Ed25519 public key). It only selects among
 * pinned keys; trust comes from the key itself.
 *
 * Keys (setting AUDIT_SIGNING_KEY): base64 (or hex) of a 32-byte Ed25519 seed, or a PKCS8 PEM
 * ("-----BEGIN PRIVATE KEY-----"), or base64 of a PKCS8 DER. When absent, {@link loadSigningKey}
 * generates an ephemeral key and returns a warning for the caller to log (checkpoints signed by it
 * cannot be verified after a restart).
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, KeyObject, sign } from 'node:crypto';
import { NODE_CRYPTO, nodeSha256 } from './node-crypto';
import { CHECKPOINT_ORIGIN, CheckpointFormatError, checkpointText, keyIdOf, SPKI_ED25519_PREFIX, verifyCheckpoint as verifyWith, type Checkpoint, type CheckpointVerification, type UnsignedCheckpoint } from './pure/checkpoint';

// The signed text, the key id and the verification are pure/checkpoint.ts (the browser's too); keys and signing here.
export { CHECKPOINT_ORIGIN, CheckpointFormatError, type Checkpoint, type CheckpointVerification, type UnsignedCheckpoint } from './pure/checkpoint';

const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** The exact text that is signed. Throws on fields that would make it ambiguous. */
export function checkpointMessage(cp: UnsignedCheckpoint): Buffer {
  return Buffer.from(checkpointText(cp), 'utf8');
}

// ---------------------------------------------------------------------------------------------
// Keys
// ---------------------------------------------------------------------------------------------

function assertEd25519(key: KeyObject, what: string): KeyObject {
  if (key.asymmetricKeyType !== 'ed25519') throw new CheckpointFormatError(`${what} is a ${key.asymmetricKeyType ?? key.type} key, expected Ed25519`);
  return key;
}

function decodeBinary(value: string): Buffer | undefined {
  const s = value.trim();
  if (/^[0-9a-fA-F]+$/.test(s) && s.length % 2 === 0 && s.length === 64) return Buffer.from(s, 'hex');
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(s)) return Buffer.from(s.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  return undefined;
}

export function privateKeyFromSeed(seed: Uint8Array): KeyObject {
  if (seed.length !== 32) throw new CheckpointFormatError(`an Ed25519 seed has 32 bytes, got ${seed.length}`);
  return createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' });
}

/** Parses AUDIT_SIGNING_KEY: base64/hex 32-byte seed, PKCS8 PEM, or base64 PKCS8 DER. */
export function parseSigningKey(value: string): KeyObject {
  const s = value.trim();
  if (s.includes('-----BEGIN')) return assertEd25519(createPrivateKey({ key: s, format: 'pem' }), 'the signing key');
  const bytes = decodeBinary(s);
  if (!bytes) throw new CheckpointFormatError('the signing key is neither PEM nor base64/hex');
  if (bytes.length === 32) return privateKeyFromSeed(bytes);
  try {
    return assertEd25519(createPrivateKey({ key: bytes, format: 'der', type: 'pkcs8' }), 'the signing key');
  } catch (e) {
    if (e instanceof CheckpointFormatError) throw e;
    throw new CheckpointFormatError(`the signing key decodes to ${bytes.length} bytes: expected a 32-byte seed or a PKCS8 DER`);
  }
}

/** Parses a pinned public key: SPKI PEM, base64/hex raw 32-byte key, or base64 SPKI DER. */
export function parsePublicKey(value: string): KeyObject {
  const s = value.trim();
  if (s.includes('-----BEGIN')) {
    // A private key PEM is accepted too (its public half is used).
    return assertEd25519(createPublicKey({ key: s, format: 'pem' }), 'the public key');
  }
  const bytes = decodeBinary(s);
  if (!bytes) throw new CheckpointFormatError('the public key is neither PEM nor base64/hex');
  if (bytes.length === 32) return createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, bytes]), format: 'der', type: 'spki' });
  try {
    return assertEd25519(createPublicKey({ key: bytes, format: 'der', type: 'spki' }), 'the public key');
  } catch (e) {
    if (e instanceof CheckpointFormatError) throw e;
    throw new CheckpointFormatError(`the public key decodes to ${bytes.length} bytes: expected a raw 32-byte key or an SPKI DER`);
  }
}

export function rawPublicKey(key: KeyObject): Buffer {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  const der = pub.export({ format: 'der', type: 'spki' });
  return Buffer.from(der.subarray(der.length - 32));
}

export function publicKeyId(key: KeyObject): string {
  return keyIdOf(nodeSha256, rawPublicKey(key));
}

export interface ExportedPublicKey {
  keyId: string;
  /** SPKI PEM. */
  pem: string;
  /** Standard base64 of the raw 32-byte key. */
  raw: string;
}

export function exportPublicKey(key: KeyObject): ExportedPublicKey {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  return { keyId: publicKeyId(pub), pem: pub.export({ format: 'pem', type: 'spki' }).toString(), raw: rawPublicKey(pub).toString('base64') };
}

export interface CheckpointSigner {
  readonly keyId: string;
  readonly publicKey: KeyObject;
  sign(message: Uint8Array): Buffer;
}

export class Ed25519CheckpointSigner implements CheckpointSigner {
  readonly publicKey: KeyObject;
  readonly keyId: string;

  constructor(private readonly privateKey: KeyObject) {
    assertEd25519(privateKey, 'the signing key');
    if (privateKey.type !== 'private') throw new CheckpointFormatError('the signing key must be a private key');
    this.publicKey = createPublicKey(privateKey);
    this.keyId = publicKeyId(this.publicKey);
  }

  static fromSetting(value: string): Ed25519CheckpointSigner {
    return new Ed25519CheckpointSigner(parseSigningKey(value));
  }

  static generate(): Ed25519CheckpointSigner {
    return new Ed25519CheckpointSigner(generateKeyPairSync('ed25519').privateKey);
  }

  sign(message: Uint8Array): Buffer {
    return sign(null, message, this.privateKey);
  }

  exportPublicKey(): ExportedPublicKey {
    return exportPublicKey(this.publicKey);
  }
}

export interface LoadedSigningKey {
  signer: Ed25519CheckpointSigner;
  ephemeral: boolean;
  /** Set when ephemeral: the caller should log it. */
  warning?: string;
}

/**
 * The signer from the AUDIT_SIGNING_KEY setting. When the value is empty/absent: a fresh ephemeral
 * key with a warning, or an error when `allowEphemeral` is false (production).
 */
export function loadSigningKey(value: string | undefined, opts: { allowEphemeral?: boolean } = {}): LoadedSigningKey {
  if (value !== undefined && value.trim() !== '') return { signer: Ed25519CheckpointSigner.fromSetting(value), ephemeral: false };
  if (opts.allowEphemeral === false) throw new CheckpointFormatError('AUDIT_SIGNING_KEY is not set');
  const signer = Ed25519CheckpointSigner.generate();
  return {
    signer,
    ephemeral: true,
    warning: `AUDIT_SIGNING_KEY is not set: signing Merkle checkpoints with an ephemeral Ed25519 key (keyId ${signer.keyId}); checkpoints will not verify against the key of another run. Set AUDIT_SIGNING_KEY to base64 of a 32-byte seed or a PKCS8 PEM.`,
  };
}

// ---------------------------------------------------------------------------------------------
// Sign / verify
// ---------------------------------------------------------------------------------------------

export function signCheckpoint(signer: CheckpointSigner, body: { size: number; root: string | Uint8Array; issuedAt?: string; origin?: string }): Checkpoint {
  const unsigned: UnsignedCheckpoint = {
    origin: body.origin ?? CHECKPOINT_ORIGIN,
    size: body.size,
    root: typeof body.root === 'string' ? body.root : Buffer.from(body.root).toString('hex'),
    issuedAt: body.issuedAt ?? new Date().toISOString(),
  };
  const signature = signer.sign(checkpointMessage(unsigned)).toString('base64');
  return { ...unsigned, keyId: signer.keyId, signature };
}

/**
 * Checks a checkpoint's shape, origin and signature against pinned public keys (selected by keyId).
 * Trusts nothing else in the checkpoint.
 */
export function verifyCheckpoint(cp: unknown, pinned: KeyObject | readonly KeyObject[], opts: { origin?: string } = {}): CheckpointVerification {
  const keys = (Array.isArray(pinned) ? pinned : [pinned]) as readonly KeyObject[];
  return verifyWith(NODE_CRYPTO, cp, keys.map(rawPublicKey), opts);
}
