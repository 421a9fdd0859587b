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
var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __exportStar = (this && this.__exportStar) || function(m, exports) {
    for (var p in m) if (p !== "default" && !Object.prototype.hasOwnProperty.call(exports, p)) __createBinding(exports, m, p);
};
Object.defineProperty(exports, "__esModule", { value: true });
exports.DEFAULT_BUSINESS_TIMEZONE = void 0;
exports.createProjections = createProjections;
exports.allProjections = allProjections;
/**
 * The service's read models (projections) and their queries.
 *
 * Projections (each runs from its own checkpoint; both are deterministic and idempotent):
 *  - `dispute_state` → tables dispute_state (case list, adjudication queue), deadlines, judgements;
 *  - `order_shipping` → table order_shipping (per-order shipping inputs for the merchant scorecard).
 *
 * The tables do not depend on the business timezone (they hold instants); weeks are cut at query time.
 * `createProjections({timezone})` validates the timezone and binds it into the week-based queries, so a
 * change of BUSINESS_TIMEZONE needs no rebuild.
 */
var domain_1 = require("@app/domain");
var dispute_state_projection_1 = require("./dispute-state.projection");
var order_shipping_projection_1 = require("./order-shipping.projection");
var queries_1 = require("./queries");
__exportStar(require("./cursor"), exports);
__exportStar(require("./support"), exports);
__exportStar(require("./dispute-state.projection"), exports);
__exportStar(require("./order-shipping.projection"), exports);
__exportStar(require("./queries"), exports);
exports.DEFAULT_BUSINESS_TIMEZONE = 'Asia/Shanghai';
function createProjections(opts) {
    var _a;
    if (opts === void 0) { opts = {}; }
    var timezone = (_a = opts.timezone) !== null && _a !== void 0 ? _a : exports.DEFAULT_BUSINESS_TIMEZONE;
    (0, domain_1.isoWeekOf)('2000-01-01T00:00:00Z', timezone); // throws INVALID_INPUT on an unknown zone
    return {
        timezone: timezone,
        projections: [dispute_state_projection_1.disputeStateProjection, order_shipping_projection_1.orderShippingProjection],
        scorecard: function (db, args) { return (0, queries_1.scorecard)(db, __assign(__assign({}, args), { timezone: timezone })); },
        merchantWeekStats: function (db, merchantId, instant, now, o) { return (0, queries_1.merchantWeekStats)(db, merchantId, instant, timezone, now, o); },
    };
}
/** The list for the runner and the rebuild. */
function allProjections(opts) {
    if (opts === void 0) { opts = {}; }
    return createProjections(opts).projections;
}
