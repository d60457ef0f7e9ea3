import type { TimeSummary } from '../queue-stats';

/** p50, p95 and mean of `values` (all 0 when empty). */
export function summarize(values: readonly number[]): TimeSummary {
  if (values.length === 0) return { count: 0, p50: 0, p95: 0, mean: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { count: sorted.length, p50: at(0.5), p95: at(0.95), mean: sorted.reduce((a, b) => a + b, 0) / sorted.length };
}
