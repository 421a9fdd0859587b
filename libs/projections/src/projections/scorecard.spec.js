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
Object.defineProperty(exports, "__esModule", { value: true });
var domain_1 = require("@app/domain");
var dispute_state_projection_1 = require("./dispute-state.projection");
var index_1 = require("./index");
var order_shipping_projection_1 = require("./order-shipping.projection");
var queries_1 = require("./queries");
var spec_helpers_1 = require("./test-support/spec-helpers");
var testing_1 = require("./testing");
var P = [dispute_state_projection_1.disputeStateProjection, order_shipping_projection_1.orderShippingProjection];
var SH = 'Asia/Shanghai'; // UTC+8 all year (no DST)
/*
 * Calendar weeks by hand.
 *   2026-W47 in Asia/Shanghai: Mon 2026-11-16 00:00 +08 = 2026-11-15T16:00Z  …  Mon 2026-11-23 00:00 +08 = 2026-11-22T16:00Z (excl.)
 *   2026-W47 in UTC:           2026-11-16T00:00Z … 2026-11-23T00:00Z (excl.)
 *   2026-W48 in Asia/Shanghai: 2026-11-22T16:00Z … 2026-11-29T16:00Z (excl.)
 *
 * Merchant M1 (every order STANDARD/ONLINE unless said; pickup due = clock start + 48 h, waybill due = + 24 h):
 *   A1  paid 11-16T02:00Z  waybill +3 h, pickup +20 h           due 11-18T02:00Z  on time
 *   A2  paid 11-16T04:00Z  waybill +30 h (late), pickup +40 h   due 11-18T04:00Z  LATE (waybill), picked up within 48 h
 *   A3  paid 11-17T00:00Z  waybill +5 h, pickup +50 h           due 11-19T00:00Z  LATE (pickup)
 *   A4  paid 11-18T00:00Z  nothing ever                         due 11-20T00:00Z  LATE (both, once the due times passed)
 *   A5  paid 11-20T15:30Z  waybill +4.5 h, pickup exactly at due due 11-22T15:30Z = Sun 23:30 +08: W47, on time (at due = on time)
 *   A6  paid 11-20T16:30Z  waybill +2 h, no pickup              due 11-22T16:30Z = Mon 11-23 00:30 +08 → W48 in Shanghai, but
 *                                                                 Sun 16:30 UTC → W47 in UTC. LATE (pickup).
 *   A7  PRESALE, paid 11-16T05:00Z, nothing                      not assessed → excluded
 *   A8  paid 11-16T06:00Z, fully refunded 11-16T10:00Z, nothing  refunded before due → no obligation: excluded from rate, not late
 *   A9  COD placed 11-19T00:00Z (clock = placement), waybill +1 h, pickup +24 h   due 11-21T00:00Z  on time
 *   A10 paid 11-17T06:00Z, LOCKED 11-17T08:00Z, nothing           not assessed → excluded
 *   A11 paid 11-13T00:00Z, nothing                               due 11-15T00:00Z = Sun 08:00 +08 → W46: excluded
 *   (M2's late order in the same week is another merchant's.)
 *
 * W47 Shanghai as of 2026-11-25T00:00Z (week over): due & assessed = A1 A2 A3 A4 A5 A8 A9; A8 refunded before due →
 *   ordersDue48h = 6 (A1 A2 A3 A4 A5 A9), pickedUpWithin48h = 4 (A1 A2 A5 A9), lateOrders = 3 (A2 A3 A4), rate 4/6 = 66.7 %.
 *   v1: min(3, 25) = 3 points. v2: rate < 95 % and late orders → 7 points.
 * W47 UTC: the same plus A6 → ordersDue48h 7, picked up 4, late 4: v1 4, v2 7.
 * W48 Shanghai: A6 alone → 1 due, 0 picked up, 1 late: v1 1, v2 7.
 *
 * As of Thu 2026-11-19T00:00Z (mid-week) in W47 Shanghai:
 *   A1 known, on time. A2 known, picked up in time, late waybill. A3: pickup due 11-19T00:00Z = now, not scanned yet:
 *   pending (exactly at the due time is not late yet). A4: waybill due 11-19T00:00Z = now: pending, not late. A9: pending.
 *   A5 not paid yet as of now (no clock). A8 refunded.
 *   → ordersDue48h 2, pickedUp 2, late 1, pending 3, rate 100 %: v1 1, v2 min(1, 7) = 1.
 *
 * Judgements of M1 (decided_at): DA1 settled 11-17T00:00Z (W47), DA3 OUT_OF_STOCK 11-18T03:00Z (W47),
 * DA4 LATE_SHIPMENT by the system 11-21T01:00Z (W47), DA6 LATE_SHIPMENT 11-23T17:00Z (W48 in both zones).
 */
function build() {
    var s = new testing_1.Scenario();
    var wb = function (o, at) { return s.fact(o, { type: 'WAYBILL_UPLOADED', occurredAt: at, carrier: 'SF', waybillNo: "W-".concat(o) }); };
    var pu = function (o, at) { return s.fact(o, { type: 'PICKUP_SCANNED', occurredAt: at, carrier: 'SF', waybillNo: "W-".concat(o) }); };
    s.paidOrder('A1', 'M1', '2026-11-16T02:00:00Z');
    wb('A1', '2026-11-16T05:00:00Z');
    pu('A1', '2026-11-16T22:00:00Z');
    s.paidOrder('A2', 'M1', '2026-11-16T04:00:00Z');
    wb('A2', '2026-11-17T10:00:00Z');
    pu('A2', '2026-11-17T20:00:00Z');
    s.paidOrder('A3', 'M1', '2026-11-17T00:00:00Z');
    wb('A3', '2026-11-17T05:00:00Z');
    s.paidOrder('A4', 'M1', '2026-11-18T00:00:00Z');
    s.paidOrder('A7', 'M1', '2026-11-16T05:00:00Z', { orderKind: 'PRESALE' });
    s.paidOrder('A8', 'M1', '2026-11-16T06:00:00Z');
    s.fact('A8', { type: 'REFUNDED', occurredAt: '2026-11-16T10:00:00Z' });
    s.paidOrder('A10', 'M1', '2026-11-17T06:00:00Z');
    s.fact('A10', { type: 'LOCKED', occurredAt: '2026-11-17T08:00:00Z' });
    s.paidOrder('A11', 'M1', '2026-11-13T00:00:00Z');
    s.paidOrder('B1', 'M2', '2026-11-17T00:00:00Z');
    // DA1: settled (A1 shipped and picked up).
    s.openDispute('DA1', 'A1', '2026-11-16T23:00:00Z');
    s.choose('DA1', { option: 'SHIPPED_WITH_PICKUP' }, '2026-11-17T00:00:00Z');
    // DA3: out of stock, the consumer rejects the refund → judged OUT_OF_STOCK.
    s.openDispute('DA3', 'A3', '2026-11-18T01:00:00Z');
    s.choose('DA3', { option: 'OUT_OF_STOCK_REFUND' }, '2026-11-18T02:00:00Z');
    s.respond('DA3', false, '2026-11-18T03:00:00Z');
    pu('A3', '2026-11-19T02:00:00Z');
    s.registerOrder({ orderId: 'A9', merchantId: 'M1', placedAt: '2026-11-19T00:00:00Z', paymentMethod: 'COD' });
    wb('A9', '2026-11-19T01:00:00Z');
    pu('A9', '2026-11-20T00:00:00Z');
    // DA4: no answer; the response deadline judges the late order.
    s.openDispute('DA4', 'A4', '2026-11-20T01:00:00Z');
    s.fire('DA4', 'RESPONSE', '2026-11-21T01:00:00Z');
    s.paidOrder('A5', 'M1', '2026-11-20T15:30:00Z');
    wb('A5', '2026-11-20T20:00:00Z');
    pu('A5', '2026-11-22T15:30:00Z');
    s.paidOrder('A6', 'M1', '2026-11-20T16:30:00Z');
    wb('A6', '2026-11-20T18:30:00Z');
    s.openDispute('DA6', 'A6', '2026-11-22T17:00:00Z');
    s.fire('DA6', 'RESPONSE', '2026-11-23T17:00:00Z');
    return s;
}
describe('merchant scorecard', function () {
    var db;
    var s;
    beforeAll(function () { return __awaiter(void 0, void 0, void 0, function () {
        return __generator(this, function (_a) {
            switch (_a.label) {
                case 0: return [4 /*yield*/, (0, spec_helpers_1.memoryDb)()];
                case 1:
                    db = _a.sent();
                    return [4 /*yield*/, (0, spec_helpers_1.resetTables)(db, P)];
                case 2:
                    _a.sent();
                    s = build();
                    return [4 /*yield*/, (0, spec_helpers_1.applyInBatches)(db, P, s.log, [5])];
                case 3:
                    _a.sent();
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
    var after = '2026-11-25T00:00:00Z';
    it('W47 in Asia/Shanghai under v1 and v2 (hand-computed)', function () { return __awaiter(void 0, void 0, void 0, function () {
        var v1, v2;
        return __generator(this, function (_a) {
            switch (_a.label) {
                case 0: return [4 /*yield*/, (0, queries_1.scorecard)(db, { merchantId: 'M1', week: '2026-W47', rulesVersion: 'v1', now: after, timezone: SH })];
                case 1:
                    v1 = _a.sent();
                    expect(v1).toMatchObject({
                        merchantId: 'M1',
                        week: '2026-W47',
                        rulesVersion: 'v1',
                        timezone: SH,
                        weekStart: '2026-11-15T16:00:00.000Z',
                        weekEnd: '2026-11-22T16:00:00.000Z',
                        ordersDue48h: 6,
                        pickedUpWithin48h: 4,
                        lateOrders: 3,
                        pendingOrders: 0,
                        refundedBeforeDue: 1,
                        points: 3,
                        violations: { LATE_SHIPMENT: 1, OUT_OF_STOCK: 1, BREACH_OF_PROMISE: 0 },
                        judged: 2,
                        settled: 1,
                    });
                    expect(v1.pickupRate48h).toBeCloseTo(4 / 6, 10);
                    return [4 /*yield*/, (0, queries_1.scorecard)(db, { merchantId: 'M1', week: '2026-W47', rulesVersion: 'v2', now: after, timezone: SH })];
                case 2:
                    v2 = _a.sent();
                    expect(v2).toMatchObject({ ordersDue48h: 6, pickedUpWithin48h: 4, lateOrders: 3, points: 7 });
                    expect(v2.pointsBasis).toMatch(/< 95%/);
                    return [2 /*return*/];
            }
        });
    }); });
    it('puts an order whose pickup deadline crosses midnight in Shanghai into the next week there, but not in UTC', function () { return __awaiter(void 0, void 0, void 0, function () {
        var utc, _a, w48, _b;
        return __generator(this, function (_c) {
            switch (_c.label) {
                case 0: return [4 /*yield*/, (0, queries_1.scorecard)(db, { merchantId: 'M1', week: '2026-W47', rulesVersion: 'v1', now: after, timezone: 'UTC' })];
                case 1:
                    utc = _c.sent();
                    expect(utc).toMatchObject({ weekStart: '2026-11-16T00:00:00.000Z', ordersDue48h: 7, pickedUpWithin48h: 4, lateOrders: 4, points: 4 });
                    _a = expect;
                    return [4 /*yield*/, (0, queries_1.scorecard)(db, { merchantId: 'M1', week: '2026-W47', rulesVersion: 'v2', now: after, timezone: 'UTC' })];
                case 2:
                    _a.apply(void 0, [(_c.sent()).points]).toBe(7);
                    return [4 /*yield*/, (0, queries_1.scorecard)(db, { merchantId: 'M1', week: '2026-W48', rulesVersion: 'v1', now: after, timezone: SH })];
                case 3:
                    w48 = _c.sent();
                    expect(w48).toMatchObject({ ordersDue48h: 1, pickedUpWithin48h: 0, lateOrders: 1, points: 1, violations: { LATE_SHIPMENT: 1, OUT_OF_STOCK: 0, BREACH_OF_PROMISE: 0 } });
                    expect(w48.pickupRate48h).toBe(0);
                    _b = expect;
                    return [4 /*yield*/, (0, queries_1.scorecard)(db, { merchantId: 'M1', week: '2026-W48', rulesVersion: 'v2', now: after, timezone: SH })];
                case 4:
                    _b.apply(void 0, [(_c.sent()).points]).toBe(7);
                    return [2 /*return*/];
            }
        });
    }); });
    it('computes lateness as of `now`: mid-week, orders still inside their deadlines are pending, not late', function () { return __awaiter(void 0, void 0, void 0, function () {
        var mid, v2, _a;
        return __generator(this, function (_b) {
            switch (_b.label) {
                case 0:
                    mid = '2026-11-19T00:00:00Z';
                    return [4 /*yield*/, (0, queries_1.scorecard)(db, { merchantId: 'M1', week: '2026-W47', rulesVersion: 'v2', now: mid, timezone: SH })];
                case 1:
                    v2 = _b.sent();
                    expect(v2).toMatchObject({ ordersDue48h: 2, pickedUpWithin48h: 2, lateOrders: 1, pendingOrders: 3, refundedBeforeDue: 1, pickupRate48h: 1, points: 1 });
                    _a = expect;
                    return [4 /*yield*/, (0, queries_1.scorecard)(db, { merchantId: 'M1', week: '2026-W47', rulesVersion: 'v1', now: mid, timezone: SH })];
                case 2:
                    _a.apply(void 0, [(_b.sent()).points]).toBe(1);
                    return [2 /*return*/];
            }
        });
    }); });
    it('gives the judge its JudgeContext.merchantWeek, and binds the business timezone in createProjections', function () { return __awaiter(void 0, void 0, void 0, function () {
        var _a, _b, sh, _c, _d, utc, _e, _f, _g;
        return __generator(this, function (_h) {
            switch (_h.label) {
                case 0:
                    _a = expect;
                    return [4 /*yield*/, (0, queries_1.merchantWeekStats)(db, 'M1', '2026-11-19T00:00:00Z', SH, after)];
                case 1:
                    _a.apply(void 0, [_h.sent()]).toEqual({
                        week: '2026-W47',
                        ordersDue48h: 6,
                        pickedUpWithin48h: 4,
                        lateOrders: 3,
                    });
                    // Sun 2026-11-22T17:00Z is Monday 01:00 in Shanghai: W48 there.
                    _b = expect;
                    return [4 /*yield*/, (0, queries_1.merchantWeekStats)(db, 'M1', '2026-11-22T17:00:00Z', SH, after)];
                case 2:
                    // Sun 2026-11-22T17:00Z is Monday 01:00 in Shanghai: W48 there.
                    _b.apply(void 0, [_h.sent()]).toEqual({ week: '2026-W48', ordersDue48h: 1, pickedUpWithin48h: 0, lateOrders: 1 });
                    sh = (0, index_1.createProjections)({ timezone: SH });
                    _c = expect;
                    return [4 /*yield*/, sh.merchantWeekStats(db, 'M1', '2026-11-22T17:00:00Z', after)];
                case 3:
                    _c.apply(void 0, [_h.sent()]).toEqual({ week: '2026-W48', ordersDue48h: 1, pickedUpWithin48h: 0, lateOrders: 1 });
                    _d = expect;
                    return [4 /*yield*/, sh.scorecard(db, { merchantId: 'M1', week: '2026-W47', rulesVersion: 'v1', now: after })];
                case 4:
                    _d.apply(void 0, [(_h.sent()).points]).toBe(3);
                    utc = (0, index_1.createProjections)({ timezone: 'UTC' });
                    _e = expect;
                    return [4 /*yield*/, utc.scorecard(db, { merchantId: 'M1', week: '2026-W47', rulesVersion: 'v1', now: after })];
                case 5:
                    _e.apply(void 0, [(_h.sent()).points]).toBe(4);
                    expect(function () { return (0, index_1.createProjections)({ timezone: 'Mars/Olympus' }); }).toThrow();
                    // Another merchant and an empty week.
                    _f = expect;
                    return [4 /*yield*/, (0, queries_1.scorecard)(db, { merchantId: 'M2', week: '2026-W47', rulesVersion: 'v2', now: after, timezone: SH })];
                case 6:
                    // Another merchant and an empty week.
                    _f.apply(void 0, [_h.sent()]).toMatchObject({
                        ordersDue48h: 1,
                        pickedUpWithin48h: 0,
                        lateOrders: 1,
                        points: 7,
                    });
                    _g = expect;
                    return [4 /*yield*/, (0, queries_1.scorecard)(db, { merchantId: 'M9', week: '2026-W47', rulesVersion: 'v2', now: after, timezone: SH })];
                case 7:
                    _g.apply(void 0, [_h.sent()]).toMatchObject({
                        ordersDue48h: 0,
                        lateOrders: 0,
                        pickupRate48h: null,
                        points: 0,
                    });
                    return [2 /*return*/];
            }
        });
    }); });
    it('refuses bad weeks and rules versions with domain errors', function () { return __awaiter(void 0, void 0, void 0, function () {
        return __generator(this, function (_a) {
            switch (_a.label) {
                case 0: return [4 /*yield*/, expect((0, queries_1.scorecard)(db, { merchantId: 'M1', week: '2026-47', rulesVersion: 'v1', now: after, timezone: SH })).rejects.toMatchObject({ code: 'INVALID_WEEK' })];
                case 1:
                    _a.sent();
                    return [4 /*yield*/, expect((0, queries_1.scorecard)(db, { merchantId: 'M1', week: '2026-W47', rulesVersion: 'v9', now: after, timezone: SH })).rejects.toMatchObject({
                            code: 'UNKNOWN_RULES_VERSION',
                        })];
                case 2:
                    _a.sent();
                    return [2 /*return*/];
            }
        });
    }); });
});
describe('scorecard points at the v2 threshold and the v1 cap', function () {
    var db;
    beforeAll(function () { return __awaiter(void 0, void 0, void 0, function () {
        return __generator(this, function (_a) {
            switch (_a.label) {
                case 0: return [4 /*yield*/, (0, spec_helpers_1.memoryDb)()];
                case 1:
                    db = _a.sent();
                    return [4 /*yield*/, (0, spec_helpers_1.resetTables)(db, P)];
                case 2:
                    _a.sent();
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
    it('M3: 19 of 20 picked up within 48 h (exactly 95 %) with 3 late orders → v1 3, v2 3; M4: 30 unshipped → v1 25 (cap), v2 7', function () { return __awaiter(void 0, void 0, void 0, function () {
        var s, i, id, paid, waybillLate, i, now, m3v1, m3v2, m4v1, m4v2;
        return __generator(this, function (_a) {
            switch (_a.label) {
                case 0:
                    s = new testing_1.Scenario();
                    // All paid Tuesday 2026-11-17T00:00Z + i minutes → pickup due Thursday 11-19, inside W47 in Shanghai.
                    for (i = 0; i < 20; i++) {
                        id = "M3-".concat(i);
                        paid = new Date(Date.parse('2026-11-17T00:00:00Z') + i * 60000).toISOString();
                        s.paidOrder(id, 'M3', paid);
                        if (i === 19)
                            continue; // never shipped: late, not picked up
                        waybillLate = i < 2;
                        s.ship(id, (0, spec_helpers_1.addHours)(paid, waybillLate ? 25 : 1), (0, spec_helpers_1.addHours)(paid, 30));
                    }
                    for (i = 0; i < 30; i++)
                        s.paidOrder("M4-".concat(i), 'M4', new Date(Date.parse('2026-11-18T00:00:00Z') + i * 60000).toISOString());
                    return [4 /*yield*/, (0, spec_helpers_1.applyInBatches)(db, P, s.log, [17])];
                case 1:
                    _a.sent();
                    now = '2026-11-30T00:00:00Z';
                    return [4 /*yield*/, (0, queries_1.scorecard)(db, { merchantId: 'M3', week: '2026-W47', rulesVersion: 'v1', now: now, timezone: SH })];
                case 2:
                    m3v1 = _a.sent();
                    return [4 /*yield*/, (0, queries_1.scorecard)(db, { merchantId: 'M3', week: '2026-W47', rulesVersion: 'v2', now: now, timezone: SH })];
                case 3:
                    m3v2 = _a.sent();
                    expect(m3v1).toMatchObject({ ordersDue48h: 20, pickedUpWithin48h: 19, lateOrders: 3, pickupRate48h: 0.95, points: 3 });
                    expect(m3v2).toMatchObject({ points: 3 });
                    expect(m3v2.pointsBasis).toMatch(/≥ 95%/);
                    return [4 /*yield*/, (0, queries_1.scorecard)(db, { merchantId: 'M4', week: '2026-W47', rulesVersion: 'v1', now: now, timezone: SH })];
                case 4:
                    m4v1 = _a.sent();
                    return [4 /*yield*/, (0, queries_1.scorecard)(db, { merchantId: 'M4', week: '2026-W47', rulesVersion: 'v2', now: now, timezone: SH })];
                case 5:
                    m4v2 = _a.sent();
                    expect(m4v1).toMatchObject({ ordersDue48h: 30, pickedUpWithin48h: 0, lateOrders: 30, points: 25 });
                    expect(m4v2).toMatchObject({ points: 7 });
                    // Same as the domain's weekly function on the same stats.
                    expect(m4v1.points).toBe((0, domain_1.weeklyPenaltyPoints)('v1', m4v1).points);
                    return [2 /*return*/];
            }
        });
    }); });
});
describe('SQL lateness agrees with the domain assessShipping', function () {
    var db;
    beforeAll(function () { return __awaiter(void 0, void 0, void 0, function () {
        return __generator(this, function (_a) {
            switch (_a.label) {
                case 0: return [4 /*yield*/, (0, spec_helpers_1.memoryDb)()];
                case 1:
                    db = _a.sent();
                    return [4 /*yield*/, (0, spec_helpers_1.resetTables)(db, P)];
                case 2:
                    _a.sent();
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
    it('for random orders and random instants', function () { return __awaiter(void 0, void 0, void 0, function () {
        var seed, rnd, pick, base, s, ids, _loop_1, i, sql, compared, seen, h, t, rows, _i, rows_1, r, snap, a, _a, _b, n;
        return __generator(this, function (_c) {
            switch (_c.label) {
                case 0:
                    seed = 42;
                    rnd = function () {
                        seed = (seed * 1103515245 + 12345) % 2147483648;
                        return seed / 2147483648;
                    };
                    pick = function (xs) { return xs[Math.floor(rnd() * xs.length)]; };
                    base = Date.parse('2026-11-16T00:00:00Z');
                    s = new testing_1.Scenario();
                    ids = [];
                    _loop_1 = function (i) {
                        var id = "R".concat(i);
                        ids.push(id);
                        var placedMs = base + Math.floor(rnd() * 72) * 3600000;
                        var at = function (h) { return new Date(placedMs + Math.round(h * 60) * 60000).toISOString(); };
                        var paymentMethod = pick(['ONLINE', 'ONLINE', 'ONLINE', 'COD', 'POST_OFFICE_REMITTANCE', 'COMPANY_TRANSFER']);
                        var orderKind = pick(['STANDARD', 'STANDARD', 'STANDARD', 'PRESALE', 'CUSTOM', 'LOC']);
                        var promisedShipAt = rnd() < 0.2 ? at(rnd() * 60) : undefined;
                        s.registerOrder({ orderId: id, merchantId: 'MR', placedAt: at(0), paymentMethod: paymentMethod, orderKind: orderKind, promisedShipAt: promisedShipAt, amount: 1000 });
                        var facts = [];
                        if (rnd() < 0.85)
                            facts.push({ type: 'PAID', occurredAt: at(rnd() * 10) });
                        var nW = Math.floor(rnd() * 3);
                        for (var k = 0; k < nW; k++)
                            facts.push({ type: 'WAYBILL_UPLOADED', occurredAt: at(rnd() * 80), carrier: 'SF', waybillNo: "W".concat(k) });
                        var nP = Math.floor(rnd() * 3);
                        for (var k = 0; k < nP; k++)
                            facts.push({ type: 'PICKUP_SCANNED', occurredAt: at(rnd() * 100), carrier: 'SF', waybillNo: "P".concat(k) });
                        if (rnd() < 0.15)
                            facts.push({ type: 'REFUNDED', occurredAt: at(rnd() * 80), amount: pick([400, 1000]) });
                        if (rnd() < 0.1)
                            facts.push({ type: 'REFUNDED', occurredAt: at(rnd() * 80), amount: 500 });
                        if (rnd() < 0.08)
                            facts.push({ type: pick(['LOCKED', 'INVALIDATED']), occurredAt: at(rnd() * 80) });
                        // Recorded in a shuffled order (facts may arrive out of time order).
                        for (var _d = 0, _e = facts.sort(function () { return rnd() - 0.5; }); _d < _e.length; _d++) {
                            var f = _e[_d];
                            try {
                                s.fact(id, f, at(120));
                            }
                            catch (_f) {
                                // e.g. refunds above the amount: the domain refuses; skip
                            }
                        }
                    };
                    for (i = 0; i < 120; i++) {
                        _loop_1(i);
                    }
                    return [4 /*yield*/, (0, spec_helpers_1.applyInBatches)(db, P, s.log, [7])];
                case 1:
                    _c.sent();
                    sql = (0, order_shipping_projection_1.shippingSql)('$1::timestamptz', 'o');
                    compared = 0;
                    seen = { late: 0, onTime: 0, notAssessed: 0, waybillOnly: 0, pickupOnly: 0 };
                    h = 0;
                    _c.label = 2;
                case 2:
                    if (!(h <= 200)) return [3 /*break*/, 5];
                    t = new Date(base + h * 3600000 + (h % 3) * 1800000).toISOString();
                    return [4 /*yield*/, db.query("SELECT order_id, ".concat(sql.assessed, " AS assessed, ").concat(sql.waybillLate, " AS wl, ").concat(sql.pickupLate, " AS pl, ").concat(sql.late, " AS late FROM order_shipping o"), [t])];
                case 3:
                    rows = (_c.sent()).rows;
                    for (_i = 0, rows_1 = rows; _i < rows_1.length; _i++) {
                        r = rows_1[_i];
                        snap = (0, domain_1.orderSnapshot)(s.orderState(r.order_id));
                        if (Date.parse(t) < Date.parse(snap.placedAt))
                            continue;
                        a = (0, domain_1.assessShipping)(snap, t);
                        expect({ id: r.order_id, t: t, assessed: r.assessed, wl: r.wl, pl: r.pl, late: r.late }).toEqual({
                            id: r.order_id,
                            t: t,
                            assessed: a.assessed,
                            wl: a.waybillLate,
                            pl: a.pickupLate,
                            late: a.late,
                        });
                        compared++;
                        if (!a.assessed)
                            seen.notAssessed++;
                        else if (a.late)
                            seen.late++;
                        else
                            seen.onTime++;
                        if (a.waybillLate && !a.pickupLate)
                            seen.waybillOnly++;
                        if (a.pickupLate && !a.waybillLate)
                            seen.pickupOnly++;
                    }
                    _c.label = 4;
                case 4:
                    h += 7;
                    return [3 /*break*/, 2];
                case 5:
                    expect(compared).toBeGreaterThan(2000);
                    // The sample exercises every branch.
                    for (_a = 0, _b = Object.values(seen); _a < _b.length; _a++) {
                        n = _b[_a];
                        expect(n).toBeGreaterThan(50);
                    }
                    return [2 /*return*/];
            }
        });
    }); });
});
