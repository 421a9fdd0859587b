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
var _a;
Object.defineProperty(exports, "__esModule", { value: true });
exports.PgliteDatabase = exports.PgliteReentrancyError = exports.PgliteQueryError = void 0;
var node_async_hooks_1 = require("node:async_hooks");
var fs = require("node:fs");
var path = require("node:path");
var type_parsers_1 = require("./type-parsers");
var pgliteModule = null;
/**
 * Loads PGlite with Node's own `require`, not the one of the module system we run in. PGlite's WASM loader
 * uses dynamic `import()` of Node built-ins, which Jest's sandbox refuses ("A dynamic import callback was
 * invoked without --experimental-vm-modules"); Node's loader has no such limit. Outside Jest this is the
 * same as a plain require. Consequence inside Jest: PGlite's objects come from Node's main realm, so
 * PgliteDatabase re-creates rows, parsed values and errors in the caller's realm (see below), keeping
 * `instanceof Date/Error` and toStrictEqual working in tests.
 */
function loadPglite() {
    if (pgliteModule)
        return pgliteModule;
    var getBuiltinModule = process.getBuiltinModule;
    if (typeof getBuiltinModule === 'function') {
        var createRequire = getBuiltinModule('node:module').createRequire;
        pgliteModule = createRequire(__filename)('@electric-sql/pglite');
    }
    else {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        pgliteModule = require('@electric-sql/pglite');
    }
    return pgliteModule;
}
/** Text parsers creating values in this realm, and matching PgDatabase's results. */
var PARSERS = (_a = {},
    _a[type_parsers_1.OID.INT8] = type_parsers_1.parseInt8,
    _a[type_parsers_1.OID.DATE] = type_parsers_1.parseDate,
    _a[type_parsers_1.OID.TIMESTAMP] = type_parsers_1.parseTimestampUtc,
    _a[1184] = function (v) { return (v === 'infinity' || v === '-infinity' ? v : new Date(v)); },
    _a[114] = function (v) { return JSON.parse(v); },
    _a[3802] = function (v) { return JSON.parse(v); },
    _a[17] = function (v) { return (v.startsWith('\\x') ? Buffer.from(v.slice(2), 'hex') : Buffer.from(v)); },
    _a);
/** An error raised by PGlite, re-created in this realm with the same fields as pg's DatabaseError. */
var PgliteQueryError = /** @class */ (function (_super) {
    __extends(PgliteQueryError, _super);
    function PgliteQueryError() {
        return _super !== null && _super.apply(this, arguments) || this;
    }
    return PgliteQueryError;
}(Error));
exports.PgliteQueryError = PgliteQueryError;
function normalizeError(e) {
    var _a;
    if (e instanceof Error)
        return e; // same realm: already a proper Error
    if (e === null || typeof e !== 'object')
        return e;
    var src = e;
    var err = new PgliteQueryError(String((_a = src.message) !== null && _a !== void 0 ? _a : 'PGlite error'));
    for (var _i = 0, _b = Object.keys(src); _i < _b.length; _i++) {
        var key = _b[_i];
        if (key === 'query' || key === 'params' || key === 'queryOptions')
            continue;
        var v = src[key];
        if (v !== undefined && (typeof v === 'string' || typeof v === 'number'))
            err[key] = v;
    }
    err.name = typeof src.name === 'string' && src.name !== 'Error' ? src.name : 'PgliteQueryError';
    if (typeof src.stack === 'string')
        err.stack = src.stack;
    return err;
}
/** Thrown instead of dead-locking when code inside `transaction()` calls the outer database. */
var PgliteReentrancyError = /** @class */ (function (_super) {
    __extends(PgliteReentrancyError, _super);
    function PgliteReentrancyError(method) {
        var _this = _super.call(this, "PgliteDatabase.".concat(method, "() was called from inside a running transaction on the same database. PGlite has a single ") +
            "connection and serialises transactions, so this would wait for itself forever: use the transaction's executor (tx.query).") || this;
        _this.name = 'PgliteReentrancyError';
        return _this;
    }
    return PgliteReentrancyError;
}(Error));
exports.PgliteReentrancyError = PgliteReentrancyError;
var ISOLATION_SQL = {
    'read committed': 'READ COMMITTED',
    'repeatable read': 'REPEATABLE READ',
    serializable: 'SERIALIZABLE',
};
var txContext = new node_async_hooks_1.AsyncLocalStorage();
/** Directories opened by this process (PGlite must never run twice on the same files). */
var openDirs = new Set();
function toResult(r) {
    var _a;
    if (!r)
        return { rows: [], rowCount: 0 };
    // Row objects are re-created here (cheap) so they belong to the caller's realm (see loadPglite).
    var rows = r.rows.map(function (row) { return (__assign({}, row)); });
    return { rows: rows, rowCount: rows.length > 0 ? rows.length : ((_a = r.affectedRows) !== null && _a !== void 0 ? _a : 0) };
}
function processAlive(pid) {
    try {
        process.kill(pid, 0);
        return true;
    }
    catch (e) {
        return e.code === 'EPERM';
    }
}
/** Takes `<dataDir>.lock` (O_EXCL, holding our pid); a lock left by a dead process is taken over. */
function lockDataDir(dir) {
    if (openDirs.has(dir))
        throw new Error("PGlite data directory ".concat(dir, " is already open in this process"));
    var lockFile = "".concat(dir, ".lock");
    for (var attempt = 0;; attempt++) {
        try {
            var fd = fs.openSync(lockFile, 'wx');
            fs.writeSync(fd, String(process.pid));
            fs.closeSync(fd);
            break;
        }
        catch (e) {
            if (e.code !== 'EEXIST' || attempt > 2)
                throw e;
            var owner = NaN;
            try {
                owner = Number(fs.readFileSync(lockFile, 'utf8').trim());
            }
            catch (_a) {
                // vanished in between: retry
            }
            if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && processAlive(owner)) {
                throw new Error("PGlite data directory ".concat(dir, " is in use by process ").concat(owner, " (lock file ").concat(lockFile, ")"));
            }
            fs.rmSync(lockFile, { force: true }); // stale (dead owner, or ours from a crashed instance)
        }
    }
    openDirs.add(dir);
    return function () {
        openDirs.delete(dir);
        fs.rmSync(lockFile, { force: true });
    };
}
/**
 * SqlDatabase over PGlite (PostgreSQL compiled to WASM, running in this process on ONE connection).
 *
 * Serialization: PGlite (0.5.x) funnels `query()`, `exec()`, `listen()` and `transaction()` through one
 * transaction mutex, and the statements inside a transaction through a query mutex. So a query issued from
 * outside a running transaction waits until that transaction committed or rolled back; it never interleaves
 * with it (the spec `pglite-database.spec.ts` pins this down). The flip side: calling the *outer* database
 * from inside `transaction()` would wait for itself; that is detected (AsyncLocalStorage) and thrown as
 * {@link PgliteReentrancyError}.
 *
 * `query` without parameters may contain several statements (like node-postgres's simple protocol); the
 * last statement's result is returned. Result types are aligned with PgDatabase (see type-parsers.ts).
 * `tryAcquireLock` is an in-process lock; `listen` uses PGlite's LISTEN/NOTIFY.
 */
var PgliteDatabase = /** @class */ (function () {
    function PgliteDatabase(pglite, dataDir, unlockDir) {
        this.pglite = pglite;
        this.dataDir = dataDir;
        this.unlockDir = unlockDir;
        this.kind = 'pglite';
        this.locks = new Set();
        this.closed = false;
    }
    PgliteDatabase.create = function () {
        return __awaiter(this, arguments, void 0, function (options) {
            var dataDir, unlock, PGlite_1, pglite, err_1;
            if (options === void 0) { options = {}; }
            return __generator(this, function (_a) {
                switch (_a.label) {
                    case 0:
                        dataDir = options.dataDir ? path.resolve(options.dataDir) : undefined;
                        unlock = null;
                        if (dataDir) {
                            fs.mkdirSync(path.dirname(dataDir), { recursive: true });
                            unlock = lockDataDir(dataDir);
                        }
                        _a.label = 1;
                    case 1:
                        _a.trys.push([1, 3, , 4]);
                        PGlite_1 = loadPglite().PGlite;
                        return [4 /*yield*/, PGlite_1.create(dataDir, { parsers: PARSERS })];
                    case 2:
                        pglite = _a.sent();
                        return [2 /*return*/, new PgliteDatabase(pglite, dataDir, unlock)];
                    case 3:
                        err_1 = _a.sent();
                        unlock === null || unlock === void 0 ? void 0 : unlock();
                        throw normalizeError(err_1);
                    case 4: return [2 /*return*/];
                }
            });
        });
    };
    PgliteDatabase.prototype.assertOutsideTransaction = function (method) {
        var ctx = txContext.getStore();
        if (ctx && ctx.active && ctx.db === this)
            throw new PgliteReentrancyError(method);
        if (this.closed)
            throw new Error('PgliteDatabase is closed');
    };
    PgliteDatabase.run = function (target, sql, params) {
        return __awaiter(this, void 0, void 0, function () {
            var results, _a, e_1;
            return __generator(this, function (_b) {
                switch (_b.label) {
                    case 0:
                        _b.trys.push([0, 4, , 5]);
                        if (!(!params || params.length === 0)) return [3 /*break*/, 2];
                        return [4 /*yield*/, target.exec(sql)];
                    case 1:
                        results = _b.sent();
                        return [2 /*return*/, toResult(results[results.length - 1])];
                    case 2:
                        _a = toResult;
                        return [4 /*yield*/, target.query(sql, params)];
                    case 3: return [2 /*return*/, _a.apply(void 0, [_b.sent()])];
                    case 4:
                        e_1 = _b.sent();
                        throw normalizeError(e_1);
                    case 5: return [2 /*return*/];
                }
            });
        });
    };
    PgliteDatabase.prototype.query = function (sql, params) {
        return __awaiter(this, void 0, void 0, function () {
            return __generator(this, function (_a) {
                this.assertOutsideTransaction('query');
                return [2 /*return*/, PgliteDatabase.run(this.pglite, sql, params)];
            });
        });
    };
    PgliteDatabase.prototype.transaction = function (fn, options) {
        return __awaiter(this, void 0, void 0, function () {
            var _this = this;
            return __generator(this, function (_a) {
                this.assertOutsideTransaction('transaction');
                return [2 /*return*/, this.pglite.transaction(function (t) { return __awaiter(_this, void 0, void 0, function () {
                        var ctx, tx;
                        var _this = this;
                        return __generator(this, function (_a) {
                            switch (_a.label) {
                                case 0:
                                    ctx = { db: this, active: true };
                                    tx = {
                                        query: function (sql, params) { return __awaiter(_this, void 0, void 0, function () {
                                            return __generator(this, function (_a) {
                                                if (!ctx.active)
                                                    throw new Error('This transaction has already finished; use the executor only inside its callback');
                                                return [2 /*return*/, PgliteDatabase.run(t, sql, params)];
                                            });
                                        }); },
                                    };
                                    _a.label = 1;
                                case 1:
                                    _a.trys.push([1, , 5, 6]);
                                    if (!(options === null || options === void 0 ? void 0 : options.isolation)) return [3 /*break*/, 3];
                                    return [4 /*yield*/, PgliteDatabase.run(t, "SET TRANSACTION ISOLATION LEVEL ".concat(ISOLATION_SQL[options.isolation]))];
                                case 2:
                                    _a.sent();
                                    _a.label = 3;
                                case 3: return [4 /*yield*/, txContext.run(ctx, function () { return fn(tx); })];
                                case 4: return [2 /*return*/, _a.sent()];
                                case 5:
                                    ctx.active = false;
                                    return [7 /*endfinally*/];
                                case 6: return [2 /*return*/];
                            }
                        });
                    }); }).catch(function (e) {
                        throw normalizeError(e);
                    })];
            });
        });
    };
    PgliteDatabase.prototype.tryAcquireLock = function (key) {
        return __awaiter(this, void 0, void 0, function () {
            var released, locks;
            return __generator(this, function (_a) {
                if (this.closed)
                    throw new Error('PgliteDatabase is closed');
                if (this.locks.has(key))
                    return [2 /*return*/, null];
                this.locks.add(key);
                released = false;
                locks = this.locks;
                return [2 /*return*/, {
                        get held() {
                            return !released;
                        },
                        release: function () {
                            return __awaiter(this, void 0, void 0, function () {
                                return __generator(this, function (_a) {
                                    if (released)
                                        return [2 /*return*/];
                                    released = true;
                                    locks.delete(key);
                                    return [2 /*return*/];
                                });
                            });
                        },
                    }];
            });
        });
    };
    PgliteDatabase.prototype.listen = function (channel, onNotify) {
        return __awaiter(this, void 0, void 0, function () {
            var unlisten, done;
            var _this = this;
            return __generator(this, function (_a) {
                switch (_a.label) {
                    case 0:
                        this.assertOutsideTransaction('listen');
                        return [4 /*yield*/, this.pglite.listen(channel, function (payload) {
                                try {
                                    onNotify(payload);
                                }
                                catch (_a) {
                                    // never let a listener break PGlite's notification dispatch
                                }
                            })];
                    case 1:
                        unlisten = _a.sent();
                        done = false;
                        return [2 /*return*/, function () { return __awaiter(_this, void 0, void 0, function () {
                                return __generator(this, function (_a) {
                                    switch (_a.label) {
                                        case 0:
                                            if (done || this.closed)
                                                return [2 /*return*/];
                                            done = true;
                                            return [4 /*yield*/, unlisten()];
                                        case 1:
                                            _a.sent();
                                            return [2 /*return*/];
                                    }
                                });
                            }); }];
                }
            });
        });
    };
    PgliteDatabase.prototype.close = function () {
        return __awaiter(this, void 0, void 0, function () {
            var _a;
            return __generator(this, function (_b) {
                switch (_b.label) {
                    case 0:
                        if (this.closed)
                            return [2 /*return*/];
                        this.closed = true;
                        _b.label = 1;
                    case 1:
                        _b.trys.push([1, , 3, 4]);
                        return [4 /*yield*/, this.pglite.close()];
                    case 2:
                        _b.sent();
                        return [3 /*break*/, 4];
                    case 3:
                        (_a = this.unlockDir) === null || _a === void 0 ? void 0 : _a.call(this);
                        return [7 /*endfinally*/];
                    case 4: return [2 /*return*/];
                }
            });
        });
    };
    return PgliteDatabase;
}());
exports.PgliteDatabase = PgliteDatabase;
