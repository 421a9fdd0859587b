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
/**
 * The two SqlDatabase implementations side by side: same results, same transaction/lock/listen semantics,
 * the migrations runner on both, and PGlite's serialisation.
 */
var fs = require("node:fs");
var path = require("node:path");
var sql_harness_1 = require("../contract/sql-harness");
var create_sql_database_1 = require("./create-sql-database");
var migrations_1 = require("./migrations");
var pg_database_1 = require("./pg-database");
var pglite_database_1 = require("./pglite-database");
var sleep = function (ms) { return new Promise(function (r) { return setTimeout(r, ms); }); };
var pgdb;
var pg;
var lite;
beforeAll(function () { return __awaiter(void 0, void 0, void 0, function () {
    return __generator(this, function (_a) {
        switch (_a.label) {
            case 0: return [4 /*yield*/, (0, sql_harness_1.createThrowawayDatabase)('es_sqldb')];
            case 1:
                pgdb = _a.sent();
                pg = new pg_database_1.PgDatabase({ url: pgdb.url, max: 5 });
                return [4 /*yield*/, (0, create_sql_database_1.createSqlDatabase)({ kind: 'pglite' })];
            case 2:
                lite = (_a.sent());
                return [2 /*return*/];
        }
    });
}); }, 30000);
afterAll(function () { return __awaiter(void 0, void 0, void 0, function () {
    return __generator(this, function (_a) {
        switch (_a.label) {
            case 0: return [4 /*yield*/, (pg === null || pg === void 0 ? void 0 : pg.close())];
            case 1:
                _a.sent();
                return [4 /*yield*/, (lite === null || lite === void 0 ? void 0 : lite.close())];
            case 2:
                _a.sent();
                return [4 /*yield*/, (pgdb === null || pgdb === void 0 ? void 0 : pgdb.drop())];
            case 3:
                _a.sent();
                return [2 /*return*/];
        }
    });
}); });
var both = function () { return [
    ['pg', pg],
    ['pglite', lite],
]; };
describe('SqlDatabase parity (pg vs PGlite)', function () {
    it('returns the same JS values for common types', function () { return __awaiter(void 0, void 0, void 0, function () {
        var sql, _a, a, b;
        return __generator(this, function (_b) {
            switch (_b.label) {
                case 0:
                    sql = "SELECT 42::int4 AS i4, 9007199254740991::int8 AS i8, count(*) AS cnt, 1.50::numeric AS num, 2.5::float8 AS f8,\n      true AS b, 'x'::text AS t, '2024-02-29'::date AS d, '2024-01-02 03:04:05.678'::timestamp AS ts,\n      '2024-01-02T03:04:05.678Z'::timestamptz AS tstz, '{\"a\":[1,{\"b\":null}]}'::jsonb AS jb, '{\"k\":1}'::json AS j,\n      'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid AS u, '123'::xid8 AS x, ARRAY[1,2]::int4[] AS arr, NULL::text AS n\n      FROM (VALUES (1), (2)) v(x)";
                    return [4 /*yield*/, Promise.all(both().map(function (_a) {
                            var db = _a[1];
                            return db.query(sql);
                        }))];
                case 1:
                    _a = _b.sent(), a = _a[0], b = _a[1];
                    expect(a.rows[0]).toEqual({
                        i4: 42,
                        i8: 9007199254740991,
                        cnt: 2,
                        num: '1.50',
                        f8: 2.5,
                        b: true,
                        t: 'x',
                        d: '2024-02-29',
                        ts: new Date('2024-01-02T03:04:05.678Z'),
                        tstz: new Date('2024-01-02T03:04:05.678Z'),
                        jb: { a: [1, { b: null }] },
                        j: { k: 1 },
                        u: 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
                        x: '123',
                        arr: [1, 2],
                        n: null,
                    });
                    expect(b.rows[0]).toEqual(a.rows[0]);
                    expect(b.rows[0].tstz).toBeInstanceOf(Date); // created in the caller's realm (see loadPglite)
                    expect(b.rows[0]).toStrictEqual(a.rows[0]);
                    return [2 /*return*/];
            }
        });
    }); });
    it.each([['pg'], ['pglite']])('%s: parameters, multi-statement scripts, rowCount, errors', function (kind) { return __awaiter(void 0, void 0, void 0, function () {
        var db, t, r0, _a, _b, _c, err;
        return __generator(this, function (_d) {
            switch (_d.label) {
                case 0:
                    db = kind === 'pg' ? pg : lite;
                    t = "parity_".concat(kind);
                    return [4 /*yield*/, db.query("CREATE TABLE ".concat(t, " (id int PRIMARY KEY, v jsonb); INSERT INTO ").concat(t, " VALUES (1, '{}'), (2, '{}'); SELECT count(*) AS c FROM ").concat(t))];
                case 1:
                    r0 = _d.sent();
                    expect(r0.rows).toEqual([{ c: 2 }]);
                    _a = expect;
                    return [4 /*yield*/, db.query("UPDATE ".concat(t, " SET v = $1::jsonb WHERE id >= $2"), [JSON.stringify({ z: 1 }), 1])];
                case 2:
                    _a.apply(void 0, [(_d.sent()).rowCount]).toBe(2);
                    _b = expect;
                    return [4 /*yield*/, db.query("SELECT v FROM ".concat(t, " WHERE id = $1"), [2])];
                case 3:
                    _b.apply(void 0, [(_d.sent()).rows]).toEqual([{ v: { z: 1 } }]);
                    _c = expect;
                    return [4 /*yield*/, db.query("DELETE FROM ".concat(t, " WHERE id = 99"))];
                case 4:
                    _c.apply(void 0, [(_d.sent()).rowCount]).toBe(0);
                    return [4 /*yield*/, db.query("INSERT INTO ".concat(t, " VALUES (1, '{}')")).catch(function (e) { return e; })];
                case 5:
                    err = _d.sent();
                    expect(err).toBeInstanceOf(Error);
                    expect(err).toMatchObject({ code: '23505', constraint: "".concat(t, "_pkey") });
                    return [2 /*return*/];
            }
        });
    }); });
    it.each([['pg'], ['pglite']])('%s: transaction commits, rolls back on throw, honours isolation', function (kind) { return __awaiter(void 0, void 0, void 0, function () {
        var db, t, iso, _a, leaked;
        return __generator(this, function (_b) {
            switch (_b.label) {
                case 0:
                    db = kind === 'pg' ? pg : lite;
                    t = "tx_".concat(kind);
                    return [4 /*yield*/, db.query("CREATE TABLE ".concat(t, " (id int)"))];
                case 1:
                    _b.sent();
                    return [4 /*yield*/, db.transaction(function (tx) { return __awaiter(void 0, void 0, void 0, function () {
                            return __generator(this, function (_a) {
                                switch (_a.label) {
                                    case 0: return [4 /*yield*/, tx.query("INSERT INTO ".concat(t, " VALUES ($1)"), [1])];
                                    case 1:
                                        _a.sent();
                                        return [2 /*return*/];
                                }
                            });
                        }); })];
                case 2:
                    _b.sent();
                    return [4 /*yield*/, expect(db.transaction(function (tx) { return __awaiter(void 0, void 0, void 0, function () {
                            return __generator(this, function (_a) {
                                switch (_a.label) {
                                    case 0: return [4 /*yield*/, tx.query("INSERT INTO ".concat(t, " VALUES ($1)"), [2])];
                                    case 1:
                                        _a.sent();
                                        throw new Error('nope');
                                }
                            });
                        }); })).rejects.toThrow('nope')];
                case 3:
                    _b.sent();
                    return [4 /*yield*/, db.transaction(function (tx) { return __awaiter(void 0, void 0, void 0, function () { return __generator(this, function (_a) {
                            switch (_a.label) {
                                case 0: return [4 /*yield*/, tx.query("SELECT current_setting('transaction_isolation') AS l")];
                                case 1: return [2 /*return*/, (_a.sent()).rows[0].l];
                            }
                        }); }); }, {
                            isolation: 'serializable',
                        })];
                case 4:
                    iso = _b.sent();
                    expect(iso).toBe('serializable');
                    _a = expect;
                    return [4 /*yield*/, db.query("SELECT id FROM ".concat(t, " ORDER BY id"))];
                case 5:
                    _a.apply(void 0, [(_b.sent()).rows]).toEqual([{ id: 1 }]);
                    leaked = null;
                    return [4 /*yield*/, db.transaction(function (tx) { return __awaiter(void 0, void 0, void 0, function () {
                            return __generator(this, function (_a) {
                                leaked = tx;
                                return [2 /*return*/];
                            });
                        }); })];
                case 6:
                    _b.sent();
                    return [4 /*yield*/, expect(leaked.query('SELECT 1')).rejects.toThrow(/already finished/)];
                case 7:
                    _b.sent();
                    return [2 /*return*/];
            }
        });
    }); });
    it.each([['pg'], ['pglite']])('%s: tryAcquireLock is exclusive until released', function (kind) { return __awaiter(void 0, void 0, void 0, function () {
        var db, a, _a, other, b;
        return __generator(this, function (_b) {
            switch (_b.label) {
                case 0:
                    db = kind === 'pg' ? pg : lite;
                    return [4 /*yield*/, db.tryAcquireLock('lock-test')];
                case 1:
                    a = _b.sent();
                    expect(a).not.toBeNull();
                    _a = expect;
                    return [4 /*yield*/, db.tryAcquireLock('lock-test')];
                case 2:
                    _a.apply(void 0, [_b.sent()]).toBeNull();
                    return [4 /*yield*/, db.tryAcquireLock('lock-test-2')];
                case 3:
                    other = _b.sent();
                    expect(other).not.toBeNull();
                    return [4 /*yield*/, a.release()];
                case 4:
                    _b.sent();
                    return [4 /*yield*/, a.release()];
                case 5:
                    _b.sent(); // idempotent
                    return [4 /*yield*/, db.tryAcquireLock('lock-test')];
                case 6:
                    b = _b.sent();
                    expect(b).not.toBeNull();
                    return [4 /*yield*/, b.release()];
                case 7:
                    _b.sent();
                    return [4 /*yield*/, other.release()];
                case 8:
                    _b.sent();
                    return [2 /*return*/];
            }
        });
    }); });
    it.each([['pg'], ['pglite']])('%s: listen receives NOTIFY at commit; unlisten stops it', function (kind) { return __awaiter(void 0, void 0, void 0, function () {
        var db, got, unlisten, i;
        return __generator(this, function (_a) {
            switch (_a.label) {
                case 0:
                    db = kind === 'pg' ? pg : lite;
                    got = [];
                    return [4 /*yield*/, db.listen('parity_channel', function (p) { return got.push(p); })];
                case 1:
                    unlisten = _a.sent();
                    return [4 /*yield*/, db.query("SELECT pg_notify('parity_channel', 'one')")];
                case 2:
                    _a.sent();
                    return [4 /*yield*/, db.transaction(function (tx) { return __awaiter(void 0, void 0, void 0, function () {
                            return __generator(this, function (_a) {
                                switch (_a.label) {
                                    case 0: return [4 /*yield*/, tx.query("SELECT pg_notify('parity_channel', 'two')")];
                                    case 1:
                                        _a.sent();
                                        return [4 /*yield*/, sleep(30)];
                                    case 2:
                                        _a.sent();
                                        expect(got).not.toContain('two'); // not before commit
                                        return [2 /*return*/];
                                }
                            });
                        }); })];
                case 3:
                    _a.sent();
                    i = 0;
                    _a.label = 4;
                case 4:
                    if (!(i < 100 && got.length < 2)) return [3 /*break*/, 7];
                    return [4 /*yield*/, sleep(10)];
                case 5:
                    _a.sent();
                    _a.label = 6;
                case 6:
                    i++;
                    return [3 /*break*/, 4];
                case 7:
                    expect(got).toEqual(['one', 'two']);
                    return [4 /*yield*/, unlisten()];
                case 8:
                    _a.sent();
                    return [4 /*yield*/, db.query("SELECT pg_notify('parity_channel', 'three')")];
                case 9:
                    _a.sent();
                    return [4 /*yield*/, sleep(50)];
                case 10:
                    _a.sent();
                    expect(got).toEqual(['one', 'two']);
                    return [2 /*return*/];
            }
        });
    }); });
});
describe('PgDatabase', function () {
    it('a lock taken by one process is refused to another until released or its holder dies', function () { return __awaiter(void 0, void 0, void 0, function () {
        var other, lock, _a, theirs, mine;
        return __generator(this, function (_b) {
            switch (_b.label) {
                case 0:
                    other = new pg_database_1.PgDatabase({ url: pgdb.url, max: 1 });
                    _b.label = 1;
                case 1:
                    _b.trys.push([1, , 9, 11]);
                    return [4 /*yield*/, pg.tryAcquireLock('cross-process')];
                case 2:
                    lock = _b.sent();
                    expect(lock === null || lock === void 0 ? void 0 : lock.held).toBe(true);
                    _a = expect;
                    return [4 /*yield*/, other.tryAcquireLock('cross-process')];
                case 3:
                    _a.apply(void 0, [_b.sent()]).toBeNull();
                    return [4 /*yield*/, lock.release()];
                case 4:
                    _b.sent();
                    expect(lock.held).toBe(false);
                    return [4 /*yield*/, other.tryAcquireLock('cross-process')];
                case 5:
                    theirs = _b.sent();
                    expect(theirs).not.toBeNull();
                    return [4 /*yield*/, other.close()];
                case 6:
                    _b.sent(); // "process dies": its session ends and the lock goes with it
                    return [4 /*yield*/, pg.tryAcquireLock('cross-process')];
                case 7:
                    mine = _b.sent();
                    expect(mine).not.toBeNull();
                    return [4 /*yield*/, mine.release()];
                case 8:
                    _b.sent();
                    return [3 /*break*/, 11];
                case 9: return [4 /*yield*/, other.close()];
                case 10:
                    _b.sent();
                    return [7 /*endfinally*/];
                case 11: return [2 /*return*/];
            }
        });
    }); });
    it('re-establishes LISTEN after the listening connection is killed, and wakes listeners', function () { return __awaiter(void 0, void 0, void 0, function () {
        var got, unlisten, i, i;
        return __generator(this, function (_a) {
            switch (_a.label) {
                case 0:
                    got = [];
                    return [4 /*yield*/, pg.listen('reconnect_channel', function (p) { return got.push(p); })];
                case 1:
                    unlisten = _a.sent();
                    return [4 /*yield*/, pg.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query ILIKE 'LISTEN%'")];
                case 2:
                    _a.sent();
                    i = 0;
                    _a.label = 3;
                case 3:
                    if (!(i < 300 && !got.includes(''))) return [3 /*break*/, 6];
                    return [4 /*yield*/, sleep(10)];
                case 4:
                    _a.sent(); // reconnect wake-up
                    _a.label = 5;
                case 5:
                    i++;
                    return [3 /*break*/, 3];
                case 6:
                    expect(got).toContain('');
                    return [4 /*yield*/, pg.query("SELECT pg_notify('reconnect_channel', 'after')")];
                case 7:
                    _a.sent();
                    i = 0;
                    _a.label = 8;
                case 8:
                    if (!(i < 200 && !got.includes('after'))) return [3 /*break*/, 11];
                    return [4 /*yield*/, sleep(10)];
                case 9:
                    _a.sent();
                    _a.label = 10;
                case 10:
                    i++;
                    return [3 /*break*/, 8];
                case 11:
                    expect(got).toContain('after');
                    return [4 /*yield*/, unlisten()];
                case 12:
                    _a.sent();
                    return [2 /*return*/];
            }
        });
    }); });
});
describe('PgliteDatabase', function () {
    it('a query from outside a running transaction waits for it instead of interleaving', function () { return __awaiter(void 0, void 0, void 0, function () {
        var order, tx, outside, second;
        return __generator(this, function (_a) {
            switch (_a.label) {
                case 0: return [4 /*yield*/, lite.query("CREATE TABLE serial_t (n int)")];
                case 1:
                    _a.sent();
                    order = [];
                    tx = lite.transaction(function (t) { return __awaiter(void 0, void 0, void 0, function () {
                        return __generator(this, function (_a) {
                            switch (_a.label) {
                                case 0:
                                    order.push('tx:begin');
                                    return [4 /*yield*/, t.query("INSERT INTO serial_t VALUES (1)")];
                                case 1:
                                    _a.sent();
                                    return [4 /*yield*/, sleep(100)];
                                case 2:
                                    _a.sent();
                                    return [4 /*yield*/, t.query("INSERT INTO serial_t VALUES (2)")];
                                case 3:
                                    _a.sent();
                                    order.push('tx:end');
                                    return [2 /*return*/];
                            }
                        });
                    }); });
                    return [4 /*yield*/, sleep(10)];
                case 2:
                    _a.sent();
                    outside = lite.query("SELECT count(*) AS c FROM serial_t").then(function (r) {
                        order.push("outside saw ".concat(r.rows[0].c));
                    });
                    second = lite.transaction(function (t) { return __awaiter(void 0, void 0, void 0, function () {
                        return __generator(this, function (_a) {
                            switch (_a.label) {
                                case 0:
                                    order.push('tx2');
                                    return [4 /*yield*/, t.query("INSERT INTO serial_t VALUES (3)")];
                                case 1:
                                    _a.sent();
                                    return [2 /*return*/];
                            }
                        });
                    }); });
                    return [4 /*yield*/, Promise.all([tx, outside, second])];
                case 3:
                    _a.sent();
                    expect(order).toEqual(['tx:begin', 'tx:end', 'outside saw 2', 'tx2']);
                    return [2 /*return*/];
            }
        });
    }); });
    it('calling the outer database inside a transaction throws instead of dead-locking', function () { return __awaiter(void 0, void 0, void 0, function () {
        var _a;
        return __generator(this, function (_b) {
            switch (_b.label) {
                case 0: return [4 /*yield*/, expect(lite.transaction(function () { return __awaiter(void 0, void 0, void 0, function () {
                        return __generator(this, function (_a) {
                            switch (_a.label) {
                                case 0: return [4 /*yield*/, lite.query('SELECT 1')];
                                case 1:
                                    _a.sent();
                                    return [2 /*return*/];
                            }
                        });
                    }); })).rejects.toBeInstanceOf(pglite_database_1.PgliteReentrancyError)];
                case 1:
                    _b.sent();
                    return [4 /*yield*/, expect(lite.transaction(function () { return __awaiter(void 0, void 0, void 0, function () { return __generator(this, function (_a) {
                            return [2 /*return*/, lite.transaction(function () { return __awaiter(void 0, void 0, void 0, function () { return __generator(this, function (_a) {
                                    return [2 /*return*/, 1];
                                }); }); })];
                        }); }); })).rejects.toBeInstanceOf(pglite_database_1.PgliteReentrancyError)];
                case 2:
                    _b.sent();
                    _a = expect;
                    return [4 /*yield*/, lite.query('SELECT 1 AS one')];
                case 3:
                    _a.apply(void 0, [(_b.sent()).rows]).toEqual([{ one: 1 }]); // still usable
                    return [2 /*return*/];
            }
        });
    }); });
    it('persists in its data dir, refuses a second opener, takes over a stale lock file', function () { return __awaiter(void 0, void 0, void 0, function () {
        var tmp, dir, a, b, _a;
        return __generator(this, function (_b) {
            switch (_b.label) {
                case 0:
                    tmp = (0, sql_harness_1.makeTempDir)('es-pglite-');
                    _b.label = 1;
                case 1:
                    _b.trys.push([1, , 9, 10]);
                    dir = path.join(tmp.dir, 'db');
                    return [4 /*yield*/, pglite_database_1.PgliteDatabase.create({ dataDir: dir })];
                case 2:
                    a = _b.sent();
                    return [4 /*yield*/, a.query("CREATE TABLE kept (v text); INSERT INTO kept VALUES ('hello')")];
                case 3:
                    _b.sent();
                    return [4 /*yield*/, expect(pglite_database_1.PgliteDatabase.create({ dataDir: dir })).rejects.toThrow(/already open/)];
                case 4:
                    _b.sent();
                    return [4 /*yield*/, a.close()];
                case 5:
                    _b.sent();
                    expect(fs.existsSync("".concat(dir, ".lock"))).toBe(false);
                    fs.writeFileSync("".concat(dir, ".lock"), '999999999'); // a dead owner
                    return [4 /*yield*/, pglite_database_1.PgliteDatabase.create({ dataDir: dir })];
                case 6:
                    b = _b.sent();
                    _a = expect;
                    return [4 /*yield*/, b.query('SELECT v FROM kept')];
                case 7:
                    _a.apply(void 0, [(_b.sent()).rows]).toEqual([{ v: 'hello' }]);
                    return [4 /*yield*/, b.close()];
                case 8:
                    _b.sent();
                    return [3 /*break*/, 10];
                case 9:
                    tmp.remove();
                    return [7 /*endfinally*/];
                case 10: return [2 /*return*/];
            }
        });
    }); }, 30000);
});
describe('runMigrations', function () {
    var migrations = function (table) { return [
        { id: '001-create', sql: "CREATE TABLE ".concat(table, " (id int PRIMARY KEY); CREATE INDEX ").concat(table, "_idx ON ").concat(table, " (id)") },
        { id: '002-seed', up: function (tx) { return __awaiter(void 0, void 0, void 0, function () { return __generator(this, function (_a) {
                switch (_a.label) {
                    case 0: return [4 /*yield*/, tx.query("INSERT INTO ".concat(table, " VALUES ($1)"), [1])];
                    case 1: return [2 /*return*/, void (_a.sent())];
                }
            }); }); } },
    ]; };
    it.each([['pg'], ['pglite']])('%s: applies once, in order, per namespace; reports edited migrations', function (kind) { return __awaiter(void 0, void 0, void 0, function () {
        var db, ns, _a, _b, edited, _c, _d;
        return __generator(this, function (_e) {
            switch (_e.label) {
                case 0:
                    db = kind === 'pg' ? pg : lite;
                    ns = "test-".concat(kind);
                    _a = expect;
                    return [4 /*yield*/, (0, migrations_1.runMigrations)(db, ns, migrations("mig_".concat(kind)))];
                case 1:
                    _a.apply(void 0, [_e.sent()]).toEqual({ applied: ['001-create', '002-seed'], skipped: [], changed: [] });
                    _b = expect;
                    return [4 /*yield*/, (0, migrations_1.runMigrations)(db, ns, migrations("mig_".concat(kind)))];
                case 2:
                    _b.apply(void 0, [_e.sent()]).toEqual({ applied: [], skipped: ['001-create', '002-seed'], changed: [] });
                    edited = __spreadArray([__assign(__assign({}, migrations("mig_".concat(kind))[0]), { sql: 'SELECT 1' })], migrations("mig_".concat(kind)).slice(1), true);
                    _c = expect;
                    return [4 /*yield*/, (0, migrations_1.runMigrations)(db, ns, edited)];
                case 3:
                    _c.apply(void 0, [(_e.sent()).changed]).toEqual(['001-create']);
                    _d = expect;
                    return [4 /*yield*/, db.query("SELECT id FROM mig_".concat(kind))];
                case 4:
                    _d.apply(void 0, [(_e.sent()).rows]).toEqual([{ id: 1 }]);
                    return [2 /*return*/];
            }
        });
    }); });
    it.each([['pg'], ['pglite']])('%s: a failing migration rolls back the whole run', function (kind) { return __awaiter(void 0, void 0, void 0, function () {
        var db, ns, _a, _b;
        return __generator(this, function (_c) {
            switch (_c.label) {
                case 0:
                    db = kind === 'pg' ? pg : lite;
                    ns = "fail-".concat(kind);
                    return [4 /*yield*/, expect((0, migrations_1.runMigrations)(db, ns, [
                            { id: 'a', sql: "CREATE TABLE fail_".concat(kind, " (id int)") },
                            { id: 'b', sql: "SELECT * FROM no_such_table" },
                        ])).rejects.toThrow(/no_such_table/)];
                case 1:
                    _c.sent();
                    _a = expect;
                    return [4 /*yield*/, db.query("SELECT to_regclass('fail_".concat(kind, "') AS t"))];
                case 2:
                    _a.apply(void 0, [(_c.sent()).rows]).toEqual([{ t: null }]);
                    _b = expect;
                    return [4 /*yield*/, db.query("SELECT count(*) AS c FROM schema_migrations WHERE namespace = $1", [ns])];
                case 3:
                    _b.apply(void 0, [(_c.sent()).rows]).toEqual([{ c: 0 }]);
                    return [4 /*yield*/, expect((0, migrations_1.runMigrations)(db, ns, [{ id: 'x' }])).rejects.toThrow(/exactly one of sql or up/)];
                case 4:
                    _c.sent();
                    return [2 /*return*/];
            }
        });
    }); });
    it('pg: several processes migrating a fresh database at once apply each migration exactly once', function () { return __awaiter(void 0, void 0, void 0, function () {
        var fresh, dbs, ms_1, results, _a;
        return __generator(this, function (_b) {
            switch (_b.label) {
                case 0: return [4 /*yield*/, (0, sql_harness_1.createThrowawayDatabase)('es_migr')];
                case 1:
                    fresh = _b.sent();
                    dbs = Array.from({ length: 4 }, function () { return new pg_database_1.PgDatabase({ url: fresh.url, max: 2 }); });
                    _b.label = 2;
                case 2:
                    _b.trys.push([2, , 5, 8]);
                    ms_1 = [
                        { id: '1', sql: "CREATE TABLE once (id int); SELECT pg_sleep(0.05)" },
                        { id: '2', sql: "INSERT INTO once VALUES (1)" },
                    ];
                    return [4 /*yield*/, Promise.all(dbs.map(function (db) { return (0, migrations_1.runMigrations)(db, 'race', ms_1); }))];
                case 3:
                    results = _b.sent();
                    expect(results.filter(function (r) { return r.applied.length === 2; })).toHaveLength(1);
                    expect(results.filter(function (r) { return r.skipped.length === 2; })).toHaveLength(3);
                    _a = expect;
                    return [4 /*yield*/, dbs[0].query('SELECT count(*) AS c FROM once')];
                case 4:
                    _a.apply(void 0, [(_b.sent()).rows]).toEqual([{ c: 1 }]);
                    return [3 /*break*/, 8];
                case 5: return [4 /*yield*/, Promise.all(dbs.map(function (db) { return db.close(); }))];
                case 6:
                    _b.sent();
                    return [4 /*yield*/, fresh.drop()];
                case 7:
                    _b.sent();
                    return [7 /*endfinally*/];
                case 8: return [2 /*return*/];
            }
        });
    }); });
});
