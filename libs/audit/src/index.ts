/**
 * @app/audit — tamper evidence for the event store: per-stream hash chains, a global RFC 6962/9162
 * Merkle log with signed checkpoints, inclusion/consistency proofs and their client-side verification.
 * Pure TypeScript + node:crypto (merkle-log.ts additionally needs a SqlExecutor).
 */
export * from './event-hash';
export * from './event-leaf';
export * from './merkle';
export * from './chain-verify';
export * from './checkpoint';
export * from './proof-format';
export * from './proof-verify';
export * from './merkle-log';
