/**
 * The primitives the console verifies with, in the browser: SHA-256 and Ed25519 from the audited @noble
 * libraries (pure JS: they work on any page, also where WebCrypto is not available, e.g. a console opened over
 * plain http on a LAN address). The algorithms themselves are the service's own, from its browser-safe entry
 * `@app/audit/pure` (libs/audit/src/pure): this page recomputes with them, it never asks the service's /verify.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { ed25519 } from '@noble/curves/ed25519.js';
import type { AuditCrypto, Sha256 } from '@app/audit/pure';

const nobleSha256: Sha256 = (...parts) => {
  const h = sha256.create();
  for (const p of parts) h.update(p);
  return h.digest();
};

export const BROWSER_CRYPTO: AuditCrypto = {
  sha256: nobleSha256,
  ed25519Verify: (signature, message, publicKey) => {
    try {
      return ed25519.verify(signature, message, publicKey);
    } catch {
      return false;
    }
  },
};
