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
exports.disputeStateProjection = exports.SETTLED_OUTCOME = exports.DISPUTE_STATE_DDL = exports.DISPUTE_STATE_PROJECTION = void 0;
exports.standingOption = standingOption;
exports.disputeStateRow = disputeStateRow;
exports.judgementRow = judgementRow;
exports.applyDisputeEvents = applyDisputeEvents;
/**
 * The dispute read models, all derived from one fold of each `dispute-{id}` stream with the domain's own
 * `evolve`, written in the same transaction (so the case list, the deadline index and the judgement list
 * can never disagree about a case):
 *
 *  - `dispute_state`: one row per dispute: the folded DisputeState (jsonb) plus the columns the case list
 *    and the adjudication queue filter and sort on.
 *  - `deadlines`: the domain's pendingDeadlines(state) after the dispute's latest event (the dispute's rows are
 *    replaced whenever it changes); the deadline runner polls it with dueDeadlines().
 *  - `judgements`: one row per dispute that is JUDGED or SETTLED (outcome 'SETTLED' for settlements); the
 *    row follows the case (a contested settlement leaves the list while under review and comes back judged).
 *
 * Deterministic: rows depend only on event data and `recordedAt` (updated_at), never on the clock.
 * Idempotent: an event at or below the stored revision is skipped, and the upsert is guarded by revision.
 */
var domain_1 = require("@app/domain");
var support_1 = require("./support");
exports.DISPUTE_STATE_PROJECTION = 'dispute_state';
exports.DISPUTE_STATE_DDL = [
    "CREATE TABLE IF NOT EXISTS {prefix}dispute_state (\n    dispute_id text PRIMARY KEY,\n    stream text NOT NULL,\n    order_id text NOT NULL,\n    merchant_id text NOT NULL,\n    consumer_id text NOT NULL,\n    revision integer NOT NULL,\n    status text NOT NULL,\n    flow text NOT NULL,\n    final boolean NOT NULL,\n    opened_at timestamptz NOT NULL,\n    response_due_at timestamptz NOT NULL,\n    chosen_option text,\n    review_reason text,\n    review_since timestamptz,\n    next_deadline text,\n    next_due_at timestamptz,\n    deadlines jsonb NOT NULL,\n    outcome text,\n    violation text,\n    decided_at timestamptz,\n    state jsonb NOT NULL,\n    updated_at timestamptz NOT NULL\n  )",
    "CREATE INDEX IF NOT EXISTS {prefix}dispute_state_opened_idx ON {prefix}dispute_state (opened_at, dispute_id)",
    "CREATE INDEX IF NOT EXISTS {prefix}dispute_state_merchant_idx ON {prefix}dispute_state (merchant_id, opened_at, dispute_id)",
    "CREATE INDEX IF NOT EXISTS {prefix}dispute_state_consumer_idx ON {prefix}dispute_state (consumer_id, opened_at, dispute_id)",
    "CREATE INDEX IF NOT EXISTS {prefix}dispute_state_status_idx ON {prefix}dispute_state (status, opened_at, dispute_id)",
    "CREATE INDEX IF NOT EXISTS {prefix}dispute_state_order_idx ON {prefix}dispute_state (order_id)",
    "CREATE INDEX IF NOT EXISTS {prefix}dispute_state_review_idx ON {prefix}dispute_state (review_since, dispute_id) WHERE status = 'UNDER_REVIEW'",
    "CREATE TABLE IF NOT EXISTS {prefix}deadlines (\n    dispute_id text NOT NULL,\n    deadline text NOT NULL,\n    due_at timestamptz NOT NULL,\n    revision integer NOT NULL,\n    PRIMARY KEY (dispute_id, deadline)\n  )",
    "CREATE INDEX IF NOT EXISTS {prefix}deadlines_due_idx ON {prefix}deadlines (due_at, dispute_id, deadline)",
    "CREATE TABLE IF NOT EXISTS {prefix}judgements (\n    dispute_id text PRIMARY KEY,\n    order_id text NOT NULL,\n    merchant_id text NOT NULL,\n    consumer_id text NOT NULL,\n    kind text NOT NULL,\n    outcome text NOT NULL,\n    violation text,\n    chosen_option text,\n    settled_via text,\n    refund boolean,\n    decided_by text,\n    rules_version text,\n    decided_at timestamptz NOT NULL,\n    points integer NOT NULL,\n    penalty_basis text,\n    merchant_week jsonb,\n    judgement jsonb,\n    final boolean NOT NULL,\n    revision integer NOT NULL\n  )",
    "CREATE INDEX IF NOT EXISTS {prefix}judgements_decided_idx ON {prefix}judgements (decided_at, dispute_id)",
    "CREATE INDEX IF NOT EXISTS {prefix}judgements_merchant_idx ON {prefix}judgements (merchant_id, decided_at, dispute_id)",
];
var STATE_COLUMNS = [
    ['dispute_id', 'text'],
    ['stream', 'text'],
    ['order_id', 'text'],
    ['merchant_id', 'text'],
    ['consumer_id', 'text'],
    ['revision', 'integer'],
    ['status', 'text'],
    ['flow', 'text'],
    ['final', 'boolean'],
    ['opened_at', 'timestamptz'],
    ['response_due_at', 'timestamptz'],
    ['chosen_option', 'text'],
    ['review_reason', 'text'],
    ['review_since', 'timestamptz'],
    ['next_deadline', 'text'],
    ['next_due_at', 'timestamptz'],
    ['deadlines', 'jsonb'],
    ['outcome', 'text'],
    ['violation', 'text'],
    ['decided_at', 'timestamptz'],
    ['state', 'jsonb'],
    ['updated_at', 'timestamptz'],
];
var DEADLINE_COLUMNS = [
    ['dispute_id', 'text'],
    ['deadline', 'text'],
    ['due_at', 'timestamptz'],
    ['revision', 'integer'],
];
var JUDGEMENT_COLUMNS = [
    ['dispute_id', 'text'],
    ['order_id', 'text'],
    ['merchant_id', 'text'],
    ['consumer_id', 'text'],
    ['kind', 'text'],
    ['outcome', 'text'],
    ['violation', 'text'],
    ['chosen_option', 'text'],
    ['settled_via', 'text'],
    ['refund', 'boolean'],
    ['decided_by', 'text'],
    ['rules_version', 'text'],
    ['decided_at', 'timestamptz'],
    ['points', 'integer'],
    ['penalty_basis', 'text'],
    ['merchant_week', 'jsonb'],
    ['judgement', 'jsonb'],
    ['final', 'boolean'],
    ['revision', 'integer'],
];
/** What a settled dispute's row says in `outcome` (judged rows carry MERCHANT_LIABLE / MERCHANT_NOT_LIABLE). */
exports.SETTLED_OUTCOME = 'SETTLED';
/** The option that stands for the case: the settlement if one was filed (legacy may also hold a defense), else the defense. */
function standingOption(state) {
    var _a, _b, _c;
    return (_c = (_b = ((_a = state.settlementChoice) !== null && _a !== void 0 ? _a : state.defenseChoice)) === null || _b === void 0 ? void 0 : _b.option) !== null && _c !== void 0 ? _c : null;
}
function disputeStateRow(state, meta) {
    var _a, _b, _c, _d, _e, _f, _g, _h;
    var deadlines = (0, domain_1.pendingDeadlines)(state);
    var judged = state.status === 'JUDGED' && state.judgement ? state.judgement : null;
    return {
        dispute_id: meta.id,
        stream: meta.stream,
        order_id: state.orderId,
        merchant_id: state.merchantId,
        consumer_id: state.consumerId,
        revision: meta.revision,
        status: state.status,
        flow: state.flow,
        final: (0, domain_1.isFinal)(state),
        opened_at: (0, support_1.isoOrNull)(state.openedAt),
        response_due_at: (0, support_1.isoOrNull)(state.responseDueAt),
        chosen_option: standingOption(state),
        review_reason: state.status === 'UNDER_REVIEW' ? ((_b = (_a = state.review) === null || _a === void 0 ? void 0 : _a.reason) !== null && _b !== void 0 ? _b : null) : null,
        review_since: state.status === 'UNDER_REVIEW' ? (0, support_1.isoOrNull)((_c = state.review) === null || _c === void 0 ? void 0 : _c.since) : null,
        next_deadline: (_e = (_d = deadlines[0]) === null || _d === void 0 ? void 0 : _d.deadline) !== null && _e !== void 0 ? _e : null,
        next_due_at: (0, support_1.isoOrNull)((_f = deadlines[0]) === null || _f === void 0 ? void 0 : _f.dueAt),
        deadlines: deadlines,
        outcome: judged ? judged.outcome : state.status === 'SETTLED' ? exports.SETTLED_OUTCOME : null,
        violation: (_g = judged === null || judged === void 0 ? void 0 : judged.violation) !== null && _g !== void 0 ? _g : null,
        decided_at: judged ? (0, support_1.isoOrNull)(judged.decidedAt) : state.status === 'SETTLED' ? (0, support_1.isoOrNull)((_h = state.settlement) === null || _h === void 0 ? void 0 : _h.settledAt) : null,
        state: state,
        updated_at: (0, support_1.isoOrNull)(meta.updatedAt),
    };
}
/** The judgements row of a dispute, or null while it is neither JUDGED nor SETTLED. */
function judgementRow(state, meta) {
    var _a, _b, _c, _d, _e, _f, _g;
    var base = {
        dispute_id: meta.id,
        order_id: state.orderId,
        merchant_id: state.merchantId,
        consumer_id: state.consumerId,
        chosen_option: standingOption(state),
        final: (0, domain_1.isFinal)(state),
        revision: meta.revision,
    };
    if (state.status === 'JUDGED' && state.judgement) {
        var j = state.judgement;
        return __assign(__assign({}, base), { kind: 'JUDGEMENT', outcome: j.outcome, violation: (_a = j.violation) !== null && _a !== void 0 ? _a : null, settled_via: null, refund: null, decided_by: j.decidedBy, rules_version: j.rulesVersion, decided_at: (0, support_1.isoOrNull)(j.decidedAt), points: (_c = (_b = j.penalty) === null || _b === void 0 ? void 0 : _b.points) !== null && _c !== void 0 ? _c : 0, penalty_basis: (_e = (_d = j.penalty) === null || _d === void 0 ? void 0 : _d.basis) !== null && _e !== void 0 ? _e : null, merchant_week: (_g = (_f = state.judgementContext) === null || _f === void 0 ? void 0 : _f.merchantWeek) !== null && _g !== void 0 ? _g : null, judgement: j });
    }
    if (state.status === 'SETTLED' && state.settlement) {
        var s = state.settlement;
        return __assign(__assign({}, base), { kind: 'SETTLEMENT', outcome: exports.SETTLED_OUTCOME, violation: null, chosen_option: s.option, settled_via: s.via, refund: s.refund, decided_by: null, rules_version: null, decided_at: (0, support_1.isoOrNull)(s.settledAt), points: 0, penalty_basis: null, merchant_week: null, judgement: null });
    }
    return null;
}
function loadStates(tx, prefix, ids) {
    return __awaiter(this, void 0, void 0, function () {
        var rows;
        return __generator(this, function (_a) {
            switch (_a.label) {
                case 0: return [4 /*yield*/, tx.query("SELECT dispute_id, revision, state FROM ".concat(prefix, "dispute_state WHERE ").concat((0, support_1.IN_IDS)('dispute_id', '$1')), [JSON.stringify(ids)])];
                case 1:
                    rows = (_a.sent()).rows;
                    return [2 /*return*/, rows.map(function (r) { return ({ id: r.dispute_id, revision: Number(r.revision), state: r.state }); })];
            }
        });
    });
}
/** Applies a batch to the three dispute tables (exported for tests and for the projection factory). */
function applyDisputeEvents(tx, events, prefix) {
    return __awaiter(this, void 0, void 0, function () {
        var changed, list, ids;
        return __generator(this, function (_a) {
            switch (_a.label) {
                case 0: return [4 /*yield*/, (0, support_1.foldBatch)({
                        projection: exports.DISPUTE_STATE_PROJECTION,
                        tx: tx,
                        events: events,
                        streamPrefix: support_1.DISPUTE_STREAM_PREFIX,
                        load: function (x, ids) { return loadStates(x, prefix, ids); },
                        initial: domain_1.dispute.initialState,
                        evolve: domain_1.dispute.evolve,
                    })];
                case 1:
                    changed = _a.sent();
                    if (changed.size === 0)
                        return [2 /*return*/];
                    list = __spreadArray([], changed.values(), true).filter(function (c) { return c.state.status !== 'NONE'; });
                    ids = JSON.stringify(list.map(function (c) { return c.id; }));
                    return [4 /*yield*/, (0, support_1.upsertRows)(tx, "".concat(prefix, "dispute_state"), STATE_COLUMNS, ['dispute_id'], list.map(function (c) { return disputeStateRow(c.state, c); }), "".concat(prefix, "dispute_state.revision < EXCLUDED.revision"))];
                case 2:
                    _a.sent();
                    return [4 /*yield*/, tx.query("DELETE FROM ".concat(prefix, "deadlines WHERE ").concat((0, support_1.IN_IDS)('dispute_id', '$1')), [ids])];
                case 3:
                    _a.sent();
                    return [4 /*yield*/, (0, support_1.upsertRows)(tx, "".concat(prefix, "deadlines"), DEADLINE_COLUMNS, ['dispute_id', 'deadline'], list.flatMap(function (c) { return (0, domain_1.pendingDeadlines)(c.state).map(function (d) { return ({ dispute_id: c.id, deadline: d.deadline, due_at: (0, support_1.isoOrNull)(d.dueAt), revision: c.revision }); }); }))];
                case 4:
                    _a.sent();
                    return [4 /*yield*/, tx.query("DELETE FROM ".concat(prefix, "judgements WHERE ").concat((0, support_1.IN_IDS)('dispute_id', '$1')), [ids])];
                case 5:
                    _a.sent();
                    return [4 /*yield*/, (0, support_1.upsertRows)(tx, "".concat(prefix, "judgements"), JUDGEMENT_COLUMNS, ['dispute_id'], list.map(function (c) { return judgementRow(c.state, c); }).filter(function (r) { return r !== null; }))];
                case 6:
                    _a.sent();
                    return [2 /*return*/];
            }
        });
    });
}
exports.disputeStateProjection = {
    name: exports.DISPUTE_STATE_PROJECTION,
    tables: ['dispute_state', 'deadlines', 'judgements'],
    ddl: exports.DISPUTE_STATE_DDL,
    apply: applyDisputeEvents,
};
