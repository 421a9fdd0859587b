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
exports.MIGRATIONS_LOCK_KEY = exports.MIGRATIONS_TABLE = void 0;
exports.runMigrations = runMigrations;
var node_crypto_1 = require("node:crypto");
exports.MIGRATIONS_TABLE = 'schema_migrations';
/** Every runner, in every process, serialises on this transaction-level advisory lock. */
exports.MIGRATIONS_LOCK_KEY = 'schema_migrations';
function checksum(m) {
    var _a, _b, _c;
    return (0, node_crypto_1.createHash)('sha256')
        .update((_c = (_a = m.sql) !== null && _a !== void 0 ? _a : (_b = m.up) === null || _b === void 0 ? void 0 : _b.toString()) !== null && _c !== void 0 ? _c : '')
        .digest('hex')
        .slice(0, 16);
}
/**
 * Applies the not-yet-applied migrations of `namespace` in ONE transaction that first takes
 * `pg_advisory_xact_lock(hashtext('schema_migrations'))`: when several processes start at once, one migrates
 * and the others wait, then find everything applied. All-or-nothing: if any migration fails, none of this
 * call's migrations is recorded. Works the same on PostgreSQL and PGlite.
 */
function runMigrations(db, namespace, migrations) {
    return __awaiter(this, void 0, void 0, function () {
        var ids, _i, migrations_1, m;
        var _this = this;
        return __generator(this, function (_a) {
            ids = new Set();
            for (_i = 0, migrations_1 = migrations; _i < migrations_1.length; _i++) {
                m = migrations_1[_i];
                if (!m.id)
                    throw new Error("Migration in namespace ".concat(namespace, " has no id"));
                if (ids.has(m.id))
                    throw new Error("Duplicate migration id ".concat(namespace, "/").concat(m.id));
                if ((m.sql === undefined) === (m.up === undefined))
                    throw new Error("Migration ".concat(namespace, "/").concat(m.id, " needs exactly one of sql or up"));
                ids.add(m.id);
            }
            return [2 /*return*/, db.transaction(function (tx) { return __awaiter(_this, void 0, void 0, function () {
                    var rows, done, result, _i, migrations_2, m, sum, recorded;
                    return __generator(this, function (_a) {
                        switch (_a.label) {
                            case 0: return [4 /*yield*/, tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [exports.MIGRATIONS_LOCK_KEY])];
                            case 1:
                                _a.sent();
                                return [4 /*yield*/, tx.query("CREATE TABLE IF NOT EXISTS ".concat(exports.MIGRATIONS_TABLE, " (\n         namespace text NOT NULL,\n         id text NOT NULL,\n         checksum text NOT NULL,\n         applied_at timestamptz NOT NULL DEFAULT now(),\n         PRIMARY KEY (namespace, id)\n       )"))];
                            case 2:
                                _a.sent();
                                return [4 /*yield*/, tx.query("SELECT id, checksum FROM ".concat(exports.MIGRATIONS_TABLE, " WHERE namespace = $1"), [
                                        namespace,
                                    ])];
                            case 3:
                                rows = (_a.sent()).rows;
                                done = new Map(rows.map(function (r) { return [r.id, r.checksum]; }));
                                result = { applied: [], skipped: [], changed: [] };
                                _i = 0, migrations_2 = migrations;
                                _a.label = 4;
                            case 4:
                                if (!(_i < migrations_2.length)) return [3 /*break*/, 11];
                                m = migrations_2[_i];
                                sum = checksum(m);
                                recorded = done.get(m.id);
                                if (recorded !== undefined) {
                                    result.skipped.push(m.id);
                                    if (recorded !== sum)
                                        result.changed.push(m.id);
                                    return [3 /*break*/, 10];
                                }
                                if (!(m.sql !== undefined)) return [3 /*break*/, 6];
                                return [4 /*yield*/, tx.query(m.sql)];
                            case 5:
                                _a.sent();
                                return [3 /*break*/, 8];
                            case 6: return [4 /*yield*/, m.up(tx)];
                            case 7:
                                _a.sent();
                                _a.label = 8;
                            case 8: return [4 /*yield*/, tx.query("INSERT INTO ".concat(exports.MIGRATIONS_TABLE, " (namespace, id, checksum) VALUES ($1, $2, $3)"), [namespace, m.id, sum])];
                            case 9:
                                _a.sent();
                                result.applied.push(m.id);
                                _a.label = 10;
                            case 10:
                                _i++;
                                return [3 /*break*/, 4];
                            case 11: return [2 /*return*/, result];
                        }
                    });
                }); })];
        });
    });
}
