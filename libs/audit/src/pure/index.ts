/**
 * @app/audit/pure — the browser-safe entry of @app/audit (the second, documented entry point next to the
 * index): the verification algorithms as pure functions of the hash and signature primitives they are given
 * (`AuditCrypto`: SHA-256 and Ed25519), with no node:crypto, Buffer or driver at import. The service binds them to
 * node:crypto (the index's modules delegate here); the console's in-browser verifier binds them to @noble, so an
 * auditor's browser recomputes hashes, paths and signatures itself with the very same code.
 *
 *   bytes.ts         hex / base64 / UTF-8 helpers, the AuditCrypto types
 *   event.ts         event hash (the event store's field list and RFC 8785 form) and Merkle leaf
 *   merkle.ts        RFC 9162 inclusion path walk and consistency check
 *   checkpoint.ts    the signed checkpoint text, key ids, pinned-key parsing, signature verification
 *   chain-verify.ts  per-stream hash chain verification
 *   proof-format.ts  the audit endpoints' JSON formats and parsers
 *   proof-verify.ts  inclusion and consistency bundles, step by step
 */
export * from './bytes';
export * from './event';
export * from './merkle';
export * from './checkpoint';
export * from './chain-verify';
export * from './proof-format';
export * from './proof-verify';
