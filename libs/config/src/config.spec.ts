import { loadConfig } from './config';

describe('loadConfig: defaults and refusals of the operational settings', () => {
  it('durable embedded store, bounded token lifetime and rate limits on by default', () => {
    const c = loadConfig({});
    expect(c.EMBEDDED_FSYNC).toBe(true);
    expect(c.AUTH_MAX_TOKEN_LIFETIME).toEqual({ iso: 'PT12H', ms: 12 * 3600_000 });
    expect(c.OPS_TOKEN).toBeUndefined();
    expect({ on: c.RATE_LIMIT_ENABLED, store: c.RATE_LIMIT_STORE, window: c.RATE_LIMIT_WINDOW.ms }).toEqual({ on: true, store: 'auto', window: 60_000 });
    expect([c.RATE_LIMIT_READS, c.RATE_LIMIT_WRITES, c.RATE_LIMIT_ANONYMOUS, c.RATE_LIMIT_AUTH_FAILURES]).toEqual([600, 120, 60, 10]);
    expect(loadConfig({ EMBEDDED_FSYNC: 'false' }).EMBEDDED_FSYNC).toBe(false);
  });

  it('refuses bad values, naming the setting', () => {
    expect(() => loadConfig({ EMBEDDED_FSYNC: 'no' })).toThrow(/EMBEDDED_FSYNC/);
    expect(() => loadConfig({ AUTH_MAX_TOKEN_LIFETIME: '12h' })).toThrow(/AUTH_MAX_TOKEN_LIFETIME/);
    expect(() => loadConfig({ OPS_TOKEN: 'short' })).toThrow(/OPS_TOKEN/);
    expect(() => loadConfig({ RATE_LIMIT_WRITES: '0' })).toThrow(/RATE_LIMIT_WRITES/);
    expect(() => loadConfig({ RATE_LIMIT_STORE: 'redis' })).toThrow(/REDIS_URL/);
    expect(() => loadConfig({ RATE_LIMIT_STORE: 'postgres' })).toThrow(/RATE_LIMIT_STORE/);
    expect(() => loadConfig({ REDIS_URL: 'not a url' })).toThrow(/REDIS_URL/);
  });
});
