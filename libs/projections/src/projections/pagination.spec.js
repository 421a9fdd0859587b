"use strict";
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
var cursor_1 = require("./cursor");
var dispute_state_projection_1 = require("./dispute-state.projection");
var queries_1 = require("./queries");
var spec_helpers_1 = require("./test-support/spec-helpers");
var testing_1 = require("./testing");
var P = [dispute_state_projection_1.disputeStateProjection];
var T0 = '2026-11-16T00:00:00.000Z';
describe('keyset pagination', function () {
    var db;
    beforeAll(function () { return __awaiter(void 0, void 0, void 0, function () {
        return __generator(this, function (_a) {
            switch (_a.label) {
                case 0: return [4 /*yield*/, (0, spec_helpers_1.memoryDb)()];
                case 1:
                    db = _a.sent();
                    return [2 /*return*/];
            }
        });
    }); });
    afterAll(function () { return __awaiter(void 0, void 0, void 0, function () {
        return __generator(this, function (_a) {
            switch (_a.label) {
                case 0: return [4 /*yield*/, db.close()];
                case 1:
                    _a.sent();
                    return [2 /*return*/];
            }
        });
    }); });
    beforeEach(function () { return __awaiter(void 0, void 0, void 0, function () {
        return __generator(this, function (_a) {
            switch (_a.label) {
                case 0: return [4 /*yield*/, (0, spec_helpers_1.resetTables)(db, P)];
                case 1:
                    _a.sent();
                    return [2 /*return*/];
            }
        });
    }); });
    /** Order i of merchant M(i%3), paid at T0; dispute i opened T0 + minutes(i) (several share an instant). */
    function openMany(s, from, to, minuteOf) {
        for (var i = from; i < to; i++) {
            var o = "O".concat(String(i).padStart(3, '0'));
            s.paidOrder(o, "M".concat(i % 3), T0);
            s.openDispute("D".concat(String(i).padStart(3, '0')), o, (0, spec_helpers_1.addMinutes)(T0, 100 + minuteOf(i)));
        }
    }
    it('returns every case exactly once while cases are inserted and updated between pages', function () { return __awaiter(void 0, void 0, void 0, function () {
        var s, _i, _a, order, seen, cursor, page, next, _loop_1, ids, i, keys, sorted;
        return __generator(this, function (_b) {
            switch (_b.label) {
                case 0:
                    s = new testing_1.Scenario();
                    openMany(s, 0, 40, function (i) { return Math.floor(i / 3); }); // ties on openedAt: the id breaks them
                    return [4 /*yield*/, (0, spec_helpers_1.applyInBatches)(db, P, s.log)];
                case 1:
                    _b.sent();
                    _i = 0, _a = ['asc', 'desc'];
                    _b.label = 2;
                case 2:
                    if (!(_i < _a.length)) return [3 /*break*/, 8];
                    order = _a[_i];
                    seen = [];
                    cursor = void 0;
                    page = 0;
                    next = 1000 + (order === 'asc' ? 0 : 100);
                    _loop_1 = function () {
                        var r, mark, boundary, bMin, victim;
                        return __generator(this, function (_c) {
                            switch (_c.label) {
                                case 0: return [4 /*yield*/, (0, queries_1.listCases)(db, { limit: 7, cursor: cursor, order: order })];
                                case 1:
                                    r = _c.sent();
                                    seen.push.apply(seen, r.items);
                                    cursor = r.nextCursor;
                                    mark = s.log.length;
                                    boundary = r.items.at(-1);
                                    bMin = (Date.parse(boundary.openedAt) - Date.parse(T0)) / 60000 - 100;
                                    openMany(s, next, next + 3, function (i) { return [0, bMin, 200][i % 3]; });
                                    next += 3;
                                    victim = "D".concat(String(page * 5).padStart(3, '0'));
                                    if (s.disputeState(victim).status === 'AWAITING_MERCHANT')
                                        s.choose(victim, { option: 'OUT_OF_STOCK_REFUND' }, (0, spec_helpers_1.addMinutes)(T0, 1000));
                                    return [4 /*yield*/, (0, spec_helpers_1.applyInBatches)(db, P, s.log.slice(mark))];
                                case 2:
                                    _c.sent();
                                    page++;
                                    return [2 /*return*/];
                            }
                        });
                    };
                    _b.label = 3;
                case 3: return [5 /*yield**/, _loop_1()];
                case 4:
                    _b.sent();
                    _b.label = 5;
                case 5:
                    if (cursor) return [3 /*break*/, 3];
                    _b.label = 6;
                case 6:
                    ids = seen.map(function (c) { return c.disputeId; });
                    expect(new Set(ids).size).toBe(ids.length); // nothing twice
                    for (i = 0; i < 40; i++)
                        expect(ids).toContain("D".concat(String(i).padStart(3, '0'))); // nothing lost
                    keys = seen.map(function (c) { return "".concat(c.openedAt, "|").concat(c.disputeId); });
                    sorted = __spreadArray([], keys, true).sort();
                    expect(keys).toEqual(order === 'asc' ? sorted : sorted.reverse());
                    _b.label = 7;
                case 7:
                    _i++;
                    return [3 /*break*/, 2];
                case 8: return [2 /*return*/];
            }
        });
    }); });
    it('filters by status, merchant and consumer, and pages filtered lists', function () { return __awaiter(void 0, void 0, void 0, function () {
        var s, _i, _a, i, m1, waiting, rest, _b, _c, _d, first;
        return __generator(this, function (_e) {
            switch (_e.label) {
                case 0:
                    s = new testing_1.Scenario();
                    openMany(s, 0, 12, function (i) { return i; });
                    for (_i = 0, _a = [1, 4, 7, 10]; _i < _a.length; _i++) {
                        i = _a[_i];
                        s.choose("D".concat(String(i).padStart(3, '0')), { option: 'OUT_OF_STOCK_REFUND' }, (0, spec_helpers_1.addMinutes)(T0, 200));
                    }
                    return [4 /*yield*/, (0, spec_helpers_1.applyInBatches)(db, P, s.log)];
                case 1:
                    _e.sent();
                    return [4 /*yield*/, (0, queries_1.listCases)(db, { merchantId: 'M1', limit: 100 })];
                case 2:
                    m1 = _e.sent();
                    expect(m1.items.map(function (c) { return c.disputeId; })).toEqual(['D001', 'D004', 'D007', 'D010']);
                    expect(m1.nextCursor).toBeUndefined();
                    return [4 /*yield*/, (0, queries_1.listCases)(db, { status: 'AWAITING_CONSUMER', limit: 3 })];
                case 3:
                    waiting = _e.sent();
                    expect(waiting.items.map(function (c) { return c.disputeId; })).toEqual(['D001', 'D004', 'D007']);
                    expect(waiting.items[0]).toMatchObject({ status: 'AWAITING_CONSUMER', choice: 'OUT_OF_STOCK_REFUND', nextDeadline: { deadline: 'CONSUMER_RESPONSE' } });
                    return [4 /*yield*/, (0, queries_1.listCases)(db, { status: 'AWAITING_CONSUMER', limit: 3, cursor: waiting.nextCursor })];
                case 4:
                    rest = _e.sent();
                    expect(rest.items.map(function (c) { return c.disputeId; })).toEqual(['D010']);
                    expect(rest.nextCursor).toBeUndefined();
                    _b = expect;
                    return [4 /*yield*/, (0, queries_1.listCases)(db, { status: 'AWAITING_MERCHANT', merchantId: 'M0', limit: 100 })];
                case 5:
                    _b.apply(void 0, [(_e.sent()).items.map(function (c) { return c.disputeId; })]).toEqual([
                        'D000',
                        'D003',
                        'D006',
                        'D009',
                    ]);
                    _c = expect;
                    return [4 /*yield*/, (0, queries_1.listCases)(db, { consumerId: 'C1', limit: 5 })];
                case 6:
                    _c.apply(void 0, [(_e.sent()).items]).toHaveLength(5);
                    _d = expect;
                    return [4 /*yield*/, (0, queries_1.listCases)(db, { consumerId: 'nobody' })];
                case 7:
                    _d.apply(void 0, [(_e.sent()).items]).toEqual([]);
                    return [4 /*yield*/, (0, queries_1.listCases)(db, { limit: 1 })];
                case 8:
                    first = (_e.sent()).items[0];
                    expect(first).toMatchObject({
                        disputeId: 'D000',
                        stream: 'dispute-D000',
                        orderId: 'O000',
                        merchantId: 'M0',
                        consumerId: 'C1',
                        status: 'AWAITING_MERCHANT',
                        flow: 'UNIFIED',
                        final: false,
                        openedAt: (0, spec_helpers_1.addMinutes)(T0, 100),
                        responseDueAt: (0, spec_helpers_1.addMinutes)(T0, 100 + 24 * 60),
                        deadlines: [{ deadline: 'RESPONSE', dueAt: (0, spec_helpers_1.addMinutes)(T0, 100 + 24 * 60) }],
                        revision: 0,
                    });
                    return [2 /*return*/];
            }
        });
    }); });
    it('rejects foreign, tampered and cross-list cursors as invalid input', function () { return __awaiter(void 0, void 0, void 0, function () {
        var judgementsCursor, desc;
        return __generator(this, function (_a) {
            switch (_a.label) {
                case 0: return [4 /*yield*/, expect((0, queries_1.listCases)(db, { cursor: 'not a cursor!' })).rejects.toMatchObject({ code: 'INVALID_INPUT' })];
                case 1:
                    _a.sent();
                    return [4 /*yield*/, expect((0, queries_1.listCases)(db, { cursor: Buffer.from('{"q":"cases"}').toString('base64url') })).rejects.toMatchObject({ code: 'INVALID_INPUT' })];
                case 2:
                    _a.sent();
                    judgementsCursor = (0, cursor_1.encodeCursor)({ q: 'judgements', o: 'asc', k: [T0, 'D1'] });
                    return [4 /*yield*/, expect((0, queries_1.listCases)(db, { cursor: judgementsCursor })).rejects.toMatchObject({ code: 'INVALID_INPUT' })];
                case 3:
                    _a.sent();
                    desc = (0, cursor_1.encodeCursor)({ q: 'cases', o: 'desc', k: [T0, 'D1'] });
                    return [4 /*yield*/, expect((0, queries_1.listCases)(db, { cursor: desc })).rejects.toMatchObject({ code: 'INVALID_INPUT' })];
                case 4:
                    _a.sent();
                    return [4 /*yield*/, expect((0, queries_1.listCases)(db, { status: 'OPEN' })).rejects.toMatchObject({ code: 'INVALID_INPUT' })];
                case 5:
                    _a.sent();
                    expect((0, cursor_1.decodeCursor)((0, cursor_1.encodeCursor)({ q: 'cases', o: 'asc', k: [T0, 'x'] }), 'cases', 'asc').k).toEqual([T0, 'x']);
                    return [2 /*return*/];
            }
        });
    }); });
    it('pages judgements by (decidedAt, disputeId) with merchant and time-range filters', function () { return __awaiter(void 0, void 0, void 0, function () {
        var s, i, all, cursor, r, m2, window;
        return __generator(this, function (_a) {
            switch (_a.label) {
                case 0:
                    s = new testing_1.Scenario();
                    openMany(s, 0, 9, function (i) { return i; });
                    // Everyone is judged by the response deadline, three at each of three instants.
                    for (i = 0; i < 9; i++)
                        s.fire("D".concat(String(i).padStart(3, '0')), 'RESPONSE', (0, spec_helpers_1.addMinutes)(T0, 3000 + Math.floor(i / 3) * 60));
                    return [4 /*yield*/, (0, spec_helpers_1.applyInBatches)(db, P, s.log)];
                case 1:
                    _a.sent();
                    all = [];
                    _a.label = 2;
                case 2: return [4 /*yield*/, (0, queries_1.listJudgements)(db, { limit: 2, cursor: cursor })];
                case 3:
                    r = _a.sent();
                    all.push.apply(all, r.items.map(function (j) { return "".concat(j.decidedAt, "|").concat(j.disputeId); }));
                    cursor = r.nextCursor;
                    _a.label = 4;
                case 4:
                    if (cursor) return [3 /*break*/, 2];
                    _a.label = 5;
                case 5:
                    expect(all).toHaveLength(9);
                    expect(all).toEqual(__spreadArray([], all, true).sort());
                    return [4 /*yield*/, (0, queries_1.listJudgements)(db, { merchantId: 'M2' })];
                case 6:
                    m2 = _a.sent();
                    expect(m2.items.map(function (j) { return j.disputeId; })).toEqual(['D002', 'D005', 'D008']);
                    return [4 /*yield*/, (0, queries_1.listJudgements)(db, { from: (0, spec_helpers_1.addMinutes)(T0, 3060), to: (0, spec_helpers_1.addMinutes)(T0, 3120) })];
                case 7:
                    window = _a.sent();
                    expect(window.items.map(function (j) { return j.disputeId; })).toEqual(['D003', 'D004', 'D005']);
                    expect(window.items[0]).toMatchObject({ kind: 'JUDGEMENT', decidedBy: 'SYSTEM', rulesVersion: 'v2' });
                    return [4 /*yield*/, expect((0, queries_1.listJudgements)(db, { from: 'yesterday' })).rejects.toMatchObject({ code: 'INVALID_INPUT' })];
                case 8:
                    _a.sent();
                    return [2 /*return*/];
            }
        });
    }); });
    it('pages the adjudication queue oldest review first', function () { return __awaiter(void 0, void 0, void 0, function () {
        var s, i, now, p1, p2, items, _a;
        return __generator(this, function (_b) {
            switch (_b.label) {
                case 0:
                    s = new testing_1.Scenario();
                    openMany(s, 0, 5, function (i) { return i; });
                    // Defenses filed in reverse order: the last-opened case enters review first.
                    for (i = 4; i >= 0; i--) {
                        s.choose("D".concat(String(i).padStart(3, '0')), { option: 'NO_FAULT_DEFENSE', defense: { reason: 'ABNORMAL_ORDER', statement: 'phone unreachable' }, evidence: [{ kind: 'CALL_RECORD', ref: "c".concat(i) }] }, (0, spec_helpers_1.addMinutes)(T0, 500 - i * 10));
                    }
                    return [4 /*yield*/, (0, spec_helpers_1.applyInBatches)(db, P, s.log)];
                case 1:
                    _b.sent();
                    now = (0, spec_helpers_1.addMinutes)(T0, 600);
                    return [4 /*yield*/, (0, queries_1.adjudicationQueue)(db, { now: now, limit: 3 })];
                case 2:
                    p1 = _b.sent();
                    return [4 /*yield*/, (0, queries_1.adjudicationQueue)(db, { now: now, limit: 3, cursor: p1.nextCursor })];
                case 3:
                    p2 = _b.sent();
                    expect(p2.nextCursor).toBeUndefined();
                    items = __spreadArray(__spreadArray([], p1.items, true), p2.items, true);
                    expect(items.map(function (q) { return q.disputeId; })).toEqual(['D004', 'D003', 'D002', 'D001', 'D000']);
                    expect(items.map(function (q) { return q.waitingMs / 60000; })).toEqual([140, 130, 120, 110, 100]);
                    expect(items[0]).toMatchObject({ reviewReason: 'DEFENSE', choice: 'NO_FAULT_DEFENSE', defenseOnFile: true, allowedViolations: ['LATE_SHIPMENT'] });
                    // A `now` before the review started never gives a negative wait.
                    _a = expect;
                    return [4 /*yield*/, (0, queries_1.adjudicationQueue)(db, { now: T0, limit: 1 })];
                case 4:
                    // A `now` before the review started never gives a negative wait.
                    _a.apply(void 0, [(_b.sent()).items[0].waitingMs]).toBe(0);
                    return [2 /*return*/];
            }
        });
    }); });
});
