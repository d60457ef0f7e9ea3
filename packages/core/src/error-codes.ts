/**
 * Every error code Inferox raises. Callers branch on `error.code`, never on the message.
 */
export const ErrorCode = {
  /** The named model (or version) is not registered. */
  MODEL_NOT_FOUND: 'MODEL_NOT_FOUND',
  /** A tensor, feed, option or argument is malformed; the message names it. */
  INVALID_INPUT: 'INVALID_INPUT',
  /** The backend is unknown, not installed or failed to initialise. */
  BACKEND_UNAVAILABLE: 'BACKEND_UNAVAILABLE',
  /** The backend raised an error while loading or running; `cause` holds the original. */
  BACKEND_ERROR: 'BACKEND_ERROR',
  /** A device string is malformed or the device cannot be used. */
  DEVICE_ERROR: 'DEVICE_ERROR',
  /** A memory budget or admission capacity cannot hold the request. */
  OUT_OF_MEMORY: 'OUT_OF_MEMORY',
  /** A bounded queue is full (backpressure). */
  QUEUE_FULL: 'QUEUE_FULL',
  /** The request's deadline passed before it could complete. */
  DEADLINE_EXCEEDED: 'DEADLINE_EXCEEDED',
  /** The request's `timeoutMs` elapsed. */
  TIMEOUT: 'TIMEOUT',
  /** The caller's AbortSignal fired; `cause` is `signal.reason`. */
  CANCELLED: 'CANCELLED',
  /** The engine is closing or closed. */
  SHUT_DOWN: 'SHUT_DOWN',
  /** The object was used after `dispose()`. */
  DISPOSED: 'DISPOSED',
  /** A model file, checkpoint or package is malformed or fails verification. */
  PACKAGE_INVALID: 'PACKAGE_INVALID',
  /** A Hugging Face hub request or cache operation failed. */
  HUB_ERROR: 'HUB_ERROR',
  /** A bug: an invariant Inferox relies on did not hold. */
  INTERNAL: 'INTERNAL',
} as const;

/** One of the {@link ErrorCode} values. */
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** @returns whether `value` is one of the {@link ErrorCode} values. */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ErrorCode, value);
}
