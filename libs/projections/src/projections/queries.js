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
exports.listCases = listCases;
exports.getCase = getCase;
exports.dueDeadlines = dueDeadlines;
exports.nextDeadline = nextDeadline;
exports.listJudgements = listJudgements;
exports.adjudicationQueue = adjudicationQueue;
exports.weekShippingStats = weekShippingStats;
exports.merchantWeekStats = merchantWeekStats;
exports.scorecard = scorecard;
/**
 * Read-model queries over the projection tables. Every list is keyset-paginated (no OFFSET) with an opaque
 * cursor (see cursor.ts) and answers `{items, nextCursor?}` (`nextCursor` absent on the last page).
 * Time-dependent answers (waiting times, lateness, scorecards) take the instant `now` as an argument: the
 * tables themselves never depend on the clock.
 */
var domain_1 = require("@app/domain");
var cursor_1 = require("./cursor");
var order_shipping_projection_1 = require("./order-shipping.projection");
function sortOrder(o) {
    if (o === undefined || o === null)
        return 'asc';
    if (o !== 'asc' && o !== 'desc')
        throw (0, domain_1.invalidInput)("order must be 'asc' or 'desc'", { field: 'order' });
    return o;
}
function nonEmptyString(v, field) {
    if (typeof v !== 'string' || v === '')
        throw (0, domain_1.invalidInput)("".concat(field, " must be a non-empty string"), { field: field });
    return v;
}
/**
 * Runs a keyset page: `where` (with params) filters, rows are ordered by (tsCol, idCol) in `order`,
 * one extra row tells whether another page follows.
 */
function keysetPage(db, args) {
    return __awaiter(this, void 0, void 0, function () {
        var where, params, c, op, dir, sql, rows, page, last, ts;
        return __generator(this, function (_a) {
            switch (_a.label) {
                case 0:
                    where = __spreadArray([], args.where, true);
                    params = __spreadArray([], args.params, true);
                    if (args.cursor !== undefined && args.cursor !== null && args.cursor !== '') {
                        c = (0, cursor_1.decodeCursor)(args.cursor, args.list, args.order);
                        params.push(c.k[0], c.k[1]);
                        op = args.order === 'asc' ? '>' : '<';
                        where.push("(".concat(args.tsCol, ", ").concat(args.idCol, ") ").concat(op, " ($").concat(params.length - 1, "::timestamptz, $").concat(params.length, "::text)"));
                    }
                    params.push(args.limit + 1);
                    dir = args.order === 'asc' ? 'ASC' : 'DESC';
                    sql = "SELECT ".concat(args.select, " FROM ").concat(args.from).concat(where.length ? " WHERE ".concat(where.join(' AND ')) : '', "\n    ORDER BY ").concat(args.tsCol, " ").concat(dir, ", ").concat(args.idCol, " ").concat(dir, " LIMIT $").concat(params.length);
                    return [4 /*yield*/, db.query(sql, params)];
                case 1:
                    rows = (_a.sent()).rows;
                    if (rows.length <= args.limit)
                        return [2 /*return*/, { rows: rows }];
                    page = rows.slice(0, args.limit);
                    last = page[page.length - 1];
                    ts = (0, cursor_1.isoOf)(last.__ts);
                    return [2 /*return*/, { rows: page, nextCursor: (0, cursor_1.encodeCursor)({ q: args.list, o: args.order, k: [ts, String(last.__id)] }) }];
            }
        });
    });
}
var CASE_COLUMNS = "dispute_id, stream, order_id, merchant_id, consumer_id, revision, status, flow, final, opened_at, response_due_at,\n  chosen_option, review_reason, review_since, next_deadline, next_due_at, deadlines, outcome, violation, decided_at, updated_at";
function caseItem(r) {
    var _a;
    var item = {
        disputeId: r.dispute_id,
        stream: r.stream,
        orderId: r.order_id,
        merchantId: r.merchant_id,
        consumerId: r.consumer_id,
        status: r.status,
        flow: r.flow,
        final: r.final,
        openedAt: (0, cursor_1.isoOf)(r.opened_at),
        responseDueAt: (0, cursor_1.isoOf)(r.response_due_at),
        deadlines: (_a = r.deadlines) !== null && _a !== void 0 ? _a : [],
        revision: Number(r.revision),
        updatedAt: (0, cursor_1.isoOf)(r.updated_at),
    };
    if (r.next_deadline && r.next_due_at)
        item.nextDeadline = { deadline: r.next_deadline, dueAt: (0, cursor_1.isoOf)(r.next_due_at) };
    if (r.chosen_option)
        item.choice = r.chosen_option;
    if (r.outcome)
        item.outcome = r.outcome;
    if (r.violation)
        item.violation = r.violation;
    if (r.decided_at)
        item.decidedAt = (0, cursor_1.isoOf)(r.decided_at);
    if (r.review_reason)
        item.reviewReason = r.review_reason;
    if (r.review_since)
        item.underReviewSince = (0, cursor_1.isoOf)(r.review_since);
    return item;
}
/** GET /disputes: every dispute with its current status and deadlines, keyset-paginated by (openedAt, disputeId). */
function listCases(db_1) {
    return __awaiter(this, arguments, void 0, function (db, args) {
        var p, where, params, page;
        var _a;
        if (args === void 0) { args = {}; }
        return __generator(this, function (_b) {
            switch (_b.label) {
                case 0:
                    p = (_a = args.prefix) !== null && _a !== void 0 ? _a : '';
                    where = [];
                    params = [];
                    if (args.status !== undefined && args.status !== null) {
                        if (!(0, domain_1.isOneOf)(domain_1.DISPUTE_STATUSES, args.status))
                            throw (0, domain_1.invalidInput)("status must be one of ".concat(domain_1.DISPUTE_STATUSES.join(', ')), { field: 'status' });
                        params.push(args.status);
                        where.push("status = $".concat(params.length));
                    }
                    if (args.merchantId !== undefined && args.merchantId !== null) {
                        params.push(nonEmptyString(args.merchantId, 'merchantId'));
                        where.push("merchant_id = $".concat(params.length));
                    }
                    if (args.consumerId !== undefined && args.consumerId !== null) {
                        params.push(nonEmptyString(args.consumerId, 'consumerId'));
                        where.push("consumer_id = $".concat(params.length));
                    }
                    return [4 /*yield*/, keysetPage(db, {
                            list: 'cases',
                            select: "".concat(CASE_COLUMNS, ", opened_at AS __ts, dispute_id AS __id"),
                            from: "".concat(p, "dispute_state"),
                            where: where,
                            params: params,
                            tsCol: 'opened_at',
                            idCol: 'dispute_id',
                            order: sortOrder(args.order),
                            cursor: args.cursor,
                            limit: (0, cursor_1.pageLimit)(args.limit),
                        })];
                case 1:
                    page = _b.sent();
                    return [2 /*return*/, withCursor(page.rows.map(caseItem), page.nextCursor)];
            }
        });
    });
}
function withCursor(items, nextCursor) {
    return nextCursor ? { items: items, nextCursor: nextCursor } : { items: items };
}
/** One dispute's row (with the folded state), or null. */
function getCase(db_1, disputeId_1) {
    return __awaiter(this, arguments, void 0, function (db, disputeId, opts) {
        var rows;
        var _a;
        if (opts === void 0) { opts = {}; }
        return __generator(this, function (_b) {
            switch (_b.label) {
                case 0: return [4 /*yield*/, db.query("SELECT ".concat(CASE_COLUMNS, ", state FROM ").concat((_a = opts.prefix) !== null && _a !== void 0 ? _a : '', "dispute_state WHERE dispute_id = $1"), [disputeId])];
                case 1:
                    rows = (_b.sent()).rows;
                    return [2 /*return*/, rows[0] ? __assign(__assign({}, caseItem(rows[0])), { state: rows[0].state }) : null];
            }
        });
    });
}
/** Deadlines due at `now` (dueAt ≤ now), soonest first. */
function dueDeadlines(db_1, now_1) {
    return __awaiter(this, arguments, void 0, function (db, now, limit, opts) {
        var at, rows;
        var _a;
        if (limit === void 0) { limit = 100; }
        if (opts === void 0) { opts = {}; }
        return __generator(this, function (_b) {
            switch (_b.label) {
                case 0:
                    at = (0, cursor_1.instantArg)(now, 'now');
                    return [4 /*yield*/, db.query("SELECT dispute_id, deadline, due_at, revision FROM ".concat((_a = opts.prefix) !== null && _a !== void 0 ? _a : '', "deadlines WHERE due_at <= $1::timestamptz\n     ORDER BY due_at, dispute_id, deadline LIMIT $2"), [at, (0, cursor_1.pageLimit)(limit, 100, 10000)])];
                case 1:
                    rows = (_b.sent()).rows;
                    return [2 /*return*/, rows.map(function (r) { return ({ disputeId: r.dispute_id, deadline: r.deadline, dueAt: (0, cursor_1.isoOf)(r.due_at), revision: Number(r.revision) }); })];
            }
        });
    });
}
/** The soonest pending deadline (for scheduling the next wake-up), or null. */
function nextDeadline(db_1) {
    return __awaiter(this, arguments, void 0, function (db, opts) {
        var rows, r;
        var _a;
        if (opts === void 0) { opts = {}; }
        return __generator(this, function (_b) {
            switch (_b.label) {
                case 0: return [4 /*yield*/, db.query("SELECT dispute_id, deadline, due_at, revision FROM ".concat((_a = opts.prefix) !== null && _a !== void 0 ? _a : '', "deadlines ORDER BY due_at, dispute_id, deadline LIMIT 1"))];
                case 1:
                    rows = (_b.sent()).rows;
                    r = rows[0];
                    return [2 /*return*/, r ? { disputeId: r.dispute_id, deadline: r.deadline, dueAt: (0, cursor_1.isoOf)(r.due_at), revision: Number(r.revision) } : null];
            }
        });
    });
}
function judgementItem(r) {
    var _a, _b;
    var item = {
        disputeId: r.dispute_id,
        orderId: r.order_id,
        merchantId: r.merchant_id,
        consumerId: r.consumer_id,
        kind: r.kind,
        outcome: r.outcome,
        decidedAt: (0, cursor_1.isoOf)(r.decided_at),
        points: Number(r.points),
        final: r.final,
        revision: Number(r.revision),
    };
    if (r.violation)
        item.violation = r.violation;
    if (r.chosen_option)
        item.chosenOption = r.chosen_option;
    if (r.settled_via)
        item.settledVia = r.settled_via;
    if (r.refund !== null && r.refund !== undefined)
        item.refund = r.refund;
    if (r.decided_by)
        item.decidedBy = r.decided_by;
    if (r.rules_version)
        item.rulesVersion = r.rules_version;
    if (r.penalty_basis)
        item.penaltyBasis = r.penalty_basis;
    if ((_a = r.judgement) === null || _a === void 0 ? void 0 : _a.reasons)
        item.reasons = r.judgement.reasons;
    if ((_b = r.judgement) === null || _b === void 0 ? void 0 : _b.rationale)
        item.rationale = r.judgement.rationale;
    if (r.merchant_week)
        item.merchantWeek = r.merchant_week;
    return item;
}
/** GET /judgements: judged and settled cases, keyset-paginated by (decidedAt, disputeId). */
function listJudgements(db_1) {
    return __awaiter(this, arguments, void 0, function (db, args) {
        var where, params, page;
        var _a;
        if (args === void 0) { args = {}; }
        return __generator(this, function (_b) {
            switch (_b.label) {
                case 0:
                    where = [];
                    params = [];
                    if (args.merchantId !== undefined && args.merchantId !== null) {
                        params.push(nonEmptyString(args.merchantId, 'merchantId'));
                        where.push("merchant_id = $".concat(params.length));
                    }
                    if (args.from !== undefined && args.from !== null) {
                        params.push((0, cursor_1.instantArg)(args.from, 'from'));
                        where.push("decided_at >= $".concat(params.length, "::timestamptz"));
                    }
                    if (args.to !== undefined && args.to !== null) {
                        params.push((0, cursor_1.instantArg)(args.to, 'to'));
                        where.push("decided_at < $".concat(params.length, "::timestamptz"));
                    }
                    if (args.kind !== undefined && args.kind !== null) {
                        if (args.kind !== 'JUDGEMENT' && args.kind !== 'SETTLEMENT')
                            throw (0, domain_1.invalidInput)('kind must be JUDGEMENT or SETTLEMENT', { field: 'kind' });
                        params.push(args.kind);
                        where.push("kind = $".concat(params.length));
                    }
                    return [4 /*yield*/, keysetPage(db, {
                            list: 'judgements',
                            select: "*, decided_at AS __ts, dispute_id AS __id",
                            from: "".concat((_a = args.prefix) !== null && _a !== void 0 ? _a : '', "judgements"),
                            where: where,
                            params: params,
                            tsCol: 'decided_at',
                            idCol: 'dispute_id',
                            order: sortOrder(args.order),
                            cursor: args.cursor,
                            limit: (0, cursor_1.pageLimit)(args.limit),
                        })];
                case 1:
                    page = _b.sent();
                    return [2 /*return*/, withCursor(page.rows.map(judgementItem), page.nextCursor)];
            }
        });
    });
}
/** GET /adjudication/queue: disputes UNDER_REVIEW, oldest first by the time they entered review. */
function adjudicationQueue(db, args) {
    return __awaiter(this, void 0, void 0, function () {
        var nowMs, page, items;
        var _a;
        return __generator(this, function (_b) {
            switch (_b.label) {
                case 0:
                    nowMs = Date.parse((0, cursor_1.instantArg)(args.now, 'now'));
                    return [4 /*yield*/, keysetPage(db, {
                            list: 'queue',
                            select: "".concat(CASE_COLUMNS, ", state->'review' AS review, review_since AS __ts, dispute_id AS __id"),
                            from: "".concat((_a = args.prefix) !== null && _a !== void 0 ? _a : '', "dispute_state"),
                            where: ["status = 'UNDER_REVIEW'", "review_since IS NOT NULL"],
                            params: [],
                            tsCol: 'review_since',
                            idCol: 'dispute_id',
                            order: 'asc',
                            cursor: args.cursor,
                            limit: (0, cursor_1.pageLimit)(args.limit),
                        })];
                case 1:
                    page = _b.sent();
                    items = page.rows.map(function (r) {
                        var _a, _b, _c, _d, _e, _f, _g, _h, _j;
                        var since = (0, cursor_1.isoOf)(r.review_since);
                        var waitingMs = Math.max(0, nowMs - Date.parse(since));
                        var item = {
                            disputeId: r.dispute_id,
                            orderId: r.order_id,
                            merchantId: r.merchant_id,
                            consumerId: r.consumer_id,
                            flow: r.flow,
                            openedAt: (0, cursor_1.isoOf)(r.opened_at),
                            reviewReason: (_c = (_a = r.review_reason) !== null && _a !== void 0 ? _a : (_b = r.review) === null || _b === void 0 ? void 0 : _b.reason) !== null && _c !== void 0 ? _c : '',
                            underReviewSince: since,
                            waitingMs: waitingMs,
                            waitingSeconds: Math.floor(waitingMs / 1000),
                            defenseOnFile: (_e = (_d = r.review) === null || _d === void 0 ? void 0 : _d.defenseOnFile) !== null && _e !== void 0 ? _e : false,
                            allowedViolations: (_g = (_f = r.review) === null || _f === void 0 ? void 0 : _f.allowedViolations) !== null && _g !== void 0 ? _g : [],
                            findings: (_j = (_h = r.review) === null || _h === void 0 ? void 0 : _h.findings) !== null && _j !== void 0 ? _j : [],
                            revision: Number(r.revision),
                        };
                        if (r.chosen_option)
                            item.choice = r.chosen_option;
                        return item;
                    });
                    return [2 /*return*/, withCursor(items, page.nextCursor)];
            }
        });
    });
}
/**
 * Aggregates a merchant's orders whose pickup due time lies in [start, end), as of `now`:
 *  - the week of an order is the calendar week (business timezone) of its 48 h pickup due time;
 *  - only orders assessed for late shipment (as of `now`) with a started clock count;
 *  - an order fully refunded on or before its pickup due time has no pickup obligation: it counts neither
 *    in the 48 h rate nor as late (as in assessShipping);
 *  - the rate's denominator holds the orders whose outcome is known: picked up already, or due time passed;
 *  - lateness as in assessShipping as of `now`; for an order due in a week that has ended this is the same
 *    as "as of the end of the week" (once an order is late it stays late).
 */
function weekShippingStats(db_1, merchantId_1, bounds_1, now_1) {
    return __awaiter(this, arguments, void 0, function (db, merchantId, bounds, now, opts) {
        var s, obligated, known, rows, r;
        var _a;
        if (opts === void 0) { opts = {}; }
        return __generator(this, function (_b) {
            switch (_b.label) {
                case 0:
                    s = (0, order_shipping_projection_1.shippingSql)('$4::timestamptz', 'o');
                    obligated = "NOT coalesce(".concat(s.refundedAt, " <= o.pickup_due_at, false)");
                    known = "($4::timestamptz > o.pickup_due_at OR ".concat(s.pickupDone, " IS NOT NULL)");
                    return [4 /*yield*/, db.query("SELECT\n       count(*) FILTER (WHERE ".concat(obligated, " AND ").concat(known, ")::int AS \"ordersDue48h\",\n       count(*) FILTER (WHERE ").concat(obligated, " AND ").concat(s.pickupDone, " <= o.pickup_due_at)::int AS \"pickedUpWithin48h\",\n       count(*) FILTER (WHERE ").concat(s.late, ")::int AS \"lateOrders\",\n       count(*) FILTER (WHERE ").concat(obligated, " AND NOT ").concat(known, ")::int AS \"pendingOrders\",\n       count(*) FILTER (WHERE NOT ").concat(obligated, ")::int AS \"refundedBeforeDue\"\n     FROM ").concat((_a = opts.prefix) !== null && _a !== void 0 ? _a : '', "order_shipping o\n     WHERE o.merchant_id = $1 AND o.pickup_due_at >= $2::timestamptz AND o.pickup_due_at < $3::timestamptz\n       AND ").concat(s.assessed, " AND ").concat(s.clock), [merchantId, bounds.start, bounds.end, now])];
                case 1:
                    rows = (_b.sent()).rows;
                    r = rows[0];
                    return [2 /*return*/, {
                            ordersDue48h: Number(r.ordersDue48h),
                            pickedUpWithin48h: Number(r.pickedUpWithin48h),
                            lateOrders: Number(r.lateOrders),
                            pendingOrders: Number(r.pendingOrders),
                            refundedBeforeDue: Number(r.refundedBeforeDue),
                        }];
            }
        });
    });
}
/**
 * JudgeContext.merchantWeek for judging a case of `merchantId` at `instant`: the merchant's shipping stats
 * for the calendar week (in `timezone`) containing `instant`, as of `now`.
 */
function merchantWeekStats(db_1, merchantId_1, instant_1, timezone_1, now_1) {
    return __awaiter(this, arguments, void 0, function (db, merchantId, instant, timezone, now, opts) {
        var week, stats;
        if (opts === void 0) { opts = {}; }
        return __generator(this, function (_a) {
            switch (_a.label) {
                case 0:
                    week = (0, domain_1.isoWeekOf)((0, cursor_1.instantArg)(instant, 'instant'), timezone);
                    return [4 /*yield*/, weekShippingStats(db, nonEmptyString(merchantId, 'merchantId'), (0, domain_1.weekBounds)(week, timezone), (0, cursor_1.instantArg)(now, 'now'), opts)];
                case 1:
                    stats = _a.sent();
                    return [2 /*return*/, { week: week, ordersDue48h: stats.ordersDue48h, pickedUpWithin48h: stats.pickedUpWithin48h, lateOrders: stats.lateOrders }];
            }
        });
    });
}
/** GET /merchants/{merchantId}/scorecard: one merchant's calendar week under a rules version. */
function scorecard(db, args) {
    return __awaiter(this, void 0, void 0, function () {
        var merchantId, rulesVersion, bounds, now, stats, penalty, rows, violations, judged, settled, _i, rows_1, r, n;
        var _a;
        return __generator(this, function (_b) {
            switch (_b.label) {
                case 0:
                    merchantId = nonEmptyString(args.merchantId, 'merchantId');
                    rulesVersion = (0, domain_1.parseRulesVersion)(args.rulesVersion);
                    bounds = (0, domain_1.weekBounds)(args.week, args.timezone);
                    now = (0, cursor_1.instantArg)(args.now, 'now');
                    return [4 /*yield*/, weekShippingStats(db, merchantId, bounds, now, args)];
                case 1:
                    stats = _b.sent();
                    penalty = (0, domain_1.weeklyPenaltyPoints)(rulesVersion, stats);
                    return [4 /*yield*/, db.query("SELECT kind, outcome, violation, count(*)::int AS n FROM ".concat((_a = args.prefix) !== null && _a !== void 0 ? _a : '', "judgements\n     WHERE merchant_id = $1 AND decided_at >= $2::timestamptz AND decided_at < $3::timestamptz\n     GROUP BY kind, outcome, violation"), [merchantId, bounds.start, bounds.end])];
                case 2:
                    rows = (_b.sent()).rows;
                    violations = Object.fromEntries(domain_1.VIOLATIONS.map(function (v) { return [v, 0]; }));
                    judged = 0;
                    settled = 0;
                    for (_i = 0, rows_1 = rows; _i < rows_1.length; _i++) {
                        r = rows_1[_i];
                        n = Number(r.n);
                        if (r.kind === 'SETTLEMENT')
                            settled += n;
                        else
                            judged += n;
                        if (r.outcome === 'MERCHANT_LIABLE' && r.violation && (0, domain_1.isOneOf)(domain_1.VIOLATIONS, r.violation))
                            violations[r.violation] += n;
                    }
                    return [2 /*return*/, __assign(__assign({ merchantId: merchantId, week: args.week, rulesVersion: rulesVersion, timezone: args.timezone, weekStart: bounds.start, weekEnd: bounds.end, asOf: now }, stats), { pickupRate48h: penalty.pickupRate48h, points: penalty.points, pointsBasis: penalty.basis, violations: violations, judged: judged, settled: settled })];
            }
        });
    });
}
