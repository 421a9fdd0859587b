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
exports.Scenario = void 0;
exports.batches = batches;
/**
 * Test support (not exported from the barrel): builds realistic event histories by running the domain's
 * deciders (decide → events → evolve), so projection specs break when the domain's events change.
 * Events are kept in an in-memory log in global order (positions "1/<n>", recordedAt = the command's `now`)
 * and can be replayed into a real EventStore.
 */
var domain_1 = require("@app/domain");
var support_1 = require("./support");
var PLATFORM = { sub: 'platform-1', role: 'platform' };
var Scenario = /** @class */ (function () {
    function Scenario() {
        this.log = [];
        this.streams = new Map();
        this.rules = { rulesVersion: 'v2', merchantWeek: null };
    }
    Scenario.prototype.append = function (stream, events, now, actor) {
        var _a;
        var s = (_a = this.streams.get(stream)) !== null && _a !== void 0 ? _a : [];
        this.streams.set(stream, s);
        var out = [];
        for (var _i = 0, events_1 = events; _i < events_1.length; _i++) {
            var e = events_1[_i];
            // Stored events are JSON: round-trip so `undefined` holes vanish exactly as in the real store.
            var data = JSON.parse(JSON.stringify(e.data));
            var rec = {
                stream: stream,
                revision: s.length,
                position: "1/".concat(this.log.length + 1),
                eventId: "".concat(stream, "#").concat(s.length),
                type: e.type,
                data: data,
                metadata: { actor: actor },
                recordedAt: new Date(Date.parse(now)).toISOString(),
                hash: '',
                prevHash: null,
            };
            s.push(rec);
            this.log.push(rec);
            out.push(rec);
        }
        return out;
    };
    Scenario.prototype.orderState = function (orderId) {
        var _a;
        return ((_a = this.streams.get(support_1.ORDER_STREAM_PREFIX + orderId)) !== null && _a !== void 0 ? _a : []).reduce(domain_1.order.evolve, domain_1.order.initialState());
    };
    Scenario.prototype.disputeState = function (disputeId) {
        var _a;
        return ((_a = this.streams.get(support_1.DISPUTE_STREAM_PREFIX + disputeId)) !== null && _a !== void 0 ? _a : []).reduce(domain_1.dispute.evolve, domain_1.dispute.initialState());
    };
    Scenario.prototype.streamEvents = function (stream) {
        var _a;
        return __spreadArray([], ((_a = this.streams.get(stream)) !== null && _a !== void 0 ? _a : []), true);
    };
    Scenario.prototype.registerOrder = function (o, now) {
        var details = __assign({ consumerId: 'C1', paymentMethod: 'ONLINE', orderKind: 'STANDARD', amount: 10000 }, o);
        var at = now !== null && now !== void 0 ? now : details.placedAt;
        return this.append(support_1.ORDER_STREAM_PREFIX + o.orderId, domain_1.order.decide({ type: 'RegisterOrder', order: details, now: at }, this.orderState(o.orderId)), at, PLATFORM);
    };
    Scenario.prototype.fact = function (orderId, fact, now) {
        var at = now !== null && now !== void 0 ? now : fact.occurredAt;
        return this.append(support_1.ORDER_STREAM_PREFIX + orderId, domain_1.order.decide({ type: 'RecordOrderFact', fact: fact, now: at }, this.orderState(orderId)), at, PLATFORM);
    };
    /** A standard online order placed and paid at `paidAt` (the clock start). */
    Scenario.prototype.paidOrder = function (orderId, merchantId, paidAt, extra) {
        if (extra === void 0) { extra = {}; }
        this.registerOrder(__assign({ orderId: orderId, merchantId: merchantId, placedAt: paidAt }, extra));
        this.fact(orderId, { type: 'PAID', occurredAt: paidAt });
    };
    /** Records a waybill upload and (unless null) a pickup scan, each at its own time. */
    Scenario.prototype.ship = function (orderId, waybillAt, pickupAt) {
        if (waybillAt)
            this.fact(orderId, { type: 'WAYBILL_UPLOADED', occurredAt: waybillAt, carrier: 'SF', waybillNo: "WB-".concat(orderId) });
        if (pickupAt)
            this.fact(orderId, { type: 'PICKUP_SCANNED', occurredAt: pickupAt, carrier: 'SF', waybillNo: "WB-".concat(orderId) });
    };
    Scenario.prototype.openDispute = function (disputeId, orderId, openedAt, opts) {
        var _a, _b, _c;
        if (opts === void 0) { opts = {}; }
        var now = (_a = opts.now) !== null && _a !== void 0 ? _a : openedAt;
        var os = this.orderState(orderId);
        var activeFinal = os.activeDisputeId ? (0, domain_1.isFinal)(this.disputeState(os.activeDisputeId), now) : true;
        var a = this.append(support_1.ORDER_STREAM_PREFIX + orderId, domain_1.order.decide({ type: 'OpenRushDispute', disputeId: disputeId, openedAt: openedAt, activeDisputeFinal: activeFinal, now: now }, os), now, PLATFORM);
        var b = this.append(support_1.DISPUTE_STREAM_PREFIX + disputeId, domain_1.dispute.decide({
            type: 'OpenDispute',
            disputeId: disputeId,
            order: (0, domain_1.orderSnapshot)(this.orderState(orderId)),
            openedAt: openedAt,
            flow: (_b = opts.flow) !== null && _b !== void 0 ? _b : 'UNIFIED',
            settings: (_c = opts.settings) !== null && _c !== void 0 ? _c : domain_1.DEFAULT_SETTINGS,
            now: now,
        }, this.disputeState(disputeId)), now, PLATFORM);
        return __spreadArray(__spreadArray([], a, true), b, true);
    };
    Scenario.prototype.choose = function (disputeId, input, now, rules) {
        var st = this.disputeState(disputeId);
        return this.append(support_1.DISPUTE_STREAM_PREFIX + disputeId, domain_1.dispute.decide(__assign(__assign({ type: 'ChooseOption' }, input), { order: (0, domain_1.orderSnapshot)(this.orderState(st.orderId)), now: now, rules: rules !== null && rules !== void 0 ? rules : this.rules }), st), now, { sub: "merchant-user-".concat(st.merchantId), role: 'merchant' });
    };
    Scenario.prototype.respond = function (disputeId, accepted, now, comment) {
        var st = this.disputeState(disputeId);
        return this.append(support_1.DISPUTE_STREAM_PREFIX + disputeId, domain_1.dispute.decide({ type: 'ConsumerRespond', accepted: accepted, comment: comment, now: now, rules: this.rules }, st), now, { sub: st.consumerId, role: 'consumer' });
    };
    Scenario.prototype.contest = function (disputeId, statement, now) {
        var st = this.disputeState(disputeId);
        return this.append(support_1.DISPUTE_STREAM_PREFIX + disputeId, domain_1.dispute.decide({ type: 'Contest', statement: statement, now: now }, st), now, {
            sub: st.consumerId,
            role: 'consumer',
        });
    };
    Scenario.prototype.judge = function (disputeId, outcome, now, violation, rules) {
        var st = this.disputeState(disputeId);
        return this.append(support_1.DISPUTE_STREAM_PREFIX + disputeId, domain_1.dispute.decide({ type: 'Judge', outcome: outcome, violation: violation, rationale: 'reviewed the evidence', now: now, rules: rules !== null && rules !== void 0 ? rules : this.rules }, st), now, { sub: 'adjudicator-1', role: 'adjudicator' });
    };
    Scenario.prototype.fire = function (disputeId, deadline, now, rules) {
        var st = this.disputeState(disputeId);
        return this.append(support_1.DISPUTE_STREAM_PREFIX + disputeId, domain_1.dispute.decide({ type: 'FireDeadline', deadline: deadline, order: (0, domain_1.orderSnapshot)(this.orderState(st.orderId)), rules: rules !== null && rules !== void 0 ? rules : this.rules, now: now }, st), now, PLATFORM);
    };
    /** Replays the log into a real store, stream by stream in global order (the store assigns positions/recordedAt). */
    Scenario.prototype.appendTo = function (store_1) {
        return __awaiter(this, arguments, void 0, function (store, from, to) {
            var _i, _a, e;
            if (from === void 0) { from = 0; }
            if (to === void 0) { to = this.log.length; }
            return __generator(this, function (_b) {
                switch (_b.label) {
                    case 0:
                        _i = 0, _a = this.log.slice(from, to);
                        _b.label = 1;
                    case 1:
                        if (!(_i < _a.length)) return [3 /*break*/, 4];
                        e = _a[_i];
                        return [4 /*yield*/, store.appendToStream(e.stream, [{ type: e.type, data: e.data, metadata: e.metadata }], {
                                expectedRevision: e.revision === 0 ? 'no_stream' : e.revision - 1,
                            })];
                    case 2:
                        _b.sent();
                        _b.label = 3;
                    case 3:
                        _i++;
                        return [3 /*break*/, 1];
                    case 4: return [2 /*return*/];
                }
            });
        });
    };
    return Scenario;
}());
exports.Scenario = Scenario;
/** Splits events into consecutive batches of the given sizes (cycled). */
function batches(items, sizes) {
    var out = [];
    var i = 0;
    var k = 0;
    while (i < items.length) {
        var n = Math.max(1, sizes[k++ % sizes.length]);
        out.push(items.slice(i, i + n));
        i += n;
    }
    return out;
}
