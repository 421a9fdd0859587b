import { INPUT_LIMITS, badStringReason, inspectInput, jsonDepthExceeds } from './input-guard';
import { ProblemException } from './problem';

function refusal(value: unknown): { code: string; field: string } | null {
  try {
    inspectInput(value, '');
    return null;
  } catch (e) {
    expect(e).toBeInstanceOf(ProblemException);
    const p = e as ProblemException;
    expect(p.status).toBe(400);
    return { code: p.code, field: (p.extensions.errors as Array<{ field: string }>)[0].field };
  }
}

describe('input guard', () => {
  it('measures JSON depth without recursion, ignoring brackets inside strings', () => {
    expect(jsonDepthExceeds('[[[]]]', 3)).toBe(false);
    expect(jsonDepthExceeds('[[[[]]]]', 3)).toBe(true);
    expect(jsonDepthExceeds('{"a":"[[[[[[[["}', 1)).toBe(false);
    expect(jsonDepthExceeds('{"a":"\\"[[[["}', 1)).toBe(false);
    expect(jsonDepthExceeds('['.repeat(200_000) + ']'.repeat(200_000), 32)).toBe(true);
  });

  it('finds NUL and lone surrogates', () => {
    expect(badStringReason('fine 催单 😀')).toBeNull();
    expect(badStringReason('a\u0000b')).toMatch(/NUL/);
    expect(badStringReason('a\uD800')).toMatch(/surrogate/);
    expect(badStringReason('\uDC00a')).toMatch(/surrogate/);
  });

  it('names the field of a bad string anywhere in a body, and in member names', () => {
    expect(refusal({ a: { b: [1, 'x\u0000'] } })).toEqual({ code: 'INVALID_STRING', field: 'a.b[1]' });
    expect(refusal({ evidence: [{ ref: '\uD83D' }] })).toEqual({ code: 'INVALID_STRING', field: 'evidence[0].ref' });
    expect(refusal({ ['k\u0000']: 1 })?.code).toBe('INVALID_STRING');
    expect(refusal({ a: 'ok', b: ['ok', { c: '😀' }] })).toBeNull();
  });

  it('caps depth, members, items and values', () => {
    let deep: unknown = 1;
    for (let i = 0; i < INPUT_LIMITS.MAX_DEPTH + 1; i++) deep = [deep];
    expect(refusal(deep)?.code).toBe('INPUT_TOO_DEEP');
    const wide = Object.fromEntries(Array.from({ length: INPUT_LIMITS.MAX_MEMBERS + 1 }, (_, i) => [`k${i}`, i]));
    expect(refusal(wide)).toEqual({ code: 'INPUT_TOO_LARGE', field: 'body' });
    expect(refusal({ evidence: Array(INPUT_LIMITS.MAX_ITEMS + 1).fill(1) })).toEqual({ code: 'INPUT_TOO_LARGE', field: 'evidence' });
    const many = Array.from({ length: 20 }, () => Array(INPUT_LIMITS.MAX_ITEMS).fill(0));
    expect(refusal({ many })?.code).toBe('INPUT_TOO_LARGE');
    expect(refusal({ evidence: Array(INPUT_LIMITS.MAX_ITEMS).fill({ kind: 'CHAT_LOG' }) })).toBeNull();
  });
});
