import { generateKeyPairSync, randomBytes } from 'node:crypto';
import {
  CHECKPOINT_ORIGIN,
  Ed25519CheckpointSigner,
  checkpointMessage,
  exportPublicKey,
  loadSigningKey,
  parsePublicKey,
  parseSigningKey,
  publicKeyId,
  signCheckpoint,
  verifyCheckpoint,
} from './checkpoint';

const ROOT = 'ab'.repeat(32);

describe('checkpoints', () => {
  const seed = randomBytes(32);
  const signer = Ed25519CheckpointSigner.fromSetting(seed.toString('base64'));

  it('signs the C2SP-like text and verifies against the pinned key', () => {
    const cp = signCheckpoint(signer, { size: 42, root: ROOT, issuedAt: '2025-01-02T03:04:05.000Z' });
    expect(cp).toMatchObject({ origin: CHECKPOINT_ORIGIN, size: 42, root: ROOT, issuedAt: '2025-01-02T03:04:05.000Z', keyId: signer.keyId });
    expect(checkpointMessage(cp).toString()).toBe(`dispute-service/merkle\n42\n${Buffer.from(ROOT, 'hex').toString('base64')}\n2025-01-02T03:04:05.000Z\n`);
    expect(verifyCheckpoint(cp, signer.publicKey)).toEqual({ valid: true, keyId: signer.keyId });
    expect(verifyCheckpoint(JSON.parse(JSON.stringify(cp)), [Ed25519CheckpointSigner.generate().publicKey, signer.publicKey]).valid).toBe(true);
  });

  it('rejects a tampered signature, size, root, time, origin, or another key', () => {
    const cp = signCheckpoint(signer, { size: 42, root: ROOT });
    const sig = Buffer.from(cp.signature, 'base64');
    sig[10] ^= 1;
    expect(verifyCheckpoint({ ...cp, signature: sig.toString('base64') }, signer.publicKey)).toEqual({ valid: false, reason: 'bad checkpoint signature' });
    expect(verifyCheckpoint({ ...cp, size: 43 }, signer.publicKey).valid).toBe(false);
    expect(verifyCheckpoint({ ...cp, root: 'ac' + ROOT.slice(2) }, signer.publicKey).valid).toBe(false);
    expect(verifyCheckpoint({ ...cp, issuedAt: '2030-01-01T00:00:00.000Z' }, signer.publicKey).valid).toBe(false);
    expect(verifyCheckpoint({ ...cp, origin: 'other' }, signer.publicKey)).toMatchObject({ valid: false, reason: expect.stringMatching(/origin/) });
    expect(verifyCheckpoint({ ...cp, root: ROOT.toUpperCase() }, signer.publicKey)).toMatchObject({ valid: false, reason: expect.stringMatching(/malformed/) });
    expect(verifyCheckpoint({ ...cp, signature: 'AAAA' }, signer.publicKey)).toMatchObject({ valid: false, reason: expect.stringMatching(/64/) });
    const other = Ed25519CheckpointSigner.generate();
    expect(verifyCheckpoint(cp, other.publicKey)).toMatchObject({ valid: false, reason: expect.stringMatching(/not pinned/) });
    // A forger who copies the pinned keyId still fails on the signature.
    const forged = signCheckpoint(other, { size: 42, root: ROOT });
    expect(verifyCheckpoint({ ...forged, keyId: signer.keyId }, signer.publicKey)).toEqual({ valid: false, reason: 'bad checkpoint signature' });
    expect(verifyCheckpoint(null, signer.publicKey).valid).toBe(false);
  });

  it('parses keys from the settings: base64 seed, hex seed, PKCS8 PEM, PKCS8 DER base64', () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const der = privateKey.export({ format: 'der', type: 'pkcs8' });
    const id = publicKeyId(privateKey);
    expect(publicKeyId(parseSigningKey(pem))).toBe(id);
    expect(publicKeyId(parseSigningKey(der.toString('base64')))).toBe(id);
    expect(publicKeyId(parseSigningKey(der.subarray(16).toString('base64')))).toBe(id); // the seed
    expect(publicKeyId(parseSigningKey(der.subarray(16).toString('hex')))).toBe(id);
    expect(() => parseSigningKey('bm90IGEga2V5')).toThrow(/32-byte seed/);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    expect(() => parseSigningKey(rsa)).toThrow(/Ed25519/);
  });

  it('exports the public key in forms parsePublicKey accepts (PEM, raw base64, hex)', () => {
    const exported = signer.exportPublicKey();
    expect(exported).toEqual(exportPublicKey(signer.publicKey));
    expect(Buffer.from(exported.raw, 'base64')).toHaveLength(32);
    for (const form of [exported.pem, exported.raw, Buffer.from(exported.raw, 'base64').toString('hex')]) {
      expect(publicKeyId(parsePublicKey(form))).toBe(signer.keyId);
    }
  });

  it('loadSigningKey: configured key, ephemeral dev key with a warning, or refusal', () => {
    expect(loadSigningKey(seed.toString('base64'))).toMatchObject({ ephemeral: false, signer: { keyId: signer.keyId } });
    const dev = loadSigningKey(undefined);
    expect(dev.ephemeral).toBe(true);
    expect(dev.warning).toMatch(/AUDIT_SIGNING_KEY/);
    expect(loadSigningKey('  ').ephemeral).toBe(true);
    expect(() => loadSigningKey(undefined, { allowEphemeral: false })).toThrow(/not set/);
  });
});
