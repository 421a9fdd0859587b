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
Object.defineProperty(exports, "__esModule", { value: true });
exports.EVENT_STORE = exports.InvalidPositionError = exports.DuplicateEventIdError = exports.ConcurrencyError = exports.START = void 0;
exports.parsePosition = parsePosition;
exports.comparePositions = comparePositions;
exports.START = '0/0';
function parsePosition(p) {
    var m = /^(\d{1,20})\/(\d{1,20})$/.exec(p);
    if (!m)
        throw new InvalidPositionError(p);
    return [BigInt(m[1]), BigInt(m[2])];
}
function comparePositions(a, b) {
    var _a = parsePosition(a), a1 = _a[0], a2 = _a[1];
    var _b = parsePosition(b), b1 = _b[0], b2 = _b[1];
    if (a1 !== b1)
        return a1 < b1 ? -1 : 1;
    if (a2 !== b2)
        return a2 < b2 ? -1 : 1;
    return 0;
}
var ConcurrencyError = /** @class */ (function (_super) {
    __extends(ConcurrencyError, _super);
    function ConcurrencyError(stream, expected, actual) {
        var _this = _super.call(this, "Wrong expected revision for stream ".concat(stream, ": expected ").concat(String(expected), ", actual ").concat(actual === null ? 'no stream' : actual)) || this;
        _this.stream = stream;
        _this.expected = expected;
        _this.actual = actual;
        _this.name = 'ConcurrencyError';
        return _this;
    }
    return ConcurrencyError;
}(Error));
exports.ConcurrencyError = ConcurrencyError;
var DuplicateEventIdError = /** @class */ (function (_super) {
    __extends(DuplicateEventIdError, _super);
    function DuplicateEventIdError(eventId, stream) {
        var _this = _super.call(this, "Event id ".concat(eventId, " is already stored in another stream or with other content than in ").concat(stream)) || this;
        _this.eventId = eventId;
        _this.stream = stream;
        _this.name = 'DuplicateEventIdError';
        return _this;
    }
    return DuplicateEventIdError;
}(Error));
exports.DuplicateEventIdError = DuplicateEventIdError;
var InvalidPositionError = /** @class */ (function (_super) {
    __extends(InvalidPositionError, _super);
    function InvalidPositionError(value) {
        var _this = _super.call(this, "Invalid position \"".concat(value, "\": expected \"A/B\" with two unsigned integers")) || this;
        _this.value = value;
        _this.name = 'InvalidPositionError';
        return _this;
    }
    return InvalidPositionError;
}(Error));
exports.InvalidPositionError = InvalidPositionError;
exports.EVENT_STORE = Symbol('EVENT_STORE');
