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
Object.defineProperty(exports, "__esModule", { value: true });
var node_crypto_1 = require("node:crypto");
var hashing_1 = require("./hashing");
/** Pinned test vector: any other implementation of the formula (e.g. the auditors' verifier) must produce these. */
var E0 = {
    stream: 'dispute-123',
    revision: 0,
    eventId: '5f0c1a7e-2b7d-4c1e-9a43-0d6f2f4b8e11',
    type: 'DisputeOpened',
    data: { orderId: 'o-1', amount: 1999, b: [1, 'x', null], a: { z: true, é: 1.5 } },
    metadata: { actor: { sub: 'p-1', role: 'platform' } },
    recordedAt: '2024-05-06T07:08:09.010Z',
    prevHash: null,
};
var E0_CANONICAL = '{"data":{"a":{"z":true,"é":1.5},"amount":1999,"b":[1,"x",null],"orderId":"o-1"},"eventId":"5f0c1a7e-2b7d-4c1e-9a43-0d6f2f4b8e11",' +
    '"metadata":{"actor":{"role":"platform","sub":"p-1"}},"prevHash":null,"recordedAt":"2024-05-06T07:08:09.010Z","revision":0,' +
    '"stream":"dispute-123","type":"DisputeOpened"}';
var E0_HASH = '3d082de50876ea936e0e15611ec23c94e48d2e8ee064c7b227fdac0339929151';
var E1 = __assign(__assign({}, E0), { revision: 1, eventId: '0a6d6c54-5d7b-4d0f-8f0e-7f8a1f2b3c4d', type: 'ChoiceSubmitted', data: { option: 'NO_FAULT_DEFENSE' }, metadata: {}, recordedAt: '2024-05-06T07:09:00.000Z', prevHash: E0_HASH });
var E1_HASH = '565085f2d6055843a811c07cd542749bb1a3c09ef6c9854b560cbfd4ba939187';
describe('hashing', function () {
    it('hashes the RFC 8785 canonical JSON of the covered fields (pinned vector)', function () {
        expect((0, hashing_1.canonicalJson)({ stream: E0.stream, revision: E0.revision, eventId: E0.eventId, type: E0.type, data: E0.data, metadata: E0.metadata, recordedAt: E0.recordedAt, prevHash: E0.prevHash })).toBe(E0_CANONICAL);
        expect((0, node_crypto_1.createHash)('sha256').update(E0_CANONICAL, 'utf8').digest('hex')).toBe(E0_HASH);
        expect((0, hashing_1.computeEventHash)(E0)).toBe(E0_HASH);
        expect((0, hashing_1.computeEventHash)(E1)).toBe(E1_HASH);
    });
    it('ignores extra fields and key order, but not values', function () {
        var withExtras = __assign(__assign({}, E0), { position: '1/2', hash: 'x', data: { b: [1, 'x', null], a: { é: 1.5, z: true }, orderId: 'o-1', amount: 1999 } });
        expect((0, hashing_1.computeEventHash)(withExtras)).toBe(E0_HASH);
        expect((0, hashing_1.computeEventHash)(__assign(__assign({}, E0), { recordedAt: '2024-05-06T07:08:09.01Z' }))).not.toBe(E0_HASH); // the string is hashed
        expect((0, hashing_1.computeEventHash)(__assign(__assign({}, E0), { data: __assign(__assign({}, E0.data), { amount: 2000 }) }))).not.toBe(E0_HASH);
    });
    it('canonicalises numbers like ECMAScript and sorts keys by UTF-16 code units', function () {
        expect((0, hashing_1.canonicalJson)({ n: [1e21, 1e-7, 0.1, -0, 100, 1.5e300] })).toBe('{"n":[1e+21,1e-7,0.1,0,100,1.5e+300]}');
        expect((0, hashing_1.canonicalJson)({ '\u20ac': 1, '\r': 2, '\ud83d\ude00': 3, a: 4 })).toBe('{"\\r":2,"a":4,"€":1,"😀":3}');
        expect(function () { return (0, hashing_1.canonicalJson)({ n: Number.NaN }); }).toThrow();
    });
    it('verifies chains and reports where they break', function () {
        var e0 = __assign(__assign({}, E0), { hash: E0_HASH });
        var e1 = __assign(__assign({}, E1), { hash: E1_HASH });
        expect((0, hashing_1.verifyEventChain)([e0, e1])).toEqual({ valid: true, checked: 2 });
        expect((0, hashing_1.verifyEventChain)([e1], { revision: 0, hash: E0_HASH })).toEqual({ valid: true, checked: 1 });
        expect((0, hashing_1.verifyEventChain)([e0, __assign(__assign({}, e1), { data: { option: 'X' } })])).toEqual({ valid: false, checked: 2, brokenAt: 1, reason: 'hash-mismatch' });
        expect((0, hashing_1.verifyEventChain)([e0, __assign(__assign({}, e1), { prevHash: null })])).toMatchObject({ valid: false, brokenAt: 1, reason: 'prev-hash-mismatch' });
        expect((0, hashing_1.verifyEventChain)([e1])).toMatchObject({ valid: false, brokenAt: 1, reason: 'revision-gap' });
        expect((0, hashing_1.verifyEventChain)([])).toEqual({ valid: true, checked: 0 });
    });
    it('normalises event payloads to what JSON/jsonb can hold', function () {
        expect((0, hashing_1.toJsonObject)({ a: undefined, d: new Date('2024-01-01T00:00:00Z'), n: [1, undefined] }, 'data')).toEqual({ d: '2024-01-01T00:00:00.000Z', n: [1, null] });
        expect(function () { return (0, hashing_1.toJsonObject)([], 'data'); }).toThrow(/JSON object/);
        expect(function () { return (0, hashing_1.toJsonObject)(null, 'data'); }).toThrow(/JSON object/);
        expect(function () { return (0, hashing_1.toJsonObject)({ x: Infinity }, 'data'); }).toThrow(/non-finite/);
        expect(function () { return (0, hashing_1.toJsonObject)({ x: 1n }, 'data'); }).toThrow(/not JSON-serialisable/);
        expect(function () { return (0, hashing_1.toJsonObject)({ x: 'a\u0000b' }, 'data'); }).toThrow(/NUL/);
    });
});
