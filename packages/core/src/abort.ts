import { ErrorCode } from './error-codes';
import { InferoxError } from './inferox-error';

/**
 * The error for an aborted signal: code `CANCELLED` (or `TIMEOUT` when the reason is a `TimeoutError`, as from
 * `AbortSignal.timeout`), with `cause: signal.reason`.
 */
export function abortError(signal: AbortSignal, what = 'operation'): InferoxError {
  const reason: unknown = signal.reason;
  if (reason instanceof InferoxError) return reason;
  const isTimeout = typeof reason === 'object' && reason !== null && (reason as { name?: unknown }).name === 'TimeoutError';
  const code = isTimeout ? ErrorCode.TIMEOUT : ErrorCode.CANCELLED;
  return new InferoxError(code, `${what} was ${isTimeout ? 'timed out' : 'cancelled'} by its signal`, { cause: reason });
}

/**
 * Throws {@link abortError} when `signal` is aborted; call it between the stages of an async operation.
 *
 * @throws InferoxError `CANCELLED` (or `TIMEOUT`).
 */
export function throwIfAborted(signal: AbortSignal | undefined, what?: string): void {
  if (signal?.aborted) throw abortError(signal, what);
}
