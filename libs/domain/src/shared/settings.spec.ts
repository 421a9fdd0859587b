import { DEFAULT_SETTINGS, fnv1a32, parseDisputeSettings, parseIsoDuration, parseRollout, rolloutBucket, rolloutFlow } from './settings';

describe('parseIsoDuration', () => {
  it.each([
    ['PT24H', 86_400_000],
    ['PT48H', 172_800_000],
    ['PT72H', 259_200_000],
    ['P7D', 604_800_000],
    ['P1W', 604_800_000],
    ['PT1M30S', 90_000],
    ['PT0.5S', 500],
    ['P1DT2H', 93_600_000],
  ])('%s = %d ms', (s, ms) => expect(parseIsoDuration(s)).toBe(ms));
  it.each(['', '24h', 'PT', 'P1M', 'P1Y', 'PT0S', '-PT1H', 'banana'])('refuses %p', (s) => {
    expect(() => parseIsoDuration(s)).toThrow(expect.objectContaining({ code: 'INVALID_DURATION' }));
  });
});

describe('parseDisputeSettings', () => {
  it('defaults to the contract values', () => {
    expect(DEFAULT_SETTINGS).toEqual({ responseWindowMs: 86_400_000, consumerResponseWindowMs: 172_800_000, contestWindowMs: 259_200_000, maxAgreedShipDelayMs: 604_800_000 });
    expect(parseDisputeSettings({ RESPONSE_WINDOW: 'PT1H', CONTEST_WINDOW: '' })).toMatchObject({ responseWindowMs: 3_600_000, contestWindowMs: 259_200_000 });
  });
});

describe('UNIFIED_FLOW_ROLLOUT', () => {
  const merchants = Array.from({ length: 5000 }, (_, i) => `merchant-${i}`);
  it('all / none / default', () => {
    expect(rolloutFlow('m-1', 'all')).toBe('UNIFIED');
    expect(rolloutFlow('m-1', 'ALL')).toBe('UNIFIED');
    expect(rolloutFlow('m-1', undefined)).toBe('UNIFIED');
    expect(rolloutFlow('m-1', '')).toBe('UNIFIED');
    expect(rolloutFlow('m-1', 'none')).toBe('LEGACY');
  });
  it('a comma list of merchant ids', () => {
    expect(rolloutFlow('m-2', 'm-1, m-2 ,m-3')).toBe('UNIFIED');
    expect(rolloutFlow('m-4', 'm-1, m-2 ,m-3')).toBe('LEGACY');
    expect(parseRollout('m-1,,m-2')).toEqual({ kind: 'list', merchantIds: ['m-1', 'm-2'] });
  });
  it('percentages: 0 % none, 100 % all, about NN % in between', () => {
    expect(merchants.every((m) => rolloutFlow(m, '0%') === 'LEGACY')).toBe(true);
    expect(merchants.every((m) => rolloutFlow(m, '100%') === 'UNIFIED')).toBe(true);
    const share = merchants.filter((m) => rolloutFlow(m, '30%') === 'UNIFIED').length / merchants.length;
    expect(share).toBeGreaterThan(0.27);
    expect(share).toBeLessThan(0.33);
  });
  it('stable per merchant, and monotonic: a merchant in 30 % stays in 50 %', () => {
    for (const m of merchants.slice(0, 500)) {
      expect(rolloutFlow(m, '30%')).toBe(rolloutFlow(m, '30%'));
      if (rolloutFlow(m, '30%') === 'UNIFIED') expect(rolloutFlow(m, '50%')).toBe('UNIFIED');
    }
    // fixed values: the bucket must never change between releases
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
    expect(rolloutBucket('merchant-1')).toBe(fnv1a32('merchant-1') % 100);
  });
  it('hashes UTF-8 bytes (non-ASCII merchant ids)', () => {
    expect(fnv1a32('商家')).toBe(fnv1a32('商家'));
    expect(fnv1a32('商家')).not.toBe(fnv1a32('商'));
  });
  it.each(['101%', '3.5%', '%', 'abc%', ' , '])('refuses %p', (s) => {
    expect(() => parseRollout(s)).toThrow(expect.objectContaining({ code: 'INVALID_ROLLOUT' }));
  });
});
