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
exports.addMinutes = exports.addHours = void 0;
exports.memoryDb = memoryDb;
exports.resetTables = resetTables;
exports.applyInBatches = applyInBatches;
exports.digests = digests;
/** Shared helpers of the projection specs (test-only; not exported from the barrel). */
var event_store_1 = require("@app/event-store");
var projection_1 = require("../../projection");
var rebuild_1 = require("../../rebuild");
var testing_1 = require("../testing");
function memoryDb() {
    return __awaiter(this, void 0, void 0, function () {
        return __generator(this, function (_a) {
            return [2 /*return*/, event_store_1.PgliteDatabase.create()];
        });
    });
}
/** Drops and recreates the projections' tables under `prefix`. */
function resetTables(db_1, projections_1) {
    return __awaiter(this, arguments, void 0, function (db, projections, prefix) {
        var _i, projections_2, p, _a, _b, t, _c, projections_3, p, _d, _e, ddl;
        if (prefix === void 0) { prefix = ''; }
        return __generator(this, function (_f) {
            switch (_f.label) {
                case 0:
                    _i = 0, projections_2 = projections;
                    _f.label = 1;
                case 1:
                    if (!(_i < projections_2.length)) return [3 /*break*/, 6];
                    p = projections_2[_i];
                    _a = 0, _b = p.tables;
                    _f.label = 2;
                case 2:
                    if (!(_a < _b.length)) return [3 /*break*/, 5];
                    t = _b[_a];
                    return [4 /*yield*/, db.query("DROP TABLE IF EXISTS ".concat(prefix).concat(t, " CASCADE"))];
                case 3:
                    _f.sent();
                    _f.label = 4;
                case 4:
                    _a++;
                    return [3 /*break*/, 2];
                case 5:
                    _i++;
                    return [3 /*break*/, 1];
                case 6:
                    _c = 0, projections_3 = projections;
                    _f.label = 7;
                case 7:
                    if (!(_c < projections_3.length)) return [3 /*break*/, 12];
                    p = projections_3[_c];
                    _d = 0, _e = p.ddl;
                    _f.label = 8;
                case 8:
                    if (!(_d < _e.length)) return [3 /*break*/, 11];
                    ddl = _e[_d];
                    return [4 /*yield*/, db.query((0, projection_1.withPrefix)(ddl, prefix))];
                case 9:
                    _f.sent();
                    _f.label = 10;
                case 10:
                    _d++;
                    return [3 /*break*/, 8];
                case 11:
                    _c++;
                    return [3 /*break*/, 7];
                case 12: return [2 /*return*/];
            }
        });
    });
}
/** Applies events in transactions of the given batch sizes (cycled), like the runner does. */
function applyInBatches(db_1, projections_1, events_1) {
    return __awaiter(this, arguments, void 0, function (db, projections, events, sizes, prefix) {
        var _loop_1, _i, _a, batch;
        var _this = this;
        if (sizes === void 0) { sizes = [1000]; }
        if (prefix === void 0) { prefix = ''; }
        return __generator(this, function (_b) {
            switch (_b.label) {
                case 0:
                    _loop_1 = function (batch) {
                        return __generator(this, function (_c) {
                            switch (_c.label) {
                                case 0: return [4 /*yield*/, db.transaction(function (tx) { return __awaiter(_this, void 0, void 0, function () {
                                        var _i, projections_4, p;
                                        return __generator(this, function (_a) {
                                            switch (_a.label) {
                                                case 0:
                                                    _i = 0, projections_4 = projections;
                                                    _a.label = 1;
                                                case 1:
                                                    if (!(_i < projections_4.length)) return [3 /*break*/, 4];
                                                    p = projections_4[_i];
                                                    return [4 /*yield*/, p.apply(tx, batch, prefix)];
                                                case 2:
                                                    _a.sent();
                                                    _a.label = 3;
                                                case 3:
                                                    _i++;
                                                    return [3 /*break*/, 1];
                                                case 4: return [2 /*return*/];
                                            }
                                        });
                                    }); })];
                                case 1:
                                    _c.sent();
                                    return [2 /*return*/];
                            }
                        });
                    };
                    _i = 0, _a = (0, testing_1.batches)(events, sizes);
                    _b.label = 1;
                case 1:
                    if (!(_i < _a.length)) return [3 /*break*/, 4];
                    batch = _a[_i];
                    return [5 /*yield**/, _loop_1(batch)];
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
}
function digests(db_1, projections_1) {
    return __awaiter(this, arguments, void 0, function (db, projections, prefix) {
        var out, _i, projections_5, p, _a, _b, t, d;
        if (prefix === void 0) { prefix = ''; }
        return __generator(this, function (_c) {
            switch (_c.label) {
                case 0:
                    out = {};
                    _i = 0, projections_5 = projections;
                    _c.label = 1;
                case 1:
                    if (!(_i < projections_5.length)) return [3 /*break*/, 6];
                    p = projections_5[_i];
                    _a = 0, _b = p.tables;
                    _c.label = 2;
                case 2:
                    if (!(_a < _b.length)) return [3 /*break*/, 5];
                    t = _b[_a];
                    return [4 /*yield*/, (0, rebuild_1.tableDigest)(db, prefix + t)];
                case 3:
                    d = _c.sent();
                    out[t] = "".concat(d.rows, ":").concat(d.digest);
                    _c.label = 4;
                case 4:
                    _a++;
                    return [3 /*break*/, 2];
                case 5:
                    _i++;
                    return [3 /*break*/, 1];
                case 6: return [2 /*return*/, out];
            }
        });
    });
}
var addHours = function (iso, h) { return new Date(Date.parse(iso) + h * 3600000).toISOString(); };
exports.addHours = addHours;
var addMinutes = function (iso, m) { return new Date(Date.parse(iso) + m * 60000).toISOString(); };
exports.addMinutes = addMinutes;
