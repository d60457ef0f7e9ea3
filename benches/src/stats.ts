/** Summary of a sample of durations or rates. */
export interface Summary {
  readonly n: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly mean: number;
  readonly min: number;
  readonly max: number;
}

/**
 * The q-quantile (0..1) of `values` by linear interpolation between closest ranks.
 *
 * @throws Error for an empty sample or q outside [0, 1].
 */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) throw new Error('quantile of an empty sample');
  if (!(q >= 0 && q <= 1)) throw new Error(`quantile ${q} is outside [0, 1]`);
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/** p50/p90/p99/mean/min/max of a non-empty sample. */
export function summarize(values: readonly number[]): Summary {
  return {
    n: values.length,
    p50: quantile(values, 0.5),
    p90: quantile(values, 0.9),
    p99: quantile(values, 0.99),
    mean: values.reduce((a, b) => a + b, 0) / values.length,
    min: Math.min(...values),
    max: Math.max(...values),
  };
}

/**
 * Runs `a` and `b` alternately `rounds` times after `warmup` unrecorded rounds of each, so drift in the machine
 * hits both sides alike, and returns the recorded milliseconds of each. Each call gets the round's index: sides that
 * pick their input by it get the same input in a round (a counter shared by both sides would hand them different
 * ones, since the order alternates).
 */
export async function interleave(
  a: (round: number) => Promise<unknown>,
  b: (round: number) => Promise<unknown>,
  options: { rounds: number; warmup: number },
): Promise<{ a: number[]; b: number[] }> {
  const out = { a: [] as number[], b: [] as number[] };
  for (let i = 0; i < options.warmup + options.rounds; i++) {
    const order: ['a' | 'b', (round: number) => Promise<unknown>][] = i % 2 === 0 ? [['a', a], ['b', b]] : [['b', b], ['a', a]];
    for (const [key, fn] of order) {
      const t0 = performance.now();
      await fn(i);
      const ms = performance.now() - t0;
      if (i >= options.warmup) out[key].push(ms);
    }
  }
  return out;
}

/** Formats a number for tables: 3 significant digits, no exponent below 1e6. */
export function fmt(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString('en-US');
  return Number(value.toPrecision(3)).toString();
}
