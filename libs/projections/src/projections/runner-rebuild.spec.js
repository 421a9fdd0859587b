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
var event_store_1 = require("@app/event-store");
var rebuild_1 = require("../rebuild");
var runner_1 = require("../runner");
var index_1 = require("./index");
var queries_1 = require("./queries");
var spec_helpers_1 = require("./test-support/spec-helpers");
var testing_1 = require("./testing");
var T0 = '2026-11-16T02:00:00.000Z';
var quiet = { info: function () { return undefined; }, warn: function () { return undefined; }, error: function () { return undefined; } };
/** A busy week: 30 orders of 3 merchants, 24 disputes going every way the domain allows. */
function busyScenario(n) {
    if (n === void 0) { n = 30; }
    var s = new testing_1.Scenario();
    for (var i = 0; i < n; i++) {
        var o = "O".concat(i);
        var paid = (0, spec_helpers_1.addHours)(T0, i);
        s.paidOrder(o, "M".concat(i % 3), paid);
        if (i % 4 === 0)
            s.ship(o, (0, spec_helpers_1.addHours)(paid, 2), (0, spec_helpers_1.addHours)(paid, 30));
        if (i % 4 === 1)
            s.ship(o, (0, spec_helpers_1.addHours)(paid, 30), null);
    }
    for (var i = 0; i < n - 6; i++) {
        var d = "D".concat(i);
        var opened = (0, spec_helpers_1.addHours)(T0, i + 49);
        s.openDispute(d, "O".concat(i), opened);
        switch (i % 6) {
            case 0:
                if (i % 4 === 0)
                    s.choose(d, { option: 'SHIPPED_WITH_PICKUP' }, (0, spec_helpers_1.addHours)(opened, 1));
                else {
                    s.fact("O".concat(i), { type: 'CANCELLATION_REQUESTED', occurredAt: opened });
                    s.choose(d, { option: 'CONSUMER_CANCELLED' }, (0, spec_helpers_1.addHours)(opened, 1));
                }
                break;
            case 1:
                s.fire(d, 'RESPONSE', (0, spec_helpers_1.addHours)(opened, 24));
                break;
            case 2:
                s.choose(d, { option: 'OUT_OF_STOCK_REFUND' }, (0, spec_helpers_1.addHours)(opened, 1));
                s.respond(d, i % 12 === 2, (0, spec_helpers_1.addHours)(opened, 3));
                break;
            case 3:
                s.choose(d, { option: 'NO_FAULT_DEFENSE', defense: { reason: 'FORCE_MAJEURE', statement: 'storm' }, evidence: [{ kind: 'PHOTO', ref: "p".concat(i) }] }, (0, spec_helpers_1.addHours)(opened, 1));
                s.judge(d, i % 12 === 3 ? 'MERCHANT_NOT_LIABLE' : 'MERCHANT_LIABLE', (0, spec_helpers_1.addHours)(opened, 5), i % 12 === 3 ? undefined : 'LATE_SHIPMENT');
                break;
            case 4:
                s.choose(d, { option: 'SHIP_BY_AGREED_DATE', agreedShipBy: (0, spec_helpers_1.addHours)(opened, 48), evidence: [{ kind: 'CHAT_LOG', ref: "c".concat(i) }] }, (0, spec_helpers_1.addHours)(opened, 1));
                break;
            default:
                // left waiting for the merchant
                break;
        }
    }
    return s;
}
function readAllEvents(store) {
    return __awaiter(this, void 0, void 0, function () {
        var out, after, page;
        return __generator(this, function (_a) {
            switch (_a.label) {
                case 0:
                    out = [];
                    after = '0/0';
                    _a.label = 1;
                case 1: return [4 /*yield*/, store.readAll({ after: after, maxCount: 1000 })];
                case 2:
                    page = _a.sent();
                    out.push.apply(out, page.events);
                    after = page.lastPosition;
                    if (page.isEnd || page.events.length === 0)
                        return [2 /*return*/, out];
                    _a.label = 3;
                case 3: return [3 /*break*/, 1];
                case 4: return [2 /*return*/];
            }
        });
    });
}
/** The tables a single clean pass over the whole log gives (under the 'ref_' prefix). */
function referenceDigests(db, store, projections) {
    return __awaiter(this, void 0, void 0, function () {
        var _a, _b;
        return __generator(this, function (_c) {
            switch (_c.label) {
                case 0: return [4 /*yield*/, (0, spec_helpers_1.resetTables)(db, projections, 'ref_')];
                case 1:
                    _c.sent();
                    _a = spec_helpers_1.applyInBatches;
                    _b = [db, projections];
                    return [4 /*yield*/, readAllEvents(store)];
                case 2: return [4 /*yield*/, _a.apply(void 0, _b.concat([_c.sent(), [1000], 'ref_']))];
                case 3:
                    _c.sent();
                    return [2 /*return*/, (0, spec_helpers_1.digests)(db, projections, 'ref_')];
            }
        });
    });
}
function checkpoints(db) {
    return __awaiter(this, void 0, void 0, function () {
        var rows;
        return __generator(this, function (_a) {
            switch (_a.label) {
                case 0: return [4 /*yield*/, db.query("SELECT name, position, events_applied FROM projection_checkpoints ORDER BY name")];
                case 1:
                    rows = (_a.sent()).rows;
                    return [2 /*return*/, rows];
            }
        });
    });
}
describe('projections under the runner and the rebuild (real SqlEventStore on PGlite)', function () {
    var db;
    var store;
    var projections = (0, index_1.allProjections)({ timezone: 'Asia/Shanghai' });
    beforeEach(function () { return __awaiter(void 0, void 0, void 0, function () {
        return __generator(this, function (_a) {
            switch (_a.label) {
                case 0: return [4 /*yield*/, event_store_1.PgliteDatabase.create()];
                case 1:
                    db = _a.sent();
                    store = new event_store_1.SqlEventStore(db);
                    return [4 /*yield*/, store.init()];
                case 2:
                    _a.sent();
                    return [2 /*return*/];
            }
        });
    }); });
    afterEach(function () { return __awaiter(void 0, void 0, void 0, function () {
        return __generator(this, function (_a) {
            switch (_a.label) {
                case 0: return [4 /*yield*/, store.close()];
                case 1:
                    _a.sent();
                    return [4 /*yield*/, db.close()];
                case 2:
                    _a.sent();
                    return [2 /*return*/];
            }
        });
    }); });
    it('a projector that dies inside apply mid-stream resumes from its checkpoint: nothing lost, nothing doubled', function () { return __awaiter(void 0, void 0, void 0, function () {
        var s, total, calls, thrown, flaky, runner, _a, _b, _c, cps, _d, _e, _f;
        return __generator(this, function (_g) {
            switch (_g.label) {
                case 0:
                    s = busyScenario();
                    return [4 /*yield*/, s.appendTo(store)];
                case 1:
                    _g.sent();
                    return [4 /*yield*/, readAllEvents(store)];
                case 2:
                    total = (_g.sent()).length;
                    calls = 0;
                    thrown = 0;
                    flaky = __assign(__assign({}, projections[0]), { apply: function (tx, events, prefix) {
                            return __awaiter(this, void 0, void 0, function () {
                                return __generator(this, function (_a) {
                                    switch (_a.label) {
                                        case 0: return [4 /*yield*/, projections[0].apply(tx, events, prefix)];
                                        case 1:
                                            _a.sent();
                                            if (++calls === 4) {
                                                thrown++;
                                                throw new Error('projector killed mid-batch');
                                            }
                                            return [2 /*return*/];
                                    }
                                });
                            });
                        } });
                    runner = new runner_1.ProjectionRunner(store, db, [flaky, projections[1]], quiet, { lockRetryMs: 20, batchSize: 9 });
                    return [4 /*yield*/, runner.migrate()];
                case 3:
                    _g.sent();
                    return [4 /*yield*/, runner.start()];
                case 4:
                    _g.sent();
                    _g.label = 5;
                case 5:
                    _g.trys.push([5, , 8, 10]);
                    _a = expect;
                    _c = (_b = runner).waitFor;
                    return [4 /*yield*/, store.headPosition()];
                case 6: return [4 /*yield*/, _c.apply(_b, [_g.sent(), 20000])];
                case 7:
                    _a.apply(void 0, [_g.sent()]).toBe(true);
                    return [3 /*break*/, 10];
                case 8: return [4 /*yield*/, runner.stop()];
                case 9:
                    _g.sent();
                    return [7 /*endfinally*/];
                case 10:
                    expect(thrown).toBe(1);
                    return [4 /*yield*/, checkpoints(db)];
                case 11:
                    cps = _g.sent();
                    // Every event was applied (and counted) exactly once per projection despite the failed batch.
                    expect(cps.map(function (c) { return [c.name, c.events_applied]; })).toEqual([
                        ['dispute_state', total],
                        ['order_shipping', total],
                    ]);
                    _e = expect;
                    return [4 /*yield*/, (0, spec_helpers_1.digests)(db, projections)];
                case 12:
                    _f = (_d = _e.apply(void 0, [_g.sent()])).toEqual;
                    return [4 /*yield*/, referenceDigests(db, store, projections)];
                case 13:
                    _f.apply(_d, [_g.sent()]);
                    return [2 /*return*/];
            }
        });
    }); });
    it('a runner stopped mid-stream and a new one started later continue where it stopped', function () { return __awaiter(void 0, void 0, void 0, function () {
        var s, half, midHead, r1, firstEvents, _a, stoppedAt, _i, stoppedAt_1, c, r2, _b, _c, _d, total, _e, _f, _g, _h, cases, _j, _k, c, _l, _m;
        return __generator(this, function (_o) {
            switch (_o.label) {
                case 0:
                    s = busyScenario();
                    half = Math.floor(s.log.length / 2);
                    return [4 /*yield*/, s.appendTo(store, 0, half)];
                case 1:
                    _o.sent();
                    return [4 /*yield*/, store.headPosition()];
                case 2:
                    midHead = _o.sent();
                    r1 = new runner_1.ProjectionRunner(store, db, projections, quiet, { lockRetryMs: 20, batchSize: 4 });
                    return [4 /*yield*/, r1.migrate()];
                case 3:
                    _o.sent();
                    return [4 /*yield*/, r1.start()];
                case 4:
                    _o.sent();
                    return [4 /*yield*/, readAllEvents(store)];
                case 5:
                    firstEvents = (_o.sent()).slice(0, 10);
                    _a = expect;
                    return [4 /*yield*/, r1.waitFor(firstEvents[9].position, 20000)];
                case 6:
                    _a.apply(void 0, [_o.sent()]).toBe(true);
                    return [4 /*yield*/, r1.stop()];
                case 7:
                    _o.sent();
                    return [4 /*yield*/, checkpoints(db)];
                case 8:
                    stoppedAt = _o.sent();
                    for (_i = 0, stoppedAt_1 = stoppedAt; _i < stoppedAt_1.length; _i++) {
                        c = stoppedAt_1[_i];
                        expect((0, event_store_1.comparePositions)(c.position, midHead)).toBeLessThanOrEqual(0);
                    }
                    // More history arrives while nobody projects.
                    return [4 /*yield*/, s.appendTo(store, half)];
                case 9:
                    // More history arrives while nobody projects.
                    _o.sent();
                    r2 = new runner_1.ProjectionRunner(store, db, projections, quiet, { lockRetryMs: 20, batchSize: 7 });
                    return [4 /*yield*/, r2.start()];
                case 10:
                    _o.sent();
                    _o.label = 11;
                case 11:
                    _o.trys.push([11, , 14, 16]);
                    _b = expect;
                    _d = (_c = r2).waitFor;
                    return [4 /*yield*/, store.headPosition()];
                case 12: return [4 /*yield*/, _d.apply(_c, [_o.sent(), 20000])];
                case 13:
                    _b.apply(void 0, [_o.sent()]).toBe(true);
                    return [3 /*break*/, 16];
                case 14: return [4 /*yield*/, r2.stop()];
                case 15:
                    _o.sent();
                    return [7 /*endfinally*/];
                case 16: return [4 /*yield*/, readAllEvents(store)];
                case 17:
                    total = (_o.sent()).length;
                    _e = expect;
                    return [4 /*yield*/, checkpoints(db)];
                case 18:
                    _e.apply(void 0, [(_o.sent()).map(function (c) { return c.events_applied; })]).toEqual([total, total]);
                    _g = expect;
                    return [4 /*yield*/, (0, spec_helpers_1.digests)(db, projections)];
                case 19:
                    _h = (_f = _g.apply(void 0, [_o.sent()])).toEqual;
                    return [4 /*yield*/, referenceDigests(db, store, projections)];
                case 20:
                    _h.apply(_f, [_o.sent()]);
                    return [4 /*yield*/, (0, queries_1.listCases)(db, { limit: 500 })];
                case 21:
                    cases = _o.sent();
                    expect(cases.items).toHaveLength(24);
                    for (_j = 0, _k = cases.items; _j < _k.length; _j++) {
                        c = _k[_j];
                        expect(c.status).toBe(s.disputeState(c.disputeId).status);
                    }
                    _l = expect;
                    return [4 /*yield*/, (0, queries_1.listJudgements)(db, { limit: 500 })];
                case 22:
                    _l.apply(void 0, [(_o.sent()).items.length]).toBe(__spreadArray([], Array(24).keys(), true).filter(function (i) { return ['JUDGED', 'SETTLED'].includes(s.disputeState("D".concat(i)).status); }).length);
                    _m = expect;
                    return [4 /*yield*/, (0, queries_1.adjudicationQueue)(db, { now: (0, spec_helpers_1.addHours)(T0, 500) })];
                case 23:
                    _m.apply(void 0, [(_o.sent()).items]).toEqual([]);
                    return [2 /*return*/];
            }
        });
    }); });
    it('stop() while a projector is still reading its checkpoint leaves no projector running', function () { return __awaiter(void 0, void 0, void 0, function () {
        var s, release, gate, gated, slowDb, runner, started, _a, _b;
        return __generator(this, function (_c) {
            switch (_c.label) {
                case 0:
                    s = busyScenario(6);
                    return [4 /*yield*/, s.appendTo(store)];
                case 1:
                    _c.sent();
                    gate = new Promise(function (r) { return (release = r); });
                    gated = 0;
                    slowDb = Object.create(db, {
                        query: {
                            value: function (sql, params) { return __awaiter(void 0, void 0, void 0, function () {
                                return __generator(this, function (_a) {
                                    switch (_a.label) {
                                        case 0:
                                            if (!sql.includes('SELECT position FROM projection_checkpoints')) return [3 /*break*/, 2];
                                            gated++;
                                            return [4 /*yield*/, gate];
                                        case 1:
                                            _a.sent();
                                            _a.label = 2;
                                        case 2: return [2 /*return*/, db.query(sql, params)];
                                    }
                                });
                            }); },
                        },
                    });
                    runner = new runner_1.ProjectionRunner(store, slowDb, projections, quiet, { lockRetryMs: 10000 });
                    return [4 /*yield*/, runner.migrate()];
                case 2:
                    _c.sent();
                    started = runner.start();
                    _c.label = 3;
                case 3:
                    if (!(gated === 0)) return [3 /*break*/, 5];
                    return [4 /*yield*/, new Promise(function (r) { return setTimeout(r, 5); })];
                case 4:
                    _c.sent();
                    return [3 /*break*/, 3];
                case 5: return [4 /*yield*/, runner.stop()];
                case 6:
                    _c.sent();
                    release();
                    return [4 /*yield*/, started];
                case 7:
                    _c.sent();
                    return [4 /*yield*/, new Promise(function (r) { return setTimeout(r, 200); })];
                case 8:
                    _c.sent();
                    _a = expect;
                    return [4 /*yield*/, checkpoints(db)];
                case 9:
                    _a.apply(void 0, [_c.sent()]).toEqual([]);
                    _b = expect;
                    return [4 /*yield*/, db.query("SELECT count(*)::int AS n FROM dispute_state")];
                case 10:
                    _b.apply(void 0, [(_c.sent()).rows[0].n]).toBe(0);
                    return [2 /*return*/];
            }
        });
    }); });
    it('rebuilds into identical tables: the rebuild matches the live tables and two rebuilds give the same digests', function () { return __awaiter(void 0, void 0, void 0, function () {
        var s, runner, _a, _b, _c, live, first, _d, second, rows, mark, _e, _f, _g, _h;
        return __generator(this, function (_j) {
            switch (_j.label) {
                case 0:
                    s = busyScenario();
                    return [4 /*yield*/, s.appendTo(store)];
                case 1:
                    _j.sent();
                    runner = new runner_1.ProjectionRunner(store, db, projections, quiet, { lockRetryMs: 20, batchSize: 50 });
                    return [4 /*yield*/, runner.migrate()];
                case 2:
                    _j.sent();
                    return [4 /*yield*/, runner.start()];
                case 3:
                    _j.sent();
                    _j.label = 4;
                case 4:
                    _j.trys.push([4, , 16, 18]);
                    _a = expect;
                    _c = (_b = runner).waitFor;
                    return [4 /*yield*/, store.headPosition()];
                case 5: return [4 /*yield*/, _c.apply(_b, [_j.sent(), 20000])];
                case 6:
                    _a.apply(void 0, [_j.sent()]).toBe(true);
                    return [4 /*yield*/, (0, spec_helpers_1.digests)(db, projections)];
                case 7:
                    live = _j.sent();
                    return [4 /*yield*/, (0, rebuild_1.rebuildProjections)(store, db, projections, { batchSize: 13 })];
                case 8:
                    first = _j.sent();
                    expect(first.comparisons.map(function (c) { return c.table; }).sort()).toEqual(['deadlines', 'dispute_state', 'judgements', 'order_shipping']);
                    expect(first.comparisons.every(function (c) { return c.equal && c.liveRows === c.rebuiltRows; })).toBe(true);
                    expect(first.matched).toBe(true);
                    expect(first.swapped).toBe(true);
                    _d = expect;
                    return [4 /*yield*/, (0, spec_helpers_1.digests)(db, projections)];
                case 9:
                    _d.apply(void 0, [_j.sent()]).toEqual(live);
                    return [4 /*yield*/, (0, rebuild_1.rebuildProjections)(store, db, projections, { batchSize: 1000, swap: false })];
                case 10:
                    second = _j.sent();
                    expect(second.matched).toBe(true);
                    expect(second.comparisons.map(function (c) { return [c.table, c.rebuiltDigest]; })).toEqual(first.comparisons.map(function (c) { return [c.table, c.rebuiltDigest]; }));
                    return [4 /*yield*/, db.query("SELECT tablename FROM pg_tables WHERE tablename LIKE '".concat(rebuild_1.REBUILD_PREFIX, "%'"))];
                case 11:
                    rows = (_j.sent()).rows;
                    expect(rows).toEqual([]);
                    mark = s.log.length;
                    s.fire('D5', 'RESPONSE', (0, spec_helpers_1.addHours)(T0, 5 + 49 + 24));
                    return [4 /*yield*/, s.appendTo(store, mark)];
                case 12:
                    _j.sent();
                    _e = expect;
                    _g = (_f = runner).waitFor;
                    return [4 /*yield*/, store.headPosition()];
                case 13: return [4 /*yield*/, _g.apply(_f, [_j.sent(), 20000])];
                case 14:
                    _e.apply(void 0, [_j.sent()]).toBe(true);
                    _h = expect;
                    return [4 /*yield*/, (0, queries_1.listCases)(db, { status: 'JUDGED', limit: 500 })];
                case 15:
                    _h.apply(void 0, [(_j.sent()).items.map(function (c) { return c.disputeId; })]).toContain('D5');
                    return [3 /*break*/, 18];
                case 16: return [4 /*yield*/, runner.stop()];
                case 17:
                    _j.sent();
                    return [7 /*endfinally*/];
                case 18: return [2 /*return*/];
            }
        });
    }); });
    it('a rebuild detects damaged live tables, keeps them unless forced, and repairs them when forced', function () { return __awaiter(void 0, void 0, void 0, function () {
        var s, runner, _a, _b, _c, good, check, _d, forced, _e;
        return __generator(this, function (_f) {
            switch (_f.label) {
                case 0:
                    s = busyScenario(12);
                    return [4 /*yield*/, s.appendTo(store)];
                case 1:
                    _f.sent();
                    runner = new runner_1.ProjectionRunner(store, db, projections, quiet, { lockRetryMs: 20 });
                    return [4 /*yield*/, runner.migrate()];
                case 2:
                    _f.sent();
                    return [4 /*yield*/, runner.start()];
                case 3:
                    _f.sent();
                    _f.label = 4;
                case 4:
                    _f.trys.push([4, , 7, 9]);
                    _a = expect;
                    _c = (_b = runner).waitFor;
                    return [4 /*yield*/, store.headPosition()];
                case 5: return [4 /*yield*/, _c.apply(_b, [_f.sent(), 20000])];
                case 6:
                    _a.apply(void 0, [_f.sent()]).toBe(true);
                    return [3 /*break*/, 9];
                case 7: return [4 /*yield*/, runner.stop()];
                case 8:
                    _f.sent();
                    return [7 /*endfinally*/];
                case 9: return [4 /*yield*/, (0, spec_helpers_1.digests)(db, projections)];
                case 10:
                    good = _f.sent();
                    return [4 /*yield*/, db.query("UPDATE dispute_state SET status = 'SETTLED' WHERE dispute_id = 'D5'")];
                case 11:
                    _f.sent();
                    return [4 /*yield*/, db.query("DELETE FROM deadlines WHERE dispute_id = 'D5'")];
                case 12:
                    _f.sent();
                    return [4 /*yield*/, (0, rebuild_1.rebuildProjections)(store, db, projections)];
                case 13:
                    check = _f.sent();
                    expect(check.matched).toBe(false);
                    expect(check.swapped).toBe(false);
                    expect(check.comparisons.filter(function (c) { return !c.equal; }).map(function (c) { return c.table; }).sort()).toEqual(['deadlines', 'dispute_state']);
                    _d = expect;
                    return [4 /*yield*/, (0, spec_helpers_1.digests)(db, projections)];
                case 14:
                    _d.apply(void 0, [_f.sent()]).not.toEqual(good);
                    return [4 /*yield*/, (0, rebuild_1.rebuildProjections)(store, db, projections, { force: true })];
                case 15:
                    forced = _f.sent();
                    expect(forced.swapped).toBe(true);
                    _e = expect;
                    return [4 /*yield*/, (0, spec_helpers_1.digests)(db, projections)];
                case 16:
                    _e.apply(void 0, [_f.sent()]).toEqual(good);
                    return [2 /*return*/];
            }
        });
    }); });
    it('a rebuild that finds the live projector ahead of the head it started from still catches up and matches', function () { return __awaiter(void 0, void 0, void 0, function () {
        var s, part, runner, _a, _b, _c, lagging, r, _d, _e;
        return __generator(this, function (_f) {
            switch (_f.label) {
                case 0:
                    s = busyScenario(12);
                    part = s.log.length - 6;
                    return [4 /*yield*/, s.appendTo(store, 0, part)];
                case 1:
                    _f.sent();
                    runner = new runner_1.ProjectionRunner(store, db, projections, quiet, { lockRetryMs: 20, batchSize: 5 });
                    return [4 /*yield*/, runner.migrate()];
                case 2:
                    _f.sent();
                    return [4 /*yield*/, runner.start()];
                case 3:
                    _f.sent();
                    _f.label = 4;
                case 4:
                    _f.trys.push([4, , 9, 11]);
                    _a = expect;
                    _c = (_b = runner).waitFor;
                    return [4 /*yield*/, store.headPosition()];
                case 5: return [4 /*yield*/, _c.apply(_b, [_f.sent(), 20000])];
                case 6:
                    _a.apply(void 0, [_f.sent()]).toBe(true);
                    lagging = Object.create(store, {
                        headPosition: {
                            value: function () { return __awaiter(void 0, void 0, void 0, function () {
                                var stale, _a, _b, _c;
                                return __generator(this, function (_d) {
                                    switch (_d.label) {
                                        case 0: return [4 /*yield*/, store.headPosition()];
                                        case 1:
                                            stale = _d.sent();
                                            return [4 /*yield*/, s.appendTo(store, part)];
                                        case 2:
                                            _d.sent();
                                            _a = expect;
                                            _c = (_b = runner).waitFor;
                                            return [4 /*yield*/, store.headPosition()];
                                        case 3: return [4 /*yield*/, _c.apply(_b, [_d.sent(), 20000])];
                                        case 4:
                                            _a.apply(void 0, [_d.sent()]).toBe(true);
                                            return [2 /*return*/, stale];
                                    }
                                });
                            }); },
                        },
                    });
                    return [4 /*yield*/, (0, rebuild_1.rebuildProjections)(lagging, db, projections, { batchSize: 4 })];
                case 7:
                    r = _f.sent();
                    expect(r.matched).toBe(true);
                    _e = (_d = expect(r.position)).toBe;
                    return [4 /*yield*/, store.headPosition()];
                case 8:
                    _e.apply(_d, [_f.sent()]);
                    return [3 /*break*/, 11];
                case 9: return [4 /*yield*/, runner.stop()];
                case 10:
                    _f.sent();
                    return [7 /*endfinally*/];
                case 11: return [2 /*return*/];
            }
        });
    }); });
    it('a rebuild that gets ahead of a slow live projector waits for it and then matches', function () { return __awaiter(void 0, void 0, void 0, function () {
        var s, slow, runner, r, _a, _b;
        return __generator(this, function (_c) {
            switch (_c.label) {
                case 0:
                    s = busyScenario(12);
                    return [4 /*yield*/, s.appendTo(store)];
                case 1:
                    _c.sent();
                    slow = projections.map(function (p) { return (__assign(__assign({}, p), { apply: function (tx, events, prefix) {
                            return __awaiter(this, void 0, void 0, function () {
                                return __generator(this, function (_a) {
                                    switch (_a.label) {
                                        case 0: return [4 /*yield*/, new Promise(function (r) { return setTimeout(r, 15); })];
                                        case 1:
                                            _a.sent();
                                            return [4 /*yield*/, p.apply(tx, events, prefix)];
                                        case 2:
                                            _a.sent();
                                            return [2 /*return*/];
                                    }
                                });
                            });
                        } })); });
                    runner = new runner_1.ProjectionRunner(store, db, slow, quiet, { lockRetryMs: 20, batchSize: 3 });
                    return [4 /*yield*/, runner.migrate()];
                case 2:
                    _c.sent();
                    return [4 /*yield*/, runner.start()];
                case 3:
                    _c.sent();
                    _c.label = 4;
                case 4:
                    _c.trys.push([4, , 7, 9]);
                    return [4 /*yield*/, (0, rebuild_1.rebuildProjections)(store, db, projections, { batchSize: 1000 })];
                case 5:
                    r = _c.sent();
                    expect(r.matched).toBe(true);
                    expect(r.swapped).toBe(true);
                    _b = (_a = expect(r.position)).toBe;
                    return [4 /*yield*/, store.headPosition()];
                case 6:
                    _b.apply(_a, [_c.sent()]);
                    return [3 /*break*/, 9];
                case 7: return [4 /*yield*/, runner.stop()];
                case 8:
                    _c.sent();
                    return [7 /*endfinally*/];
                case 9: return [2 /*return*/];
            }
        });
    }); });
});
