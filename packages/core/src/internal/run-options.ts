import { ErrorCode } from '../error-codes';
import { InferoxError } from '../inferox-error';
import type { RunOptions } from '../model-handle';
import { quoteValue } from '../quote-value';

function invalid(message: string, option: string): InferoxError {
  return new InferoxError(ErrorCode.INVALID_INPUT, message, { details: { option } });
}

/** Whether `value` can be used as an AbortSignal (checked by shape, so a signal from another realm passes). */
export function isAbortSignalLike(value: unknown): value is AbortSignal {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as AbortSignal).aborted === 'boolean' &&
    typeof (value as AbortSignal).addEventListener === 'function' &&
    typeof (value as AbortSignal).removeEventListener === 'function'
  );
}

/**
 * Checks the shape of run options: an object (or undefined) whose `signal` is an AbortSignal and whose `outputs` is
 * an array of strings. Names are checked against the model later.
 *
 * @throws InferoxError `INVALID_INPUT` naming the option.
 */
export function checkRunOptions(options: unknown): RunOptions {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw invalid(`run options must be an object, got ${quoteValue(options)}`, 'options');
  }
  const { signal, outputs } = options as { signal?: unknown; outputs?: unknown };
  if (signal !== undefined && !isAbortSignalLike(signal)) throw invalid(`options.signal must be an AbortSignal, got ${quoteValue(signal)}`, 'signal');
  if (outputs !== undefined) {
    if (!Array.isArray(outputs)) throw invalid(`options.outputs must be an array of output names, got ${quoteValue(outputs)}`, 'outputs');
    const bad = outputs.findIndex((n) => typeof n !== 'string');
    if (bad >= 0) throw invalid(`options.outputs[${bad}] must be an output name (a string), got ${quoteValue(outputs[bad])}`, 'outputs');
  }
  return options as RunOptions;
}
