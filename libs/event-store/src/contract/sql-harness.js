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
exports.createThrowawayDatabase = createThrowawayDatabase;
exports.makeTempDir = makeTempDir;
exports.appendOn = appendOn;
exports.holdOpenAppend = holdOpenAppend;
exports.createSqlHarness = createSqlHarness;
/** Test support for the SQL adapters: throwaway PostgreSQL databases, temp PGlite dirs, held-open appends. */
var node_crypto_1 = require("node:crypto");
var fs = require("node:fs");
var os = require("node:os");
var path = require("node:path");
var pg_1 = require("pg");
var append_support_1 = require("../append-support");
var create_event_store_1 = require("../create-event-store");
var pg_database_1 = require("../sql/pg-database");
var sql_event_store_1 = require("../sql/sql-event-store");
var sleep = function (ms) { return new Promise(function (r) { return setTimeout(r, ms); }); };
/**
 * Creates a fresh database `<prefix>_<random>` on the server of DATABASE_URL (default
 * postgres://postgres@127.0.0.1:5432/postgres). Throws when the server is unreachable: tests must fail, not skip.
 */
function createThrowawayDatabase() {
    return __awaiter(this, arguments, void 0, function (prefix) {
        var adminUrl, name, admin, e_1, u;
        if (prefix === void 0) { prefix = 'es_contract'; }
        return __generator(this, function (_a) {
            switch (_a.label) {
                case 0:
                    adminUrl = process.env.DATABASE_URL || pg_database_1.DEFAULT_DATABASE_URL;
                    name = "".concat(prefix, "_").concat((0, node_crypto_1.randomBytes)(6).toString('hex'));
                    admin = new pg_1.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5000 });
                    _a.label = 1;
                case 1:
                    _a.trys.push([1, 3, , 4]);
                    return [4 /*yield*/, admin.connect()];
                case 2:
                    _a.sent();
                    return [3 /*break*/, 4];
                case 3:
                    e_1 = _a.sent();
                    throw new Error("PostgreSQL is not reachable at ".concat(adminUrl.replace(/:[^:@/]*@/, ':***@'), ": ").concat(e_1.message));
                case 4:
                    _a.trys.push([4, , 6, 8]);
                    return [4 /*yield*/, admin.query("CREATE DATABASE \"".concat(name, "\""))];
                case 5:
                    _a.sent();
                    return [3 /*break*/, 8];
                case 6: return [4 /*yield*/, admin.end()];
                case 7:
                    _a.sent();
                    return [7 /*endfinally*/];
                case 8:
                    u = new URL(adminUrl);
                    u.pathname = "/".concat(name);
                    return [2 /*return*/, {
                            url: u.toString(),
                            name: name,
                            drop: function () {
                                return __awaiter(this, void 0, void 0, function () {
                                    var c;
                                    return __generator(this, function (_a) {
                                        switch (_a.label) {
                                            case 0:
                                                c = new pg_1.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5000 });
                                                return [4 /*yield*/, c.connect()];
                                            case 1:
                                                _a.sent();
                                                _a.label = 2;
                                            case 2:
                                                _a.trys.push([2, , 4, 6]);
                                                return [4 /*yield*/, c.query("DROP DATABASE IF EXISTS \"".concat(name, "\" WITH (FORCE)"))];
                                            case 3:
                                                _a.sent();
                                                return [3 /*break*/, 6];
                                            case 4: return [4 /*yield*/, c.end()];
                                            case 5:
                                                _a.sent();
                                                return [7 /*endfinally*/];
                                            case 6: return [2 /*return*/];
                                        }
                                    });
                                });
                            },
                        }];
            }
        });
    });
}
function makeTempDir(prefix) {
    if (prefix === void 0) { prefix = 'es-contract-'; }
    var dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    return { dir: dir, remove: function () { return fs.rmSync(dir, { recursive: true, force: true }); } };
}
/** Locks (creating if needed) the stream row on `tx`, then appends through es_append: the store's own SQL path. */
function appendOn(tx, stream, events) {
    return __awaiter(this, void 0, void 0, function () {
        var rows, head, prepared, chained, _a, sql, params;
        return __generator(this, function (_b) {
            switch (_b.label) {
                case 0: return [4 /*yield*/, tx.query("INSERT INTO es_streams (stream_id) VALUES ($1) ON CONFLICT (stream_id) DO NOTHING", [stream])];
                case 1:
                    _b.sent();
                    return [4 /*yield*/, tx.query("SELECT revision, last_hash FROM es_streams WHERE stream_id = $1 FOR UPDATE", [stream])];
                case 2:
                    rows = (_b.sent()).rows;
                    head = { revision: Number(rows[0].revision), hash: rows[0].last_hash };
                    prepared = (0, append_support_1.prepareEvents)(stream, events);
                    chained = (0, append_support_1.chainEvents)(stream, prepared, head, new Date().toISOString());
                    _a = (0, sql_event_store_1.buildAppendStatement)(stream, chained, 'any', head, events.some(function (e) { return e.eventId !== undefined; })), sql = _a.sql, params = _a.params;
                    return [4 /*yield*/, tx.query(sql, params)];
                case 3:
                    _b.sent();
                    return [2 /*return*/];
            }
        });
    });
}
/**
 * PostgreSQL: a raw pg client (outside the store's pool) runs BEGIN, the append, waits `holdMs`, COMMIT.
 * PGlite: the same inside db.transaction() (the only connection, so everything else queues behind it).
 */
function holdOpenAppend(db, url, stream, events, holdMs) {
    var _this = this;
    var markInserted;
    var failInserted;
    var inserted = new Promise(function (res, rej) {
        markInserted = res;
        failInserted = rej;
    });
    var committed = (function () { return __awaiter(_this, void 0, void 0, function () {
        var client_1, e_2, e_3;
        var _this = this;
        return __generator(this, function (_a) {
            switch (_a.label) {
                case 0:
                    _a.trys.push([0, 15, , 16]);
                    if (!url) return [3 /*break*/, 12];
                    client_1 = new pg_1.Client({ connectionString: url });
                    return [4 /*yield*/, client_1.connect()];
                case 1:
                    _a.sent();
                    _a.label = 2;
                case 2:
                    _a.trys.push([2, 7, 9, 11]);
                    return [4 /*yield*/, client_1.query('BEGIN')];
                case 3:
                    _a.sent();
                    return [4 /*yield*/, appendOn({ query: function (sql, params) { return __awaiter(_this, void 0, void 0, function () {
                                var r;
                                var _a;
                                return __generator(this, function (_b) {
                                    switch (_b.label) {
                                        case 0: return [4 /*yield*/, client_1.query(sql, params)];
                                        case 1:
                                            r = _b.sent();
                                            return [2 /*return*/, { rows: r.rows, rowCount: (_a = r.rowCount) !== null && _a !== void 0 ? _a : 0 }];
                                    }
                                });
                            }); } }, stream, events)];
                case 4:
                    _a.sent();
                    markInserted();
                    return [4 /*yield*/, sleep(holdMs)];
                case 5:
                    _a.sent();
                    return [4 /*yield*/, client_1.query('COMMIT')];
                case 6:
                    _a.sent();
                    return [3 /*break*/, 11];
                case 7:
                    e_2 = _a.sent();
                    return [4 /*yield*/, client_1.query('ROLLBACK').catch(function () { return undefined; })];
                case 8:
                    _a.sent();
                    throw e_2;
                case 9: return [4 /*yield*/, client_1.end()];
                case 10:
                    _a.sent();
                    return [7 /*endfinally*/];
                case 11: return [3 /*break*/, 14];
                case 12: return [4 /*yield*/, db.transaction(function (tx) { return __awaiter(_this, void 0, void 0, function () {
                        return __generator(this, function (_a) {
                            switch (_a.label) {
                                case 0: return [4 /*yield*/, appendOn(tx, stream, events)];
                                case 1:
                                    _a.sent();
                                    markInserted();
                                    return [4 /*yield*/, sleep(holdMs)];
                                case 2:
                                    _a.sent();
                                    return [2 /*return*/];
                            }
                        });
                    }); })];
                case 13:
                    _a.sent();
                    _a.label = 14;
                case 14: return [3 /*break*/, 16];
                case 15:
                    e_3 = _a.sent();
                    failInserted(e_3);
                    throw e_3;
                case 16: return [2 /*return*/];
            }
        });
    }); })();
    committed.catch(function () { return undefined; });
    return { inserted: inserted, committed: committed };
}
/** A contract harness over createEventStore() for 'embedded' (temp data dir) or 'postgres' (throwaway database). */
function createSqlHarness(kind) {
    return __awaiter(this, void 0, void 0, function () {
        var temp, pgdb, _a, open, handles, harness;
        var _b;
        return __generator(this, function (_c) {
            switch (_c.label) {
                case 0:
                    temp = kind === 'embedded' ? makeTempDir() : null;
                    if (!(kind === 'postgres')) return [3 /*break*/, 2];
                    return [4 /*yield*/, createThrowawayDatabase()];
                case 1:
                    _a = _c.sent();
                    return [3 /*break*/, 3];
                case 2:
                    _a = null;
                    _c.label = 3;
                case 3:
                    pgdb = _a;
                    open = function () {
                        return (0, create_event_store_1.createEventStore)(kind === 'embedded' ? { kind: kind, dataDir: temp.dir } : { kind: kind, databaseUrl: pgdb.url, poolSize: 10 });
                    };
                    return [4 /*yield*/, open()];
                case 4:
                    handles = _c.sent();
                    harness = {
                        store: handles.store,
                        url: (_b = pgdb === null || pgdb === void 0 ? void 0 : pgdb.url) !== null && _b !== void 0 ? _b : null,
                        concurrentTransactions: kind === 'postgres',
                        handles: function () { return handles; },
                        restart: function () {
                            return __awaiter(this, void 0, void 0, function () {
                                return __generator(this, function (_a) {
                                    switch (_a.label) {
                                        case 0: return [4 /*yield*/, handles.close()];
                                        case 1:
                                            _a.sent();
                                            return [4 /*yield*/, open()];
                                        case 2:
                                            handles = _a.sent();
                                            harness.store = handles.store;
                                            return [2 /*return*/];
                                    }
                                });
                            });
                        },
                        close: function () {
                            return __awaiter(this, void 0, void 0, function () {
                                return __generator(this, function (_a) {
                                    switch (_a.label) {
                                        case 0: return [4 /*yield*/, handles.close().catch(function () { return undefined; })];
                                        case 1:
                                            _a.sent();
                                            return [4 /*yield*/, (pgdb === null || pgdb === void 0 ? void 0 : pgdb.drop())];
                                        case 2:
                                            _a.sent();
                                            temp === null || temp === void 0 ? void 0 : temp.remove();
                                            return [2 /*return*/];
                                    }
                                });
                            });
                        },
                        holdOpenAppend: function (stream, events, holdMs) {
                            var _a;
                            return holdOpenAppend(handles.db, (_a = pgdb === null || pgdb === void 0 ? void 0 : pgdb.url) !== null && _a !== void 0 ? _a : null, stream, events, holdMs);
                        },
                    };
                    return [2 /*return*/, harness];
            }
        });
    });
}
