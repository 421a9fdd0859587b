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
var queries_1 = require("./queries");
var spec_helpers_1 = require("./test-support/spec-helpers");
var support_1 = require("./support");
var testing_1 = require("./testing");
var P = [dispute_state_projection_1.disputeStateProjection];
// Monday 2026-11-16 10:00 in Shanghai.
var T0 = '2026-11-16T02:00:00.000Z';
/**
 * D1: settled with SHIPPED_WITH_PICKUP, then contested → under review → judged BREACH_OF_PROMISE.
 * D2: no answer; RESPONSE fires → judged LATE_SHIPMENT by the system.
 * D3: OUT_OF_STOCK_REFUND → awaiting the consumer (CONSUMER_RESPONSE deadline).
 * D4: NO_FAULT_DEFENSE (force majeure) → under review.
 */
function build() {
    var s = new testing_1.Scenario();
    s.paidOrder('O1', 'M1', T0);
    s.ship('O1', (0, spec_helpers_1.addHours)(T0, 2), (0, spec_helpers_1.addHours)(T0, 5));
    s.paidOrder('O2', 'M1', T0);
    s.paidOrder('O3', 'M2', T0);
    s.paidOrder('O4', 'M2', T0, { consumerId: 'C4' });
    s.openDispute('D1', 'O1', (0, spec_helpers_1.addHours)(T0, 6));
    s.openDispute('D2', 'O2', (0, spec_helpers_1.addHours)(T0, 50));
    s.openDispute('D3', 'O3', (0, spec_helpers_1.addHours)(T0, 51));
    s.openDispute('D4', 'O4', (0, spec_helpers_1.addHours)(T0, 52));
    s.choose('D1', { option: 'SHIPPED_WITH_PICKUP' }, (0, spec_helpers_1.addHours)(T0, 7));
    s.choose('D3', { option: 'OUT_OF_STOCK_REFUND' }, (0, spec_helpers_1.addHours)(T0, 53));
    s.choose('D4', { option: 'NO_FAULT_DEFENSE', defense: { reason: 'FORCE_MAJEURE', statement: 'typhoon closed the warehouse' }, evidence: [{ kind: 'DOCUMENT', ref: 'doc-1' }] }, (0, spec_helpers_1.addHours)(T0, 54));
    s.contest('D1', 'I never agreed', (0, spec_helpers_1.addHours)(T0, 10));
    s.fire('D2', 'RESPONSE', (0, spec_helpers_1.addHours)(T0, 74));
    return s;
}
describe('disputeStateProjection', function () {
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
    it('projects each dispute to its folded state, status columns, deadlines and judgement rows', function () { return __awaiter(void 0, void 0, void 0, function () {
        var s, rows, _i, rows_1, r, folded, d1, dl, _a, _b, j, q;
        return __generator(this, function (_c) {
            switch (_c.label) {
                case 0:
                    s = build();
                    return [4 /*yield*/, (0, spec_helpers_1.applyInBatches)(db, P, s.log)];
                case 1:
                    _c.sent();
                    return [4 /*yield*/, db.query("SELECT * FROM dispute_state ORDER BY dispute_id")];
                case 2:
                    rows = (_c.sent()).rows;
                    expect(rows.map(function (r) { return [r.dispute_id, r.status, r.revision, r.chosen_option, r.outcome, r.violation]; })).toEqual([
                        ['D1', 'UNDER_REVIEW', 4, 'SHIPPED_WITH_PICKUP', null, null],
                        ['D2', 'JUDGED', 2, null, 'MERCHANT_LIABLE', 'LATE_SHIPMENT'],
                        ['D3', 'AWAITING_CONSUMER', 2, 'OUT_OF_STOCK_REFUND', null, null],
                        ['D4', 'UNDER_REVIEW', 2, 'NO_FAULT_DEFENSE', null, null],
                    ]);
                    for (_i = 0, rows_1 = rows; _i < rows_1.length; _i++) {
                        r = rows_1[_i];
                        folded = s.disputeState(r.dispute_id);
                        // The stored state is the domain's fold, and it survives JSON (jsonb) unchanged.
                        expect(r.state).toEqual(folded);
                        expect(JSON.parse(JSON.stringify(folded))).toEqual(folded);
                        expect(r.deadlines).toEqual((0, domain_1.pendingDeadlines)(folded));
                        expect(r.stream).toBe("dispute-".concat(r.dispute_id));
                        expect(r.merchant_id).toBe(folded.merchantId);
                        expect(r.opened_at.toISOString()).toBe(folded.openedAt);
                        // updated_at is the recordedAt of the dispute's last event: no clock involved.
                        expect(r.updated_at.toISOString()).toBe(s.streamEvents(r.stream).at(-1).recordedAt);
                    }
                    d1 = rows[0];
                    expect(d1.review_reason).toBe('SETTLEMENT_CONTESTED');
                    expect(d1.review_since.toISOString()).toBe((0, spec_helpers_1.addHours)(T0, 10));
                    expect(rows[2].next_deadline).toBe('CONSUMER_RESPONSE');
                    expect(rows[2].next_due_at.toISOString()).toBe((0, spec_helpers_1.addHours)(T0, 53 + 48));
                    return [4 /*yield*/, db.query("SELECT dispute_id, deadline, due_at, revision FROM deadlines ORDER BY dispute_id")];
                case 3:
                    dl = _c.sent();
                    expect(dl.rows.map(function (r) { return [r.dispute_id, r.deadline, r.due_at.toISOString(), r.revision]; })).toEqual([
                        ['D3', 'CONSUMER_RESPONSE', (0, spec_helpers_1.addHours)(T0, 101), 2],
                    ]);
                    _a = expect;
                    return [4 /*yield*/, (0, queries_1.dueDeadlines)(db, (0, spec_helpers_1.addHours)(T0, 100), 10)];
                case 4:
                    _a.apply(void 0, [_c.sent()]).toEqual([]);
                    _b = expect;
                    return [4 /*yield*/, (0, queries_1.dueDeadlines)(db, (0, spec_helpers_1.addHours)(T0, 101), 10)];
                case 5:
                    _b.apply(void 0, [_c.sent()]).toEqual([{ disputeId: 'D3', deadline: 'CONSUMER_RESPONSE', dueAt: (0, spec_helpers_1.addHours)(T0, 101), revision: 2 }]);
                    return [4 /*yield*/, (0, queries_1.listJudgements)(db, { limit: 10 })];
                case 6:
                    j = _c.sent();
                    expect(j.nextCursor).toBeUndefined();
                    expect(j.items).toHaveLength(1);
                    expect(j.items[0]).toMatchObject({
                        disputeId: 'D2',
                        orderId: 'O2',
                        merchantId: 'M1',
                        kind: 'JUDGEMENT',
                        outcome: 'MERCHANT_LIABLE',
                        violation: 'LATE_SHIPMENT',
                        decidedBy: 'SYSTEM',
                        rulesVersion: 'v2',
                        decidedAt: (0, spec_helpers_1.addHours)(T0, 74),
                        points: 1,
                        final: true,
                    });
                    expect(j.items[0].chosenOption).toBeUndefined();
                    return [4 /*yield*/, (0, queries_1.adjudicationQueue)(db, { now: (0, spec_helpers_1.addHours)(T0, 60), limit: 10 })];
                case 7:
                    q = _c.sent();
                    expect(q.items.map(function (i) { return [i.disputeId, i.reviewReason, i.underReviewSince, i.waitingSeconds]; })).toEqual([
                        ['D1', 'SETTLEMENT_CONTESTED', (0, spec_helpers_1.addHours)(T0, 10), 50 * 3600],
                        ['D4', 'DEFENSE', (0, spec_helpers_1.addHours)(T0, 54), 6 * 3600],
                    ]);
                    expect(q.items[0].allowedViolations).toEqual(['BREACH_OF_PROMISE']);
                    expect(q.items[1].allowedViolations).toEqual(['LATE_SHIPMENT']);
                    return [2 /*return*/];
            }
        });
    }); });
    it('follows a settlement into the judgements list and out again when it is contested, then back as judged', function () { return __awaiter(void 0, void 0, void 0, function () {
        var s, j, _a, mark, _b, _c, mark2, _d, c;
        return __generator(this, function (_e) {
            switch (_e.label) {
                case 0:
                    s = new testing_1.Scenario();
                    s.paidOrder('O1', 'M1', T0);
                    s.ship('O1', (0, spec_helpers_1.addHours)(T0, 2), (0, spec_helpers_1.addHours)(T0, 5));
                    s.openDispute('D1', 'O1', (0, spec_helpers_1.addHours)(T0, 6));
                    s.choose('D1', { option: 'SHIPPED_WITH_PICKUP' }, (0, spec_helpers_1.addHours)(T0, 7));
                    return [4 /*yield*/, (0, spec_helpers_1.applyInBatches)(db, P, s.log)];
                case 1:
                    _e.sent();
                    return [4 /*yield*/, (0, queries_1.listJudgements)(db, {})];
                case 2:
                    j = _e.sent();
                    expect(j.items).toEqual([
                        expect.objectContaining({
                            disputeId: 'D1',
                            kind: 'SETTLEMENT',
                            outcome: 'SETTLED',
                            chosenOption: 'SHIPPED_WITH_PICKUP',
                            settledVia: 'CHOICE',
                            refund: false,
                            decidedAt: (0, spec_helpers_1.addHours)(T0, 7),
                            points: 0,
                            final: false, // the consumer may still contest (72 h)
                        }),
                    ]);
                    expect(j.items[0].decidedBy).toBeUndefined();
                    expect(j.items[0].rulesVersion).toBeUndefined();
                    _a = expect;
                    return [4 /*yield*/, (0, queries_1.dueDeadlines)(db, (0, spec_helpers_1.addHours)(T0, 7 + 72), 10)];
                case 3:
                    _a.apply(void 0, [_e.sent()]).toEqual([{ disputeId: 'D1', deadline: 'CONTEST', dueAt: (0, spec_helpers_1.addHours)(T0, 79), revision: 2 }]);
                    mark = s.log.length;
                    s.contest('D1', 'never agreed', (0, spec_helpers_1.addHours)(T0, 8));
                    return [4 /*yield*/, (0, spec_helpers_1.applyInBatches)(db, P, s.log.slice(mark))];
                case 4:
                    _e.sent();
                    _b = expect;
                    return [4 /*yield*/, (0, queries_1.listJudgements)(db, {})];
                case 5:
                    _b.apply(void 0, [(_e.sent()).items]).toEqual([]);
                    _c = expect;
                    return [4 /*yield*/, (0, queries_1.dueDeadlines)(db, (0, spec_helpers_1.addHours)(T0, 1000), 10)];
                case 6:
                    _c.apply(void 0, [_e.sent()]).toEqual([]);
                    mark2 = s.log.length;
                    s.judge('D1', 'MERCHANT_LIABLE', (0, spec_helpers_1.addHours)(T0, 9), 'BREACH_OF_PROMISE', { rulesVersion: 'v1' });
                    return [4 /*yield*/, (0, spec_helpers_1.applyInBatches)(db, P, s.log.slice(mark2))];
                case 7:
                    _e.sent();
                    return [4 /*yield*/, (0, queries_1.listJudgements)(db, {})];
                case 8:
                    j = _e.sent();
                    expect(j.items).toEqual([
                        expect.objectContaining({
                            disputeId: 'D1',
                            kind: 'JUDGEMENT',
                            outcome: 'MERCHANT_LIABLE',
                            violation: 'BREACH_OF_PROMISE',
                            chosenOption: 'SHIPPED_WITH_PICKUP',
                            decidedBy: 'ADJUDICATOR',
                            rulesVersion: 'v1',
                            decidedAt: (0, spec_helpers_1.addHours)(T0, 9),
                            points: 0,
                            rationale: 'reviewed the evidence',
                            final: true,
                        }),
                    ]);
                    _d = expect;
                    return [4 /*yield*/, (0, queries_1.adjudicationQueue)(db, { now: (0, spec_helpers_1.addHours)(T0, 10) })];
                case 9:
                    _d.apply(void 0, [(_e.sent()).items]).toEqual([]);
                    return [4 /*yield*/, (0, queries_1.getCase)(db, 'D1')];
                case 10:
                    c = _e.sent();
                    expect(c).toMatchObject({ status: 'JUDGED', final: true, outcome: 'MERCHANT_LIABLE', violation: 'BREACH_OF_PROMISE', revision: 5 });
                    expect(c.state).toEqual(s.disputeState('D1'));
                    return [2 /*return*/];
            }
        });
    }); });
    it('is idempotent and batch-independent: re-applied batches and any batching give identical tables', function () { return __awaiter(void 0, void 0, void 0, function () {
        var s, once, _a, _i, _b, sizes, _c, i, _d;
        return __generator(this, function (_e) {
            switch (_e.label) {
                case 0:
                    s = build();
                    return [4 /*yield*/, (0, spec_helpers_1.applyInBatches)(db, P, s.log)];
                case 1:
                    _e.sent();
                    return [4 /*yield*/, (0, spec_helpers_1.digests)(db, P)];
                case 2:
                    once = _e.sent();
                    return [4 /*yield*/, (0, spec_helpers_1.applyInBatches)(db, P, s.log)];
                case 3:
                    _e.sent(); // the whole log again
                    return [4 /*yield*/, (0, spec_helpers_1.applyInBatches)(db, P, s.log.slice(5, 20), [3])];
                case 4:
                    _e.sent(); // a replayed middle
                    _a = expect;
                    return [4 /*yield*/, (0, spec_helpers_1.digests)(db, P)];
                case 5:
                    _a.apply(void 0, [_e.sent()]).toEqual(once);
                    _i = 0, _b = [[1], [2, 7, 3], [13]];
                    _e.label = 6;
                case 6:
                    if (!(_i < _b.length)) return [3 /*break*/, 11];
                    sizes = _b[_i];
                    return [4 /*yield*/, (0, spec_helpers_1.resetTables)(db, P)];
                case 7:
                    _e.sent();
                    return [4 /*yield*/, (0, spec_helpers_1.applyInBatches)(db, P, s.log, sizes)];
                case 8:
                    _e.sent();
                    _c = expect;
                    return [4 /*yield*/, (0, spec_helpers_1.digests)(db, P)];
                case 9:
                    _c.apply(void 0, [_e.sent()]).toEqual(once);
                    _e.label = 10;
                case 10:
                    _i++;
                    return [3 /*break*/, 6];
                case 11: 
                // Overlapping batches (each batch re-delivers the tail of the previous one), as after a crash between
                // apply and checkpoint in a runner without the shared transaction.
                return [4 /*yield*/, (0, spec_helpers_1.resetTables)(db, P)];
                case 12:
                    // Overlapping batches (each batch re-delivers the tail of the previous one), as after a crash between
                    // apply and checkpoint in a runner without the shared transaction.
                    _e.sent();
                    i = 0;
                    _e.label = 13;
                case 13:
                    if (!(i < s.log.length)) return [3 /*break*/, 16];
                    return [4 /*yield*/, (0, spec_helpers_1.applyInBatches)(db, P, s.log.slice(Math.max(0, i - 3), i + 4))];
                case 14:
                    _e.sent();
                    _e.label = 15;
                case 15:
                    i += 4;
                    return [3 /*break*/, 13];
                case 16:
                    _d = expect;
                    return [4 /*yield*/, (0, spec_helpers_1.digests)(db, P)];
                case 17:
                    _d.apply(void 0, [_e.sent()]).toEqual(once);
                    return [2 /*return*/];
            }
        });
    }); });
    it('ignores events of other streams and refuses a gap in a dispute stream', function () { return __awaiter(void 0, void 0, void 0, function () {
        var s, orderOnly, _a, d1, _b;
        return __generator(this, function (_c) {
            switch (_c.label) {
                case 0:
                    s = build();
                    orderOnly = s.log.filter(function (e) { return e.stream.startsWith('order-'); });
                    return [4 /*yield*/, (0, spec_helpers_1.applyInBatches)(db, P, orderOnly)];
                case 1:
                    _c.sent();
                    _a = expect;
                    return [4 /*yield*/, db.query("SELECT count(*)::int AS n FROM dispute_state")];
                case 2:
                    _a.apply(void 0, [(_c.sent()).rows[0].n]).toBe(0);
                    d1 = s.streamEvents('dispute-D1');
                    return [4 /*yield*/, (0, spec_helpers_1.applyInBatches)(db, P, [d1[0]])];
                case 3:
                    _c.sent();
                    return [4 /*yield*/, expect((0, spec_helpers_1.applyInBatches)(db, P, [d1[2]])).rejects.toBeInstanceOf(support_1.ProjectionGapError)];
                case 4:
                    _c.sent();
                    // The failed batch rolled back: still at revision 0.
                    _b = expect;
                    return [4 /*yield*/, (0, queries_1.getCase)(db, 'D1')];
                case 5:
                    // The failed batch rolled back: still at revision 0.
                    _b.apply(void 0, [(_c.sent()).revision]).toBe(0);
                    return [2 /*return*/];
            }
        });
    }); });
    it('stores states that rebuild the domain view (state jsonb is the fold)', function () { return __awaiter(void 0, void 0, void 0, function () {
        var s, _i, _a, id, c;
        return __generator(this, function (_b) {
            switch (_b.label) {
                case 0:
                    s = build();
                    return [4 /*yield*/, (0, spec_helpers_1.applyInBatches)(db, P, s.log, [2])];
                case 1:
                    _b.sent();
                    _i = 0, _a = ['D1', 'D2', 'D3', 'D4'];
                    _b.label = 2;
                case 2:
                    if (!(_i < _a.length)) return [3 /*break*/, 5];
                    id = _a[_i];
                    return [4 /*yield*/, (0, queries_1.getCase)(db, id)];
                case 3:
                    c = _b.sent();
                    expect(domain_1.dispute.toDisputeView(c.state)).toEqual(domain_1.dispute.toDisputeView(s.disputeState(id)));
                    expect(c.deadlines).toEqual(domain_1.dispute.toDisputeView(s.disputeState(id)).deadlines);
                    _b.label = 4;
                case 4:
                    _i++;
                    return [3 /*break*/, 2];
                case 5: return [2 /*return*/];
            }
        });
    }); });
});
