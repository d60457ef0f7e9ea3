import { abortError, toInferoxError, type ErrorCode } from '@inferox/core';

/**
 * Runs `work`, turning an abort (any error once `signal` fired) into `CANCELLED` and any non-Inferox error into
 * `fallback` with `context` in the message. `fallback` has no default: each caller says what an unexpected error
 * means for it (`INTERNAL` only where every expected failure is mapped already, since core reserves it for bugs).
 */
export async function guardAbort<T>(work: () => Promise<T>, signal: AbortSignal | undefined, context: string, fallback: ErrorCode): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (signal?.aborted) throw abortError(signal, context);
    throw toInferoxError(error, fallback, context);
  }
}
