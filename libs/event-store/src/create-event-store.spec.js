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
var create_event_store_1 = require("./create-event-store");
var esdb_event_store_1 = require("./esdb/esdb-event-store");
var barrel = require("./index");
describe('eventStoreConfigFromEnv', function () {
    it('reads EVENT_STORE, DATA_DIR, DATABASE_URL, EVENTSTORE_CONNECTION_STRING with defaults', function () {
        expect((0, create_event_store_1.eventStoreConfigFromEnv)({})).toEqual({ kind: 'embedded', dataDir: expect.stringMatching(/data$/), databaseUrl: undefined, esdbConnectionString: undefined });
        expect((0, create_event_store_1.eventStoreConfigFromEnv)({ EVENT_STORE: 'Postgres', DATABASE_URL: 'postgres://x/y', DATA_DIR: '/tmp/d' })).toEqual({
            kind: 'postgres',
            dataDir: '/tmp/d',
            databaseUrl: 'postgres://x/y',
            esdbConnectionString: undefined,
        });
        expect(function () { return (0, create_event_store_1.eventStoreConfigFromEnv)({ EVENT_STORE: 'mongo' }); }).toThrow(/EVENT_STORE/);
    });
    it('refuses incomplete configurations', function () { return __awaiter(void 0, void 0, void 0, function () {
        return __generator(this, function (_a) {
            switch (_a.label) {
                case 0: return [4 /*yield*/, expect((0, create_event_store_1.createEventStore)({ kind: 'postgres' })).rejects.toThrow(/DATABASE_URL/)];
                case 1:
                    _a.sent();
                    return [4 /*yield*/, expect((0, create_event_store_1.createEventStore)({ kind: 'esdb' })).rejects.toThrow(/EVENTSTORE_CONNECTION_STRING/)];
                case 2:
                    _a.sent();
                    return [2 /*return*/];
            }
        });
    }); });
});
describe('EsdbEventStore (no server)', function () {
    it('strips the chain fields from metadata and maps positions', function () {
        var _a;
        var recorded = (0, esdb_event_store_1.esdbEventToRecorded)({
            streamId: 'dispute-1',
            id: '5f0c1a7e-2b7d-4c1e-9a43-0d6f2f4b8e11',
            isJson: true,
            revision: 3n,
            type: 'Opened',
            created: new Date('2024-01-01T00:00:00Z'),
            data: { a: 1 },
            metadata: (_a = { actor: 'x' }, _a[esdb_event_store_1.ESDB_CHAIN_METADATA_KEY] = { hash: 'h', prevHash: 'p', recordedAt: '2024-01-01T00:00:00.123Z' }, _a),
            position: { commit: 1234n, prepare: 1200n },
        });
        expect(recorded).toEqual({
            stream: 'dispute-1',
            revision: 3,
            position: '1234/1200',
            eventId: '5f0c1a7e-2b7d-4c1e-9a43-0d6f2f4b8e11',
            type: 'Opened',
            data: { a: 1 },
            metadata: { actor: 'x' },
            recordedAt: '2024-01-01T00:00:00.123Z',
            hash: 'h',
            prevHash: 'p',
        });
    });
    it('needs a connection string', function () {
        var saved = process.env.EVENTSTORE_CONNECTION_STRING;
        delete process.env.EVENTSTORE_CONNECTION_STRING;
        try {
            expect(function () { return new esdb_event_store_1.EsdbEventStore(); }).toThrow(/EVENTSTORE_CONNECTION_STRING/);
        }
        finally {
            if (saved !== undefined)
                process.env.EVENTSTORE_CONNECTION_STRING = saved;
        }
    });
    it('rejects appends using the reserved metadata key before touching the server', function () { return __awaiter(void 0, void 0, void 0, function () {
        var store;
        var _a;
        return __generator(this, function (_b) {
            switch (_b.label) {
                case 0:
                    store = new esdb_event_store_1.EsdbEventStore({ connectionString: 'esdb://127.0.0.1:1?tls=false' });
                    return [4 /*yield*/, expect(store.appendToStream('s', [{ type: 'T', data: {}, metadata: (_a = {}, _a[esdb_event_store_1.ESDB_CHAIN_METADATA_KEY] = 1, _a) }])).rejects.toThrow(/reserved/)];
                case 1:
                    _b.sent();
                    return [4 /*yield*/, store.close()];
                case 2:
                    _b.sent();
                    return [2 /*return*/];
            }
        });
    }); });
});
describe('barrel', function () {
    it('exports the public API', function () {
        for (var _i = 0, _a = [
            'START', 'parsePosition', 'comparePositions', 'ConcurrencyError', 'DuplicateEventIdError', 'InvalidPositionError', 'EVENT_STORE',
            'computeEventHash', 'canonicalJson', 'sha256Hex', 'verifyEventChain',
            'createEventStore', 'eventStoreConfigFromEnv', 'createSqlDatabase', 'PgDatabase', 'PgliteDatabase', 'runMigrations',
            'SqlEventStore', 'EsdbEventStore', 'EVENT_STORE_MIGRATIONS', 'READ_ALL_SQL', 'PollingSubscription',
        ]; _i < _a.length; _i++) {
            var name_1 = _a[_i];
            expect(barrel).toHaveProperty(name_1);
        }
    });
});
