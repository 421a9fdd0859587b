"use strict";
var _a;
Object.defineProperty(exports, "__esModule", { value: true });
exports.TEXT_PARSERS = exports.OID = void 0;
exports.parseInt8 = parseInt8;
exports.parseDate = parseDate;
exports.parseTimestampUtc = parseTimestampUtc;
/**
 * Result-type parity between the two SqlDatabase implementations. Out of the box node-postgres and PGlite
 * disagree on a few common types (int8: string vs number; date: local-midnight Date vs UTC-midnight Date;
 * timestamp without time zone: local vs UTC). Code written against SqlDatabase runs on both, so both are
 * configured to return the same JS values:
 *
 *  | type                         | JS value                                                      |
 *  |------------------------------|---------------------------------------------------------------|
 *  | int8 / bigint (count(*) …)   | number (exact up to 2^53; cast to text where that can overflow) |
 *  | numeric                      | string (both defaults)                                        |
 *  | date                         | 'YYYY-MM-DD' string (no time-zone guessing)                   |
 *  | timestamp (without tz)       | Date, interpreted as UTC                                      |
 *  | timestamptz                  | Date (both defaults)                                          |
 *  | json / jsonb                 | parsed value (both defaults)                                  |
 *  | xid8, uuid, text …           | string                                                        |
 */
exports.OID = { INT8: 20, DATE: 1082, TIMESTAMP: 1114 };
function parseInt8(value) {
    return Number(value);
}
function parseDate(value) {
    return value;
}
function parseTimestampUtc(value) {
    if (value === 'infinity' || value === '-infinity')
        return value;
    var iso = value.includes('T') ? value : value.replace(' ', 'T');
    var d = new Date(/[zZ]|[+-]\d\d(:?\d\d)?$/.test(iso) ? iso : "".concat(iso, "Z"));
    return Number.isNaN(d.getTime()) ? value : d;
}
/** Text-format parsers keyed by type OID, for both drivers. */
exports.TEXT_PARSERS = (_a = {},
    _a[exports.OID.INT8] = parseInt8,
    _a[exports.OID.DATE] = parseDate,
    _a[exports.OID.TIMESTAMP] = parseTimestampUtc,
    _a);
