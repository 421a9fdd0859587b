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
exports.PollingSubscription = exports.DEFAULT_POLL_INTERVAL_MS = exports.DEFAULT_BATCH_SIZE = void 0;
var node_async_hooks_1 = require("node:async_hooks");
var event_store_port_1 = require("./event-store.port");
exports.DEFAULT_BATCH_SIZE = 500;
exports.DEFAULT_POLL_INTERVAL_MS = 1000;
var MAX_CONSECUTIVE_READ_FAILURES = 6;
var handlerContext = new node_async_hooks_1.AsyncLocalStorage();
/**
 * A catch-up subscription as a polling loop over a global-log reader: read a batch after the checkpoint,
 * hand it to the handler, wait for the handler, advance, repeat. When caught up it sleeps until wake()
 * (called by appends in this process and by NOTIFY) or until pollIntervalMs passed.
 *
 * - Delivery order is the reader's order and every batch starts strictly after the previous batch's last
 *   position, so it neither skips nor repeats as long as the reader never returns an event "behind" one it
 *   returned before (SqlEventStore guarantees that with the xmin horizon).
 * - A wake-up that arrives while reading or handling is not lost (dirty flag).
 * - A handler error stops the loop and rejects `done`; read errors are retried with back-off a few times
 *   before they do.
 * - stop() resolves once the handler is no longer running; calling it from inside the handler does not
 *   dead-lock (it returns at once and the loop ends after the handler returns).
 */
var PollingSubscription = /** @class */ (function () {
    function PollingSubscription(read, options, onFinished) {
        var _this = this;
        var _a, _b;
        this.read = read;
        this.options = options;
        this.stopped = false;
        this.dirty = true;
        this.waiter = null;
        this.batchSize = Math.max(1, Math.floor((_a = options.batchSize) !== null && _a !== void 0 ? _a : exports.DEFAULT_BATCH_SIZE));
        this.pollIntervalMs = Math.max(1, (_b = options.pollIntervalMs) !== null && _b !== void 0 ? _b : exports.DEFAULT_POLL_INTERVAL_MS);
        this.done = this.run().finally(function () { return onFinished(_this); });
        // `done` is for whoever wants it; an unobserved failure must not become an unhandled rejection.
        this.done.catch(function () { return undefined; });
    }
    /** Makes a waiting loop poll now (and a busy one poll again right after its current step). */
    PollingSubscription.prototype.wake = function () {
        this.dirty = true;
        var w = this.waiter;
        this.waiter = null;
        w === null || w === void 0 ? void 0 : w();
    };
    PollingSubscription.prototype.stop = function () {
        return __awaiter(this, void 0, void 0, function () {
            return __generator(this, function (_a) {
                switch (_a.label) {
                    case 0:
                        if (!this.stopped) {
                            this.stopped = true;
                            this.wake();
                        }
                        if (handlerContext.getStore() === this)
                            return [2 /*return*/]; // called by our own handler: awaiting would dead-lock
                        return [4 /*yield*/, this.done.catch(function () { return undefined; })];
                    case 1:
                        _a.sent();
                        return [2 /*return*/];
                }
            });
        });
    };
    Object.defineProperty(PollingSubscription.prototype, "isStopped", {
        get: function () {
            return this.stopped;
        },
        enumerable: false,
        configurable: true
    });
    PollingSubscription.prototype.sleep = function (ms) {
        var _this = this;
        return new Promise(function (resolve) {
            var timer = setTimeout(function () {
                _this.waiter = null;
                resolve();
            }, ms);
            _this.waiter = function () {
                clearTimeout(timer);
                resolve();
            };
        });
    };
    PollingSubscription.prototype.run = function () {
        return __awaiter(this, void 0, void 0, function () {
            var after, failures, stallDelay, _loop_1, this_1, state_1;
            var _this = this;
            var _a;
            return __generator(this, function (_b) {
                switch (_b.label) {
                    case 0:
                        after = (_a = this.options.after) !== null && _a !== void 0 ? _a : event_store_port_1.START;
                        (0, event_store_port_1.parsePosition)(after); // validates (throws InvalidPositionError → rejects done)
                        failures = 0;
                        stallDelay = 0;
                        // Let the caller finish subscribing (and attach to `done`) before the first read.
                        return [4 /*yield*/, Promise.resolve()];
                    case 1:
                        // Let the caller finish subscribing (and attach to `done`) before the first read.
                        _b.sent();
                        _loop_1 = function () {
                            var page, err_1, events_1;
                            return __generator(this, function (_c) {
                                switch (_c.label) {
                                    case 0:
                                        this_1.dirty = false;
                                        page = void 0;
                                        _c.label = 1;
                                    case 1:
                                        _c.trys.push([1, 3, , 5]);
                                        return [4 /*yield*/, this_1.read(after, this_1.batchSize)];
                                    case 2:
                                        page = _c.sent();
                                        failures = 0;
                                        return [3 /*break*/, 5];
                                    case 3:
                                        err_1 = _c.sent();
                                        if (this_1.stopped)
                                            return [2 /*return*/, "break"];
                                        if (++failures >= MAX_CONSECUTIVE_READ_FAILURES)
                                            throw err_1;
                                        return [4 /*yield*/, this_1.sleep(Math.min(Math.min(this_1.pollIntervalMs, 100) * Math.pow(2, (failures - 1)), 5000))];
                                    case 4:
                                        _c.sent();
                                        return [2 /*return*/, "continue"];
                                    case 5:
                                        if (this_1.stopped)
                                            return [2 /*return*/, "break"];
                                        if (!(page.events.length > 0)) return [3 /*break*/, 7];
                                        events_1 = page.events;
                                        return [4 /*yield*/, handlerContext.run(this_1, function () { return _this.options.handler(events_1); })];
                                    case 6:
                                        _c.sent();
                                        after = page.lastPosition;
                                        stallDelay = 0;
                                        if (!page.isEnd)
                                            return [2 /*return*/, "continue"];
                                        _c.label = 7;
                                    case 7:
                                        if (this_1.stopped)
                                            return [2 /*return*/, "break"];
                                        if (page.pending) {
                                            stallDelay = stallDelay === 0 ? 5 : Math.min(stallDelay * 2, this_1.pollIntervalMs);
                                        }
                                        else {
                                            stallDelay = 0;
                                        }
                                        if (this_1.dirty)
                                            return [2 /*return*/, "continue"];
                                        return [4 /*yield*/, this_1.sleep(stallDelay || this_1.pollIntervalMs)];
                                    case 8:
                                        _c.sent();
                                        return [2 /*return*/];
                                }
                            });
                        };
                        this_1 = this;
                        _b.label = 2;
                    case 2:
                        if (!!this.stopped) return [3 /*break*/, 4];
                        return [5 /*yield**/, _loop_1()];
                    case 3:
                        state_1 = _b.sent();
                        if (state_1 === "break")
                            return [3 /*break*/, 4];
                        return [3 /*break*/, 2];
                    case 4: return [2 /*return*/];
                }
            });
        });
    };
    return PollingSubscription;
}());
exports.PollingSubscription = PollingSubscription;
