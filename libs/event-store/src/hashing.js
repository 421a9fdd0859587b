"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.canonicalJson = canonicalJson;
exports.sha256Hex = sha256Hex;
exports.computeEventHash = computeEventHash;
exports.verifyEventChain = verifyEventChain;
exports.toJsonObject = toJsonObject;
/**
 * The per-event hash chain shared by every adapter and by the auditors' verifier.
 *
 *   hash = hex(SHA-256(UTF-8(canonicalize({stream, revision, eventId, type, data, metadata, recordedAt, prevHash}))))
 *
 * `canonicalize` is RFC 8785 (JSON Canonicalization Scheme, package `canonicalize@2`). `recordedAt` is hashed
 * as the exact ISO-8601 string stored with the event (`Date#toISOString()`, millisecond precision), not as an
 * instant. `prevHash` is the previous event's hash in the same stream, `null` for revision 0.
 *
 * This file is deliberately dependency-free apart from node:crypto and canonicalize so that verification
 * tools can import it without pulling in any database driver.
 */
var node_crypto_1 = require("node:crypto");
var canonicalize_1 = require("canonicalize");
/** RFC 8785 canonical JSON text. Throws on values JSON cannot represent (undefined at top level, NaN, Infinity). */
function canonicalJson(value) {
    var text = (0, canonicalize_1.default)(value);
    if (text === undefined)
        throw new TypeError('value has no JSON representation');
    return text;
}
function sha256Hex(data) {
    return (0, node_crypto_1.createHash)('sha256').update(data).digest('hex');
}
/** The event's hash: SHA-256 hex over the canonical JSON of the hashed fields (extra fields are ignored). */
function computeEventHash(e) {
    return sha256Hex(canonicalJson({
        stream: e.stream,
        revision: e.revision,
        eventId: e.eventId,
        type: e.type,
        data: e.data,
        metadata: e.metadata,
        recordedAt: e.recordedAt,
        prevHash: e.prevHash,
    }));
}
/**
 * Verifies a stream's events in revision order: every hash recomputes, every prevHash links to the previous
 * event's hash, and revisions are consecutive. `previous` is the event before `events[0]` when verifying a
 * later page (null/undefined: `events[0]` must be revision 0 with prevHash null).
 */
function verifyEventChain(events, previous) {
    var prevHash = previous ? previous.hash : null;
    var expectedRevision = previous ? previous.revision + 1 : 0;
    var checked = 0;
    for (var _i = 0, events_1 = events; _i < events_1.length; _i++) {
        var e = events_1[_i];
        checked++;
        if (e.revision !== expectedRevision)
            return { valid: false, checked: checked, brokenAt: e.revision, reason: 'revision-gap' };
        if (e.prevHash !== prevHash)
            return { valid: false, checked: checked, brokenAt: e.revision, reason: 'prev-hash-mismatch' };
        if (computeEventHash(e) !== e.hash)
            return { valid: false, checked: checked, brokenAt: e.revision, reason: 'hash-mismatch' };
        prevHash = e.hash;
        expectedRevision++;
    }
    return { valid: true, checked: checked };
}
/**
 * Normalises a value to what JSON (and therefore a jsonb column) can hold, so the hash is computed over exactly
 * what is stored and read back: drops undefined members, turns Dates into ISO strings (toJSON), rejects
 * NaN/Infinity/BigInt/functions and the NUL character (which PostgreSQL text/jsonb cannot store).
 */
function toJsonObject(value, what) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        throw new TypeError("".concat(what, " must be a JSON object"));
    }
    var text;
    try {
        text = JSON.stringify(value, function (_k, v) {
            if (typeof v === 'number' && !Number.isFinite(v))
                throw new TypeError("".concat(what, " contains a non-finite number"));
            return v;
        });
    }
    catch (e) {
        throw new TypeError("".concat(what, " is not JSON-serialisable: ").concat(e.message));
    }
    if (text.includes('\\u0000'))
        throw new TypeError("".concat(what, " contains a NUL character, which PostgreSQL cannot store"));
    var parsed = JSON.parse(text);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
        throw new TypeError("".concat(what, " must be a JSON object"));
    return parsed;
}
