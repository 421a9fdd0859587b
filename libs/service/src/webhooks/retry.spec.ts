import { backoffMs, nextAttemptAt, schedule } from './retry';

const DEFAULTS = { baseMs: 5_000, maxDelayMs: 6 * 3600_000, retryForMs: 3 * 86_400_000 };

describe('webhook retry schedule', () => {
  it('doubles from WEBHOOK_RETRY_BASE, capped, with ±20 % jitter', () => {
    expect([1, 2, 3, 4].map((n) => backoffMs(DEFAULTS, n, () => 0.5))).toEqual([5_000, 10_000, 20_000, 40_000]);
    expect(backoffMs(DEFAULTS, 30, () => 0.5)).toBe(6 * 3600_000);
    expect(backoffMs(DEFAULTS, 1, () => 0)).toBe(4_000);
    expect(backoffMs(DEFAULTS, 1, () => 0.999999)).toBe(6_000);
  });

  it('gives up once the next attempt would start after WEBHOOK_RETRY_FOR from the first one', () => {
    const t0 = 1_000_000;
    expect(nextAttemptAt(DEFAULTS, t0, t0, 1, () => 0.5)).toBe(t0 + 5_000);
    expect(nextAttemptAt(DEFAULTS, t0, t0 + DEFAULTS.retryForMs - 1_000, 20, () => 0.5)).toBeNull();
  });

  it('the documented default schedule: about 23 attempts over three days', () => {
    const s = schedule(DEFAULTS);
    expect(s.slice(0, 13).map((ms) => ms / 1000)).toEqual([5, 10, 20, 40, 80, 160, 320, 640, 1280, 2560, 5120, 10240, 20480]);
    expect(s.slice(13)).toEqual(Array(10).fill(6 * 3600_000));
    expect(s.length + 1).toBe(24); // attempts, the first one included
  });
});
