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
/**
 * PostgreSQL-specific behaviour of SqlEventStore that the shared contract cannot express: round trips per
 * append, the guards inside es_append, why the xmin horizon is needed, and what it costs.
 */
var node_crypto_1 = require("node:crypto");
var pg_1 = require("pg");
var sql_harness_1 = require("../contract/sql-harness");
var event_store_port_1 = require("../event-store.port");
var pg_database_1 = require("./pg-database");
var sql_event_store_1 = require("./sql-event-store");
var sleep = function (ms) { return new Promise(function (r) { return setTimeout(r, ms); }); };
/**
 * Counts statements an append waits for (a transaction counts BEGIN and COMMIT too). The coalesced
 * `pg_notify` the store sends after commits is not awaited by appends and is counted apart.
 */
var CountingDatabase = /** @class */ (function () {
    function CountingDatabase(inner) {
        this.inner = inner;
        this.kind = 'pg';
        this.statements = 0;
        this.notifies = 0;
    }
    CountingDatabase.prototype.query = function (sql, params) {
        if (sql.includes('pg_notify'))
            this.notifies++;
        else
            this.statements++;
        return this.inner.query(sql, params);
    };
    CountingDatabase.prototype.transaction = function (fn) {
        var _this = this;
        this.statements += 2;
        return this.inner.transaction(function (tx) {
            return fn({
                query: function (sql, params) {
                    _this.statements++;
                    return tx.query(sql, params);
                },
            });
        });
    };
    CountingDatabase.prototype.tryAcquireLock = function (key) {
        return this.inner.tryAcquireLock(key);
    };
    CountingDatabase.prototype.listen = function (channel, cb) {
        return this.inner.listen(channel, cb);
    };
    CountingDatabase.prototype.close = function () {
        return this.inner.close();
    };
    return CountingDatabase;
}());
function raw(url) {
    return __awaiter(this, void 0, void 0, function () {
        var c;
        var _this = this;
        return __generator(this, function (_a) {
            switch (_a.label) {
                case 0:
                    c = new pg_1.Client({ connectionString: url });
                    return [4 /*yield*/, c.connect()];
                case 1:
                    _a.sent();
                    return [2 /*return*/, Object.assign(c, {
                            exec: {
                                query: function (sql, params) { return __awaiter(_this, void 0, void 0, function () {
                                    var r;
                                    var _a;
                                    return __generator(this, function (_b) {
                                        switch (_b.label) {
                                            case 0: return [4 /*yield*/, c.query(sql, params)];
                                            case 1:
                                                r = _b.sent();
                                                return [2 /*return*/, { rows: r.rows, rowCount: (_a = r.rowCount) !== null && _a !== void 0 ? _a : 0 }];
                                        }
                                    });
                                }); },
                            },
                        })];
            }
        });
    });
}
var tdb;
var db;
var store;
beforeAll(function () { return __awaiter(void 0, void 0, void 0, function () {
    return __generator(this, function (_a) {
        switch (_a.label) {
            case 0: return [4 /*yield*/, (0, sql_harness_1.createThrowawayDatabase)('es_pgspec')];
            case 1:
                tdb = _a.sent();
                db = new pg_database_1.PgDatabase({ url: tdb.url, max: 10 });
                store = new sql_event_store_1.SqlEventStore(db);
                return [4 /*yield*/, store.init()];
            case 2:
                _a.sent();
                return [2 /*return*/];
        }
    });
}); });
afterAll(function () { return __awaiter(void 0, void 0, void 0, function () {
    return __generator(this, function (_a) {
        switch (_a.label) {
            case 0: return [4 /*yield*/, (store === null || store === void 0 ? void 0 : store.close())];
            case 1:
                _a.sent();
                return [4 /*yield*/, (db === null || db === void 0 ? void 0 : db.close())];
            case 2:
                _a.sent();
                return [4 /*yield*/, (tdb === null || tdb === void 0 ? void 0 : tdb.drop())];
            case 3:
                _a.sent();
                return [2 /*return*/];
        }
    });
}); });
describe('SqlEventStore on PostgreSQL', function () {
    it('appends in ONE statement when the stream head is known (new stream, or cached from an append/read)', function () { return __awaiter(void 0, void 0, void 0, function () {
        var counting, s, stream, r1, fresh, s2, s3, events, i;
        return __generator(this, function (_a) {
            switch (_a.label) {
                case 0:
                    counting = new CountingDatabase(db);
                    s = new sql_event_store_1.SqlEventStore(counting);
                    stream = "rt-".concat((0, node_crypto_1.randomUUID)());
                    counting.statements = 0;
                    return [4 /*yield*/, s.appendToStream(stream, [{ type: 'A', data: {} }], { expectedRevision: 'no_stream' })];
                case 1:
                    r1 = _a.sent();
                    expect(counting.statements).toBe(1);
                    counting.statements = 0;
                    return [4 /*yield*/, s.appendToStream(stream, [{ type: 'B', data: {} }, { type: 'C', data: {} }], { expectedRevision: r1.nextExpectedRevision })];
                case 2:
                    _a.sent();
                    expect(counting.statements).toBe(1);
                    fresh = new CountingDatabase(db);
                    s2 = new sql_event_store_1.SqlEventStore(fresh);
                    return [4 /*yield*/, s2.appendToStream(stream, [{ type: 'D', data: {} }])];
                case 3:
                    _a.sent();
                    expect(fresh.statements).toBe(2); // look up the head, append
                    fresh.statements = 0;
                    s3 = new sql_event_store_1.SqlEventStore(fresh);
                    return [4 /*yield*/, s3.readStream(stream)];
                case 4:
                    _a.sent(); // the usual command flow: load, decide, append
                    return [4 /*yield*/, s3.appendToStream(stream, [{ type: 'E', data: {} }], { expectedRevision: 3 })];
                case 5:
                    _a.sent();
                    expect(fresh.statements).toBe(2); // one read + one append
                    // a stale cache costs one retry, and the chain stays intact
                    fresh.statements = 0;
                    return [4 /*yield*/, s2.appendToStream(stream, [{ type: 'F', data: {} }])];
                case 6:
                    _a.sent();
                    expect(fresh.statements).toBe(2);
                    return [4 /*yield*/, store.readStream(stream)];
                case 7:
                    events = _a.sent();
                    expect(events.map(function (e) { return e.type; })).toEqual(['A', 'B', 'C', 'D', 'E', 'F']);
                    for (i = 1; i < events.length; i++)
                        expect(events[i].prevHash).toBe(events[i - 1].hash);
                    return [2 /*return*/];
            }
        });
    }); });
    it('wakes a subscriber in another process at once through one coalesced NOTIFY per burst of appends', function () { return __awaiter(void 0, void 0, void 0, function () {
        var otherDb, other, counting, writer, start, got_1, sub, t0, i;
        return __generator(this, function (_a) {
            switch (_a.label) {
                case 0:
                    otherDb = new pg_database_1.PgDatabase({ url: tdb.url, max: 2 });
                    other = new sql_event_store_1.SqlEventStore(otherDb);
                    counting = new CountingDatabase(db);
                    writer = new sql_event_store_1.SqlEventStore(counting);
                    _a.label = 1;
                case 1:
                    _a.trys.push([1, , 10, 14]);
                    return [4 /*yield*/, other.headPosition()];
                case 2:
                    start = _a.sent();
                    got_1 = [];
                    sub = other.subscribeToAll({ after: start, pollIntervalMs: 60000, handler: function (es) { return __awaiter(void 0, void 0, void 0, function () { return __generator(this, function (_a) {
                            return [2 /*return*/, void got_1.push.apply(got_1, es.map(function (e) { return e.type; }))];
                        }); }); } });
                    return [4 /*yield*/, sleep(200)];
                case 3:
                    _a.sent(); // let it catch up and start waiting (LISTEN is set up by then)
                    t0 = Date.now();
                    return [4 /*yield*/, Promise.all(Array.from({ length: 20 }, function (_, i) { return writer.appendToStream("wake-".concat(i, "-").concat((0, node_crypto_1.randomUUID)()), [{ type: 'Wake', data: {} }]); }))];
                case 4:
                    _a.sent();
                    i = 0;
                    _a.label = 5;
                case 5:
                    if (!(i < 300 && got_1.length < 20)) return [3 /*break*/, 8];
                    return [4 /*yield*/, sleep(10)];
                case 6:
                    _a.sent();
                    _a.label = 7;
                case 7:
                    i++;
                    return [3 /*break*/, 5];
                case 8:
                    expect(got_1).toHaveLength(20); // without NOTIFY it would wait for the 60 s poll
                    expect(Date.now() - t0).toBeLessThan(3000);
                    expect(counting.notifies).toBeGreaterThanOrEqual(1);
                    expect(counting.notifies).toBeLessThan(20); // coalesced
                    return [4 /*yield*/, sub.stop()];
                case 9:
                    _a.sent();
                    return [3 /*break*/, 14];
                case 10: return [4 /*yield*/, writer.close()];
                case 11:
                    _a.sent();
                    return [4 /*yield*/, other.close()];
                case 12:
                    _a.sent();
                    return [4 /*yield*/, otherDb.close()];
                case 13:
                    _a.sent();
                    return [7 /*endfinally*/];
                case 14: return [2 /*return*/];
            }
        });
    }); });
    it('refuses to append behind a newer transaction (ES004) so stream order always matches global order', function () { return __awaiter(void 0, void 0, void 0, function () {
        var stream, b, a, bAppend, _a, r;
        return __generator(this, function (_b) {
            switch (_b.label) {
                case 0:
                    stream = "xid-".concat((0, node_crypto_1.randomUUID)());
                    return [4 /*yield*/, store.appendToStream(stream, [{ type: 'Created', data: {} }])];
                case 1:
                    _b.sent();
                    return [4 /*yield*/, raw(tdb.url)];
                case 2:
                    b = _b.sent();
                    return [4 /*yield*/, raw(tdb.url)];
                case 3:
                    a = _b.sent();
                    _b.label = 4;
                case 4:
                    _b.trys.push([4, , 13, 16]);
                    return [4 /*yield*/, b.query('BEGIN')];
                case 5:
                    _b.sent();
                    return [4 /*yield*/, b.query('SELECT pg_current_xact_id()')];
                case 6:
                    _b.sent(); // B takes its xid first …
                    return [4 /*yield*/, a.query('BEGIN')];
                case 7:
                    _b.sent();
                    return [4 /*yield*/, (0, sql_harness_1.appendOn)(a.exec, stream, [{ type: 'ByA', data: {} }])];
                case 8:
                    _b.sent(); // … A (newer xid) appends and holds the lock
                    bAppend = (0, sql_harness_1.appendOn)(b.exec, stream, [{ type: 'ByB', data: {} }]).then(function () { return null; }, function (e) { return e.code; });
                    return [4 /*yield*/, sleep(100)];
                case 9:
                    _b.sent();
                    return [4 /*yield*/, a.query('COMMIT')];
                case 10:
                    _b.sent();
                    _a = expect;
                    return [4 /*yield*/, bAppend];
                case 11:
                    _a.apply(void 0, [_b.sent()]).toBe('ES004'); // B would have sorted before A's event in the global log
                    return [4 /*yield*/, b.query('ROLLBACK')];
                case 12:
                    _b.sent();
                    return [3 /*break*/, 16];
                case 13: return [4 /*yield*/, a.end()];
                case 14:
                    _b.sent();
                    return [4 /*yield*/, b.end()];
                case 15:
                    _b.sent();
                    return [7 /*endfinally*/];
                case 16: return [4 /*yield*/, store.appendToStream(stream, [{ type: 'Later', data: {} }])];
                case 17:
                    r = _b.sent();
                    expect(r.nextExpectedRevision).toBe(2);
                    return [2 /*return*/];
            }
        });
    }); });
    it('keeps es_events append-only', function () { return __awaiter(void 0, void 0, void 0, function () {
        return __generator(this, function (_a) {
            switch (_a.label) {
                case 0: return [4 /*yield*/, store.appendToStream("ro-".concat((0, node_crypto_1.randomUUID)()), [{ type: 'A', data: {} }])];
                case 1:
                    _a.sent();
                    return [4 /*yield*/, expect(db.query("UPDATE es_events SET event_type = 'X'")).rejects.toMatchObject({ code: 'ES005' })];
                case 2:
                    _a.sent();
                    return [4 /*yield*/, expect(db.query("DELETE FROM es_events")).rejects.toMatchObject({ code: 'ES005' })];
                case 3:
                    _a.sent();
                    return [4 /*yield*/, expect(db.query("TRUNCATE es_events")).rejects.toMatchObject({ code: 'ES005' })];
                case 4:
                    _a.sent();
                    return [2 /*return*/];
            }
        });
    }); });
    it('a plain "global_position > checkpoint" reader would skip a late-committing event; the xmin-bounded read does not', function () { return __awaiter(void 0, void 0, void 0, function () {
        var held, before, others, naive, naiveCheckpoint, _a, _b, last, i, _c, _d, naiveAfter, page;
        return __generator(this, function (_e) {
            switch (_e.label) {
                case 0: return [4 /*yield*/, raw(tdb.url)];
                case 1:
                    held = _e.sent();
                    _e.label = 2;
                case 2:
                    _e.trys.push([2, , 19, 21]);
                    return [4 /*yield*/, store.headPosition()];
                case 3:
                    before = _e.sent();
                    return [4 /*yield*/, held.query('BEGIN')];
                case 4:
                    _e.sent();
                    return [4 /*yield*/, (0, sql_harness_1.appendOn)(held.exec, "late-".concat((0, node_crypto_1.randomUUID)()), [{ type: 'Late', data: {} }])];
                case 5:
                    _e.sent(); // takes a low sequence number
                    return [4 /*yield*/, Promise.all(Array.from({ length: 5 }, function (_, i) { return store.appendToStream("early-".concat(i, "-").concat((0, node_crypto_1.randomUUID)()), [{ type: 'Early', data: {} }]); }))];
                case 6:
                    others = _e.sent();
                    return [4 /*yield*/, db.query("SELECT global_position AS gp FROM es_events WHERE global_position > $1 ORDER BY global_position", [
                            Number(before.split('/')[1]),
                        ])];
                case 7:
                    naive = _e.sent();
                    naiveCheckpoint = naive.rows[naive.rows.length - 1].gp;
                    // … the xmin-bounded reader sees none of them yet: an older transaction is still open.
                    _a = expect;
                    return [4 /*yield*/, store.readAll({ after: before })];
                case 8:
                    // … the xmin-bounded reader sees none of them yet: an older transaction is still open.
                    _a.apply(void 0, [(_e.sent()).events]).toEqual([]);
                    _b = expect;
                    return [4 /*yield*/, store.headPosition()];
                case 9:
                    _b.apply(void 0, [_e.sent()]).toBe(before);
                    return [4 /*yield*/, held.query('COMMIT')];
                case 10:
                    _e.sent();
                    last = others.map(function (o) { return o.position; }).sort(event_store_port_1.comparePositions).pop();
                    i = 0;
                    _e.label = 11;
                case 11:
                    _c = i < 1500;
                    if (!_c) return [3 /*break*/, 13];
                    _d = event_store_port_1.comparePositions;
                    return [4 /*yield*/, store.headPosition()];
                case 12:
                    _c = _d.apply(void 0, [_e.sent(), last]) < 0;
                    _e.label = 13;
                case 13:
                    if (!_c) return [3 /*break*/, 16];
                    return [4 /*yield*/, sleep(10)];
                case 14:
                    _e.sent(); // see waitForVisible in the contract
                    _e.label = 15;
                case 15:
                    i++;
                    return [3 /*break*/, 11];
                case 16: return [4 /*yield*/, db.query("SELECT event_type FROM es_events WHERE global_position > $1", [naiveCheckpoint])];
                case 17:
                    naiveAfter = _e.sent();
                    expect(naiveAfter.rows.map(function (r) { return r.event_type; })).not.toContain('Late'); // skipped for ever
                    return [4 /*yield*/, store.readAll({ after: before })];
                case 18:
                    page = _e.sent();
                    expect(page.events.map(function (e) { return e.type; })).toEqual(['Late', 'Early', 'Early', 'Early', 'Early', 'Early']);
                    expect(page.events.slice(1).map(function (e) { return e.eventId; }).sort()).toEqual(others.map(function (o) { return o.events[0].eventId; }).sort());
                    return [3 /*break*/, 21];
                case 19: return [4 /*yield*/, held.end()];
                case 20:
                    _e.sent();
                    return [7 /*endfinally*/];
                case 21: return [2 /*return*/];
            }
        });
    }); });
    it('measures the xmin-bounded read against a plain position read', function () { return __awaiter(void 0, void 0, void 0, function () {
        var rows, perTx, t0, loadMs, positions, plainSql, time, results, _loop_1, _i, _a, limit, head, headStart, i, plan;
        var _b;
        return __generator(this, function (_c) {
            switch (_c.label) {
                case 0:
                    rows = Number((_b = process.env.ES_MEASURE_ROWS) !== null && _b !== void 0 ? _b : 100000);
                    perTx = 100;
                    t0 = Date.now();
                    // Many small transactions (one xid each), like real appends; written directly for speed.
                    return [4 /*yield*/, db.query("DO $$\n      BEGIN\n        FOR t IN 1..".concat(Math.ceil(rows / perTx), " LOOP\n          INSERT INTO es_events (stream_id, stream_revision, event_id, event_type, data, metadata, recorded_at, hash, prev_hash)\n          SELECT 'm-' || t, g - 1, gen_random_uuid(), 'Measured', jsonb_build_object('n', g, 'pad', repeat('x', 200)), '{}'::jsonb, now(), md5(g::text), NULL\n            FROM generate_series(1, ").concat(perTx, ") g;\n          COMMIT;\n        END LOOP;\n      END $$"))];
                case 1:
                    // Many small transactions (one xid each), like real appends; written directly for speed.
                    _c.sent();
                    return [4 /*yield*/, db.query("CREATE INDEX IF NOT EXISTS es_measure_gp ON es_events (global_position)")];
                case 2:
                    _c.sent();
                    return [4 /*yield*/, db.query("ANALYZE es_events")];
                case 3:
                    _c.sent();
                    loadMs = Date.now() - t0;
                    return [4 /*yield*/, db.query("SELECT transaction_id::text AS tx, global_position::text AS gp FROM es_events TABLESAMPLE SYSTEM (5) LIMIT 200")];
                case 4:
                    positions = (_c.sent()).rows;
                    plainSql = "SELECT stream_id, stream_revision, transaction_id::text AS tx, global_position::text AS gp, event_id::text AS event_id,\n      event_type, data, metadata, to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"') AS recorded_at, hash, prev_hash\n      FROM es_events WHERE global_position > $1 ORDER BY global_position LIMIT $2";
                    time = function (fn) { return __awaiter(void 0, void 0, void 0, function () {
                        var _i, _a, p, start, _b, positions_1, p;
                        return __generator(this, function (_c) {
                            switch (_c.label) {
                                case 0:
                                    _i = 0, _a = positions.slice(0, 20);
                                    _c.label = 1;
                                case 1:
                                    if (!(_i < _a.length)) return [3 /*break*/, 4];
                                    p = _a[_i];
                                    return [4 /*yield*/, fn(p)];
                                case 2:
                                    _c.sent(); // warm-up
                                    _c.label = 3;
                                case 3:
                                    _i++;
                                    return [3 /*break*/, 1];
                                case 4:
                                    start = process.hrtime.bigint();
                                    _b = 0, positions_1 = positions;
                                    _c.label = 5;
                                case 5:
                                    if (!(_b < positions_1.length)) return [3 /*break*/, 8];
                                    p = positions_1[_b];
                                    return [4 /*yield*/, fn(p)];
                                case 6:
                                    _c.sent();
                                    _c.label = 7;
                                case 7:
                                    _b++;
                                    return [3 /*break*/, 5];
                                case 8: return [2 /*return*/, Number(process.hrtime.bigint() - start) / 1e6 / positions.length];
                            }
                        });
                    }); };
                    results = {};
                    _loop_1 = function (limit) {
                        var _d, _e, _f, _g;
                        return __generator(this, function (_h) {
                            switch (_h.label) {
                                case 0:
                                    _d = results;
                                    _e = "xmin read, ".concat(limit, "/page");
                                    return [4 /*yield*/, time(function (p) { return db.query(sql_event_store_1.READ_ALL_SQL, [p.tx, p.gp, limit + 1]); })];
                                case 1:
                                    _d[_e] = _h.sent();
                                    _f = results;
                                    _g = "plain read, ".concat(limit, "/page");
                                    return [4 /*yield*/, time(function (p) { return db.query(plainSql, [p.gp, limit]); })];
                                case 2:
                                    _f[_g] = _h.sent();
                                    return [2 /*return*/];
                            }
                        });
                    };
                    _i = 0, _a = [1, 100, 500];
                    _c.label = 5;
                case 5:
                    if (!(_i < _a.length)) return [3 /*break*/, 8];
                    limit = _a[_i];
                    return [5 /*yield**/, _loop_1(limit)];
                case 6:
                    _c.sent();
                    _c.label = 7;
                case 7:
                    _i++;
                    return [3 /*break*/, 5];
                case 8: return [4 /*yield*/, store.headPosition()];
                case 9:
                    head = _c.sent();
                    headStart = process.hrtime.bigint();
                    i = 0;
                    _c.label = 10;
                case 10:
                    if (!(i < 100)) return [3 /*break*/, 13];
                    return [4 /*yield*/, store.headPosition()];
                case 11:
                    _c.sent();
                    _c.label = 12;
                case 12:
                    i++;
                    return [3 /*break*/, 10];
                case 13:
                    results['headPosition'] = Number(process.hrtime.bigint() - headStart) / 1e6 / 100;
                    return [4 /*yield*/, db.query("EXPLAIN (ANALYZE, BUFFERS) ".concat(sql_event_store_1.READ_ALL_SQL.replace('$1', "'".concat(head.split('/')[0], "'")).replace('$2', '0').replace('$3', '501')))];
                case 14:
                    plan = _c.sent();
                    console.log("[event-store] read cost at ".concat(rows, " events (loaded in ").concat(loadMs, " ms), mean ms per query over ").concat(positions.length, " random start positions:\n") +
                        Object.entries(results)
                            .map(function (_a) {
                            var k = _a[0], v = _a[1];
                            return "  ".concat(k.padEnd(24), " ").concat(v.toFixed(3), " ms");
                        })
                            .join('\n') +
                        "\n  plan (xmin read near the head):\n    ".concat(plan.rows.map(function (r) { return r['QUERY PLAN']; }).join('\n    ')));
                    expect(results['xmin read, 500/page']).toBeLessThan(100);
                    return [4 /*yield*/, db.query("DROP INDEX es_measure_gp")];
                case 15:
                    _c.sent();
                    expect(head).not.toBe(event_store_port_1.START);
                    return [2 /*return*/];
            }
        });
    }); }, 60000);
});
