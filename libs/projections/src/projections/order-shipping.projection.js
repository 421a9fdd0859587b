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
exports.orderShippingProjection = exports.ORDER_SHIPPING_DDL = exports.FAR_FUTURE = exports.ORDER_SHIPPING_PROJECTION = void 0;
exports.orderShippingRow = orderShippingRow;
exports.shippingSql = shippingSql;
exports.applyOrderEvents = applyOrderEvents;
/**
 * `order_shipping`: one row per order (every order of every merchant, disputed or not) with the inputs of
 * the domain's shipping assessment, so that the weekly scorecard can be aggregated in SQL at query time.
 *
 * What is stored is what does not depend on the clock: the clock start and the 24 h / 48 h due times, the
 * first waybill upload and the first pickup scan (by occurredAt), when the order became fully refunded, when
 * it was locked/invalidated, and whether its kind and payment method are assessed at all. Whether an order is
 * *late* depends on the time of asking (a missing pickup scan becomes late only when its due time passes), so
 * lateness is computed by the queries "as of" an instant with {@link lateAsOfSql}, a line-by-line port of
 * the domain's assessShipping (a spec checks the two agree).
 *
 * The stored values come from the domain's assessShipping(snapshot, FAR_FUTURE): every fact on record
 * counts (facts are never dated in the future, so this equals the assessment as of any query time after the
 * facts were recorded).
 */
var domain_1 = require("@app/domain");
var support_1 = require("./support");
exports.ORDER_SHIPPING_PROJECTION = 'order_shipping';
/** "As of the end of time": every recorded fact counts. */
exports.FAR_FUTURE = '9999-12-31T23:59:59.999Z';
exports.ORDER_SHIPPING_DDL = [
    "CREATE TABLE IF NOT EXISTS {prefix}order_shipping (\n    order_id text PRIMARY KEY,\n    stream text NOT NULL,\n    merchant_id text NOT NULL,\n    consumer_id text NOT NULL,\n    revision integer NOT NULL,\n    placed_at timestamptz NOT NULL,\n    payment_method text NOT NULL,\n    order_kind text NOT NULL,\n    promised_ship_at timestamptz,\n    amount bigint NOT NULL,\n    kind_assessed boolean NOT NULL,\n    excluded_at timestamptz,\n    assessed boolean NOT NULL,\n    paid_at timestamptz,\n    clock_starts_at timestamptz,\n    clock_basis text,\n    waybill_due_at timestamptz,\n    pickup_due_at timestamptz,\n    first_waybill_at timestamptz,\n    first_pickup_at timestamptz,\n    fully_refunded_at timestamptz,\n    active_dispute_id text,\n    state jsonb NOT NULL,\n    updated_at timestamptz NOT NULL\n  )",
    "CREATE INDEX IF NOT EXISTS {prefix}order_shipping_pickup_due_idx ON {prefix}order_shipping (merchant_id, pickup_due_at)",
];
var COLUMNS = [
    ['order_id', 'text'],
    ['stream', 'text'],
    ['merchant_id', 'text'],
    ['consumer_id', 'text'],
    ['revision', 'integer'],
    ['placed_at', 'timestamptz'],
    ['payment_method', 'text'],
    ['order_kind', 'text'],
    ['promised_ship_at', 'timestamptz'],
    ['amount', 'bigint'],
    ['kind_assessed', 'boolean'],
    ['excluded_at', 'timestamptz'],
    ['assessed', 'boolean'],
    ['paid_at', 'timestamptz'],
    ['clock_starts_at', 'timestamptz'],
    ['clock_basis', 'text'],
    ['waybill_due_at', 'timestamptz'],
    ['pickup_due_at', 'timestamptz'],
    ['first_waybill_at', 'timestamptz'],
    ['first_pickup_at', 'timestamptz'],
    ['fully_refunded_at', 'timestamptz'],
    ['active_dispute_id', 'text'],
    ['state', 'jsonb'],
    ['updated_at', 'timestamptz'],
];
function minOccurred(state, types) {
    var best = null;
    for (var _i = 0, _a = state.facts; _i < _a.length; _i++) {
        var f = _a[_i];
        if (!types.includes(f.type))
            continue;
        var ms = Date.parse(f.occurredAt);
        if (best === null || ms < best)
            best = ms;
    }
    return best === null ? null : new Date(best).toISOString();
}
function orderShippingRow(state, meta) {
    var snap = (0, domain_1.orderSnapshot)(state);
    var a = (0, domain_1.assessShipping)(snap, exports.FAR_FUTURE);
    var kindAssessed = a.notAssessedReasons.every(function (r) { return r === 'ORDER_LOCKED' || r === 'ORDER_INVALIDATED'; });
    return {
        order_id: meta.id,
        stream: meta.stream,
        merchant_id: snap.merchantId,
        consumer_id: snap.consumerId,
        revision: meta.revision,
        placed_at: (0, support_1.isoOrNull)(snap.placedAt),
        payment_method: snap.paymentMethod,
        order_kind: snap.orderKind,
        promised_ship_at: (0, support_1.isoOrNull)(snap.promisedShipAt),
        amount: snap.amount,
        kind_assessed: kindAssessed,
        excluded_at: minOccurred(state, ['LOCKED', 'INVALIDATED']),
        assessed: a.assessed,
        paid_at: minOccurred(state, ['PAID']),
        clock_starts_at: (0, support_1.isoOrNull)(a.clockStartsAt),
        clock_basis: a.clockBasis,
        waybill_due_at: (0, support_1.isoOrNull)(a.waybillDueAt),
        pickup_due_at: (0, support_1.isoOrNull)(a.pickupDueAt),
        first_waybill_at: (0, support_1.isoOrNull)(a.waybillUploadedAt),
        first_pickup_at: (0, support_1.isoOrNull)(a.pickupScannedAt),
        fully_refunded_at: (0, support_1.isoOrNull)(a.fullyRefundedAt),
        active_dispute_id: state.activeDisputeId,
        state: state,
        updated_at: (0, support_1.isoOrNull)(meta.updatedAt),
    };
}
/**
 * SQL boolean expressions over an `order_shipping` row (alias `o`) as of the instant in parameter `t`
 * (a timestamptz expression), mirroring assessShipping(snapshot, t):
 *  - assessed: kind/payment assessed and not locked/invalidated by t;
 *  - clock: the clock has started by t (COD: at placement; prepaid: once paid by t);
 *  - a step is late when it was not done by its due time, no full refund came on or before the due time,
 *    and it was either done after the due time or t is past the due time (exactly at the due time is on time).
 */
function shippingSql(t, o) {
    if (o === void 0) { o = 'o'; }
    var dW = "(CASE WHEN ".concat(o, ".first_waybill_at <= ").concat(t, " THEN ").concat(o, ".first_waybill_at END)");
    var dP = "(CASE WHEN ".concat(o, ".first_pickup_at <= ").concat(t, " THEN ").concat(o, ".first_pickup_at END)");
    var r = "(CASE WHEN ".concat(o, ".fully_refunded_at <= ").concat(t, " THEN ").concat(o, ".fully_refunded_at END)");
    var stepLate = function (d, due) {
        return "(NOT coalesce(".concat(d, " <= ").concat(due, ", false) AND NOT coalesce(").concat(r, " <= ").concat(due, ", false) AND (").concat(d, " IS NOT NULL OR ").concat(t, " > ").concat(due, "))");
    };
    var assessed = "(".concat(o, ".kind_assessed AND (").concat(o, ".excluded_at IS NULL OR ").concat(o, ".excluded_at > ").concat(t, "))");
    var clock = "(".concat(o, ".clock_starts_at IS NOT NULL AND (").concat(o, ".payment_method = 'COD' OR ").concat(o, ".paid_at <= ").concat(t, "))");
    return {
        assessed: assessed,
        clock: clock,
        pickupDone: dP,
        refundedAt: r,
        waybillLate: "(".concat(assessed, " AND ").concat(clock, " AND ").concat(stepLate(dW, "".concat(o, ".waybill_due_at")), ")"),
        pickupLate: "(".concat(assessed, " AND ").concat(clock, " AND ").concat(stepLate(dP, "".concat(o, ".pickup_due_at")), ")"),
        late: "(".concat(assessed, " AND ").concat(clock, " AND (").concat(stepLate(dW, "".concat(o, ".waybill_due_at")), " OR ").concat(stepLate(dP, "".concat(o, ".pickup_due_at")), "))"),
    };
}
function loadStates(tx, prefix, ids) {
    return __awaiter(this, void 0, void 0, function () {
        var rows;
        return __generator(this, function (_a) {
            switch (_a.label) {
                case 0: return [4 /*yield*/, tx.query("SELECT order_id, revision, state FROM ".concat(prefix, "order_shipping WHERE ").concat((0, support_1.IN_IDS)('order_id', '$1')), [JSON.stringify(ids)])];
                case 1:
                    rows = (_a.sent()).rows;
                    return [2 /*return*/, rows.map(function (r) { return ({ id: r.order_id, revision: Number(r.revision), state: r.state }); })];
            }
        });
    });
}
function applyOrderEvents(tx, events, prefix) {
    return __awaiter(this, void 0, void 0, function () {
        var changed, rows;
        return __generator(this, function (_a) {
            switch (_a.label) {
                case 0: return [4 /*yield*/, (0, support_1.foldBatch)({
                        projection: exports.ORDER_SHIPPING_PROJECTION,
                        tx: tx,
                        events: events,
                        streamPrefix: support_1.ORDER_STREAM_PREFIX,
                        load: function (x, ids) { return loadStates(x, prefix, ids); },
                        initial: domain_1.order.initialState,
                        evolve: domain_1.order.evolve,
                    })];
                case 1:
                    changed = _a.sent();
                    rows = __spreadArray([], changed.values(), true).filter(function (c) { return c.state.status === 'REGISTERED'; }).map(function (c) { return orderShippingRow(c.state, c); });
                    return [4 /*yield*/, (0, support_1.upsertRows)(tx, "".concat(prefix, "order_shipping"), COLUMNS, ['order_id'], rows, "".concat(prefix, "order_shipping.revision < EXCLUDED.revision"))];
                case 2:
                    _a.sent();
                    return [2 /*return*/];
            }
        });
    });
}
exports.orderShippingProjection = {
    name: exports.ORDER_SHIPPING_PROJECTION,
    tables: ['order_shipping'],
    ddl: exports.ORDER_SHIPPING_DDL,
    apply: applyOrderEvents,
};
