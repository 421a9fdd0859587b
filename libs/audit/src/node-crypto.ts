/** The pure verifiers' primitives (pure/bytes.ts AuditCrypto) from node:crypto, for the service and its CLIs. */
import { createHash, createPublicKey, verify } from 'node:crypto';
import type { AuditCrypto, Sha256 } from './pure/bytes';
import { SPKI_ED25519_PREFIX } from './pure/checkpoint';

export const nodeSha256: Sha256 = (...parts) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};

export const NODE_CRYPTO: AuditCrypto = {
  sha256: nodeSha256,
  ed25519Verify: (signature, message, publicKey) => {
    try {
      return verify(null, message, createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, publicKey]), format: 'der', type: 'spki' }), signature);
    } catch {
      return false;
    }
  },
};
