import { ErrorCode } from './error-codes';
import { InferoxError } from './inferox-error';
import { quoteValue } from './quote-value';

/** The most runs a handle may ask to be handed at once (`ModelHandle.runsInFlight`). */
export const MAX_RUNS_IN_FLIGHT = 64;

/**
 * `value` as a handle's `runsInFlight`: an integer from 1 to {@link MAX_RUNS_IN_FLIGHT}.
 *
 * @param what - whose value it is, for the message (`model "bert" (onnx)`).
 * @throws InferoxError `INVALID_INPUT` naming the value.
 */
export function checkRunsInFlight(value: unknown, what: string): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_RUNS_IN_FLIGHT) return value;
  throw new InferoxError(ErrorCode.INVALID_INPUT, `runsInFlight of ${what} must be an integer from 1 to ${MAX_RUNS_IN_FLIGHT}, got ${quoteValue(value)}`, {
    details: { field: 'runsInFlight', value: quoteValue(value) },
  });
}
