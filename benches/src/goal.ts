import { fmt } from './stats';

/** A goal of the issue checked against a measured value, as {@link ScenarioResult} records it. */
export interface Goal {
  readonly name: string;
  readonly target: string;
  readonly measured: string;
  readonly met: boolean;
}

/**
 * Checks `measured` against a bound: `at-most` (ratios, latencies) or `at-least` (throughput), or `equal` (counts).
 * A non-finite measurement never meets a goal.
 */
export function checkGoal(name: string, measured: number, bound: { readonly atMost?: number; readonly atLeast?: number; readonly equal?: number }, unit = ''): Goal {
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
  return { name, target: parts.join(' and '), measured: `${fmt(measured)}${unit}`, met };
}

/** `value / baseline`, the way every table reports ratios (Inferox ÷ baseline); NaN when the baseline is 0. */
export function ratio(value: number, baseline: number): number {
  return baseline === 0 ? Number.NaN : value / baseline;
}
