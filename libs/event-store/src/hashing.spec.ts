import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { canonicalJson, computeEventHash, toJsonObject, verifyEventChain, type HashableEvent } from './hashing';

/** Pinned test vector: any other implementation of the formula (e.g. the auditors' verifier) must produce these. */
const E0: HashableEvent = {
  stream: 'dispute-123',
  revision: 0,
  eventId: '5f0c1a7e-2b7d-4c1e-9a43-0d6f2f4b8e11',
  type: 'DisputeOpened',
  data: { orderId: 'o-1', amount: 1999, b: [1, 'x', null], a: { z: true, é: 1.5 } },
  metadata: { actor: { sub: 'p-1', role: 'platform' } },
  recordedAt: '2024-05-06T07:08:09.010Z',
  prevHash: null,
};
const E0_CANONICAL =
  '{"data":{"a":{"z":true,"é":1.5},"amount":1999,"b":[1,"x",null],"orderId":"o-1"},"eventId":"5f0c1a7e-2b7d-4c1e-9a43-0d6f2f4b8e11",' +
  '"metadata":{"actor":{"role":"platform","sub":"p-1"}},"prevHash":null,"recordedAt":"2024-05-06T07:08:09.010Z","revision":0,' +
  '"stream":"dispute-123","type":"DisputeOpened"}';
const E0_HASH = '3d082de50876ea936e0e15611ec23c94e48d2e8ee064c7b227fdac0339929151';
const E1: HashableEvent = {
  ...E0,
  revision: 1,
  eventId: '0a6d6c54-5d7b-4d0f-8f0e-7f8a1f2b3c4d',
  type: 'ChoiceSubmitted',
  data: { option: 'NO_FAULT_DEFENSE' },
  metadata: {},
  recordedAt: '2024-05-06T07:09:00.000Z',
  prevHash: E0_HASH,
};
const E1_HASH = '565085f2d6055843a811c07cd542749bb1a3c09ef6c9854b560cbfd4ba939187';

describe('hashing', () => {
  it('hashes the RFC 8785 canonical JSON of the covered fields (pinned vector)', () => {
    expect(canonicalJson({ stream: E0.stream, revision: E0.revision, eventId: E0.eventId, type: E0.type, data: E0.data, metadata: E0.metadata, recordedAt: E0.recordedAt, prevHash: E0.prevHash })).toBe(E0_CANONICAL);
    expect(createHash('sha256').update(E0_CANONICAL, 'utf8').digest('hex')).toBe(E0_HASH);
    expect(computeEventHash(E0)).toBe(E0_HASH);
    expect(computeEventHash(E1)).toBe(E1_HASH);
  });

  it('ignores extra fields and key order, but not values', () => {
    const withExtras = { ...E0, position: '1/2', hash: 'x', data: { b: [1, 'x', null], a: { é: 1.5, z: true }, orderId: 'o-1', amount: 1999 } };
    expect(computeEventHash(withExtras)).toBe(E0_HASH);
    expect(computeEventHash({ ...E0, recordedAt: '2024-05-06T07:08:09.01Z' })).not.toBe(E0_HASH); // the string is hashed
    expect(computeEventHash({ ...E0, data: { ...E0.data, amount: 2000 } })).not.toBe(E0_HASH);
  });

  it('canonicalises numbers like ECMAScript and sorts keys by UTF-16 code units', () => {
    expect(canonicalJson({ n: [1e21, 1e-7, 0.1, -0, 100, 1.5e300] })).toBe('{"n":[1e+21,1e-7,0.1,0,100,1.5e+300]}');
    expect(canonicalJson({ '\u20ac': 1, '\r': 2, '\ud83d\ude00': 3, a: 4 })).toBe('{"\\r":2,"a":4,"€":1,"😀":3}');
    expect(() => canonicalJson({ n: Number.NaN })).toThrow();
  });

  it('verifies chains and reports where they break', () => {
    const e0 = { ...E0, hash: E0_HASH };
    const e1 = { ...E1, hash: E1_HASH };
    expect(verifyEventChain([e0, e1])).toEqual({ valid: true, checked: 2 });
    expect(verifyEventChain([e1], { revision: 0, hash: E0_HASH })).toEqual({ valid: true, checked: 1 });
    expect(verifyEventChain([e0, { ...e1, data: { option: 'X' } }])).toEqual({ valid: false, checked: 2, brokenAt: 1, reason: 'hash-mismatch' });
    expect(verifyEventChain([e0, { ...e1, prevHash: null }])).toMatchObject({ valid: false, brokenAt: 1, reason: 'prev-hash-mismatch' });
    expect(verifyEventChain([e1])).toMatchObject({ valid: false, brokenAt: 1, reason: 'revision-gap' });
    expect(verifyEventChain([])).toEqual({ valid: true, checked: 0 });
  });

  it('normalises event payloads to what JSON/jsonb can hold', () => {
    expect(toJsonObject({ a: undefined, d: new Date('2024-01-01T00:00:00Z'), n: [1, undefined] }, 'data')).toEqual({ d: '2024-01-01T00:00:00.000Z', n: [1, null] });
    expect(() => toJsonObject([], 'data')).toThrow(/JSON object/);
    expect(() => toJsonObject(null, 'data')).toThrow(/JSON object/);
    expect(() => toJsonObject({ x: Infinity }, 'data')).toThrow(/non-finite/);
    expect(() => toJsonObject({ x: 1n }, 'data')).toThrow(/not JSON-serialisable/);
    expect(() => toJsonObject({ x: 'a\u0000b' }, 'data')).toThrow(/NUL/);
    expect(() => toJsonObject({ ['k\u0000']: 1 }, 'data')).toThrow(/NUL/);
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = { back: cyclic };
    expect(() => toJsonObject(cyclic, 'data')).toThrow(/not JSON-serialisable/);
    // Seen twice but not a cycle: copied twice, as JSON would.
    const shared = { s: 1 };
    expect(toJsonObject({ a: shared, b: [shared] }, 'data')).toStrictEqual({ a: { s: 1 }, b: [{ s: 1 }] });
  });

  it('normalises exactly as JSON.parse(JSON.stringify(x)) does, into a fresh copy (property)', () => {
    const leaf = fc.oneof(
      fc.string().filter((x) => !x.includes('\u0000')),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.constantFrom(0, -0, 1e21, -1e-7, 2 ** 53 + 1),
      fc.boolean(),
      fc.constant(null),
      fc.constant(undefined),
      fc.constant(() => 1),
      fc.constant(Symbol('s')),
      fc.date({ noInvalidDate: true }),
      fc.constantFrom(new Number(4), new String('boxed'), new Boolean(false)),
      fc.constant({ toJSON: (k: string) => `toJSON(${k})` }),
    );
    const { tree } = fc.letrec((tie) => ({
      tree: fc.oneof({ depthSize: 'small' }, leaf, tie('array'), tie('object')),
      array: fc.array(tie('tree'), { maxLength: 5 }),
      // (not 'constructor': Jest's toStrictEqual compares objects' `constructor`, an own member of both sides then)
      object: fc.dictionary(fc.oneof(fc.string().filter((k) => !k.includes('\u0000')), fc.constantFrom('__proto__', 'toString', '0', '10')), tie('tree'), { maxKeys: 5 }),
    }));
    fc.assert(
      fc.property(fc.dictionary(fc.string().filter((k) => !k.includes('\u0000')), tree, { maxKeys: 6 }), (value) => {
        const out = toJsonObject(value, 'data');
        const viaJson = JSON.parse(JSON.stringify(value)) as unknown;
        expect(out).toStrictEqual(viaJson);
        expect(JSON.stringify(out)).toBe(JSON.stringify(viaJson)); // same keys in the same order
        expect(canonicalJson(out)).toBe(canonicalJson(viaJson));
        if (Object.keys(value).length > 0) expect(out).not.toBe(value);
      }),
      { numRuns: 500 },
    );
  });
});
