import { INSTANT_MAX, INSTANT_MIN, parseInstant, toUtcIso } from './validators';

describe('parseInstant (strict ISO-8601 instants in [2000, 2100))', () => {
  it.each([
    ['2026-11-22T08:00:00Z', '2026-11-22T08:00:00.000Z'],
    ['2026-11-22T08:00Z', '2026-11-22T08:00:00.000Z'],
    ['2026-11-22T08:00:00.123456789Z', '2026-11-22T08:00:00.123Z'],
    ['2026-11-22T16:00:00+08:00', '2026-11-22T08:00:00.000Z'],
    ['2024-02-29T00:00:00Z', '2024-02-29T00:00:00.000Z'],
    ['2000-01-01T00:00:00Z', '2000-01-01T00:00:00.000Z'],
    ['2099-12-31T23:59:59.999Z', '2099-12-31T23:59:59.999Z'],
  ])('accepts %s as %s', (text, utc) => {
    expect(new Date(parseInstant(text)!).toISOString()).toBe(utc);
    expect(toUtcIso(text)).toBe(utc);
  });

  it.each([
    '2026-02-30T00:00:00Z', // no such day (was silently stored as 2 March)
    '2025-02-29T00:00:00Z', // not a leap year
    '2026-04-31T00:00:00Z',
    '2026-13-01T00:00:00Z',
    '2026-00-10T00:00:00Z',
    '2026-01-00T00:00:00Z',
    '2026-01-01T24:00:00Z',
    '2026-01-01T23:60:00Z',
    '2026-01-01T23:59:60Z', // leap seconds are not instants JavaScript can hold
    '0000-01-01T00:00:00Z', // stalled a projection
    '0099-01-01T00:00:00Z', // Date.UTC would read this as 1999
    '1999-12-31T23:59:59Z',
    '2100-01-01T00:00:00Z', // the end is exclusive
    '2000-01-01T07:59:59+08:00', // before the start once in UTC
    '+002026-01-01T00:00:00Z',
    '2026-01-01', // no time
    '2026-01-01T00:00:00', // no zone
    '2026-01-01T00:00:00+15:00',
    '2026-01-01T00:00:00+08:60',
    '2026-01-01t00:00:00z',
    '2026-01-01 00:00:00Z',
    ' 2026-01-01T00:00:00Z',
    '2026-01-01T00:00:00.1234567890Z',
    '',
  ])('refuses %j', (text) => {
    expect(parseInstant(text)).toBeNull();
  });

  it('refuses non-strings', () => {
    for (const v of [null, undefined, 0, 1_700_000_000_000, {}, ['2026-01-01T00:00:00Z']]) expect(parseInstant(v)).toBeNull();
  });

  it('documents its range in the constants the README and the OpenAPI description quote', () => {
    expect(parseInstant(INSTANT_MIN)).toBe(Date.UTC(2000, 0, 1));
    expect(parseInstant(INSTANT_MAX)).toBeNull();
  });
});
