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
 * Benchmark (off by default, not part of CI): ES_BENCH=1 npx jest libs/event-store/src/sql/bench
 *  - append latency/throughput of SqlEventStore vs a bare single-row INSERT into a comparable table;
 *  - global-log read cost (xmin-bounded vs plain position) at ES_BENCH_ROWS events (default 1 000 000).
 * Runs against a throwaway database on DATABASE_URL's server.
 */
var node_crypto_1 = require("node:crypto");
var sql_harness_1 = require("../contract/sql-harness");
var pg_database_1 = require("./pg-database");
var sql_event_store_1 = require("./sql-event-store");
var enabled = process.env.ES_BENCH === '1';
var d = enabled ? describe : describe.skip;
d('event-store benchmark (ES_BENCH=1)', function () {
    var tdb;
    var db;
    var store;
    beforeAll(function () { return __awaiter(void 0, void 0, void 0, function () {
        return __generator(this, function (_a) {
            switch (_a.label) {
                case 0: return [4 /*yield*/, (0, sql_harness_1.createThrowawayDatabase)('es_bench')];
                case 1:
                    tdb = _a.sent();
                    db = new pg_database_1.PgDatabase({ url: tdb.url, max: 10 });
                    store = new sql_event_store_1.SqlEventStore(db);
                    return [4 /*yield*/, store.init()];
                case 2:
                    _a.sent();
                    return [4 /*yield*/, db.query("CREATE TABLE bare_events (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, stream_id text NOT NULL, event_id uuid NOT NULL UNIQUE,\n      event_type text NOT NULL, data jsonb NOT NULL, metadata jsonb NOT NULL, recorded_at timestamptz NOT NULL)")];
                case 3:
                    _a.sent();
                    return [2 /*return*/];
            }
        });
    }); }, 60000);
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
    var run = function (label, n, concurrency, op) { return __awaiter(void 0, void 0, void 0, function () {
        var next, lat, t0, total, line;
        return __generator(this, function (_a) {
            switch (_a.label) {
                case 0:
                    next = 0;
                    lat = [];
                    t0 = process.hrtime.bigint();
                    return [4 /*yield*/, Promise.all(Array.from({ length: concurrency }, function () { return __awaiter(void 0, void 0, void 0, function () {
                            var i, s;
                            return __generator(this, function (_a) {
                                switch (_a.label) {
                                    case 0:
                                        if (!(next < n)) return [3 /*break*/, 2];
                                        i = next++;
                                        s = process.hrtime.bigint();
                                        return [4 /*yield*/, op(i)];
                                    case 1:
                                        _a.sent();
                                        lat.push(Number(process.hrtime.bigint() - s) / 1e6);
                                        return [3 /*break*/, 0];
                                    case 2: return [2 /*return*/];
                                }
                            });
                        }); }))];
                case 1:
                    _a.sent();
                    total = Number(process.hrtime.bigint() - t0) / 1e6;
                    lat.sort(function (a, b) { return a - b; });
                    line = "".concat(label.padEnd(44), " ").concat(String(n).padStart(6), " ops  c=").concat(concurrency, "  ").concat(((n / total) * 1000).toFixed(0).padStart(6), " ops/s  p50 ").concat(lat[Math.floor(n / 2)].toFixed(2), " ms  p99 ").concat(lat[Math.floor(n * 0.99)].toFixed(2), " ms");
                    console.log(line);
                    return [2 /*return*/, line];
            }
        });
    }); };
    it('appends vs bare INSERT', function () { return __awaiter(void 0, void 0, void 0, function () {
        var data, metadata, streams, out, _i, _a, c, n, _b, _c, _d, _e, _f, _g, _h, _j;
        return __generator(this, function (_k) {
            switch (_k.label) {
                case 0:
                    data = { orderId: 'o-123', amount: 1999, note: 'x'.repeat(100) };
                    metadata = { actor: { sub: 'u-1', role: 'merchant' } };
                    streams = Array.from({ length: 200 }, function () { return "bench-".concat((0, node_crypto_1.randomUUID)()); });
                    out = [];
                    _i = 0, _a = [1, 8];
                    _k.label = 1;
                case 1:
                    if (!(_i < _a.length)) return [3 /*break*/, 7];
                    c = _a[_i];
                    n = c === 1 ? 2000 : 8000;
                    _c = (_b = out).push;
                    return [4 /*yield*/, run('bare INSERT (1 row, autocommit)', n, c, function (i) {
                            return db.query("INSERT INTO bare_events (stream_id, event_id, event_type, data, metadata, recorded_at) VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, $6)", [
                                streams[i % streams.length], (0, node_crypto_1.randomUUID)(), 'T', JSON.stringify(data), JSON.stringify(metadata), new Date().toISOString(),
                            ]);
                        })];
                case 2:
                    _c.apply(_b, [_k.sent()]);
                    _e = (_d = out).push;
                    return [4 /*yield*/, run("appendToStream new stream 'no_stream'", n, c, function () {
                            return store.appendToStream("new-".concat((0, node_crypto_1.randomUUID)()), [{ type: 'T', data: data, metadata: metadata }], { expectedRevision: 'no_stream' });
                        })];
                case 3:
                    _e.apply(_d, [_k.sent()]);
                    _g = (_f = out).push;
                    return [4 /*yield*/, run("appendToStream existing stream 'any' (cached)", n, c, function (i) {
                            return store.appendToStream(streams[i % streams.length], [{ type: 'T', data: data, metadata: metadata }]);
                        })];
                case 4:
                    _g.apply(_f, [_k.sent()]);
                    _j = (_h = out).push;
                    return [4 /*yield*/, run('appendToStream with caller event ids', n, c, function (i) {
                            return store.appendToStream(streams[i % streams.length], [{ type: 'T', data: data, metadata: metadata, eventId: (0, node_crypto_1.randomUUID)() }]);
                        })];
                case 5:
                    _j.apply(_h, [_k.sent()]);
                    _k.label = 6;
                case 6:
                    _i++;
                    return [3 /*break*/, 1];
                case 7:
                    console.log(out.join('\n'));
                    return [2 /*return*/];
            }
        });
    }); }, 600000);
    it('global-log reads at scale', function () { return __awaiter(void 0, void 0, void 0, function () {
        var rows, t0, positions, plain, _loop_1, _i, _a, limit, s, pos, n, page;
        var _b;
        return __generator(this, function (_c) {
            switch (_c.label) {
                case 0:
                    rows = Number((_b = process.env.ES_BENCH_ROWS) !== null && _b !== void 0 ? _b : 1000000);
                    t0 = Date.now();
                    return [4 /*yield*/, db.query("DO $$ BEGIN FOR t IN 1..".concat(Math.ceil(rows / 100), " LOOP\n      INSERT INTO es_events (stream_id, stream_revision, event_id, event_type, data, metadata, recorded_at, hash, prev_hash)\n      SELECT 'b-' || t, g - 1, gen_random_uuid(), 'B', jsonb_build_object('n', g, 'pad', repeat('x', 200)), '{}'::jsonb, now(), md5(g::text), NULL\n      FROM generate_series(1, 100) g; COMMIT; END LOOP; END $$"))];
                case 1:
                    _c.sent();
                    return [4 /*yield*/, db.query("CREATE INDEX bench_gp ON es_events (global_position)")];
                case 2:
                    _c.sent();
                    return [4 /*yield*/, db.query("VACUUM ANALYZE es_events")];
                case 3:
                    _c.sent();
                    console.log("loaded ".concat(rows, " events in ").concat(Date.now() - t0, " ms"));
                    return [4 /*yield*/, db.query("SELECT transaction_id::text AS tx, global_position::text AS gp FROM es_events TABLESAMPLE SYSTEM (1) LIMIT 500")];
                case 4:
                    positions = (_c.sent()).rows;
                    plain = "SELECT stream_id, stream_revision, transaction_id::text AS tx, global_position::text AS gp, event_id::text AS event_id, event_type, data, metadata,\n      to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"') AS recorded_at, hash, prev_hash FROM es_events WHERE global_position > $1 ORDER BY global_position LIMIT $2";
                    _loop_1 = function (limit) {
                        var _d, _e, _f, label, fn, _g, _h, p, s_1, _j, positions_1, p;
                        return __generator(this, function (_k) {
                            switch (_k.label) {
                                case 0:
                                    _d = 0, _e = [
                                        ['xmin', function (p) { return db.query(sql_event_store_1.READ_ALL_SQL, [p.tx, p.gp, limit + 1]); }],
                                        ['plain', function (p) { return db.query(plain, [p.gp, limit]); }],
                                    ];
                                    _k.label = 1;
                                case 1:
                                    if (!(_d < _e.length)) return [3 /*break*/, 11];
                                    _f = _e[_d], label = _f[0], fn = _f[1];
                                    _g = 0, _h = positions.slice(0, 50);
                                    _k.label = 2;
                                case 2:
                                    if (!(_g < _h.length)) return [3 /*break*/, 5];
                                    p = _h[_g];
                                    return [4 /*yield*/, fn(p)];
                                case 3:
                                    _k.sent();
                                    _k.label = 4;
                                case 4:
                                    _g++;
                                    return [3 /*break*/, 2];
                                case 5:
                                    s_1 = process.hrtime.bigint();
                                    _j = 0, positions_1 = positions;
                                    _k.label = 6;
                                case 6:
                                    if (!(_j < positions_1.length)) return [3 /*break*/, 9];
                                    p = positions_1[_j];
                                    return [4 /*yield*/, fn(p)];
                                case 7:
                                    _k.sent();
                                    _k.label = 8;
                                case 8:
                                    _j++;
                                    return [3 /*break*/, 6];
                                case 9:
                                    console.log("".concat(label.padEnd(6), " read ").concat(String(limit).padStart(5), "/page at ").concat(rows, " events: ").concat((Number(process.hrtime.bigint() - s_1) / 1e6 / positions.length).toFixed(3), " ms/query"));
                                    _k.label = 10;
                                case 10:
                                    _d++;
                                    return [3 /*break*/, 1];
                                case 11: return [2 /*return*/];
                            }
                        });
                    };
                    _i = 0, _a = [1, 100, 500, 1000];
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
                case 8:
                    s = process.hrtime.bigint();
                    pos = '0/0';
                    n = 0;
                    _c.label = 9;
                case 9: return [4 /*yield*/, store.readAll({ after: pos, maxCount: 1000 })];
                case 10:
                    page = _c.sent();
                    n += page.events.length;
                    pos = page.lastPosition;
                    if (page.isEnd)
                        return [3 /*break*/, 12];
                    _c.label = 11;
                case 11: return [3 /*break*/, 9];
                case 12:
                    console.log("full scan via readAll (1000/page): ".concat(n, " events in ").concat((Number(process.hrtime.bigint() - s) / 1e6).toFixed(0), " ms"));
                    return [2 /*return*/];
            }
        });
    }); }, 900000);
});
