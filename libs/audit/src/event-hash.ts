/**
 * Per-event hash (the event store's formula, RecordedEvent.hash):
 *
 *   hash = hex(SHA-256(UTF-8(canonicalize({stream, revision, eventId, type, data, metadata, recordedAt, prevHash}))))
 *
 * where canonicalize is RFC 8785 (JSON Canonicalization Scheme, package `canonicalize@2`).
 *
 * Single source of truth: re-exported from libs/event-store/src/hashing.ts, which is dependency-free
 * (node:crypto + canonicalize), so the standalone verifier can use it without any database driver.
 * (Until that file existed this module held an identical copy; chain-verify.spec.ts pins the formula
 * with a known-answer test so a change on either side is noticed.)
 */
export { canonicalJson, computeEventHash, sha256Hex, type HashableEvent } from '@app/event-store/hashing';
