"use strict";
var __assign = (this && this.__assign) || function () {
    __assign = Object.assign || function(t) {
        for (var s, i = 1, n = arguments.length; i < n; i++) {
            s = arguments[i];
            for (var p in s) if (Object.prototype.hasOwnProperty.call(s, p))
                t[p] = s[p];
        }
        return t;
    };
    return __assign.apply(this, arguments);
};
Object.defineProperty(exports, "__esModule", { value: true });
exports.MAX_STREAM_ID_LENGTH = void 0;
exports.validateStream = validateStream;
exports.validateExpected = validateExpected;
exports.prepareEvents = prepareEvents;
exports.chainEvents = chainEvents;
var uuid_1 = require("uuid");
var event_store_port_1 = require("./event-store.port");
var hashing_1 = require("./hashing");
/** Shared by every adapter: validation, id assignment, JSON normalisation and hash chaining of appends. */
exports.MAX_STREAM_ID_LENGTH = 500;
function validateStream(stream) {
    if (typeof stream !== 'string' || stream.length === 0 || stream.length > exports.MAX_STREAM_ID_LENGTH) {
        throw new TypeError("stream must be a non-empty string of at most ".concat(exports.MAX_STREAM_ID_LENGTH, " characters"));
    }
}
function validateExpected(expected) {
    if (expected === 'any' || expected === 'no_stream' || expected === 'stream_exists')
        return;
    if (typeof expected !== 'number' || !Number.isSafeInteger(expected) || expected < 0) {
        throw new TypeError("expectedRevision must be 'any', 'no_stream', 'stream_exists' or a revision >= 0, got ".concat(String(expected)));
    }
}
/** Validates events, fixes their ids and normalises data/metadata to exactly what jsonb stores. */
function prepareEvents(stream, events) {
    if (!Array.isArray(events) || events.length === 0)
        throw new TypeError('appendToStream needs at least one event');
    var seen = new Set();
    return events.map(function (e, i) {
        if (!e || typeof e.type !== 'string' || e.type.length === 0)
            throw new TypeError("event #".concat(i, " needs a non-empty type"));
        var eventId = e.eventId === undefined ? (0, uuid_1.v4)() : String(e.eventId).toLowerCase();
        if (!(0, uuid_1.validate)(eventId))
            throw new TypeError("event #".concat(i, ": eventId must be a UUID, got \"").concat(String(e.eventId), "\""));
        if (seen.has(eventId))
            throw new event_store_port_1.DuplicateEventIdError(eventId, stream);
        seen.add(eventId);
        return {
            eventId: eventId,
            type: e.type,
            data: (0, hashing_1.toJsonObject)(e.data, "event #".concat(i, " data")),
            metadata: e.metadata === undefined ? {} : (0, hashing_1.toJsonObject)(e.metadata, "event #".concat(i, " metadata")),
        };
    });
}
/** Chains prepared events onto a stream head: revisions, prevHash and hash (recordedAt fixed by the caller). */
function chainEvents(stream, events, head, recordedAt) {
    var prevHash = head.hash;
    return events.map(function (e, i) {
        var unhashed = { stream: stream, revision: head.revision + 1 + i, eventId: e.eventId, type: e.type, data: e.data, metadata: e.metadata, recordedAt: recordedAt, prevHash: prevHash };
        var hash = (0, hashing_1.computeEventHash)(unhashed);
        prevHash = hash;
        return __assign(__assign({}, unhashed), { hash: hash });
    });
}
