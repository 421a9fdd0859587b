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
exports.describeEventStoreContract = describeEventStoreContract;
/**
 * The shared contract every EventStore adapter must pass. Spec files call
 * `describeEventStoreContract(name, createHarness)`; nothing here is adapter-specific except the optional
 * `holdOpenAppend` hook (an append whose transaction stays open for a while) and the
 * `concurrentTransactions` flag describing what the adapter can do while such a transaction is open.
 */
var node_crypto_1 = require("node:crypto");
var event_store_port_1 = require("../event-store.port");
var hashing_1 = require("../hashing");
var sleep = function (ms) { return new Promise(function (r) { return setTimeout(r, ms); }); };
function waitFor(cond, timeoutMs, what) {
    return __awaiter(this, void 0, void 0, function () {
        var deadline;
        return __generator(this, function (_a) {
            switch (_a.label) {
                case 0:
                    deadline = Date.now() + timeoutMs;
                    _a.label = 1;
                case 1: return [4 /*yield*/, cond()];
                case 2:
                    if (!!(_a.sent())) return [3 /*break*/, 4];
                    if (Date.now() > deadline)
                        throw new Error("timed out after ".concat(timeoutMs, " ms waiting for ").concat(what));
                    return [4 /*yield*/, sleep(10)];
                case 3:
                    _a.sent();
                    return [3 /*break*/, 1];
                case 4: return [2 /*return*/];
            }
        });
    });
}
function uniq(prefix) {
    return "".concat(prefix, "-").concat((0, node_crypto_1.randomUUID)().slice(0, 8));
}
function ev(type, data, eventId, metadata) {
    if (data === void 0) { data = {}; }
    return __assign(__assign({ type: type, data: data }, (eventId ? { eventId: eventId } : {})), (metadata ? { metadata: metadata } : {}));
}
/**
 * Waits until readers can see `position` (headPosition ≥ it), which implies every event at or before it is
 * readable. On PostgreSQL the global log is bounded by the cluster-wide xmin, so a transaction of someone
 * else (even in another database of a shared server) can delay visibility for a moment; tests that assert
 * completeness right after writing wait for it, like a read-your-writes caller would.
 */
function waitForVisible(store_1, position_1) {
    return __awaiter(this, arguments, void 0, function (store, position, timeoutMs) {
        var _this = this;
        if (timeoutMs === void 0) { timeoutMs = 15000; }
        return __generator(this, function (_a) {
            switch (_a.label) {
                case 0: return [4 /*yield*/, waitFor(function () { return __awaiter(_this, void 0, void 0, function () { var _a; return __generator(this, function (_b) {
                        switch (_b.label) {
                            case 0:
                                _a = event_store_port_1.comparePositions;
                                return [4 /*yield*/, store.headPosition()];
                            case 1: return [2 /*return*/, _a.apply(void 0, [_b.sent(), position]) >= 0];
                        }
                    }); }); }, timeoutMs, "position ".concat(position, " to become readable"))];
                case 1:
                    _a.sent();
                    return [2 /*return*/];
            }
        });
    });
}
function maxPosition(positions) {
    return positions.reduce(function (a, b) { return ((0, event_store_port_1.comparePositions)(a, b) >= 0 ? a : b); }, event_store_port_1.START);
}
/** Appends a marker and waits until it is readable: everything committed before it is readable too. */
function settle(store) {
    return __awaiter(this, void 0, void 0, function () {
        var r;
        return __generator(this, function (_a) {
            switch (_a.label) {
                case 0: return [4 /*yield*/, store.appendToStream(uniq('settle'), [ev('Settle')])];
                case 1:
                    r = _a.sent();
                    return [4 /*yield*/, waitForVisible(store, r.position)];
                case 2:
                    _a.sent();
                    return [2 /*return*/, r.position];
            }
        });
    });
}
/** Every event after `after`, paging through readAll. */
function readAllAfter(store_1) {
    return __awaiter(this, arguments, void 0, function (store, after, pageSize) {
        var out, pos, page;
        if (after === void 0) { after = event_store_port_1.START; }
        if (pageSize === void 0) { pageSize = 200; }
        return __generator(this, function (_a) {
            switch (_a.label) {
                case 0:
                    out = [];
                    pos = after;
                    _a.label = 1;
                case 1: return [4 /*yield*/, store.readAll({ after: pos, maxCount: pageSize })];
                case 2:
                    page = _a.sent();
                    out.push.apply(out, page.events);
                    pos = page.lastPosition;
                    if (page.isEnd)
                        return [2 /*return*/, out];
                    _a.label = 3;
                case 3: return [3 /*break*/, 1];
                case 4: return [2 /*return*/];
            }
        });
    });
}
function expectConcurrencyError(p, expected, actual) {
    return __awaiter(this, void 0, void 0, function () {
        var err;
        return __generator(this, function (_a) {
            switch (_a.label) {
                case 0: return [4 /*yield*/, p.then(function () { return null; }, function (e) { return e; })];
                case 1:
                    err = _a.sent();
                    expect(err).toBeInstanceOf(event_store_port_1.ConcurrencyError);
                    expect(err.expected).toBe(expected);
                    expect(err.actual).toBe(actual);
                    return [2 /*return*/];
            }
        });
    });
}
function describeEventStoreContract(name, createHarness, options) {
    var _this = this;
    var _a, _b;
    if (options === void 0) { options = {}; }
    var scale = (_a = options.scale) !== null && _a !== void 0 ? _a : 1;
    var holdMs = (_b = options.holdMs) !== null && _b !== void 0 ? _b : 2000;
    describe("EventStore contract: ".concat(name), function () {
        var h;
        var store = function () { return h.store; };
        beforeAll(function () { return __awaiter(_this, void 0, void 0, function () {
            return __generator(this, function (_a) {
                switch (_a.label) {
                    case 0: return [4 /*yield*/, createHarness()];
                    case 1:
                        h = _a.sent();
                        return [2 /*return*/];
                }
            });
        }); });
        afterAll(function () { return __awaiter(_this, void 0, void 0, function () {
            return __generator(this, function (_a) {
                switch (_a.label) {
                    case 0: return [4 /*yield*/, (h === null || h === void 0 ? void 0 : h.close())];
                    case 1:
                        _a.sent();
                        return [2 /*return*/];
                }
            });
        }); });
        describe('append and read', function () {
            it('appends, reads a stream forwards/backwards with fromRevision and maxCount, reports revisions', function () { return __awaiter(_this, void 0, void 0, function () {
                var s, _a, _b, r1, r2, _c, all, _d, _e, _f, _g, _h, _j, _k;
                return __generator(this, function (_l) {
                    switch (_l.label) {
                        case 0:
                            s = uniq('basic');
                            _a = expect;
                            return [4 /*yield*/, store().streamRevision(s)];
                        case 1:
                            _a.apply(void 0, [_l.sent()]).toBeNull();
                            _b = expect;
                            return [4 /*yield*/, store().readStream(s)];
                        case 2:
                            _b.apply(void 0, [_l.sent()]).toEqual([]);
                            return [4 /*yield*/, store().appendToStream(s, [ev('A', { i: 0 }), ev('B', { i: 1 })], { expectedRevision: 'no_stream' })];
                        case 3:
                            r1 = _l.sent();
                            expect(r1.nextExpectedRevision).toBe(1);
                            expect(r1.idempotentReplay).toBe(false);
                            expect(r1.events.map(function (e) { return e.revision; })).toEqual([0, 1]);
                            expect(r1.position).toBe(r1.events[1].position);
                            return [4 /*yield*/, store().appendToStream(s, [ev('C', { i: 2 }), ev('D', { i: 3 }), ev('E', { i: 4 })], { expectedRevision: 1 })];
                        case 4:
                            r2 = _l.sent();
                            expect(r2.nextExpectedRevision).toBe(4);
                            expect((0, event_store_port_1.comparePositions)(r2.events[0].position, r1.position)).toBeGreaterThan(0);
                            _c = expect;
                            return [4 /*yield*/, store().streamRevision(s)];
                        case 5:
                            _c.apply(void 0, [_l.sent()]).toBe(4);
                            return [4 /*yield*/, store().readStream(s)];
                        case 6:
                            all = _l.sent();
                            expect(all.map(function (e) { return e.type; })).toEqual(['A', 'B', 'C', 'D', 'E']);
                            expect(all).toEqual(__spreadArray(__spreadArray([], r1.events, true), r2.events, true));
                            expect(all.every(function (e) { return e.stream === s && typeof e.recordedAt === 'string' && /Z$/.test(e.recordedAt); })).toBe(true);
                            _d = expect;
                            return [4 /*yield*/, store().readStream(s, { fromRevision: 2 })];
                        case 7:
                            _d.apply(void 0, [(_l.sent()).map(function (e) { return e.revision; })]).toEqual([2, 3, 4]);
                            _e = expect;
                            return [4 /*yield*/, store().readStream(s, { fromRevision: 1, maxCount: 2 })];
                        case 8:
                            _e.apply(void 0, [(_l.sent()).map(function (e) { return e.revision; })]).toEqual([1, 2]);
                            _f = expect;
                            return [4 /*yield*/, store().readStream(s, { direction: 'backwards' })];
                        case 9:
                            _f.apply(void 0, [(_l.sent()).map(function (e) { return e.revision; })]).toEqual([4, 3, 2, 1, 0]);
                            _g = expect;
                            return [4 /*yield*/, store().readStream(s, { direction: 'backwards', maxCount: 2 })];
                        case 10:
                            _g.apply(void 0, [(_l.sent()).map(function (e) { return e.revision; })]).toEqual([4, 3]);
                            _h = expect;
                            return [4 /*yield*/, store().readStream(s, { direction: 'backwards', fromRevision: 2 })];
                        case 11:
                            _h.apply(void 0, [(_l.sent()).map(function (e) { return e.revision; })]).toEqual([2, 1, 0]);
                            _j = expect;
                            return [4 /*yield*/, store().readStream(s, { direction: 'backwards', fromRevision: 3, maxCount: 2 })];
                        case 12:
                            _j.apply(void 0, [(_l.sent()).map(function (e) { return e.revision; })]).toEqual([3, 2]);
                            _k = expect;
                            return [4 /*yield*/, store().readStream(s, { fromRevision: 99 })];
                        case 13:
                            _k.apply(void 0, [_l.sent()]).toEqual([]);
                            return [2 /*return*/];
                    }
                });
            }); });
            it('stores data and metadata as JSON (normalised) and returns them unchanged', function () { return __awaiter(_this, void 0, void 0, function () {
                var s, data, r, read, normalised;
                return __generator(this, function (_a) {
                    switch (_a.label) {
                        case 0:
                            s = uniq('json');
                            data = {
                                text: 'Ünïcødé 催单 \u2028 "quoted" \\ slash',
                                nested: { deep: [1, 2.5, -3, { x: null }], empty: {} },
                                numbers: [0, -0, 0.1, 1e21, 123456789012345, 5e-324, 1.7976931348623157e308],
                                flag: true,
                                date: new Date('2024-05-06T07:08:09.010Z'),
                                skipped: undefined,
                            };
                            return [4 /*yield*/, store().appendToStream(s, [ev('J', data, undefined, { actor: { sub: 'u1', role: 'merchant' }, correlationId: 'c-1' })])];
                        case 1:
                            r = _a.sent();
                            return [4 /*yield*/, store().readStream(s)];
                        case 2:
                            read = (_a.sent())[0];
                            normalised = JSON.parse(JSON.stringify(data));
                            expect(read.data).toEqual(normalised);
                            expect(r.events[0].data).toEqual(normalised);
                            expect(read.metadata).toEqual({ actor: { sub: 'u1', role: 'merchant' }, correlationId: 'c-1' });
                            expect((0, hashing_1.computeEventHash)(read)).toBe(read.hash);
                            return [2 /*return*/];
                    }
                });
            }); });
            it('rejects invalid input without writing', function () { return __awaiter(_this, void 0, void 0, function () {
                var s, id, _a;
                return __generator(this, function (_b) {
                    switch (_b.label) {
                        case 0:
                            s = uniq('invalid');
                            return [4 /*yield*/, expect(store().appendToStream(s, [])).rejects.toThrow()];
                        case 1:
                            _b.sent();
                            return [4 /*yield*/, expect(store().appendToStream(s, [{ type: '', data: {} }])).rejects.toThrow()];
                        case 2:
                            _b.sent();
                            return [4 /*yield*/, expect(store().appendToStream(s, [ev('X', {}, 'not-a-uuid')])).rejects.toThrow(/UUID/)];
                        case 3:
                            _b.sent();
                            return [4 /*yield*/, expect(store().appendToStream(s, [ev('X', { n: Number.NaN })])).rejects.toThrow()];
                        case 4:
                            _b.sent();
                            id = (0, node_crypto_1.randomUUID)();
                            return [4 /*yield*/, expect(store().appendToStream(s, [ev('X', {}, id), ev('Y', {}, id)])).rejects.toBeInstanceOf(event_store_port_1.DuplicateEventIdError)];
                        case 5:
                            _b.sent();
                            return [4 /*yield*/, expect(store().readAll({ after: 'nope' })).rejects.toThrow(/Invalid position/)];
                        case 6:
                            _b.sent();
                            _a = expect;
                            return [4 /*yield*/, store().streamRevision(s)];
                        case 7:
                            _a.apply(void 0, [_b.sent()]).toBeNull();
                            return [2 /*return*/];
                    }
                });
            }); });
        });
        describe('expected revision', function () {
            it('no_stream on an existing stream → ConcurrencyError', function () { return __awaiter(_this, void 0, void 0, function () {
                var s;
                return __generator(this, function (_a) {
                    switch (_a.label) {
                        case 0:
                            s = uniq('exp');
                            return [4 /*yield*/, store().appendToStream(s, [ev('A')], { expectedRevision: 'no_stream' })];
                        case 1:
                            _a.sent();
                            return [4 /*yield*/, expectConcurrencyError(store().appendToStream(s, [ev('B')], { expectedRevision: 'no_stream' }), 'no_stream', 0)];
                        case 2:
                            _a.sent();
                            return [2 /*return*/];
                    }
                });
            }); });
            it('stream_exists on a missing stream → ConcurrencyError; on an existing one → ok', function () { return __awaiter(_this, void 0, void 0, function () {
                var s, _a, r;
                return __generator(this, function (_b) {
                    switch (_b.label) {
                        case 0:
                            s = uniq('exp');
                            return [4 /*yield*/, expectConcurrencyError(store().appendToStream(s, [ev('A')], { expectedRevision: 'stream_exists' }), 'stream_exists', null)];
                        case 1:
                            _b.sent();
                            _a = expect;
                            return [4 /*yield*/, store().streamRevision(s)];
                        case 2:
                            _a.apply(void 0, [_b.sent()]).toBeNull();
                            return [4 /*yield*/, store().appendToStream(s, [ev('A')])];
                        case 3:
                            _b.sent();
                            return [4 /*yield*/, store().appendToStream(s, [ev('B')], { expectedRevision: 'stream_exists' })];
                        case 4:
                            r = _b.sent();
                            expect(r.nextExpectedRevision).toBe(1);
                            return [2 /*return*/];
                    }
                });
            }); });
            it('an exact revision that is behind, ahead, or on a missing stream → ConcurrencyError', function () { return __awaiter(_this, void 0, void 0, function () {
                var s, ok, _a;
                return __generator(this, function (_b) {
                    switch (_b.label) {
                        case 0:
                            s = uniq('exp');
                            return [4 /*yield*/, expectConcurrencyError(store().appendToStream(s, [ev('A')], { expectedRevision: 0 }), 0, null)];
                        case 1:
                            _b.sent();
                            return [4 /*yield*/, store().appendToStream(s, [ev('A'), ev('B'), ev('C')], { expectedRevision: 'no_stream' })];
                        case 2:
                            _b.sent();
                            return [4 /*yield*/, expectConcurrencyError(store().appendToStream(s, [ev('D')], { expectedRevision: 1 }), 1, 2)];
                        case 3:
                            _b.sent();
                            return [4 /*yield*/, expectConcurrencyError(store().appendToStream(s, [ev('D')], { expectedRevision: 5 }), 5, 2)];
                        case 4:
                            _b.sent();
                            return [4 /*yield*/, store().appendToStream(s, [ev('D')], { expectedRevision: 2 })];
                        case 5:
                            ok = _b.sent();
                            expect(ok.nextExpectedRevision).toBe(3);
                            _a = expect;
                            return [4 /*yield*/, store().readStream(s)];
                        case 6:
                            _a.apply(void 0, [(_b.sent()).map(function (e) { return e.type; })]).toEqual(['A', 'B', 'C', 'D']);
                            return [2 /*return*/];
                    }
                });
            }); });
            it("'any' appends whatever the state", function () { return __awaiter(_this, void 0, void 0, function () {
                var s, _a, _b;
                return __generator(this, function (_c) {
                    switch (_c.label) {
                        case 0:
                            s = uniq('exp');
                            _a = expect;
                            return [4 /*yield*/, store().appendToStream(s, [ev('A')], { expectedRevision: 'any' })];
                        case 1:
                            _a.apply(void 0, [(_c.sent()).nextExpectedRevision]).toBe(0);
                            _b = expect;
                            return [4 /*yield*/, store().appendToStream(s, [ev('B')])];
                        case 2:
                            _b.apply(void 0, [(_c.sent()).nextExpectedRevision]).toBe(1);
                            return [2 /*return*/];
                    }
                });
            }); });
            it('50 concurrent appends with the same expected revision: exactly one succeeds, 49 ConcurrencyError', function () { return __awaiter(_this, void 0, void 0, function () {
                var s, results, ok, failed, _i, failed_1, f, events;
                return __generator(this, function (_a) {
                    switch (_a.label) {
                        case 0:
                            s = uniq('race');
                            return [4 /*yield*/, store().appendToStream(s, [ev('Created')], { expectedRevision: 'no_stream' })];
                        case 1:
                            _a.sent();
                            return [4 /*yield*/, Promise.allSettled(Array.from({ length: 50 }, function (_, i) { return store().appendToStream(s, [ev('Raced', { i: i })], { expectedRevision: 0 }); }))];
                        case 2:
                            results = _a.sent();
                            ok = results.filter(function (r) { return r.status === 'fulfilled'; });
                            failed = results.filter(function (r) { return r.status === 'rejected'; });
                            expect(ok).toHaveLength(1);
                            expect(failed).toHaveLength(49);
                            for (_i = 0, failed_1 = failed; _i < failed_1.length; _i++) {
                                f = failed_1[_i];
                                expect(f.reason).toBeInstanceOf(event_store_port_1.ConcurrencyError);
                                expect(f.reason.actual).toBe(1);
                            }
                            return [4 /*yield*/, store().readStream(s)];
                        case 3:
                            events = _a.sent();
                            expect(events.map(function (e) { return e.revision; })).toEqual([0, 1]);
                            expect((0, hashing_1.verifyEventChain)(events).valid).toBe(true);
                            return [2 /*return*/];
                    }
                });
            }); });
            it('50 concurrent creators with no_stream: exactly one creates the stream', function () { return __awaiter(_this, void 0, void 0, function () {
                var s, results, failed, _i, failed_2, f, _a;
                return __generator(this, function (_b) {
                    switch (_b.label) {
                        case 0:
                            s = uniq('create-race');
                            return [4 /*yield*/, Promise.allSettled(Array.from({ length: 50 }, function (_, i) { return store().appendToStream(s, [ev('Created', { i: i })], { expectedRevision: 'no_stream' }); }))];
                        case 1:
                            results = _b.sent();
                            expect(results.filter(function (r) { return r.status === 'fulfilled'; })).toHaveLength(1);
                            failed = results.filter(function (r) { return r.status === 'rejected'; });
                            expect(failed).toHaveLength(49);
                            for (_i = 0, failed_2 = failed; _i < failed_2.length; _i++) {
                                f = failed_2[_i];
                                expect(f.reason).toBeInstanceOf(event_store_port_1.ConcurrencyError);
                            }
                            _a = expect;
                            return [4 /*yield*/, store().readStream(s)];
                        case 2:
                            _a.apply(void 0, [_b.sent()]).toHaveLength(1);
                            return [2 /*return*/];
                    }
                });
            }); });
            it("concurrent 'any' appends to one stream serialise into one unbroken chain", function () { return __awaiter(_this, void 0, void 0, function () {
                var s, n, results, revisions, events, i;
                return __generator(this, function (_a) {
                    switch (_a.label) {
                        case 0:
                            s = uniq('any-race');
                            n = 30 * scale;
                            return [4 /*yield*/, Promise.all(Array.from({ length: n }, function (_, i) { return store().appendToStream(s, [ev('A', { i: i }), ev('B', { i: i })]); }))];
                        case 1:
                            results = _a.sent();
                            revisions = results.flatMap(function (r) { return r.events.map(function (e) { return e.revision; }); }).sort(function (a, b) { return a - b; });
                            expect(revisions).toEqual(Array.from({ length: 2 * n }, function (_, i) { return i; }));
                            return [4 /*yield*/, store().readStream(s)];
                        case 2:
                            events = _a.sent();
                            expect(events).toHaveLength(2 * n);
                            expect((0, hashing_1.verifyEventChain)(events)).toEqual({ valid: true, checked: 2 * n });
                            // stream order agrees with global order
                            for (i = 1; i < events.length; i++)
                                expect((0, event_store_port_1.comparePositions)(events[i - 1].position, events[i].position)).toBeLessThan(0);
                            return [2 /*return*/];
                    }
                });
            }); });
        });
        describe('idempotency', function () {
            it('appending the same event ids again is a no-op returning the first result', function () { return __awaiter(_this, void 0, void 0, function () {
                var s, ids, batch, first, again, _i, _a, expectedRevision, r, _b;
                return __generator(this, function (_c) {
                    switch (_c.label) {
                        case 0:
                            s = uniq('idem');
                            ids = [(0, node_crypto_1.randomUUID)(), (0, node_crypto_1.randomUUID)()];
                            batch = [ev('A', { n: 1 }, ids[0]), ev('B', { n: 2 }, ids[1])];
                            return [4 /*yield*/, store().appendToStream(s, batch, { expectedRevision: 'no_stream' })];
                        case 1:
                            first = _c.sent();
                            return [4 /*yield*/, store().appendToStream(s, batch, { expectedRevision: 'no_stream' })];
                        case 2:
                            again = _c.sent();
                            expect(again.idempotentReplay).toBe(true);
                            expect(again.events).toEqual(first.events);
                            expect(again.position).toBe(first.position);
                            expect(again.nextExpectedRevision).toBe(first.nextExpectedRevision);
                            // also with 'any' and with the exact revision the first attempt used, and after the stream moved on
                            return [4 /*yield*/, store().appendToStream(s, [ev('C')])];
                        case 3:
                            // also with 'any' and with the exact revision the first attempt used, and after the stream moved on
                            _c.sent();
                            _i = 0, _a = ['any', 'stream_exists', -0, 7];
                            _c.label = 4;
                        case 4:
                            if (!(_i < _a.length)) return [3 /*break*/, 7];
                            expectedRevision = _a[_i];
                            return [4 /*yield*/, store().appendToStream(s, batch, { expectedRevision: expectedRevision })];
                        case 5:
                            r = _c.sent();
                            expect(r.idempotentReplay).toBe(true);
                            expect(r.events).toEqual(first.events);
                            _c.label = 6;
                        case 6:
                            _i++;
                            return [3 /*break*/, 4];
                        case 7:
                            _b = expect;
                            return [4 /*yield*/, store().readStream(s)];
                        case 8:
                            _b.apply(void 0, [(_c.sent()).map(function (e) { return e.type; })]).toEqual(['A', 'B', 'C']);
                            return [2 /*return*/];
                    }
                });
            }); });
            it('concurrent retries of the same append store it once', function () { return __awaiter(_this, void 0, void 0, function () {
                var s, batch, results, _i, results_1, r, _a;
                return __generator(this, function (_b) {
                    switch (_b.label) {
                        case 0:
                            s = uniq('idem-race');
                            batch = [ev('A', { n: 1 }, (0, node_crypto_1.randomUUID)())];
                            return [4 /*yield*/, Promise.all(Array.from({ length: 10 }, function () { return store().appendToStream(s, batch, { expectedRevision: 'any' }); }))];
                        case 1:
                            results = _b.sent();
                            expect(results.filter(function (r) { return !r.idempotentReplay; })).toHaveLength(1);
                            for (_i = 0, results_1 = results; _i < results_1.length; _i++) {
                                r = results_1[_i];
                                expect(r.events[0].position).toBe(results[0].events[0].position);
                            }
                            _a = expect;
                            return [4 /*yield*/, store().readStream(s)];
                        case 2:
                            _a.apply(void 0, [_b.sent()]).toHaveLength(1);
                            return [2 /*return*/];
                    }
                });
            }); });
            it('partially repeated ids, ids of another stream, or the same id with other content → DuplicateEventIdError', function () { return __awaiter(_this, void 0, void 0, function () {
                var s, a, _a;
                return __generator(this, function (_b) {
                    switch (_b.label) {
                        case 0:
                            s = uniq('idem');
                            a = (0, node_crypto_1.randomUUID)();
                            return [4 /*yield*/, store().appendToStream(s, [ev('A', { n: 1 }, a)])];
                        case 1:
                            _b.sent();
                            return [4 /*yield*/, expect(store().appendToStream(s, [ev('A', { n: 1 }, a), ev('B', {}, (0, node_crypto_1.randomUUID)())])).rejects.toBeInstanceOf(event_store_port_1.DuplicateEventIdError)];
                        case 2:
                            _b.sent();
                            return [4 /*yield*/, expect(store().appendToStream(s, [ev('A', { n: 2 }, a)])).rejects.toBeInstanceOf(event_store_port_1.DuplicateEventIdError)];
                        case 3:
                            _b.sent();
                            if (!(store().kind !== 'esdb')) return [3 /*break*/, 5];
                            // EventStoreDB has no global event-id index; the SQL stores do.
                            return [4 /*yield*/, expect(store().appendToStream(uniq('other'), [ev('A', { n: 1 }, a)])).rejects.toBeInstanceOf(event_store_port_1.DuplicateEventIdError)];
                        case 4:
                            // EventStoreDB has no global event-id index; the SQL stores do.
                            _b.sent();
                            _b.label = 5;
                        case 5:
                            _a = expect;
                            return [4 /*yield*/, store().readStream(s)];
                        case 6:
                            _a.apply(void 0, [_b.sent()]).toHaveLength(1);
                            return [2 /*return*/];
                    }
                });
            }); });
        });
        describe('global order', function () {
            it('is stable and can be paged from any position: every event exactly once, same order every time', function () { return __awaiter(_this, void 0, void 0, function () {
                var before, streams, writes, written, head, full, i, ids, _i, written_1, w, _a, _b, pageSize, paged, _c, _d, idx, suffix, end, exact, short, _e, _f;
                return __generator(this, function (_g) {
                    switch (_g.label) {
                        case 0: return [4 /*yield*/, store().headPosition()];
                        case 1:
                            before = _g.sent();
                            streams = Array.from({ length: 5 }, function () { return uniq('order'); });
                            writes = Array.from({ length: 40 * scale }, function (_, i) {
                                return store().appendToStream(streams[i % streams.length], __spreadArray([ev('O', { i: i })], (i % 3 === 0 ? [ev('P', { i: i })] : []), true));
                            });
                            return [4 /*yield*/, Promise.all(writes)];
                        case 2:
                            written = (_g.sent()).flatMap(function (r) { return r.events; });
                            return [4 /*yield*/, waitForVisible(store(), maxPosition(written.map(function (e) { return e.position; })))];
                        case 3:
                            _g.sent();
                            return [4 /*yield*/, store().headPosition()];
                        case 4:
                            head = _g.sent();
                            expect((0, event_store_port_1.comparePositions)(head, before)).toBeGreaterThan(0);
                            return [4 /*yield*/, readAllAfter(store(), event_store_port_1.START, 1000)];
                        case 5:
                            full = _g.sent();
                            for (i = 1; i < full.length; i++)
                                expect((0, event_store_port_1.comparePositions)(full[i - 1].position, full[i].position)).toBeLessThan(0);
                            expect(new Set(full.map(function (e) { return e.eventId; })).size).toBe(full.length);
                            expect(full[full.length - 1].position).toBe(head);
                            ids = new Set(full.map(function (e) { return e.eventId; }));
                            for (_i = 0, written_1 = written; _i < written_1.length; _i++) {
                                w = written_1[_i];
                                expect(ids.has(w.eventId)).toBe(true);
                            }
                            _a = 0, _b = [1, 7, 50];
                            _g.label = 6;
                        case 6:
                            if (!(_a < _b.length)) return [3 /*break*/, 9];
                            pageSize = _b[_a];
                            return [4 /*yield*/, readAllAfter(store(), event_store_port_1.START, pageSize)];
                        case 7:
                            paged = _g.sent();
                            expect(paged.map(function (e) { return e.position; })).toEqual(full.map(function (e) { return e.position; }));
                            _g.label = 8;
                        case 8:
                            _a++;
                            return [3 /*break*/, 6];
                        case 9:
                            _c = 0, _d = [0, 1, Math.floor(full.length / 2), full.length - 2, full.length - 1];
                            _g.label = 10;
                        case 10:
                            if (!(_c < _d.length)) return [3 /*break*/, 13];
                            idx = _d[_c];
                            if (idx < 0)
                                return [3 /*break*/, 12];
                            return [4 /*yield*/, readAllAfter(store(), full[idx].position, 13)];
                        case 11:
                            suffix = _g.sent();
                            expect(suffix.map(function (e) { return e.eventId; })).toEqual(full.slice(idx + 1).map(function (e) { return e.eventId; }));
                            _g.label = 12;
                        case 12:
                            _c++;
                            return [3 /*break*/, 10];
                        case 13: return [4 /*yield*/, store().readAll({ after: head, maxCount: 10 })];
                        case 14:
                            end = _g.sent();
                            expect(end).toEqual({ events: [], lastPosition: head, isEnd: true });
                            return [4 /*yield*/, store().readAll({ after: before, maxCount: written.length })];
                        case 15:
                            exact = _g.sent();
                            expect(exact.events).toHaveLength(written.length);
                            expect(exact.isEnd).toBe(true);
                            return [4 /*yield*/, store().readAll({ after: before, maxCount: written.length - 1 })];
                        case 16:
                            short = _g.sent();
                            expect(short.isEnd).toBe(false);
                            expect(short.lastPosition).toBe(short.events[short.events.length - 1].position);
                            _f = (_e = expect(full)).toEqual;
                            return [4 /*yield*/, readAllAfter(store(), event_store_port_1.START, 1000)];
                        case 17:
                            _f.apply(_e, [_g.sent()]); // same order twice
                            return [2 /*return*/];
                    }
                });
            }); });
            it('events of one stream appear in the global log in stream order, with the positions the append returned', function () { return __awaiter(_this, void 0, void 0, function () {
                var s, r1, r2, all;
                return __generator(this, function (_a) {
                    switch (_a.label) {
                        case 0:
                            s = uniq('positions');
                            return [4 /*yield*/, store().appendToStream(s, [ev('A'), ev('B')])];
                        case 1:
                            r1 = _a.sent();
                            return [4 /*yield*/, store().appendToStream(s, [ev('C')])];
                        case 2:
                            r2 = _a.sent();
                            return [4 /*yield*/, waitForVisible(store(), r2.position)];
                        case 3:
                            _a.sent();
                            return [4 /*yield*/, readAllAfter(store(), event_store_port_1.START, 1000)];
                        case 4:
                            all = (_a.sent()).filter(function (e) { return e.stream === s; });
                            expect(all).toEqual(__spreadArray(__spreadArray([], r1.events, true), r2.events, true));
                            return [2 /*return*/];
                    }
                });
            }); });
        });
        describe('catch-up subscription', function () {
            it('delivers history then live events in global order; stops cleanly', function () { return __awaiter(_this, void 0, void 0, function () {
                var s, start, got, sub, expected, n;
                var _this = this;
                return __generator(this, function (_a) {
                    switch (_a.label) {
                        case 0:
                            s = uniq('sub');
                            return [4 /*yield*/, store().appendToStream(s, [ev('H1'), ev('H2')])];
                        case 1:
                            _a.sent();
                            return [4 /*yield*/, store().readStream(s)];
                        case 2:
                            start = (_a.sent())[0].position;
                            got = [];
                            sub = store().subscribeToAll({
                                after: start,
                                batchSize: 3,
                                pollIntervalMs: 200,
                                handler: function (events) { return __awaiter(_this, void 0, void 0, function () {
                                    return __generator(this, function (_a) {
                                        got.push.apply(got, events);
                                        return [2 /*return*/];
                                    });
                                }); },
                            });
                            return [4 /*yield*/, store().appendToStream(s, [ev('L1')])];
                        case 3:
                            _a.sent();
                            return [4 /*yield*/, waitFor(function () { return got.some(function (e) { return e.type === 'L1'; }); }, 15000, 'live event')];
                        case 4:
                            _a.sent();
                            return [4 /*yield*/, sub.stop()];
                        case 5:
                            _a.sent();
                            return [4 /*yield*/, sub.done];
                        case 6:
                            _a.sent();
                            return [4 /*yield*/, readAllAfter(store(), start)];
                        case 7:
                            expected = _a.sent();
                            expect(got.map(function (e) { return e.eventId; })).toEqual(expected.slice(0, got.length).map(function (e) { return e.eventId; }));
                            expect(got[0].type).toBe('H2');
                            n = got.length;
                            return [4 /*yield*/, store().appendToStream(s, [ev('AfterStop')])];
                        case 8:
                            _a.sent();
                            return [4 /*yield*/, sleep(100)];
                        case 9:
                            _a.sent();
                            expect(got).toHaveLength(n);
                            return [2 /*return*/];
                    }
                });
            }); });
            it('never skips and never repeats while many writers commit concurrently and out of order, even around a long transaction', function () { return __awaiter(_this, void 0, void 0, function () {
                var start, got, deliveredAt, batches, sub, streams, writerEvents, writerCommittedAt, writer, heldIds, heldCommittedAt, holdStartedAt, writersStartedAfterHold, shortHolds, _loop_1, i, early, held, final, ids, i, _i, writerEvents_1, id, heldIdx, _a, _b, e;
                var _this = this;
                return __generator(this, function (_c) {
                    switch (_c.label) {
                        case 0: return [4 /*yield*/, store().headPosition()];
                        case 1:
                            start = _c.sent();
                            got = [];
                            deliveredAt = new Map();
                            batches = 0;
                            sub = store().subscribeToAll({
                                after: start,
                                batchSize: 16,
                                pollIntervalMs: 100,
                                handler: function (events) { return __awaiter(_this, void 0, void 0, function () {
                                    var now, _i, events_1, e;
                                    return __generator(this, function (_a) {
                                        switch (_a.label) {
                                            case 0:
                                                batches++;
                                                now = Date.now();
                                                for (_i = 0, events_1 = events; _i < events_1.length; _i++) {
                                                    e = events_1[_i];
                                                    deliveredAt.set(e.eventId, now);
                                                }
                                                got.push.apply(got, events);
                                                if (!(batches % 5 === 0)) return [3 /*break*/, 2];
                                                return [4 /*yield*/, sleep(2)];
                                            case 1:
                                                _a.sent();
                                                _a.label = 2;
                                            case 2: return [2 /*return*/];
                                        }
                                    });
                                }); },
                            });
                            streams = Array.from({ length: 6 }, function () { return uniq('many'); });
                            writerEvents = new Set();
                            writerCommittedAt = [];
                            writer = function (w) { return __awaiter(_this, void 0, void 0, function () {
                                var _loop_2, i;
                                return __generator(this, function (_a) {
                                    switch (_a.label) {
                                        case 0:
                                            _loop_2 = function (i) {
                                                var n, r, _i, _b, e;
                                                return __generator(this, function (_c) {
                                                    switch (_c.label) {
                                                        case 0:
                                                            n = 1 + ((w + i) % 3);
                                                            return [4 /*yield*/, store().appendToStream(streams[(w * 7 + i) % streams.length], Array.from({ length: n }, function (_, k) { return ev('W', { w: w, i: i, k: k }); }))];
                                                        case 1:
                                                            r = _c.sent();
                                                            writerCommittedAt.push(Date.now());
                                                            for (_i = 0, _b = r.events; _i < _b.length; _i++) {
                                                                e = _b[_i];
                                                                writerEvents.add(e.eventId);
                                                            }
                                                            return [2 /*return*/];
                                                    }
                                                });
                                            };
                                            i = 0;
                                            _a.label = 1;
                                        case 1:
                                            if (!(i < 12 * scale)) return [3 /*break*/, 4];
                                            return [5 /*yield**/, _loop_2(i)];
                                        case 2:
                                            _a.sent();
                                            _a.label = 3;
                                        case 3:
                                            i++;
                                            return [3 /*break*/, 1];
                                        case 4: return [2 /*return*/];
                                    }
                                });
                            }); };
                            heldIds = [];
                            heldCommittedAt = 0;
                            holdStartedAt = 0;
                            writersStartedAfterHold = Promise.resolve();
                            shortHolds = [];
                            if (h.holdOpenAppend) {
                                _loop_1 = function (i) {
                                    shortHolds.push((function () { return __awaiter(_this, void 0, void 0, function () {
                                        var held;
                                        return __generator(this, function (_a) {
                                            switch (_a.label) {
                                                case 0: return [4 /*yield*/, sleep(20 * i)];
                                                case 1:
                                                    _a.sent();
                                                    held = h.holdOpenAppend(streams[i], [ev('ShortHeld', { i: i })], 50 + 40 * i);
                                                    return [4 /*yield*/, held.committed];
                                                case 2:
                                                    _a.sent();
                                                    return [2 /*return*/];
                                            }
                                        });
                                    }); })());
                                };
                                // Short held transactions interleaved with the writers make commits happen out of order.
                                for (i = 0; i < 4; i++) {
                                    _loop_1(i);
                                }
                            }
                            early = Promise.all(Array.from({ length: 4 }, function (_, w) { return writer(w); }));
                            if (!h.holdOpenAppend) return [3 /*break*/, 7];
                            return [4 /*yield*/, early];
                        case 2:
                            _c.sent();
                            return [4 /*yield*/, Promise.all(shortHolds)];
                        case 3:
                            _c.sent();
                            // The long one: inserted first, committed last.
                            heldIds = [(0, node_crypto_1.randomUUID)(), (0, node_crypto_1.randomUUID)()];
                            held = h.holdOpenAppend(uniq('held'), [ev('Held', { n: 0 }, heldIds[0]), ev('Held', { n: 1 }, heldIds[1])], holdMs);
                            return [4 /*yield*/, held.inserted];
                        case 4:
                            _c.sent();
                            holdStartedAt = Date.now();
                            writerCommittedAt.length = 0;
                            writersStartedAfterHold = Promise.all(Array.from({ length: 4 }, function (_, w) { return writer(10 + w); })).then(function () { return undefined; });
                            return [4 /*yield*/, held.committed];
                        case 5:
                            _c.sent();
                            heldCommittedAt = Date.now();
                            return [4 /*yield*/, writersStartedAfterHold];
                        case 6:
                            _c.sent();
                            if (h.concurrentTransactions) {
                                // PostgreSQL: others committed while the long transaction was open …
                                expect(writerCommittedAt.filter(function (t) { return t < heldCommittedAt; }).length).toBeGreaterThan(0);
                            }
                            else {
                                // PGlite: one connection; the others waited for it.
                                expect(writerCommittedAt.filter(function (t) { return t < holdStartedAt + holdMs - 100; })).toEqual([]);
                                expect(heldCommittedAt - holdStartedAt).toBeGreaterThanOrEqual(holdMs - 50);
                            }
                            return [3 /*break*/, 9];
                        case 7: return [4 /*yield*/, early];
                        case 8:
                            _c.sent();
                            _c.label = 9;
                        case 9: return [4 /*yield*/, settle(store())];
                        case 10:
                            _c.sent();
                            return [4 /*yield*/, readAllAfter(store(), start, 500)];
                        case 11:
                            final = _c.sent();
                            return [4 /*yield*/, waitFor(function () { return got.length >= final.length; }, 15000, "subscriber to receive ".concat(final.length, " events (has ").concat(got.length, ")"))];
                        case 12:
                            _c.sent();
                            return [4 /*yield*/, sleep(150)];
                        case 13:
                            _c.sent();
                            return [4 /*yield*/, sub.stop()];
                        case 14:
                            _c.sent();
                            return [4 /*yield*/, expect(sub.done).resolves.toBeUndefined()];
                        case 15:
                            _c.sent();
                            ids = got.map(function (e) { return e.eventId; });
                            expect(new Set(ids).size).toBe(ids.length); // never repeats
                            expect(ids).toEqual(final.map(function (e) { return e.eventId; })); // never skips, same order as a final readAll
                            for (i = 1; i < got.length; i++)
                                expect((0, event_store_port_1.comparePositions)(got[i - 1].position, got[i].position)).toBeLessThan(0);
                            for (_i = 0, writerEvents_1 = writerEvents; _i < writerEvents_1.length; _i++) {
                                id = writerEvents_1[_i];
                                expect(deliveredAt.has(id)).toBe(true);
                            }
                            if (heldIds.length) {
                                heldIdx = ids.indexOf(heldIds[0]);
                                expect(heldIdx).toBeGreaterThanOrEqual(0);
                                expect(ids[heldIdx + 1]).toBe(heldIds[1]);
                                for (_a = 0, _b = got.slice(heldIdx); _a < _b.length; _a++) {
                                    e = _b[_a];
                                    expect(deliveredAt.get(e.eventId)).toBeGreaterThanOrEqual(holdStartedAt + holdMs - 100);
                                }
                                expect(heldCommittedAt).toBeGreaterThanOrEqual(holdStartedAt + holdMs - 100);
                            }
                            return [2 /*return*/];
                    }
                });
            }); }, 60000);
            it('a handler error stops the subscription and rejects done; stop() from inside the handler does not dead-lock', function () { return __awaiter(_this, void 0, void 0, function () {
                var s, from, boom, calls, failing, seen, self;
                var _this = this;
                return __generator(this, function (_a) {
                    switch (_a.label) {
                        case 0:
                            s = uniq('sub-err');
                            return [4 /*yield*/, store().appendToStream(s, [ev('A'), ev('B')])];
                        case 1:
                            _a.sent();
                            return [4 /*yield*/, store().readStream(s)];
                        case 2:
                            from = (_a.sent())[0].position;
                            boom = new Error('handler failed');
                            calls = 0;
                            failing = store().subscribeToAll({
                                after: from,
                                handler: function () { return __awaiter(_this, void 0, void 0, function () {
                                    return __generator(this, function (_a) {
                                        calls++;
                                        throw boom;
                                    });
                                }); },
                            });
                            return [4 /*yield*/, expect(failing.done).rejects.toBe(boom)];
                        case 3:
                            _a.sent();
                            expect(calls).toBe(1);
                            return [4 /*yield*/, failing.stop()];
                        case 4:
                            _a.sent(); // already stopped: resolves
                            seen = 0;
                            self = store().subscribeToAll({
                                after: from,
                                handler: function (events) { return __awaiter(_this, void 0, void 0, function () {
                                    return __generator(this, function (_a) {
                                        switch (_a.label) {
                                            case 0:
                                                seen += events.length;
                                                return [4 /*yield*/, self.stop()];
                                            case 1:
                                                _a.sent();
                                                return [2 /*return*/];
                                        }
                                    });
                                }); },
                            });
                            return [4 /*yield*/, expect(self.done).resolves.toBeUndefined()];
                        case 5:
                            _a.sent();
                            expect(seen).toBeGreaterThan(0);
                            return [2 /*return*/];
                    }
                });
            }); });
        });
        describe('hash chain', function () {
            it("links each event's prevHash to the previous event's hash, and every hash recomputes", function () { return __awaiter(_this, void 0, void 0, function () {
                var s, events, i, _i, events_2, e, tampered;
                return __generator(this, function (_a) {
                    switch (_a.label) {
                        case 0:
                            s = uniq('chain');
                            return [4 /*yield*/, store().appendToStream(s, [ev('A', { n: 1 })], { expectedRevision: 'no_stream' })];
                        case 1:
                            _a.sent();
                            return [4 /*yield*/, store().appendToStream(s, [ev('B', { n: 2 }), ev('C', { n: 3 })], { expectedRevision: 0 })];
                        case 2:
                            _a.sent();
                            return [4 /*yield*/, store().appendToStream(s, [ev('D', { n: 4 }, undefined, { m: 'x' })])];
                        case 3:
                            _a.sent();
                            return [4 /*yield*/, store().readStream(s)];
                        case 4:
                            events = _a.sent();
                            expect(events[0].prevHash).toBeNull();
                            for (i = 1; i < events.length; i++)
                                expect(events[i].prevHash).toBe(events[i - 1].hash);
                            for (_i = 0, events_2 = events; _i < events_2.length; _i++) {
                                e = events_2[_i];
                                expect(e.hash).toMatch(/^[0-9a-f]{64}$/);
                                expect((0, hashing_1.computeEventHash)(e)).toBe(e.hash);
                            }
                            expect((0, hashing_1.verifyEventChain)(events)).toEqual({ valid: true, checked: 4 });
                            tampered = events.map(function (e) { return (e.revision === 2 ? __assign(__assign({}, e), { data: { n: 33 } }) : e); });
                            expect((0, hashing_1.verifyEventChain)(tampered)).toMatchObject({ valid: false, brokenAt: 2 });
                            return [2 /*return*/];
                    }
                });
            }); });
        });
        describe('stream metadata and health', function () {
            it('gets and sets stream metadata', function () { return __awaiter(_this, void 0, void 0, function () {
                var s, _a, _b, _c, _d, _e;
                return __generator(this, function (_f) {
                    switch (_f.label) {
                        case 0:
                            s = uniq('meta');
                            _a = expect;
                            return [4 /*yield*/, store().getStreamMetadata(s)];
                        case 1:
                            _a.apply(void 0, [_f.sent()]).toBeNull();
                            return [4 /*yield*/, store().setStreamMetadata(s, { tenant: 'm-1', tags: ['a'] })];
                        case 2:
                            _f.sent();
                            _b = expect;
                            return [4 /*yield*/, store().getStreamMetadata(s)];
                        case 3:
                            _b.apply(void 0, [_f.sent()]).toEqual({ tenant: 'm-1', tags: ['a'] });
                            _c = expect;
                            return [4 /*yield*/, store().streamRevision(s)];
                        case 4:
                            _c.apply(void 0, [_f.sent()]).toBeNull(); // metadata alone does not create events
                            return [4 /*yield*/, store().appendToStream(s, [ev('A')], { expectedRevision: 'no_stream' })];
                        case 5:
                            _f.sent();
                            return [4 /*yield*/, store().setStreamMetadata(s, { tenant: 'm-2' })];
                        case 6:
                            _f.sent();
                            _d = expect;
                            return [4 /*yield*/, store().getStreamMetadata(s)];
                        case 7:
                            _d.apply(void 0, [_f.sent()]).toEqual({ tenant: 'm-2' });
                            _e = expect;
                            return [4 /*yield*/, store().streamRevision(s)];
                        case 8:
                            _e.apply(void 0, [_f.sent()]).toBe(0);
                            return [2 /*return*/];
                    }
                });
            }); });
            it('pings', function () { return __awaiter(_this, void 0, void 0, function () {
                return __generator(this, function (_a) {
                    switch (_a.label) {
                        case 0: return [4 /*yield*/, expect(store().ping()).resolves.toBeUndefined()];
                        case 1:
                            _a.sent();
                            return [2 /*return*/];
                    }
                });
            }); });
        });
        describe('durability', function () {
            it('keeps events, their order and the chain across a restart', function () { return __awaiter(_this, void 0, void 0, function () {
                var s, r, before, head, _a, _b, _c, more, _d, _e;
                return __generator(this, function (_f) {
                    switch (_f.label) {
                        case 0:
                            s = uniq('restart');
                            return [4 /*yield*/, store().appendToStream(s, [ev('A', { n: 1 }), ev('B', { n: 2 })])];
                        case 1:
                            r = _f.sent();
                            return [4 /*yield*/, waitForVisible(store(), r.position)];
                        case 2:
                            _f.sent();
                            return [4 /*yield*/, readAllAfter(store(), event_store_port_1.START, 1000)];
                        case 3:
                            before = _f.sent();
                            return [4 /*yield*/, store().headPosition()];
                        case 4:
                            head = _f.sent();
                            return [4 /*yield*/, h.restart()];
                        case 5:
                            _f.sent();
                            _a = expect;
                            return [4 /*yield*/, readAllAfter(store(), event_store_port_1.START, 1000)];
                        case 6:
                            _a.apply(void 0, [_f.sent()]).toEqual(before);
                            _b = expect;
                            return [4 /*yield*/, store().headPosition()];
                        case 7:
                            _b.apply(void 0, [_f.sent()]).toBe(head);
                            _c = expect;
                            return [4 /*yield*/, store().streamRevision(s)];
                        case 8:
                            _c.apply(void 0, [_f.sent()]).toBe(1);
                            return [4 /*yield*/, store().appendToStream(s, [ev('C', { n: 3 })], { expectedRevision: 1 })];
                        case 9:
                            more = _f.sent();
                            expect(more.events[0].prevHash).toBe(r.events[1].hash);
                            expect((0, event_store_port_1.comparePositions)(more.position, head)).toBeGreaterThan(0);
                            _d = expect;
                            _e = hashing_1.verifyEventChain;
                            return [4 /*yield*/, store().readStream(s)];
                        case 10:
                            _d.apply(void 0, [_e.apply(void 0, [_f.sent()]).valid]).toBe(true);
                            return [2 /*return*/];
                    }
                });
            }); }, 30000);
        });
    });
}
