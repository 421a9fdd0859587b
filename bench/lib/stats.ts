/** Small statistics helpers shared by every benchmark (percentiles over raw samples, medians over rounds). */

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx];
}

export function summarize(samples: readonly number[]): { n: number; p50: number; p99: number; p999: number; max: number; mean: number } {
  const s = [...samples].sort((a, b) => a - b);
  const mean = s.reduce((a, b) => a + b, 0) / (s.length || 1);
  return { n: s.length, p50: percentile(s, 50), p99: percentile(s, 99), p999: percentile(s, 99.9), max: s[s.length - 1] ?? NaN, mean };
}

export function median(values: readonly number[]): number {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const m = Math.floor(v.length / 2);
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

export function ratio(a: number, b: number): number {
  return b === 0 || !Number.isFinite(a) || !Number.isFinite(b) ? NaN : a / b;
}

/** Formats a number for tables: integers with thousands separators, small values with 2 decimals. */
export function fmt(v: number, digits?: number): string {
  if (v === undefined || v === null || Number.isNaN(v)) return '—';
  if (!Number.isFinite(v)) return String(v);
  const d = digits ?? (Math.abs(v) >= 100 ? 0 : Math.abs(v) >= 10 ? 1 : 2);
  return v.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
}

export function nowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Rotates `items` by `round` so that no contender is always measured first (order bias). */
export function rotate<T>(items: readonly T[], round: number): T[] {
  const k = round % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}

/**
 * Runs `n` operations with `concurrency` workers; returns wall time and per-operation latencies (ms).
 * Operation i is passed (i, worker).
 */
export async function runOps(n: number, concurrency: number, op: (i: number, worker: number) => Promise<unknown>): Promise<{ wallMs: number; lat: number[]; errors: number; firstError?: unknown }> {
  let next = 0;
  let errors = 0;
  let firstError: unknown;
  const lat: number[] = new Array(n);
  const t0 = nowMs();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, w) => {
      for (;;) {
        const i = next++;
        if (i >= n) return;
        const s = nowMs();
        try {
          await op(i, w);
        } catch (e) {
          errors++;
          firstError ??= e;
        }
        lat[i] = nowMs() - s;
      }
    }),
  );
  return { wallMs: nowMs() - t0, lat, errors, firstError };
}
