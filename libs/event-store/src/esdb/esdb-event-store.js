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
var __asyncValues = (this && this.__asyncValues) || function (o) {
    if (!Symbol.asyncIterator) throw new TypeError("Symbol.asyncIterator is not defined.");
    var m = o[Symbol.asyncIterator], i;
    return m ? m.call(o) : (o = typeof __values === "function" ? __values(o) : o[Symbol.iterator](), i = {}, verb("next"), verb("throw"), verb("return"), i[Symbol.asyncIterator] = function () { return this; }, i);
    function verb(n) { i[n] = o[n] && function (v) { return new Promise(function (resolve, reject) { v = o[n](v), settle(resolve, reject, v.done, v.value); }); }; }
    function settle(resolve, reject, d, v) { Promise.resolve(v).then(function(v) { resolve({ value: v, done: d }); }, reject); }
};
var __rest = (this && this.__rest) || function (s, e) {
    var t = {};
    for (var p in s) if (Object.prototype.hasOwnProperty.call(s, p) && e.indexOf(p) < 0)
        t[p] = s[p];
    if (s != null && typeof Object.getOwnPropertySymbols === "function")
        for (var i = 0, p = Object.getOwnPropertySymbols(s); i < p.length; i++) {
            if (e.indexOf(p[i]) < 0 && Object.prototype.propertyIsEnumerable.call(s, p[i]))
                t[p[i]] = s[p[i]];
        }
    return t;
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
exports.EsdbEventStore = exports.ESDB_REPLAY_WINDOW = exports.ESDB_APP_STREAM_METADATA_KEY = exports.ESDB_CHAIN_METADATA_KEY = void 0;
exports.esdbEventToRecorded = esdbEventToRecorded;
var db_client_1 = require("@eventstore/db-client");
var append_support_1 = require("../append-support");
var event_store_port_1 = require("../event-store.port");
var hashing_1 = require("../hashing");
var polling_subscription_1 = require("../polling-subscription");
/**
 * Event-metadata key holding the chain fields ({hash, prevHash, recordedAt}) of events written by this
 * adapter. It is stripped from `metadata` on read; user metadata may not use it.
 */
exports.ESDB_CHAIN_METADATA_KEY = '_es';
/** Stream-metadata key under which this adapter keeps the application's stream metadata (ESDB's own keys such as maxCount stay untouched). */
exports.ESDB_APP_STREAM_METADATA_KEY = 'app';
/** An idempotent replay is recognised when the repeated events are among the stream's last this-many events. */
exports.ESDB_REPLAY_WINDOW = 100;
function isSystem(e) {
    return e.type.startsWith('$') || e.streamId.startsWith('$');
}
function collect(read) {
    return __awaiter(this, void 0, void 0, function () {
        var out, item, e_1_1;
        var _a, read_1, read_1_1;
        var _b, e_1, _c, _d;
        return __generator(this, function (_e) {
            switch (_e.label) {
                case 0:
                    out = [];
                    _e.label = 1;
                case 1:
                    _e.trys.push([1, 6, 7, 12]);
                    _a = true, read_1 = __asyncValues(read);
                    _e.label = 2;
                case 2: return [4 /*yield*/, read_1.next()];
                case 3:
                    if (!(read_1_1 = _e.sent(), _b = read_1_1.done, !_b)) return [3 /*break*/, 5];
                    _d = read_1_1.value;
                    _a = false;
                    item = _d;
                    out.push(item);
                    _e.label = 4;
                case 4:
                    _a = true;
                    return [3 /*break*/, 2];
                case 5: return [3 /*break*/, 12];
                case 6:
                    e_1_1 = _e.sent();
                    e_1 = { error: e_1_1 };
                    return [3 /*break*/, 12];
                case 7:
                    _e.trys.push([7, , 10, 11]);
                    if (!(!_a && !_b && (_c = read_1.return))) return [3 /*break*/, 9];
                    return [4 /*yield*/, _c.call(read_1)];
                case 8:
                    _e.sent();
                    _e.label = 9;
                case 9: return [3 /*break*/, 11];
                case 10:
                    if (e_1) throw e_1.error;
                    return [7 /*endfinally*/];
                case 11: return [7 /*endfinally*/];
                case 12: return [2 /*return*/, out];
            }
        });
    });
}
function toPosition(p) {
    return p ? "".concat(p.commit, "/").concat(p.prepare) : event_store_port_1.START;
}
function toReadPosition(p) {
    var _a = (0, event_store_port_1.parsePosition)(p), commit = _a[0], prepare = _a[1];
    return commit === 0n && prepare === 0n ? db_client_1.START : { commit: commit, prepare: prepare };
}
/** Maps an EventStoreDB event to a RecordedEvent, taking the chain fields out of its metadata. */
function esdbEventToRecorded(e) {
    var _a, _b, _c;
    var meta = (e.isJson && e.metadata && typeof e.metadata === 'object' && !(e.metadata instanceof Uint8Array) ? e.metadata : {});
    var _d = meta, _e = exports.ESDB_CHAIN_METADATA_KEY, chainRaw = _d[_e], metadata = __rest(_d, [typeof _e === "symbol" ? _e : _e + ""]);
    var chain = (chainRaw !== null && chainRaw !== void 0 ? chainRaw : null);
    var data = e.isJson && e.data && typeof e.data === 'object' && !Array.isArray(e.data) ? e.data : {};
    return {
        stream: e.streamId,
        revision: Number(e.revision),
        position: toPosition(e.position),
        eventId: e.id,
        type: e.type,
        data: data,
        metadata: metadata,
        recordedAt: (_a = chain === null || chain === void 0 ? void 0 : chain.recordedAt) !== null && _a !== void 0 ? _a : e.created.toISOString(),
        hash: (_b = chain === null || chain === void 0 ? void 0 : chain.hash) !== null && _b !== void 0 ? _b : '',
        prevHash: (_c = chain === null || chain === void 0 ? void 0 : chain.prevHash) !== null && _c !== void 0 ? _c : null,
    };
}
/**
 * EventStore over EventStoreDB (gRPC client). Thin by design:
 *  - appends compute the same hash chain as the SQL stores client-side: the stream's tail is read backwards
 *    (which also detects an idempotent replay of the same event ids), the events are chained onto it and
 *    appended with the tail's exact revision as expected revision, so a concurrent writer can never fork
 *    the chain (for 'any'/'stream_exists' the append is retried on a fresh tail);
 *  - WrongExpectedVersionError → ConcurrencyError; positions are `${commit}/${prepare}`;
 *  - readAll / subscribeToAll skip system events ($-prefixed type or stream); subscriptions are the same
 *    polling catch-up loop as the SQL stores, woken by a live $all subscription.
 * Cross-stream event-id uniqueness is not enforced (ESDB has no such index).
 * Not tested against a live server in this repository (none can run in CI here).
 */
var EsdbEventStore = /** @class */ (function () {
    function EsdbEventStore(options) {
        if (options === void 0) { options = {}; }
        var _a, _b;
        this.kind = 'esdb';
        this.subscriptions = new Set();
        this.waker = null;
        this.closed = false;
        if (options.client) {
            this.client = options.client;
            this.ownsClient = (_a = options.ownsClient) !== null && _a !== void 0 ? _a : false;
        }
        else {
            var cs = (_b = options.connectionString) !== null && _b !== void 0 ? _b : process.env.EVENTSTORE_CONNECTION_STRING;
            if (!cs)
                throw new Error('EsdbEventStore needs a connection string (options.connectionString or EVENTSTORE_CONNECTION_STRING)');
            this.client = db_client_1.EventStoreDBClient.connectionString(cs);
            this.ownsClient = true;
        }
    }
    EsdbEventStore.prototype.init = function () {
        return __awaiter(this, void 0, void 0, function () {
            return __generator(this, function (_a) {
                switch (_a.label) {
                    case 0: return [4 /*yield*/, this.ping()];
                    case 1:
                        _a.sent();
                        return [2 /*return*/];
                }
            });
        });
    };
    EsdbEventStore.prototype.close = function () {
        return __awaiter(this, void 0, void 0, function () {
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
                        return [4 /*yield*/, ((_a = this.waker) === null || _a === void 0 ? void 0 : _a.unsubscribe().catch(function () { return undefined; }))];
                    case 2:
                        _b.sent();
                        this.waker = null;
                        if (!this.ownsClient) return [3 /*break*/, 4];
                        return [4 /*yield*/, this.client.dispose()];
                    case 3:
                        _b.sent();
                        _b.label = 4;
                    case 4: return [2 /*return*/];
                }
            });
        });
    };
    /** The last `count` events of a stream, newest first ([] when it does not exist). */
    EsdbEventStore.prototype.readTail = function (stream, count) {
        return __awaiter(this, void 0, void 0, function () {
            var events, e_2;
            return __generator(this, function (_a) {
                switch (_a.label) {
                    case 0:
                        _a.trys.push([0, 2, , 3]);
                        return [4 /*yield*/, collect(this.client.readStream(stream, { direction: db_client_1.BACKWARDS, fromRevision: db_client_1.END, maxCount: count }))];
                    case 1:
                        events = _a.sent();
                        return [2 /*return*/, events.filter(function (r) { return r.event; }).map(function (r) { return esdbEventToRecorded(r.event); })];
                    case 2:
                        e_2 = _a.sent();
                        if (e_2 instanceof db_client_1.StreamNotFoundError)
                            return [2 /*return*/, []];
                        throw e_2;
                    case 3: return [2 /*return*/];
                }
            });
        });
    };
    EsdbEventStore.prototype.appendToStream = function (stream, events, options) {
        return __awaiter(this, void 0, void 0, function () {
            var expected, prepared, _i, prepared_1, e, checkIds, recordedAt, attempt, tail, head, replay, actual, chained, exact, e_3, av, written, recorded, last, _a, _b, s;
            var _c;
            return __generator(this, function (_d) {
                switch (_d.label) {
                    case 0:
                        (0, append_support_1.validateStream)(stream);
                        expected = (_c = options === null || options === void 0 ? void 0 : options.expectedRevision) !== null && _c !== void 0 ? _c : 'any';
                        (0, append_support_1.validateExpected)(expected);
                        prepared = (0, append_support_1.prepareEvents)(stream, events);
                        for (_i = 0, prepared_1 = prepared; _i < prepared_1.length; _i++) {
                            e = prepared_1[_i];
                            if (exports.ESDB_CHAIN_METADATA_KEY in e.metadata)
                                throw new TypeError("metadata key \"".concat(exports.ESDB_CHAIN_METADATA_KEY, "\" is reserved"));
                        }
                        checkIds = events.some(function (e) { return e.eventId !== undefined; });
                        recordedAt = new Date().toISOString();
                        attempt = 0;
                        _d.label = 1;
                    case 1: return [4 /*yield*/, this.readTail(stream, checkIds ? prepared.length + exports.ESDB_REPLAY_WINDOW : 1)];
                    case 2:
                        tail = _d.sent();
                        head = tail[0] ? { revision: tail[0].revision, hash: tail[0].hash } : { revision: -1, hash: null };
                        if (checkIds) {
                            replay = this.replayOf(stream, prepared, tail);
                            if (replay)
                                return [2 /*return*/, replay];
                        }
                        actual = head.revision < 0 ? null : head.revision;
                        if ((expected === 'no_stream' && actual !== null) ||
                            (expected === 'stream_exists' && actual === null) ||
                            (typeof expected === 'number' && expected !== actual)) {
                            throw new event_store_port_1.ConcurrencyError(stream, expected, actual);
                        }
                        chained = (0, append_support_1.chainEvents)(stream, prepared, head, recordedAt);
                        exact = head.revision < 0 ? db_client_1.NO_STREAM : BigInt(head.revision);
                        _d.label = 3;
                    case 3:
                        _d.trys.push([3, 5, , 6]);
                        return [4 /*yield*/, this.client.appendToStream(stream, chained.map(function (e) {
                                var _a;
                                return (0, db_client_1.jsonEvent)({
                                    id: e.eventId,
                                    type: e.type,
                                    data: e.data,
                                    metadata: __assign(__assign({}, e.metadata), (_a = {}, _a[exports.ESDB_CHAIN_METADATA_KEY] = { hash: e.hash, prevHash: e.prevHash, recordedAt: e.recordedAt }, _a)),
                                });
                            }), { expectedRevision: exact })];
                    case 4:
                        _d.sent();
                        return [3 /*break*/, 6];
                    case 5:
                        e_3 = _d.sent();
                        if (e_3 instanceof db_client_1.WrongExpectedVersionError) {
                            if ((expected === 'any' || expected === 'stream_exists') && attempt < 20)
                                return [3 /*break*/, 8];
                            av = e_3.actualVersion;
                            throw new event_store_port_1.ConcurrencyError(stream, expected, typeof av === 'bigint' ? Number(av) : null);
                        }
                        throw e_3;
                    case 6: return [4 /*yield*/, collect(this.client.readStream(stream, { direction: db_client_1.FORWARDS, fromRevision: BigInt(head.revision + 1), maxCount: chained.length }))];
                    case 7:
                        written = _d.sent();
                        recorded = written.filter(function (r) { return r.event; }).map(function (r) { return esdbEventToRecorded(r.event); });
                        last = recorded[recorded.length - 1];
                        for (_a = 0, _b = this.subscriptions; _a < _b.length; _a++) {
                            s = _b[_a];
                            s.wake();
                        }
                        return [2 /*return*/, { nextExpectedRevision: last.revision, position: last.position, events: recorded, idempotentReplay: false }];
                    case 8:
                        attempt++;
                        return [3 /*break*/, 1];
                    case 9: return [2 /*return*/];
                }
            });
        });
    };
    EsdbEventStore.prototype.replayOf = function (stream, prepared, tail) {
        var byId = new Map(tail.map(function (e) { return [e.eventId, e]; }));
        var found = prepared.map(function (p) { return byId.get(p.eventId); });
        var hits = found.filter(function (f) { return f !== undefined; }).length;
        if (hits === 0)
            return null;
        var same = prepared.every(function (p, i) {
            var f = found[i];
            return f && f.type === p.type && (0, hashing_1.canonicalJson)(f.data) === (0, hashing_1.canonicalJson)(p.data);
        });
        if (hits !== prepared.length || !same) {
            var bad = prepared.find(function (p, i) { return found[i] && (found[i].type !== p.type || (0, hashing_1.canonicalJson)(found[i].data) !== (0, hashing_1.canonicalJson)(p.data)); });
            throw new event_store_port_1.DuplicateEventIdError((bad !== null && bad !== void 0 ? bad : prepared.find(function (_, i) { return found[i]; })).eventId, stream);
        }
        var stored = found.slice().sort(function (a, b) { return a.revision - b.revision; });
        var last = stored[stored.length - 1];
        return { nextExpectedRevision: last.revision, position: last.position, events: stored, idempotentReplay: true };
    };
    EsdbEventStore.prototype.readStream = function (stream_1) {
        return __awaiter(this, arguments, void 0, function (stream, options) {
            var backwards, events, e_4;
            if (options === void 0) { options = {}; }
            return __generator(this, function (_a) {
                switch (_a.label) {
                    case 0:
                        (0, append_support_1.validateStream)(stream);
                        backwards = options.direction === 'backwards';
                        if (options.maxCount !== undefined && options.maxCount <= 0)
                            return [2 /*return*/, []];
                        _a.label = 1;
                    case 1:
                        _a.trys.push([1, 3, , 4]);
                        return [4 /*yield*/, collect(this.client.readStream(stream, __assign({ direction: backwards ? db_client_1.BACKWARDS : db_client_1.FORWARDS, fromRevision: options.fromRevision !== undefined ? BigInt(options.fromRevision) : backwards ? db_client_1.END : db_client_1.START }, (options.maxCount !== undefined ? { maxCount: options.maxCount } : {}))))];
                    case 2:
                        events = _a.sent();
                        return [2 /*return*/, events.filter(function (r) { return r.event; }).map(function (r) { return esdbEventToRecorded(r.event); })];
                    case 3:
                        e_4 = _a.sent();
                        if (e_4 instanceof db_client_1.StreamNotFoundError)
                            return [2 /*return*/, []];
                        throw e_4;
                    case 4: return [2 /*return*/];
                }
            });
        });
    };
    EsdbEventStore.prototype.streamRevision = function (stream) {
        return __awaiter(this, void 0, void 0, function () {
            var tail;
            return __generator(this, function (_a) {
                switch (_a.label) {
                    case 0: return [4 /*yield*/, this.readTail(stream, 1)];
                    case 1:
                        tail = _a.sent();
                        return [2 /*return*/, tail[0] ? tail[0].revision : null];
                }
            });
        });
    };
    EsdbEventStore.prototype.readAll = function () {
        return __awaiter(this, arguments, void 0, function (options) {
            var after, max, out, from, exhausted, page, advanced, _i, page_1, r, pos, isEnd, events;
            var _a, _b;
            if (options === void 0) { options = {}; }
            return __generator(this, function (_c) {
                switch (_c.label) {
                    case 0:
                        after = (_a = options.after) !== null && _a !== void 0 ? _a : event_store_port_1.START;
                        (0, event_store_port_1.parsePosition)(after);
                        max = Math.max(1, Math.floor((_b = options.maxCount) !== null && _b !== void 0 ? _b : 1000));
                        out = [];
                        from = after;
                        exhausted = false;
                        _c.label = 1;
                    case 1:
                        if (!(out.length <= max && !exhausted)) return [3 /*break*/, 3];
                        return [4 /*yield*/, collect(this.client.readAll({ direction: db_client_1.FORWARDS, fromPosition: toReadPosition(from), maxCount: max + 1 }))];
                    case 2:
                        page = _c.sent();
                        exhausted = page.length < max + 1;
                        advanced = false;
                        for (_i = 0, page_1 = page; _i < page_1.length; _i++) {
                            r = page_1[_i];
                            if (!r.event)
                                continue;
                            pos = toPosition(r.event.position);
                            if ((0, event_store_port_1.comparePositions)(pos, from) <= 0 && from !== event_store_port_1.START)
                                continue;
                            from = pos;
                            advanced = true;
                            if (isSystem(r.event))
                                continue;
                            if ((0, event_store_port_1.comparePositions)(pos, after) <= 0)
                                continue;
                            out.push(esdbEventToRecorded(r.event));
                            if (out.length > max)
                                break;
                        }
                        if (!advanced)
                            return [3 /*break*/, 3];
                        return [3 /*break*/, 1];
                    case 3:
                        isEnd = out.length <= max;
                        events = out.slice(0, max);
                        return [2 /*return*/, { events: events, lastPosition: events.length ? events[events.length - 1].position : after, isEnd: isEnd }];
                }
            });
        });
    };
    EsdbEventStore.prototype.headPosition = function () {
        return __awaiter(this, void 0, void 0, function () {
            var from, pages, page, _i, page_2, r, last;
            var _a, _b;
            return __generator(this, function (_c) {
                switch (_c.label) {
                    case 0:
                        from = db_client_1.END;
                        pages = 0;
                        _c.label = 1;
                    case 1:
                        if (!(pages < 100)) return [3 /*break*/, 4];
                        return [4 /*yield*/, collect(this.client.readAll({ direction: db_client_1.BACKWARDS, fromPosition: from, maxCount: 200 }))];
                    case 2:
                        page = _c.sent();
                        for (_i = 0, page_2 = page; _i < page_2.length; _i++) {
                            r = page_2[_i];
                            if (r.event && !isSystem(r.event))
                                return [2 /*return*/, toPosition(r.event.position)];
                        }
                        last = (_b = (_a = page[page.length - 1]) === null || _a === void 0 ? void 0 : _a.event) === null || _b === void 0 ? void 0 : _b.position;
                        if (page.length < 200 || !last)
                            return [2 /*return*/, event_store_port_1.START];
                        from = last;
                        _c.label = 3;
                    case 3:
                        pages++;
                        return [3 /*break*/, 1];
                    case 4: return [2 /*return*/, event_store_port_1.START];
                }
            });
        });
    };
    EsdbEventStore.prototype.subscribeToAll = function (options) {
        var _this = this;
        var sub = new polling_subscription_1.PollingSubscription(function (after, maxCount) { return _this.readAll({ after: after, maxCount: maxCount }); }, options, function (s) {
            _this.subscriptions.delete(s);
            if (_this.subscriptions.size === 0 && _this.waker) {
                var w = _this.waker;
                _this.waker = null;
                void w.unsubscribe().catch(function () { return undefined; });
            }
        });
        this.subscriptions.add(sub);
        this.ensureWaker();
        return sub;
    };
    /** A live $all subscription used only to wake the polling loops at once when anything is written. */
    EsdbEventStore.prototype.ensureWaker = function () {
        var _this = this;
        if (this.waker || this.closed)
            return;
        var live = this.client.subscribeToAll({ fromPosition: db_client_1.END, filter: (0, db_client_1.excludeSystemEvents)() });
        live.on('data', function () {
            for (var _i = 0, _a = _this.subscriptions; _i < _a.length; _i++) {
                var s = _a[_i];
                s.wake();
            }
        });
        live.on('error', function () {
            var _a;
            if (((_a = _this.waker) === null || _a === void 0 ? void 0 : _a.unsubscribe) === unsubscribe)
                _this.waker = null; // polling continues; the next subscribe retries
        });
        var unsubscribe = function () { return live.unsubscribe(); };
        this.waker = { unsubscribe: unsubscribe };
    };
    EsdbEventStore.prototype.getStreamMetadata = function (stream) {
        return __awaiter(this, void 0, void 0, function () {
            var r, app, e_5;
            var _a;
            return __generator(this, function (_b) {
                switch (_b.label) {
                    case 0:
                        _b.trys.push([0, 2, , 3]);
                        return [4 /*yield*/, this.client.getStreamMetadata(stream)];
                    case 1:
                        r = _b.sent();
                        app = (_a = r.metadata) === null || _a === void 0 ? void 0 : _a[exports.ESDB_APP_STREAM_METADATA_KEY];
                        return [2 /*return*/, app && typeof app === 'object' ? app : null];
                    case 2:
                        e_5 = _b.sent();
                        if (e_5 instanceof db_client_1.StreamNotFoundError)
                            return [2 /*return*/, null];
                        throw e_5;
                    case 3: return [2 /*return*/];
                }
            });
        });
    };
    EsdbEventStore.prototype.setStreamMetadata = function (stream, metadata) {
        return __awaiter(this, void 0, void 0, function () {
            var current;
            var _a;
            var _b;
            return __generator(this, function (_c) {
                switch (_c.label) {
                    case 0:
                        (0, append_support_1.validateStream)(stream);
                        return [4 /*yield*/, this.client.getStreamMetadata(stream).catch(function () { return ({ metadata: undefined }); })];
                    case 1:
                        current = _c.sent();
                        return [4 /*yield*/, this.client.setStreamMetadata(stream, __assign(__assign({}, ((_b = current.metadata) !== null && _b !== void 0 ? _b : {})), (_a = {}, _a[exports.ESDB_APP_STREAM_METADATA_KEY] = (0, hashing_1.toJsonObject)(metadata, 'stream metadata'), _a)))];
                    case 2:
                        _c.sent();
                        return [2 /*return*/];
                }
            });
        });
    };
    EsdbEventStore.prototype.ping = function () {
        return __awaiter(this, void 0, void 0, function () {
            return __generator(this, function (_a) {
                switch (_a.label) {
                    case 0: return [4 /*yield*/, collect(this.client.readAll({ direction: db_client_1.BACKWARDS, fromPosition: db_client_1.END, maxCount: 1 }))];
                    case 1:
                        _a.sent();
                        return [2 /*return*/];
                }
            });
        });
    };
    return EsdbEventStore;
}());
exports.EsdbEventStore = EsdbEventStore;
