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
var __awaiter = (this && this.__awaiter) || function (thisArg, _arguments, P, generator) {
    function adopt(value) { return value instanceof P ? value : new P(function (resolve) { resolve(value); }); }
    return new (P || (P = Promise))(function (resolve, reject) {
        function fulfilled(value) { try { step(generator.next(value)); } catch (e) { reject(e); } }
        function rejected(value) { try { step(generator["throw"](value)); } catch (e) { reject(e); } }
        function step(result) { result.done ? resolve(result.value) : adopt(result.value).then(fulfilled, rejected); }
        step((generator = generator.apply(thisArg, _arguments || [])).next());
    });
};
var __generator = (this && this.__generator) || function (thisArg, body) {
    var _ = { label: 0, sent: function() { if (t[0] & 1) throw t[1]; return t[1]; }, trys: [], ops: [] }, f, y, t, g = Object.create((typeof Iterator === "function" ? Iterator : Object).prototype);
    return g.next = verb(0), g["throw"] = verb(1), g["return"] = verb(2), typeof Symbol === "function" && (g[Symbol.iterator] = function() { return this; }), g;
    function verb(n) { return function (v) { return step([n, v]); }; }
    function step(op) {
        if (f) throw new TypeError("Generator is already executing.");
        while (g && (g = 0, op[0] && (_ = 0)), _) try {
            if (f = 1, y && (t = op[0] & 2 ? y["return"] : op[0] ? y["throw"] || ((t = y["return"]) && t.call(y), 0) : y.next) && !(t = t.call(y, op[1])).done) return t;
            if (y = 0, t) op = [op[0] & 2, t.value];
            switch (op[0]) {
                case 0: case 1: t = op; break;
                case 4: _.label++; return { value: op[1], done: false };
                case 5: _.label++; y = op[1]; op = [0]; continue;
                case 7: op = _.ops.pop(); _.trys.pop(); continue;
                default:
                    if (!(t = _.trys, t = t.length > 0 && t[t.length - 1]) && (op[0] === 6 || op[0] === 2)) { _ = 0; continue; }
                    if (op[0] === 3 && (!t || (op[1] > t[0] && op[1] < t[3]))) { _.label = op[1]; break; }
                    if (op[0] === 6 && _.label < t[1]) { _.label = t[1]; t = op; break; }
                    if (t && _.label < t[2]) { _.label = t[2]; _.ops.push(op); break; }
                    if (t[2]) _.ops.pop();
                    _.trys.pop(); continue;
            }
            op = body.call(thisArg, _);
        } catch (e) { op = [6, e]; y = 0; } finally { f = t = 0; }
        if (op[0] & 5) throw op[1]; return { value: op[0] ? op[1] : void 0, done: true };
    }
};
var __spreadArray = (this && this.__spreadArray) || function (to, from, pack) {
    if (pack || arguments.length === 2) for (var i = 0, l = from.length, ar; i < l; i++) {
        if (ar || !(i in from)) {
            if (!ar) ar = Array.prototype.slice.call(from, 0, i);
            ar[i] = from[i];
        }
    }
    return to.concat(ar || Array.prototype.slice.call(from));
};
Object.defineProperty(exports, "__esModule", { value: true });
exports.SqlEventStore = exports.READ_ALL_SQL = exports.DEFAULT_READ_ALL_MAX_COUNT = void 0;
exports.buildAppendStatement = buildAppendStatement;
var event_store_port_1 = require("../event-store.port");
var append_support_1 = require("../append-support");
var hashing_1 = require("../hashing");
var polling_subscription_1 = require("../polling-subscription");
var event_store_schema_1 = require("./event-store-schema");
var migrations_1 = require("./migrations");
exports.DEFAULT_READ_ALL_MAX_COUNT = 1000;
var MAX_APPEND_ATTEMPTS = 20;
var EVENT_COLUMNS = "stream_id, stream_revision, transaction_id::text AS tx, global_position::text AS gp, event_id::text AS event_id,\n  event_type, data, metadata, to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"') AS recorded_at, hash, prev_hash";
/** SQL of the global-order read: only events of transactions below the snapshot's xmin (see class doc). */
exports.READ_ALL_SQL = "SELECT ".concat(EVENT_COLUMNS, " FROM es_events\n WHERE (transaction_id, global_position) > ($1::xid8, $2::bigint)\n   AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())\n ORDER BY transaction_id, global_position\n LIMIT $3");
var HEAD_POSITION_SQL = "SELECT transaction_id::text AS tx, global_position::text AS gp FROM es_events\n WHERE transaction_id < pg_snapshot_xmin(pg_current_snapshot())\n ORDER BY transaction_id DESC, global_position DESC LIMIT 1";
/** Committed events that readers may not see yet because an older transaction is still open. */
var PENDING_SQL = "SELECT EXISTS (SELECT 1 FROM es_events WHERE transaction_id >= pg_snapshot_xmin(pg_current_snapshot())) AS pending";
function rowToEvent(r) {
    var _a;
    return {
        stream: r.stream_id,
        revision: Number(r.stream_revision),
        position: "".concat(r.tx, "/").concat(r.gp),
        eventId: r.event_id,
        type: r.event_type,
        data: r.data,
        metadata: (_a = r.metadata) !== null && _a !== void 0 ? _a : {},
        recordedAt: r.recorded_at,
        hash: r.hash,
        prevHash: r.prev_hash,
    };
}
/**
 * The one statement that appends (see event-store-schema.ts): exported so that tests (and tools) can run
 * the very same SQL path on their own connection, e.g. inside a transaction they hold open.
 */
function buildAppendStatement(stream, chained, expected, head, checkIds) {
    var _a, _b;
    var kind = typeof expected === 'number' ? 'exact' : expected;
    var payload = chained.map(function (e) { return ({ id: e.eventId, type: e.type, data: e.data, metadata: e.metadata, hash: e.hash, prevHash: e.prevHash }); });
    return {
        sql: "SELECT * FROM es_append($1::text, $2::text, $3::bigint, $4::bigint, $5::text, $6::boolean, $7::timestamptz, $8::text::jsonb)",
        params: [
            stream,
            kind,
            typeof expected === 'number' ? expected : null,
            head.revision,
            head.hash,
            checkIds,
            (_b = (_a = chained[0]) === null || _a === void 0 ? void 0 : _a.recordedAt) !== null && _b !== void 0 ? _b : new Date().toISOString(),
            JSON.stringify(payload),
        ],
    };
}
function headFromDetail(err) {
    var _a, _b, _c;
    try {
        var d = JSON.parse((_a = err.detail) !== null && _a !== void 0 ? _a : '{}');
        return { revision: Number((_b = d.revision) !== null && _b !== void 0 ? _b : -1), hash: (_c = d.hash) !== null && _c !== void 0 ? _c : null, eventId: d.eventId };
    }
    catch (_d) {
        return { revision: -1, hash: null };
    }
}
/**
 * EventStore over a SqlDatabase: the same SQL on PostgreSQL ('postgres') and PGlite ('embedded').
 *
 * Appends: one statement, `es_append(...)` (see event-store-schema.ts), i.e. one awaited round trip and one
 * transaction, when the stream head (revision + last hash) is known: it is cached from earlier appends and
 * reads of this process, and is always 'empty' for expectedRevision 'no_stream'. Otherwise one extra
 * lookup first. A stale cache costs one retry (the function reports the actual head). Event hashes
 * are computed here (RFC 8785 needs JavaScript's number formatting), the database verifies the head under
 * the stream's row lock, so the chain cannot fork.
 *
 * Global order: position = `${transaction_id}/${global_position}`, ordered by that pair. A reader only sees
 * events whose transaction_id is below the xmin of its snapshot (every transaction older than that has
 * finished), so an event of a transaction that commits late — though it drew a lower sequence number or has
 * a lower xid — can never appear behind a position a reader already passed: it is held back until every
 * older transaction ended and then sorts exactly where the reader will look next. Cost: while any
 * transaction with an xid stays open (in this database's cluster), newer events wait for it. Appends of this
 * store are short; keep other transactions short too (consider idle_in_transaction_session_timeout).
 * Stream order and global order agree: an append that waited for a stream lock held by a newer transaction
 * is retried in a new transaction (ES004).
 *
 * PGlite has one connection and serialises transactions, so appends there run one at a time and readers
 * always see everything committed.
 */
var SqlEventStore = /** @class */ (function () {
    function SqlEventStore(db, options) {
        if (options === void 0) { options = {}; }
        var _a, _b;
        this.db = db;
        this.options = options;
        this.heads = new Map();
        this.subscriptions = new Set();
        this.unlisten = null;
        this.initialized = null;
        this.closed = false;
        this.notifying = null;
        this.notifyAgain = false;
        this.kind = (_a = options.kind) !== null && _a !== void 0 ? _a : (db.kind === 'pglite' ? 'embedded' : 'postgres');
        this.headCacheSize = (_b = options.streamHeadCacheSize) !== null && _b !== void 0 ? _b : 10000;
    }
    /** Creates/upgrades the schema (idempotent, safe with several processes starting at once). */
    SqlEventStore.prototype.init = function () {
        var _this = this;
        if (!this.initialized) {
            this.initialized = (0, migrations_1.runMigrations)(this.db, event_store_schema_1.EVENT_STORE_MIGRATION_NAMESPACE, event_store_schema_1.EVENT_STORE_MIGRATIONS).then(function () { return undefined; });
            this.initialized.catch(function () {
                _this.initialized = null;
            });
        }
        return this.initialized;
    };
    SqlEventStore.prototype.close = function () {
        return __awaiter(this, void 0, void 0, function () {
            var unlisten;
            var _a;
            return __generator(this, function (_b) {
                switch (_b.label) {
                    case 0:
                        if (this.closed)
                            return [2 /*return*/];
                        this.closed = true;
                        return [4 /*yield*/, Promise.all(__spreadArray([], this.subscriptions, true).map(function (s) { return s.stop(); }))];
                    case 1:
                        _b.sent();
                        return [4 /*yield*/, ((_a = this.unlisten) === null || _a === void 0 ? void 0 : _a.catch(function () { return null; }))];
                    case 2:
                        unlisten = _b.sent();
                        this.unlisten = null;
                        return [4 /*yield*/, (unlisten === null || unlisten === void 0 ? void 0 : unlisten().catch(function () { return undefined; }))];
                    case 3:
                        _b.sent();
                        return [4 /*yield*/, this.notifying];
                    case 4:
                        _b.sent();
                        if (!this.options.ownsDatabase) return [3 /*break*/, 6];
                        return [4 /*yield*/, this.db.close()];
                    case 5:
                        _b.sent();
                        _b.label = 6;
                    case 6: return [2 /*return*/];
                }
            });
        });
    };
    SqlEventStore.prototype.assertOpen = function () {
        if (this.closed)
            throw new Error('SqlEventStore is closed');
    };
    // ---- stream head cache -------------------------------------------------------------------------------
    SqlEventStore.prototype.rememberHead = function (stream, head) {
        var known = this.heads.get(stream);
        if (known && known.revision > head.revision)
            return;
        this.heads.delete(stream);
        this.heads.set(stream, head);
        if (this.heads.size > this.headCacheSize) {
            var oldest = this.heads.keys().next().value;
            if (oldest !== undefined)
                this.heads.delete(oldest);
        }
    };
    SqlEventStore.prototype.readHead = function (stream) {
        return __awaiter(this, void 0, void 0, function () {
            var rows;
            return __generator(this, function (_a) {
                switch (_a.label) {
                    case 0: return [4 /*yield*/, this.db.query("SELECT revision, last_hash FROM es_streams WHERE stream_id = $1", [stream])];
                    case 1:
                        rows = (_a.sent()).rows;
                        return [2 /*return*/, rows[0] ? { revision: Number(rows[0].revision), hash: rows[0].last_hash } : { revision: -1, hash: null }];
                }
            });
        });
    };
    // ---- append --------------------------------------------------------------------------------------------
    SqlEventStore.prototype.appendToStream = function (stream, events, options) {
        return __awaiter(this, void 0, void 0, function () {
            var expected, prepared, checkIds, recordedAt, head, _a, _b, locked, attempt, chained, rows, _c, sql, params, e_1, err, actual, _d, _e, _f;
            var _g;
            var _h, _j, _k;
            return __generator(this, function (_l) {
                switch (_l.label) {
                    case 0:
                        this.assertOpen();
                        (0, append_support_1.validateStream)(stream);
                        expected = (_h = options === null || options === void 0 ? void 0 : options.expectedRevision) !== null && _h !== void 0 ? _h : 'any';
                        (0, append_support_1.validateExpected)(expected);
                        prepared = (0, append_support_1.prepareEvents)(stream, events);
                        checkIds = events.some(function (e) { return e.eventId !== undefined; });
                        recordedAt = new Date().toISOString();
                        if (!(expected === 'no_stream')) return [3 /*break*/, 1];
                        _a = { revision: -1, hash: null };
                        return [3 /*break*/, 5];
                    case 1:
                        if (!((_j = this.heads.get(stream)) !== null && _j !== void 0)) return [3 /*break*/, 2];
                        _b = _j;
                        return [3 /*break*/, 4];
                    case 2: return [4 /*yield*/, this.readHead(stream)];
                    case 3:
                        _b = (_l.sent());
                        _l.label = 4;
                    case 4:
                        _a = (_b);
                        _l.label = 5;
                    case 5:
                        head = _a;
                        locked = false;
                        attempt = 0;
                        _l.label = 6;
                    case 6:
                        chained = void 0;
                        rows = void 0;
                        _l.label = 7;
                    case 7:
                        _l.trys.push([7, 12, , 23]);
                        if (!locked) return [3 /*break*/, 9];
                        return [4 /*yield*/, this.appendLocked(stream, prepared, expected, recordedAt, checkIds)];
                    case 8:
                        (_g = _l.sent(), chained = _g.chained, rows = _g.rows);
                        return [3 /*break*/, 11];
                    case 9:
                        chained = (0, append_support_1.chainEvents)(stream, prepared, head, recordedAt);
                        _c = buildAppendStatement(stream, chained, expected, head, checkIds), sql = _c.sql, params = _c.params;
                        return [4 /*yield*/, this.db.query(sql, params)];
                    case 10:
                        rows = (_l.sent()).rows;
                        _l.label = 11;
                    case 11: return [3 /*break*/, 23];
                    case 12:
                        e_1 = _l.sent();
                        err = e_1;
                        actual = headFromDetail(err);
                        _d = err.code;
                        switch (_d) {
                            case 'ES001': return [3 /*break*/, 13];
                            case 'ES002': return [3 /*break*/, 14];
                            case 'ES003': return [3 /*break*/, 15];
                            case 'ES004': return [3 /*break*/, 16];
                            case '23505': return [3 /*break*/, 17];
                            case '40001': return [3 /*break*/, 19];
                            case '40P01': return [3 /*break*/, 19];
                        }
                        return [3 /*break*/, 21];
                    case 13:
                        if (actual.revision >= 0)
                            this.rememberHead(stream, actual);
                        throw new event_store_port_1.ConcurrencyError(stream, expected, actual.revision < 0 ? null : actual.revision);
                    case 14: throw new event_store_port_1.DuplicateEventIdError((_k = actual.eventId) !== null && _k !== void 0 ? _k : prepared[0].eventId, stream);
                    case 15:
                        head = { revision: actual.revision, hash: actual.hash };
                        if (attempt === 0)
                            return [3 /*break*/, 24]; // a stale cache: one optimistic retry with the reported head
                        locked = true;
                        if (attempt < MAX_APPEND_ATTEMPTS)
                            return [3 /*break*/, 24];
                        throw new event_store_port_1.ConcurrencyError(stream, expected, actual.revision < 0 ? null : actual.revision);
                    case 16:
                        head = { revision: actual.revision, hash: actual.hash };
                        if (attempt < MAX_APPEND_ATTEMPTS)
                            return [3 /*break*/, 24];
                        throw new event_store_port_1.ConcurrencyError(stream, expected, actual.revision < 0 ? null : actual.revision);
                    case 17: return [4 /*yield*/, this.uniqueViolation(stream, expected, prepared, err)];
                    case 18: // unique violation from a race the locks did not cover
                    throw _l.sent();
                    case 19:
                        _e = event_store_port_1.ConcurrencyError.bind;
                        _f = [void 0, stream, expected];
                        return [4 /*yield*/, this.streamRevision(stream).catch(function () { return null; })];
                    case 20: // deadlock
                    throw new (_e.apply(event_store_port_1.ConcurrencyError, _f.concat([_l.sent()])))();
                    case 21: throw e_1;
                    case 22: return [3 /*break*/, 23];
                    case 23: return [2 /*return*/, this.appended(stream, chained, rows)];
                    case 24:
                        attempt++;
                        return [3 /*break*/, 6];
                    case 25: return [2 /*return*/];
                }
            });
        });
    };
    /** Append in a transaction that locks the stream row first and chains onto the head read under the lock. */
    SqlEventStore.prototype.appendLocked = function (stream, prepared, expected, recordedAt, checkIds) {
        var _this = this;
        return this.db.transaction(function (tx) { return __awaiter(_this, void 0, void 0, function () {
            var lockSql, heads, head, chained, _a, sql, params, rows;
            return __generator(this, function (_b) {
                switch (_b.label) {
                    case 0:
                        lockSql = "SELECT revision, last_hash FROM es_streams WHERE stream_id = $1 FOR UPDATE";
                        return [4 /*yield*/, tx.query(lockSql, [stream])];
                    case 1:
                        heads = (_b.sent()).rows;
                        if (!!heads[0]) return [3 /*break*/, 4];
                        return [4 /*yield*/, tx.query("INSERT INTO es_streams (stream_id) VALUES ($1) ON CONFLICT (stream_id) DO NOTHING", [stream])];
                    case 2:
                        _b.sent();
                        return [4 /*yield*/, tx.query(lockSql, [stream])];
                    case 3:
                        (heads = (_b.sent()).rows);
                        _b.label = 4;
                    case 4:
                        head = { revision: Number(heads[0].revision), hash: heads[0].last_hash };
                        chained = (0, append_support_1.chainEvents)(stream, prepared, head, recordedAt);
                        _a = buildAppendStatement(stream, chained, expected, head, checkIds), sql = _a.sql, params = _a.params;
                        return [4 /*yield*/, tx.query(sql, params)];
                    case 5:
                        rows = (_b.sent()).rows;
                        return [2 /*return*/, { chained: chained, rows: rows }];
                }
            });
        }); });
    };
    SqlEventStore.prototype.uniqueViolation = function (stream, expected, prepared, err) {
        return __awaiter(this, void 0, void 0, function () {
            var ids, rows, _a, _b;
            var _c, _d;
            return __generator(this, function (_e) {
                switch (_e.label) {
                    case 0:
                        if (!(err.constraint === 'es_events_event_id_key')) return [3 /*break*/, 2];
                        ids = prepared.map(function (p) { return p.eventId; });
                        return [4 /*yield*/, this.db.query("SELECT event_id::text AS event_id FROM es_events WHERE event_id = ANY($1::uuid[])", [ids])];
                    case 1:
                        rows = (_e.sent()).rows;
                        return [2 /*return*/, new event_store_port_1.DuplicateEventIdError((_d = (_c = rows[0]) === null || _c === void 0 ? void 0 : _c.event_id) !== null && _d !== void 0 ? _d : ids[0], stream)];
                    case 2:
                        _a = event_store_port_1.ConcurrencyError.bind;
                        _b = [void 0, stream, expected];
                        return [4 /*yield*/, this.streamRevision(stream).catch(function () { return null; })];
                    case 3: return [2 /*return*/, new (_a.apply(event_store_port_1.ConcurrencyError, _b.concat([_e.sent()])))()];
                }
            });
        });
    };
    SqlEventStore.prototype.appended = function (stream, chained, rows) {
        if (rows.length > 0 && rows[0].r_replay) {
            var stored = rows.map(function (r) {
                var _a;
                return ({
                    stream: stream,
                    revision: Number(r.r_revision),
                    position: "".concat(r.r_tx, "/").concat(r.r_gp),
                    eventId: r.r_event_id,
                    type: r.r_type,
                    data: r.r_data,
                    metadata: (_a = r.r_metadata) !== null && _a !== void 0 ? _a : {},
                    recordedAt: r.r_recorded_at,
                    hash: r.r_hash,
                    prevHash: r.r_prev_hash,
                });
            });
            var last_1 = stored[stored.length - 1];
            return { nextExpectedRevision: last_1.revision, position: last_1.position, events: stored, idempotentReplay: true };
        }
        var byRevision = new Map(rows.map(function (r) { return [Number(r.r_revision), "".concat(r.r_tx, "/").concat(r.r_gp)]; }));
        var recorded = chained.map(function (e) {
            var position = byRevision.get(e.revision);
            if (!position)
                throw new Error("es_append did not return revision ".concat(e.revision, " of ").concat(stream));
            return __assign(__assign({}, e), { position: position });
        });
        var last = recorded[recorded.length - 1];
        this.rememberHead(stream, { revision: last.revision, hash: last.hash });
        this.wakeSubscriptions();
        this.notifyOtherProcesses();
        return { nextExpectedRevision: last.revision, position: last.position, events: recorded, idempotentReplay: false };
    };
    // ---- reads ---------------------------------------------------------------------------------------------
    SqlEventStore.prototype.readStream = function (stream_1) {
        return __awaiter(this, arguments, void 0, function (stream, options) {
            var backwards, limit, from, rows, _a, events, newest;
            if (options === void 0) { options = {}; }
            return __generator(this, function (_b) {
                switch (_b.label) {
                    case 0:
                        this.assertOpen();
                        (0, append_support_1.validateStream)(stream);
                        backwards = options.direction === 'backwards';
                        limit = options.maxCount === undefined ? null : Math.max(0, Math.floor(options.maxCount));
                        if (limit === 0)
                            return [2 /*return*/, []];
                        from = options.fromRevision;
                        if (from !== undefined && (!Number.isSafeInteger(from) || from < 0))
                            throw new TypeError('fromRevision must be an integer >= 0');
                        if (!backwards) return [3 /*break*/, 2];
                        return [4 /*yield*/, this.db.query("SELECT ".concat(EVENT_COLUMNS, " FROM es_events WHERE stream_id = $1 AND stream_revision <= $2::bigint\n            ORDER BY stream_revision DESC LIMIT $3::bigint"), [stream, from !== null && from !== void 0 ? from : Number.MAX_SAFE_INTEGER, limit])];
                    case 1:
                        _a = _b.sent();
                        return [3 /*break*/, 4];
                    case 2: return [4 /*yield*/, this.db.query("SELECT ".concat(EVENT_COLUMNS, " FROM es_events WHERE stream_id = $1 AND stream_revision >= $2::bigint\n            ORDER BY stream_revision LIMIT $3::bigint"), [stream, from !== null && from !== void 0 ? from : 0, limit])];
                    case 3:
                        _a = _b.sent();
                        _b.label = 4;
                    case 4:
                        rows = (_a).rows;
                        events = rows.map(rowToEvent);
                        newest = backwards ? events[0] : events[events.length - 1];
                        if (newest)
                            this.rememberHead(stream, { revision: newest.revision, hash: newest.hash });
                        return [2 /*return*/, events];
                }
            });
        });
    };
    SqlEventStore.prototype.streamRevision = function (stream) {
        return __awaiter(this, void 0, void 0, function () {
            var head;
            return __generator(this, function (_a) {
                switch (_a.label) {
                    case 0:
                        this.assertOpen();
                        return [4 /*yield*/, this.readHead(stream)];
                    case 1:
                        head = _a.sent();
                        return [2 /*return*/, head.revision < 0 ? null : head.revision];
                }
            });
        });
    };
    SqlEventStore.prototype.readAll = function () {
        return __awaiter(this, arguments, void 0, function (options) {
            var after, _a, tx, gp, max, rows, isEnd, events;
            var _b, _c;
            if (options === void 0) { options = {}; }
            return __generator(this, function (_d) {
                switch (_d.label) {
                    case 0:
                        this.assertOpen();
                        after = (_b = options.after) !== null && _b !== void 0 ? _b : event_store_port_1.START;
                        _a = (0, event_store_port_1.parsePosition)(after), tx = _a[0], gp = _a[1];
                        max = Math.max(1, Math.floor((_c = options.maxCount) !== null && _c !== void 0 ? _c : exports.DEFAULT_READ_ALL_MAX_COUNT));
                        return [4 /*yield*/, this.db.query(exports.READ_ALL_SQL, [tx.toString(), gp.toString(), max + 1])];
                    case 1:
                        rows = (_d.sent()).rows;
                        isEnd = rows.length <= max;
                        events = (isEnd ? rows : rows.slice(0, max)).map(rowToEvent);
                        return [2 /*return*/, { events: events, lastPosition: events.length ? events[events.length - 1].position : after, isEnd: isEnd }];
                }
            });
        });
    };
    SqlEventStore.prototype.headPosition = function () {
        return __awaiter(this, void 0, void 0, function () {
            var rows;
            return __generator(this, function (_a) {
                switch (_a.label) {
                    case 0:
                        this.assertOpen();
                        return [4 /*yield*/, this.db.query(HEAD_POSITION_SQL)];
                    case 1:
                        rows = (_a.sent()).rows;
                        return [2 /*return*/, rows[0] ? "".concat(rows[0].tx, "/").concat(rows[0].gp) : event_store_port_1.START];
                }
            });
        });
    };
    // ---- subscriptions -------------------------------------------------------------------------------------
    SqlEventStore.prototype.subscribeToAll = function (options) {
        var _this = this;
        this.assertOpen();
        var read = function (after, maxCount) { return __awaiter(_this, void 0, void 0, function () {
            var page, rows;
            var _a;
            return __generator(this, function (_b) {
                switch (_b.label) {
                    case 0: return [4 /*yield*/, this.readAll({ after: after, maxCount: maxCount })];
                    case 1:
                        page = _b.sent();
                        if (page.events.length > 0 || this.db.kind === 'pglite')
                            return [2 /*return*/, page];
                        return [4 /*yield*/, this.db.query(PENDING_SQL)];
                    case 2:
                        rows = (_b.sent()).rows;
                        return [2 /*return*/, __assign(__assign({}, page), { pending: ((_a = rows[0]) === null || _a === void 0 ? void 0 : _a.pending) === true })];
                }
            });
        }); };
        var sub = new polling_subscription_1.PollingSubscription(read, options, function (s) { return _this.subscriptions.delete(s); });
        this.subscriptions.add(sub);
        this.ensureListening();
        return sub;
    };
    SqlEventStore.prototype.ensureListening = function () {
        var _this = this;
        if (this.unlisten)
            return;
        this.unlisten = this.db.listen(event_store_schema_1.EVENTS_NOTIFY_CHANNEL, function () { return _this.wakeSubscriptions(); }).catch(function () {
            _this.unlisten = null; // polling still works; try again with the next subscription
            return null;
        });
    };
    SqlEventStore.prototype.wakeSubscriptions = function () {
        for (var _i = 0, _a = this.subscriptions; _i < _a.length; _i++) {
            var s = _a[_i];
            s.wake();
        }
    };
    /**
     * Tells subscribers in other processes (LISTEN es_events) that something was committed: one NOTIFY at a
     * time, outside the append transaction, coalescing appends that finish meanwhile into one more. (A NOTIFY
     * inside each append would serialise commits on PostgreSQL's notify lock.) PGlite: one process, nothing to do.
     */
    SqlEventStore.prototype.notifyOtherProcesses = function () {
        var _this = this;
        if (this.db.kind !== 'pg' || this.closed)
            return;
        if (this.notifying) {
            this.notifyAgain = true;
            return;
        }
        this.notifyAgain = false;
        this.notifying = this.db
            .query("SELECT pg_notify($1, '')", [event_store_schema_1.EVENTS_NOTIFY_CHANNEL])
            .then(function () { return undefined; }, function () { return undefined; })
            .then(function () {
            _this.notifying = null;
            if (_this.notifyAgain)
                _this.notifyOtherProcesses();
        });
    };
    // ---- metadata, health ----------------------------------------------------------------------------------
    SqlEventStore.prototype.getStreamMetadata = function (stream) {
        return __awaiter(this, void 0, void 0, function () {
            var rows;
            var _a, _b;
            return __generator(this, function (_c) {
                switch (_c.label) {
                    case 0:
                        this.assertOpen();
                        return [4 /*yield*/, this.db.query("SELECT metadata FROM es_streams WHERE stream_id = $1", [stream])];
                    case 1:
                        rows = (_c.sent()).rows;
                        return [2 /*return*/, (_b = (_a = rows[0]) === null || _a === void 0 ? void 0 : _a.metadata) !== null && _b !== void 0 ? _b : null];
                }
            });
        });
    };
    SqlEventStore.prototype.setStreamMetadata = function (stream, metadata) {
        return __awaiter(this, void 0, void 0, function () {
            var json;
            return __generator(this, function (_a) {
                switch (_a.label) {
                    case 0:
                        this.assertOpen();
                        (0, append_support_1.validateStream)(stream);
                        json = JSON.stringify((0, hashing_1.toJsonObject)(metadata, 'stream metadata'));
                        return [4 /*yield*/, this.db.query("INSERT INTO es_streams (stream_id, metadata) VALUES ($1, $2::text::jsonb)\n       ON CONFLICT (stream_id) DO UPDATE SET metadata = EXCLUDED.metadata", [stream, json])];
                    case 1:
                        _a.sent();
                        return [2 /*return*/];
                }
            });
        });
    };
    SqlEventStore.prototype.ping = function () {
        return __awaiter(this, void 0, void 0, function () {
            return __generator(this, function (_a) {
                switch (_a.label) {
                    case 0:
                        this.assertOpen();
                        return [4 /*yield*/, this.db.query('SELECT 1 AS ok', [])];
                    case 1:
                        _a.sent();
                        return [2 /*return*/];
                }
            });
        });
    };
    return SqlEventStore;
}());
exports.SqlEventStore = SqlEventStore;
