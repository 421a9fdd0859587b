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
exports.eventStoreConfigFromEnv = eventStoreConfigFromEnv;
exports.createEventStore = createEventStore;
var path = require("node:path");
var esdb_event_store_1 = require("./esdb/esdb-event-store");
var pg_database_1 = require("./sql/pg-database");
var pglite_database_1 = require("./sql/pglite-database");
var sql_event_store_1 = require("./sql/sql-event-store");
/** Reads EVENT_STORE, DATA_DIR (default ./data), DATABASE_URL, EVENTSTORE_CONNECTION_STRING. */
function eventStoreConfigFromEnv(env) {
    var _a;
    if (env === void 0) { env = process.env; }
    var kind = ((_a = env.EVENT_STORE) !== null && _a !== void 0 ? _a : 'embedded').trim().toLowerCase();
    if (kind !== 'embedded' && kind !== 'postgres' && kind !== 'esdb') {
        throw new Error("EVENT_STORE must be embedded, postgres or esdb (got \"".concat(env.EVENT_STORE, "\")"));
    }
    return {
        kind: kind,
        dataDir: path.resolve(env.DATA_DIR || './data'),
        databaseUrl: env.DATABASE_URL || undefined,
        esdbConnectionString: env.EVENTSTORE_CONNECTION_STRING || undefined,
    };
}
/**
 * Creates and initialises (migrates) the event store and the SQL database the rest of the app uses.
 *  - embedded: one PgliteDatabase at `<dataDir>/pglite`, shared by the store and the read models (PGlite
 *    is single-process, so they must share it);
 *  - postgres: one PgDatabase (pool) at databaseUrl, shared likewise;
 *  - esdb: EsdbEventStore; read models on PgDatabase(databaseUrl) if set, else embedded PGlite.
 */
function createEventStore() {
    return __awaiter(this, arguments, void 0, function (config) {
        var kind, pgliteDir, db, store, _a, _b, err_1;
        var _c;
        if (config === void 0) { config = eventStoreConfigFromEnv(); }
        return __generator(this, function (_d) {
            switch (_d.label) {
                case 0:
                    kind = (_c = config.kind) !== null && _c !== void 0 ? _c : 'embedded';
                    pgliteDir = config.dataDir ? path.join(config.dataDir, 'pglite') : undefined;
                    _a = kind;
                    switch (_a) {
                        case 'embedded': return [3 /*break*/, 1];
                        case 'postgres': return [3 /*break*/, 3];
                        case 'esdb': return [3 /*break*/, 4];
                    }
                    return [3 /*break*/, 8];
                case 1: return [4 /*yield*/, pglite_database_1.PgliteDatabase.create({ dataDir: pgliteDir })];
                case 2:
                    db = _d.sent();
                    store = new sql_event_store_1.SqlEventStore(db, { kind: 'embedded' });
                    return [3 /*break*/, 9];
                case 3:
                    if (!config.databaseUrl)
                        throw new Error("EVENT_STORE=postgres needs DATABASE_URL");
                    db = new pg_database_1.PgDatabase({ url: config.databaseUrl, max: config.poolSize });
                    store = new sql_event_store_1.SqlEventStore(db, { kind: 'postgres' });
                    return [3 /*break*/, 9];
                case 4:
                    if (!config.esdbConnectionString)
                        throw new Error('EVENT_STORE=esdb needs EVENTSTORE_CONNECTION_STRING');
                    if (!config.databaseUrl) return [3 /*break*/, 5];
                    _b = new pg_database_1.PgDatabase({ url: config.databaseUrl, max: config.poolSize });
                    return [3 /*break*/, 7];
                case 5: return [4 /*yield*/, pglite_database_1.PgliteDatabase.create({ dataDir: pgliteDir })];
                case 6:
                    _b = _d.sent();
                    _d.label = 7;
                case 7:
                    db = _b;
                    store = new esdb_event_store_1.EsdbEventStore({ connectionString: config.esdbConnectionString });
                    return [3 /*break*/, 9];
                case 8: throw new Error("Unknown event store kind: ".concat(String(kind)));
                case 9:
                    _d.trys.push([9, 11, , 14]);
                    return [4 /*yield*/, store.init()];
                case 10:
                    _d.sent();
                    return [3 /*break*/, 14];
                case 11:
                    err_1 = _d.sent();
                    return [4 /*yield*/, store.close().catch(function () { return undefined; })];
                case 12:
                    _d.sent();
                    return [4 /*yield*/, db.close().catch(function () { return undefined; })];
                case 13:
                    _d.sent();
                    throw err_1;
                case 14: return [2 /*return*/, {
                        store: store,
                        db: db,
                        close: function () {
                            return __awaiter(this, void 0, void 0, function () {
                                return __generator(this, function (_a) {
                                    switch (_a.label) {
                                        case 0: return [4 /*yield*/, store.close()];
                                        case 1:
                                            _a.sent();
                                            return [4 /*yield*/, db.close()];
                                        case 2:
                                            _a.sent();
                                            return [2 /*return*/];
                                    }
                                });
                            });
                        },
                    }];
            }
        });
    });
}
