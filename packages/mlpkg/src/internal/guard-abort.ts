import { abortError, toInferoxError, ErrorCode } from '@inferox/core';

/**
 * Runs `work`, turning an abort (any error once `signal` fired) into `CANCELLED` and any non-Inferox error into
 * `fallback` with `context` in the message.
 */
export async function guardAbort<T>(work: () => Promise<T>, signal: AbortSignal | undefined, context: string, fallback: ErrorCode = ErrorCode.INTERNAL): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (signal?.aborted) throw abortError(signal, context);
    throw toInferoxError(error, fallback, context);
  }
}
