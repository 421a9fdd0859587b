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
exports.PgDatabase = exports.DEFAULT_DATABASE_URL = void 0;
var pg_1 = require("pg");
var type_parsers_1 = require("./type-parsers");
exports.DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
var customTypes = {
    getTypeParser: (function (oid, format) {
        var parser = format !== 'binary' ? type_parsers_1.TEXT_PARSERS[oid] : undefined;
        return parser !== null && parser !== void 0 ? parser : pg_1.types.getTypeParser(oid, format);
    }),
};
function toResult(r) {
    var _a;
    var last = Array.isArray(r) ? r[r.length - 1] : r;
    if (!last)
        return { rows: [], rowCount: 0 };
    return { rows: last.rows, rowCount: (_a = last.rowCount) !== null && _a !== void 0 ? _a : 0 };
}
function quoteIdent(name) {
    return "\"".concat(name.replace(/"/g, '""'), "\"");
}
var ISOLATION_SQL = {
    'read committed': 'READ COMMITTED',
    'repeatable read': 'REPEATABLE READ',
    serializable: 'SERIALIZABLE',
};
/**
 * SqlDatabase over a `pg` Pool (PostgreSQL server).
 *  - `query` without parameters may contain several statements (simple protocol); the last result is returned.
 *  - `transaction` pins one pooled connection for BEGIN … COMMIT.
 *  - `tryAcquireLock` keeps `pg_try_advisory_lock(hashtext(key))` on a dedicated connection until release().
 *  - `listen` shares one dedicated LISTEN connection per database, reconnecting with back-off when it drops
 *    (after a reconnect every listener is called once with an empty payload, since notifications may be lost).
 */
var PgDatabase = /** @class */ (function () {
    function PgDatabase(options) {
        if (options === void 0) { options = {}; }
        var _a, _b;
        this.kind = 'pg';
        this.lockClients = new Set();
        this.listener = null;
        this.closed = false;
        var opts = typeof options === 'string' ? { url: options } : options;
        var url = (_a = opts.url) !== null && _a !== void 0 ? _a : process.env.DATABASE_URL;
        if (!url)
            throw new Error('PgDatabase needs a connection string (options.url or DATABASE_URL)');
        this.clientConfig = { connectionString: url, types: customTypes, application_name: opts.applicationName };
        this.pool = new pg_1.Pool(__assign(__assign(__assign({}, this.clientConfig), { max: (_b = opts.max) !== null && _b !== void 0 ? _b : 10 }), opts.pool));
        // An idle pooled client that loses its connection emits 'error' on the pool; without a handler the
        // process would crash. The pool discards that client; the next query opens a new connection.
        this.pool.on('error', function () { return undefined; });
    }
    PgDatabase.prototype.query = function (sql, params) {
        return __awaiter(this, void 0, void 0, function () {
            var _a;
            return __generator(this, function (_b) {
                switch (_b.label) {
                    case 0:
                        _a = toResult;
                        return [4 /*yield*/, this.pool.query(sql, params)];
                    case 1: return [2 /*return*/, _a.apply(void 0, [_b.sent()])];
                }
            });
        });
    };
    PgDatabase.prototype.transaction = function (fn, options) {
        return __awaiter(this, void 0, void 0, function () {
            var client, finished, tx, result, err_1, rollbackErr_1;
            var _this = this;
            return __generator(this, function (_a) {
                switch (_a.label) {
                    case 0: return [4 /*yield*/, this.pool.connect()];
                    case 1:
                        client = _a.sent();
                        finished = false;
                        tx = {
                            query: function (sql, params) { return __awaiter(_this, void 0, void 0, function () {
                                var _a;
                                return __generator(this, function (_b) {
                                    switch (_b.label) {
                                        case 0:
                                            if (finished)
                                                throw new Error('This transaction has already finished; use the executor only inside its callback');
                                            _a = toResult;
                                            return [4 /*yield*/, client.query(sql, params)];
                                        case 1: return [2 /*return*/, _a.apply(void 0, [_b.sent()])];
                                    }
                                });
                            }); },
                        };
                        _a.label = 2;
                    case 2:
                        _a.trys.push([2, 6, , 11]);
                        return [4 /*yield*/, client.query((options === null || options === void 0 ? void 0 : options.isolation) ? "BEGIN ISOLATION LEVEL ".concat(ISOLATION_SQL[options.isolation]) : 'BEGIN')];
                    case 3:
                        _a.sent();
                        return [4 /*yield*/, fn(tx)];
                    case 4:
                        result = _a.sent();
                        return [4 /*yield*/, client.query('COMMIT')];
                    case 5:
                        _a.sent();
                        finished = true;
                        client.release();
                        return [2 /*return*/, result];
                    case 6:
                        err_1 = _a.sent();
                        finished = true;
                        _a.label = 7;
                    case 7:
                        _a.trys.push([7, 9, , 10]);
                        return [4 /*yield*/, client.query('ROLLBACK')];
                    case 8:
                        _a.sent();
                        client.release();
                        return [3 /*break*/, 10];
                    case 9:
                        rollbackErr_1 = _a.sent();
                        client.release(rollbackErr_1); // destroy the broken connection
                        return [3 /*break*/, 10];
                    case 10: throw err_1;
                    case 11: return [2 /*return*/];
                }
            });
        });
    };
    PgDatabase.prototype.tryAcquireLock = function (key) {
        return __awaiter(this, void 0, void 0, function () {
            var client, held, r, err_2, lockClients, released;
            var _a;
            return __generator(this, function (_b) {
                switch (_b.label) {
                    case 0:
                        if (this.closed)
                            throw new Error('PgDatabase is closed');
                        client = new pg_1.Client(this.clientConfig);
                        held = false;
                        client.on('error', function () {
                            held = false; // connection lost: the server released the session lock
                        });
                        return [4 /*yield*/, client.connect()];
                    case 1:
                        _b.sent();
                        _b.label = 2;
                    case 2:
                        _b.trys.push([2, 4, , 6]);
                        return [4 /*yield*/, client.query('SELECT pg_try_advisory_lock(hashtext($1)) AS ok', [key])];
                    case 3:
                        r = _b.sent();
                        held = ((_a = r.rows[0]) === null || _a === void 0 ? void 0 : _a.ok) === true;
                        return [3 /*break*/, 6];
                    case 4:
                        err_2 = _b.sent();
                        return [4 /*yield*/, client.end().catch(function () { return undefined; })];
                    case 5:
                        _b.sent();
                        throw err_2;
                    case 6:
                        if (!!held) return [3 /*break*/, 8];
                        return [4 /*yield*/, client.end().catch(function () { return undefined; })];
                    case 7:
                        _b.sent();
                        return [2 /*return*/, null];
                    case 8:
                        this.lockClients.add(client);
                        lockClients = this.lockClients;
                        released = false;
                        return [2 /*return*/, {
                                get held() {
                                    return held && !released;
                                },
                                release: function () {
                                    return __awaiter(this, void 0, void 0, function () {
                                        var _a;
                                        return __generator(this, function (_b) {
                                            switch (_b.label) {
                                                case 0:
                                                    if (released)
                                                        return [2 /*return*/];
                                                    released = true;
                                                    held = false;
                                                    lockClients.delete(client);
                                                    _b.label = 1;
                                                case 1:
                                                    _b.trys.push([1, 3, 4, 6]);
                                                    return [4 /*yield*/, client.query('SELECT pg_advisory_unlock(hashtext($1))', [key])];
                                                case 2:
                                                    _b.sent();
                                                    return [3 /*break*/, 6];
                                                case 3:
                                                    _a = _b.sent();
                                                    return [3 /*break*/, 6];
                                                case 4: return [4 /*yield*/, client.end().catch(function () { return undefined; })];
                                                case 5:
                                                    _b.sent();
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
    };
    PgDatabase.prototype.listen = function (channel, onNotify) {
        return __awaiter(this, void 0, void 0, function () {
            return __generator(this, function (_a) {
                if (this.closed)
                    throw new Error('PgDatabase is closed');
                if (!this.listener)
                    this.listener = new PgListener(this.clientConfig);
                return [2 /*return*/, this.listener.add(channel, onNotify)];
            });
        });
    };
    PgDatabase.prototype.close = function () {
        return __awaiter(this, void 0, void 0, function () {
            var _a;
            return __generator(this, function (_b) {
                switch (_b.label) {
                    case 0:
                        if (this.closed)
                            return [2 /*return*/];
                        this.closed = true;
                        return [4 /*yield*/, ((_a = this.listener) === null || _a === void 0 ? void 0 : _a.close())];
                    case 1:
                        _b.sent();
                        this.listener = null;
                        return [4 /*yield*/, Promise.all(__spreadArray([], this.lockClients, true).map(function (c) { return c.end().catch(function () { return undefined; }); }))];
                    case 2:
                        _b.sent();
                        this.lockClients.clear();
                        return [4 /*yield*/, this.pool.end()];
                    case 3:
                        _b.sent();
                        return [2 /*return*/];
                }
            });
        });
    };
    return PgDatabase;
}());
exports.PgDatabase = PgDatabase;
/** One LISTEN connection shared by every listener of a PgDatabase. */
var PgListener = /** @class */ (function () {
    function PgListener(config) {
        this.config = config;
        this.channels = new Map();
        this.client = null;
        this.connecting = null;
        this.closed = false;
        this.retryTimer = null;
        this.retryDelayMs = 100;
    }
    PgListener.prototype.add = function (channel, cb) {
        return __awaiter(this, void 0, void 0, function () {
            var set, isNew, client, err_3, removed;
            var _this = this;
            return __generator(this, function (_a) {
                switch (_a.label) {
                    case 0:
                        set = this.channels.get(channel);
                        isNew = !set;
                        if (!set)
                            this.channels.set(channel, (set = new Set()));
                        set.add(cb);
                        _a.label = 1;
                    case 1:
                        _a.trys.push([1, 5, , 6]);
                        return [4 /*yield*/, this.connect()];
                    case 2:
                        client = _a.sent();
                        if (!isNew) return [3 /*break*/, 4];
                        return [4 /*yield*/, client.query("LISTEN ".concat(quoteIdent(channel)))];
                    case 3:
                        _a.sent();
                        _a.label = 4;
                    case 4: return [3 /*break*/, 6];
                    case 5:
                        err_3 = _a.sent();
                        set.delete(cb);
                        if (set.size === 0)
                            this.channels.delete(channel);
                        throw err_3;
                    case 6:
                        removed = false;
                        return [2 /*return*/, function () { return __awaiter(_this, void 0, void 0, function () {
                                var s;
                                var _a;
                                return __generator(this, function (_b) {
                                    switch (_b.label) {
                                        case 0:
                                            if (removed)
                                                return [2 /*return*/];
                                            removed = true;
                                            s = this.channels.get(channel);
                                            s === null || s === void 0 ? void 0 : s.delete(cb);
                                            if (!(s && s.size === 0)) return [3 /*break*/, 2];
                                            this.channels.delete(channel);
                                            return [4 /*yield*/, ((_a = this.client) === null || _a === void 0 ? void 0 : _a.query("UNLISTEN ".concat(quoteIdent(channel))).catch(function () { return undefined; }))];
                                        case 1:
                                            _b.sent();
                                            _b.label = 2;
                                        case 2:
                                            if (!(this.channels.size === 0)) return [3 /*break*/, 4];
                                            return [4 /*yield*/, this.close()];
                                        case 3:
                                            _b.sent();
                                            _b.label = 4;
                                        case 4: return [2 /*return*/];
                                    }
                                });
                            }); }];
                }
            });
        });
    };
    PgListener.prototype.connect = function () {
        var _this = this;
        if (this.client)
            return Promise.resolve(this.client);
        if (!this.connecting) {
            this.closed = false;
            this.connecting = (function () { return __awaiter(_this, void 0, void 0, function () {
                var client, onDrop, _i, _a, ch, err_4;
                var _this = this;
                return __generator(this, function (_b) {
                    switch (_b.label) {
                        case 0:
                            client = new pg_1.Client(this.config);
                            client.on('notification', function (msg) { var _a; return _this.dispatch(msg.channel, (_a = msg.payload) !== null && _a !== void 0 ? _a : ''); });
                            onDrop = function () { return _this.dropped(client); };
                            client.on('error', onDrop);
                            client.on('end', onDrop);
                            _b.label = 1;
                        case 1:
                            _b.trys.push([1, 7, , 9]);
                            return [4 /*yield*/, client.connect()];
                        case 2:
                            _b.sent();
                            _i = 0, _a = this.channels.keys();
                            _b.label = 3;
                        case 3:
                            if (!(_i < _a.length)) return [3 /*break*/, 6];
                            ch = _a[_i];
                            return [4 /*yield*/, client.query("LISTEN ".concat(quoteIdent(ch)))];
                        case 4:
                            _b.sent();
                            _b.label = 5;
                        case 5:
                            _i++;
                            return [3 /*break*/, 3];
                        case 6: return [3 /*break*/, 9];
                        case 7:
                            err_4 = _b.sent();
                            client.removeAllListeners('end');
                            return [4 /*yield*/, client.end().catch(function () { return undefined; })];
                        case 8:
                            _b.sent();
                            throw err_4;
                        case 9:
                            this.client = client;
                            this.retryDelayMs = 100;
                            return [2 /*return*/, client];
                    }
                });
            }); })().finally(function () {
                _this.connecting = null;
            });
        }
        return this.connecting;
    };
    PgListener.prototype.dispatch = function (channel, payload) {
        var _a;
        for (var _i = 0, _b = (_a = this.channels.get(channel)) !== null && _a !== void 0 ? _a : []; _i < _b.length; _i++) {
            var cb = _b[_i];
            try {
                cb(payload);
            }
            catch (_c) {
                // a listener's failure must not break the connection's event handling
            }
        }
    };
    PgListener.prototype.dropped = function (client) {
        var _this = this;
        if (this.client !== client)
            return;
        this.client = null;
        client.removeAllListeners('end');
        client.end().catch(function () { return undefined; });
        if (this.closed || this.channels.size === 0)
            return;
        var reconnect = function () {
            _this.retryTimer = null;
            if (_this.closed || _this.channels.size === 0)
                return;
            _this.connect().then(function () {
                // Notifications sent while we were away are lost: wake everyone once.
                for (var _i = 0, _a = _this.channels.keys(); _i < _a.length; _i++) {
                    var ch = _a[_i];
                    _this.dispatch(ch, '');
                }
            }, function () {
                _this.retryDelayMs = Math.min(_this.retryDelayMs * 2, 5000);
                _this.retryTimer = setTimeout(reconnect, _this.retryDelayMs);
                _this.retryTimer.unref();
            });
        };
        this.retryTimer = setTimeout(reconnect, this.retryDelayMs);
        this.retryTimer.unref();
    };
    PgListener.prototype.close = function () {
        return __awaiter(this, void 0, void 0, function () {
            var pending, client, _a, _b;
            var _c;
            return __generator(this, function (_d) {
                switch (_d.label) {
                    case 0:
                        this.closed = true;
                        if (this.retryTimer)
                            clearTimeout(this.retryTimer);
                        this.retryTimer = null;
                        pending = this.connecting;
                        if (!((_c = this.client) !== null && _c !== void 0)) return [3 /*break*/, 1];
                        _a = _c;
                        return [3 /*break*/, 5];
                    case 1:
                        if (!pending) return [3 /*break*/, 3];
                        return [4 /*yield*/, pending.catch(function () { return null; })];
                    case 2:
                        _b = _d.sent();
                        return [3 /*break*/, 4];
                    case 3:
                        _b = null;
                        _d.label = 4;
                    case 4:
                        _a = (_b);
                        _d.label = 5;
                    case 5:
                        client = _a;
                        this.client = null;
                        if (!client) return [3 /*break*/, 7];
                        client.removeAllListeners('end');
                        return [4 /*yield*/, client.end().catch(function () { return undefined; })];
                    case 6:
                        _d.sent();
                        _d.label = 7;
                    case 7: return [2 /*return*/];
                }
            });
        });
    };
    return PgListener;
}());
