"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.encodeCursor = encodeCursor;
exports.decodeCursor = decodeCursor;
exports.pageLimit = pageLimit;
exports.isoOf = isoOf;
exports.instantArg = instantArg;
/**
 * Opaque keyset cursors for the read-model lists.
 *
 * A cursor is base64url (no padding) of the JSON `{"q":<list>,"o":"asc"|"desc","k":[<instant ISO>,<id>]}`:
 * the sort key of the last item of the page just returned. The next page is every row strictly after that
 * key in the list's order, so a page boundary never moves when rows are inserted or updated elsewhere
 * (no OFFSET): each row that exists throughout a walk is returned exactly once. Clients must treat the
 * string as opaque; `q` binds a cursor to the list it came from.
 */
var errors_1 = require("@app/domain/errors");
var time_1 = require("@app/domain/time");
/** A cursor that is not one of ours (or belongs to another list / sort order): DomainError INVALID_INPUT (400). */
function invalidCursor(message) {
    if (message === void 0) { message = 'Invalid cursor'; }
    return (0, errors_1.invalidInput)(message, { field: 'cursor' });
}
function encodeCursor(key) {
    return Buffer.from(JSON.stringify({ q: key.q, o: key.o, k: key.k }), 'utf8').toString('base64url');
}
var B64URL = /^[A-Za-z0-9_-]+$/;
function decodeCursor(cursor, list, order) {
    if (typeof cursor !== 'string' || cursor.length === 0 || cursor.length > 2048 || !B64URL.test(cursor)) {
        throw invalidCursor();
    }
    var v;
    try {
        v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    }
    catch (_a) {
        throw invalidCursor();
    }
    var c = v;
    if (!c ||
        typeof c !== 'object' ||
        c.q !== list ||
        (c.o !== 'asc' && c.o !== 'desc') ||
        !Array.isArray(c.k) ||
        c.k.length !== 2 ||
        typeof c.k[0] !== 'string' ||
        typeof c.k[1] !== 'string' ||
        Number.isNaN(Date.parse(c.k[0]))) {
        throw invalidCursor();
    }
    if (c.o !== order)
        throw invalidCursor("This cursor belongs to the ".concat(c.o, " order of the list"));
    return { q: c.q, o: c.o, k: [new Date(Date.parse(c.k[0])).toISOString(), c.k[1]] };
}
/** Clamps a page size to [1, max] (default `def`). */
function pageLimit(limit, def, max) {
    if (def === void 0) { def = 50; }
    if (max === void 0) { max = 500; }
    if (limit === undefined || limit === null || !Number.isFinite(limit))
        return def;
    return Math.max(1, Math.min(max, Math.floor(limit)));
}
/** Date | string from the driver → ISO-8601 UTC string (null stays null). */
function isoOf(v) {
    if (v === null || v === undefined)
        return null;
    if (v instanceof Date)
        return v.toISOString();
    var ms = Date.parse(String(v));
    return Number.isNaN(ms) ? String(v) : new Date(ms).toISOString();
}
/** Validates an instant argument (ISO-8601 with zone, or a Date) and returns its canonical UTC form; INVALID_INPUT otherwise. */
function instantArg(v, field) {
    if (v instanceof Date) {
        if (Number.isNaN(v.getTime()))
            throw (0, errors_1.invalidInput)("".concat(field, " is not a valid date-time"), { field: field });
        return v.toISOString();
    }
    return new Date((0, time_1.toMs)(v, field)).toISOString();
}
