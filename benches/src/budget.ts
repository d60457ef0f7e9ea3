/**
 * How many rounds fit in `budgetMs` when one round takes `msPerRound`, kept within `[min, max]`: slow models get
 * fewer rounds instead of blowing the run's time, fast ones stop at `max`.
 *
 * @throws Error when `min > max` or a bound is not a positive integer.
 */
export function roundsWithin(budgetMs: number, msPerRound: number, bounds: { readonly min: number; readonly max: number }): number {
  const { min, max } = bounds;
  if (!(Number.isInteger(min) && Number.isInteger(max) && min > 0 && max >= min)) throw new Error(`bad round bounds [${min}, ${max}]`);
  if (!(msPerRound > 0) || !Number.isFinite(msPerRound)) return max;
  return Math.min(max, Math.max(min, Math.floor(budgetMs / msPerRound)));
}
