import { fmt } from './stats';

/** A goal of an issue checked against a measured value, as {@link ScenarioResult} records it (and the results JSON). */
export interface Goal {
  readonly name: string;
  readonly target: string;
  readonly measured: string;
  /**
   * What the goal is measured against, with its figure from the same run (`raw ORT [16, 128] batches back to back:
   * 1,234 requests/s`), and, where the limit shows the target cannot be reached, why; `null` for a goal with no
   * limit (a count, or a ratio to a competitor rather than to what the hardware can give).
   */
  readonly limit: string | null;
  readonly met: boolean;
}

/** The bound of a goal: `at-most` (ratios, latencies), `at-least` (throughput), or `equal` (counts). */
export interface GoalBound {
  readonly atMost?: number;
  readonly atLeast?: number;
  readonly equal?: number;
}

/**
 * Checks `measured` against a bound, with the unit in target and measured and, when given, the limit it is measured
 * against. A non-finite measurement never meets a goal.
 *
 * @throws Error when `bound` has no bound.
 */
export function checkGoal(name: string, measured: number, bound: GoalBound, unit = '', limit: string | null = null): Goal {
  const parts: string[] = [];
  let met = Number.isFinite(measured);
  if (bound.atLeast !== undefined) {
    parts.push(`≥ ${bound.atLeast}${unit}`);
    met &&= measured >= bound.atLeast;
  }
  if (bound.atMost !== undefined) {
    parts.push(`≤ ${bound.atMost}${unit}`);
    met &&= measured <= bound.atMost;
  }
  if (bound.equal !== undefined) {
    parts.push(`= ${bound.equal}${unit}`);
    met &&= measured === bound.equal;
  }
  if (parts.length === 0) throw new Error(`goal ${JSON.stringify(name)} has no bound`);
  return { name, target: parts.join(' and '), measured: `${fmt(measured)}${unit}`, limit, met };
}

/** `value / baseline`, the way every table reports ratios (Inferox ÷ baseline); NaN when the baseline is 0. */
export function ratio(value: number, baseline: number): number {
  return baseline === 0 ? Number.NaN : value / baseline;
}
