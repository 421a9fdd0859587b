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
var polling_subscription_1 = require("./polling-subscription");
var sleep = function (ms) { return new Promise(function (r) { return setTimeout(r, ms); }); };
function event(n) {
    return { stream: 's', revision: n, position: "1/".concat(n), eventId: "e".concat(n), type: 'T', data: {}, metadata: {}, recordedAt: '', hash: '', prevHash: null };
}
/** An in-memory log: read(after, max) returns events strictly after `after`. */
function log() {
    var _this = this;
    var events = [];
    var calls = [];
    var read = function (after, max) { return __awaiter(_this, void 0, void 0, function () {
        var n, rest, page;
        return __generator(this, function (_a) {
            calls.push({ after: after, max: max });
            n = Number(after.split('/')[1]);
            rest = events.filter(function (e) { return e.revision > n; });
            page = rest.slice(0, max);
            return [2 /*return*/, { events: page, lastPosition: page.length ? page[page.length - 1].position : after, isEnd: rest.length <= max }];
        });
    }); };
    return { events: events, calls: calls, read: read };
}
describe('PollingSubscription', function () {
    it('pages through history in batches, strictly after the checkpoint, and follows wake-ups', function () { return __awaiter(void 0, void 0, void 0, function () {
        var l, i, got, sub;
        return __generator(this, function (_a) {
            switch (_a.label) {
                case 0:
                    l = log();
                    for (i = 1; i <= 10; i++)
                        l.events.push(event(i));
                    got = [];
                    sub = new polling_subscription_1.PollingSubscription(l.read, { after: '1/2', batchSize: 3, pollIntervalMs: 60000, handler: function (es) { return __awaiter(void 0, void 0, void 0, function () { return __generator(this, function (_a) {
                            return [2 /*return*/, void got.push(es.map(function (e) { return e.revision; }))];
                        }); }); } }, function () { return undefined; });
                    _a.label = 1;
                case 1:
                    if (!(got.flat().length < 8)) return [3 /*break*/, 3];
                    return [4 /*yield*/, sleep(1)];
                case 2:
                    _a.sent();
                    return [3 /*break*/, 1];
                case 3:
                    expect(got).toEqual([[3, 4, 5], [6, 7, 8], [9, 10]]);
                    l.events.push(event(11));
                    sub.wake();
                    _a.label = 4;
                case 4:
                    if (!(got.flat().length < 9)) return [3 /*break*/, 6];
                    return [4 /*yield*/, sleep(1)];
                case 5:
                    _a.sent();
                    return [3 /*break*/, 4];
                case 6:
                    expect(got[3]).toEqual([11]);
                    return [4 /*yield*/, sub.stop()];
                case 7:
                    _a.sent();
                    return [4 /*yield*/, expect(sub.done).resolves.toBeUndefined()];
                case 8:
                    _a.sent();
                    return [2 /*return*/];
            }
        });
    }); });
    it('does not lose a wake-up that arrives while it is reading', function () { return __awaiter(void 0, void 0, void 0, function () {
        var events, reads, ref, read, got, sub, i;
        return __generator(this, function (_a) {
            switch (_a.label) {
                case 0:
                    events = [];
                    reads = 0;
                    ref = {};
                    read = function (after) { return __awaiter(void 0, void 0, void 0, function () {
                        var n, page;
                        return __generator(this, function (_a) {
                            reads++;
                            if (reads === 1) {
                                events.push(event(1)); // committed while we read …
                                ref.sub.wake(); // … and its wake-up arrives before our read returns (empty)
                                return [2 /*return*/, { events: [], lastPosition: after, isEnd: true }];
                            }
                            n = Number(after.split('/')[1]);
                            page = events.filter(function (e) { return e.revision > n; });
                            return [2 /*return*/, { events: page, lastPosition: page.length ? page[page.length - 1].position : after, isEnd: true }];
                        });
                    }); };
                    got = [];
                    sub = (ref.sub = new polling_subscription_1.PollingSubscription(read, { pollIntervalMs: 60000, handler: function (es) { return __awaiter(void 0, void 0, void 0, function () { return __generator(this, function (_a) {
                            return [2 /*return*/, void got.push.apply(got, es)];
                        }); }); } }, function () { return undefined; }));
                    i = 0;
                    _a.label = 1;
                case 1:
                    if (!(i < 200 && got.length === 0)) return [3 /*break*/, 4];
                    return [4 /*yield*/, sleep(5)];
                case 2:
                    _a.sent();
                    _a.label = 3;
                case 3:
                    i++;
                    return [3 /*break*/, 1];
                case 4:
                    expect(got.map(function (e) { return e.eventId; })).toEqual(['e1']);
                    return [4 /*yield*/, sub.stop()];
                case 5:
                    _a.sent();
                    return [2 /*return*/];
            }
        });
    }); });
    it('re-polls soon while committed events are pending behind an open transaction', function () { return __awaiter(void 0, void 0, void 0, function () {
        var pending, reads, read, sub, settled;
        return __generator(this, function (_a) {
            switch (_a.label) {
                case 0:
                    pending = true;
                    reads = 0;
                    read = function (after) { return __awaiter(void 0, void 0, void 0, function () {
                        return __generator(this, function (_a) {
                            reads++;
                            return [2 /*return*/, { events: [], lastPosition: after, isEnd: true, pending: pending }];
                        });
                    }); };
                    sub = new polling_subscription_1.PollingSubscription(read, { pollIntervalMs: 60000, handler: function () { return __awaiter(void 0, void 0, void 0, function () { return __generator(this, function (_a) {
                            return [2 /*return*/, undefined];
                        }); }); } }, function () { return undefined; });
                    return [4 /*yield*/, sleep(200)];
                case 1:
                    _a.sent();
                    expect(reads).toBeGreaterThan(3); // back-off 5, 10, 20, 40, 80 ms … not 60 s
                    pending = false;
                    return [4 /*yield*/, sleep(200)];
                case 2:
                    _a.sent();
                    settled = reads;
                    return [4 /*yield*/, sleep(150)];
                case 3:
                    _a.sent();
                    expect(reads).toBe(settled); // idle again: waits for a wake-up or the poll interval
                    return [4 /*yield*/, sub.stop()];
                case 4:
                    _a.sent();
                    return [2 /*return*/];
            }
        });
    }); });
    it('retries failing reads with back-off, then rejects done', function () { return __awaiter(void 0, void 0, void 0, function () {
        var reads, boom, sub;
        return __generator(this, function (_a) {
            switch (_a.label) {
                case 0:
                    reads = 0;
                    boom = new Error('db down');
                    sub = new polling_subscription_1.PollingSubscription(function () { return __awaiter(void 0, void 0, void 0, function () {
                        return __generator(this, function (_a) {
                            reads++;
                            throw boom;
                        });
                    }); }, { pollIntervalMs: 10, handler: function () { return __awaiter(void 0, void 0, void 0, function () { return __generator(this, function (_a) {
                            return [2 /*return*/, undefined];
                        }); }); } }, function () { return undefined; });
                    return [4 /*yield*/, expect(sub.done).rejects.toBe(boom)];
                case 1:
                    _a.sent();
                    expect(reads).toBe(6);
                    return [2 /*return*/];
            }
        });
    }); }, 10000);
    it('recovers from a transient read failure', function () { return __awaiter(void 0, void 0, void 0, function () {
        var l, failures, got, sub, i;
        return __generator(this, function (_a) {
            switch (_a.label) {
                case 0:
                    l = log();
                    l.events.push(event(1));
                    failures = 1;
                    got = [];
                    sub = new polling_subscription_1.PollingSubscription(function (after, max) { return __awaiter(void 0, void 0, void 0, function () {
                        return __generator(this, function (_a) {
                            if (failures-- > 0)
                                throw new Error('blip');
                            return [2 /*return*/, l.read(after, max)];
                        });
                    }); }, { handler: function (es) { return __awaiter(void 0, void 0, void 0, function () { return __generator(this, function (_a) {
                            return [2 /*return*/, void got.push.apply(got, es)];
                        }); }); } }, function () { return undefined; });
                    i = 0;
                    _a.label = 1;
                case 1:
                    if (!(i < 100 && got.length === 0)) return [3 /*break*/, 4];
                    return [4 /*yield*/, sleep(5)];
                case 2:
                    _a.sent();
                    _a.label = 3;
                case 3:
                    i++;
                    return [3 /*break*/, 1];
                case 4:
                    expect(got).toHaveLength(1);
                    return [4 /*yield*/, sub.stop()];
                case 5:
                    _a.sent();
                    return [2 /*return*/];
            }
        });
    }); });
    it('rejects an invalid checkpoint; stop() while idle returns promptly and reports finish', function () { return __awaiter(void 0, void 0, void 0, function () {
        var bad, finished, sub, t;
        return __generator(this, function (_a) {
            switch (_a.label) {
                case 0:
                    bad = new polling_subscription_1.PollingSubscription(log().read, { after: 'x', handler: function () { return __awaiter(void 0, void 0, void 0, function () { return __generator(this, function (_a) {
                            return [2 /*return*/, undefined];
                        }); }); } }, function () { return undefined; });
                    return [4 /*yield*/, expect(bad.done).rejects.toThrow(/Invalid position/)];
                case 1:
                    _a.sent();
                    finished = false;
                    sub = new polling_subscription_1.PollingSubscription(log().read, { pollIntervalMs: 60000, handler: function () { return __awaiter(void 0, void 0, void 0, function () { return __generator(this, function (_a) {
                            return [2 /*return*/, undefined];
                        }); }); } }, function () { return (finished = true); });
                    return [4 /*yield*/, sleep(20)];
                case 2:
                    _a.sent();
                    t = Date.now();
                    return [4 /*yield*/, sub.stop()];
                case 3:
                    _a.sent();
                    expect(Date.now() - t).toBeLessThan(100);
                    expect(finished).toBe(true);
                    expect(sub.isStopped).toBe(true);
                    return [2 /*return*/];
            }
        });
    }); });
});
