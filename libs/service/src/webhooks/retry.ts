/**
 * The retry schedule. After the n-th failed attempt (n ≥ 1) the next attempt waits
 *   min(WEBHOOK_RETRY_MAX_DELAY, WEBHOOK_RETRY_BASE × 2^(n−1)) × a random factor in [0.8, 1.2)
 * (exponential back-off with ±20 % jitter, so that many failing messages do not retry in lock-step).
 * A message is given up when its next attempt would start more than WEBHOOK_RETRY_FOR after its first
 * attempt. With the defaults (PT5S, PT6H, P3D): 5 s, 10 s, 20 s, 40 s, 80 s, 160 s, 5.3 min, 10.7 min,
 * 21 min, 43 min, 1.4 h, 2.8 h, 5.7 h, then every 6 h until three days have passed — 24 attempts in all.
 */
export interface RetryPolicy {
  baseMs: number;
  maxDelayMs: number;
  retryForMs: number;
}

export function backoffMs(policy: RetryPolicy, failedAttempts: number, random: () => number = Math.random): number {
  const exp = Math.min(policy.maxDelayMs, policy.baseMs * 2 ** Math.min(Math.max(failedAttempts - 1, 0), 40));
  return Math.round(exp * (0.8 + 0.4 * random()));
}

/** When to try again, or null to give up (the retry period is over). */
export function nextAttemptAt(policy: RetryPolicy, firstAttemptAt: number, now: number, failedAttempts: number, random?: () => number): number | null {
  const next = now + backoffMs(policy, failedAttempts, random);
  return next - firstAttemptAt > policy.retryForMs ? null : next;
}

/** The schedule without jitter (documentation, tests): delays after each failed attempt until giving up. */
export function schedule(policy: RetryPolicy): number[] {
  const out: number[] = [];
  let elapsed = 0;
  for (let n = 1; n < 10_000; n++) {
    const d = backoffMs(policy, n, () => 0.5);
    if (elapsed + d > policy.retryForMs) break;
    elapsed += d;
    out.push(d);
  }
  return out;
}
