"use strict";
var __extends = (this && this.__extends) || (function () {
    var extendStatics = function (d, b) {
        extendStatics = Object.setPrototypeOf ||
            ({ __proto__: [] } instanceof Array && function (d, b) { d.__proto__ = b; }) ||
            function (d, b) { for (var p in b) if (Object.prototype.hasOwnProperty.call(b, p)) d[p] = b[p]; };
        return extendStatics(d, b);
    };
    return function (d, b) {
        if (typeof b !== "function" && b !== null)
            throw new TypeError("Class extends value " + String(b) + " is not a constructor or null");
        extendStatics(d, b);
        function __() { this.constructor = d; }
        d.prototype = b === null ? Object.create(b) : (__.prototype = b.prototype, new __());
    };
})();
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
exports.IN_IDS = exports.ProjectionGapError = exports.ORDER_STREAM_PREFIX = exports.DISPUTE_STREAM_PREFIX = void 0;
exports.streamEntityId = streamEntityId;
exports.foldBatch = foldBatch;
exports.isoOrNull = isoOrNull;
exports.upsertRows = upsertRows;
exports.DISPUTE_STREAM_PREFIX = 'dispute-';
exports.ORDER_STREAM_PREFIX = 'order-';
/**
 * A stream's events reached a projection out of sequence (a revision was skipped). Projections apply every
 * event of their streams in global order, so this means the log or the read model is damaged; the batch is
 * rolled back (the checkpoint does not move) rather than writing a wrong row.
 */
var ProjectionGapError = /** @class */ (function (_super) {
    __extends(ProjectionGapError, _super);
    function ProjectionGapError(projection, stream, expectedRevision, actualRevision) {
        var _this = _super.call(this, "".concat(projection, ": stream ").concat(stream, " skipped from revision ").concat(expectedRevision - 1, " to ").concat(actualRevision)) || this;
        _this.projection = projection;
        _this.stream = stream;
        _this.expectedRevision = expectedRevision;
        _this.actualRevision = actualRevision;
        _this.name = 'ProjectionGapError';
        return _this;
    }
    return ProjectionGapError;
}(Error));
exports.ProjectionGapError = ProjectionGapError;
/** The id an aggregate stream is about: `dispute-D1` → `D1` (the stream name is the source of truth). */
function streamEntityId(stream, prefix) {
    return stream.slice(prefix.length);
}
/** Selects rows whose key is one of `ids` (passed as one jsonb array: the same SQL on pg and PGlite). */
var IN_IDS = function (column, param) { return "".concat(column, " IN (SELECT jsonb_array_elements_text(").concat(param, "::jsonb))"); };
exports.IN_IDS = IN_IDS;
/**
 * Folds the events of one batch per stream, starting from the state stored for each stream, and returns
 * only the streams that changed. Events at or below the stored revision are skipped (re-applying a batch is a
 * no-op); a skipped revision throws {@link ProjectionGapError}.
 */
function foldBatch(args) {
    return __awaiter(this, void 0, void 0, function () {
        var mine, changed, ids, stored, _a, current, _i, mine_1, e, id, cur, next;
        var _b, _c;
        return __generator(this, function (_d) {
            switch (_d.label) {
                case 0:
                    mine = args.events.filter(function (e) { return e.stream.startsWith(args.streamPrefix); });
                    changed = new Map();
                    if (mine.length === 0)
                        return [2 /*return*/, changed];
                    ids = __spreadArray([], new Set(mine.map(function (e) { return streamEntityId(e.stream, args.streamPrefix); })), true);
                    _a = Map.bind;
                    return [4 /*yield*/, args.load(args.tx, ids)];
                case 1:
                    stored = new (_a.apply(Map, [void 0, (_d.sent()).map(function (r) { return [r.id, r]; })]))();
                    current = new Map();
                    for (_i = 0, mine_1 = mine; _i < mine_1.length; _i++) {
                        e = mine_1[_i];
                        id = streamEntityId(e.stream, args.streamPrefix);
                        cur = (_c = (_b = current.get(id)) !== null && _b !== void 0 ? _b : stored.get(id)) !== null && _c !== void 0 ? _c : { revision: -1, state: args.initial() };
                        if (e.revision <= cur.revision)
                            continue;
                        if (e.revision !== cur.revision + 1)
                            throw new ProjectionGapError(args.projection, e.stream, cur.revision + 1, e.revision);
                        next = { revision: e.revision, state: args.evolve(cur.state, { type: e.type, data: e.data }) };
                        current.set(id, next);
                        changed.set(id, { id: id, stream: e.stream, revision: e.revision, state: next.state, updatedAt: e.recordedAt });
                    }
                    return [2 /*return*/, changed];
            }
        });
    });
}
/** Canonical ISO of a stored/recorded instant string (null/empty → null). */
function isoOrNull(v) {
    if (v === null || v === undefined || v === '')
        return null;
    return new Date(Date.parse(v)).toISOString();
}
/** Upsert of many rows in one statement via jsonb_to_recordset (keeps a batch to a handful of round trips). */
function upsertRows(tx, table, columns, key, rows, guard) {
    return __awaiter(this, void 0, void 0, function () {
        var names, spec, updates, conflict;
        return __generator(this, function (_a) {
            switch (_a.label) {
                case 0:
                    if (rows.length === 0)
                        return [2 /*return*/];
                    names = columns.map(function (_a) {
                        var n = _a[0];
                        return n;
                    });
                    spec = columns.map(function (_a) {
                        var n = _a[0], t = _a[1];
                        return "".concat(n, " ").concat(t);
                    }).join(', ');
                    updates = names.filter(function (n) { return !key.includes(n); }).map(function (n) { return "".concat(n, " = EXCLUDED.").concat(n); });
                    conflict = updates.length ? "DO UPDATE SET ".concat(updates.join(', ')).concat(guard ? " WHERE ".concat(guard) : '') : 'DO NOTHING';
                    return [4 /*yield*/, tx.query("INSERT INTO ".concat(table, " (").concat(names.join(', '), ") SELECT ").concat(names.join(', '), " FROM jsonb_to_recordset($1::jsonb) AS x(").concat(spec, ")\n     ON CONFLICT (").concat(key.join(', '), ") ").concat(conflict), [JSON.stringify(rows)])];
                case 1:
                    _a.sent();
                    return [2 /*return*/];
            }
        });
    });
}
