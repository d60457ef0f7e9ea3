import './ambient-types';
import { ErrorCode, isErrorCode } from './error-codes';

/** Options for {@link InferoxError}. */
export interface InferoxErrorOptions {
  /** The underlying error (a native backend error, `signal.reason`, a file-system error, ...). */
  readonly cause?: unknown;
  /** Structured facts about the failure (input name, expected vs given, path, ...). */
  readonly details?: Readonly<Record<string, unknown>>;
}

/** Marks errors across copies of this package; see {@link InferoxError}'s `instanceof`. */
const INFEROX_ERROR_BRAND = Symbol.for('@inferox/core/InferoxError');

/**
 * The one error class of Inferox. `code` says what kind of failure it is; the message says what was wrong and with
 * which value, file or input.
 *
 * @example
 * ```ts
 * try { await engine.infer('bert', feeds); }
 * catch (e) { if (isInferoxError(e) && e.code === 'QUEUE_FULL') retryLater(); }
 * ```
 */
export class InferoxError extends Error {
  /**
   * `instanceof InferoxError` holds for errors made by any copy of this package (an app that loads @inferox/core
   * twice, e.g. its own and the engine's), as it does for {@link Tensor}; subclasses keep the usual prototype check.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (this !== InferoxError) return Function.prototype[Symbol.hasInstance].call(this, value);
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[INFEROX_ERROR_BRAND] === true;
  }

  /** The brand {@link InferoxError}'s `instanceof` checks (shared by every copy of the package through `Symbol.for`). */
  get [INFEROX_ERROR_BRAND](): true {
    return true;
  }

  /** Always `'InferoxError'`. */
  override readonly name = 'InferoxError';
  /** What kind of failure this is; branch on it, never on the message. */
  readonly code: ErrorCode;
  /** Structured facts (input name, expected vs given, file, ...); `{}` when none. */
  readonly details: Readonly<Record<string, unknown>>;

  /**
   * @param code - one of {@link ErrorCode}.
   * @param message - what was wrong, naming the value, file or input.
   * @param options - `cause` and `details`.
   */
  constructor(code: ErrorCode, message: string, options: InferoxErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details ?? {};
  }

  /** A JSON-friendly view (`code`, `message`, `details`), for logs and wire formats. */
  toJSON(): { code: ErrorCode; message: string; details: Readonly<Record<string, unknown>> } {
    return { code: this.code, message: this.message, details: this.details };
  }
}

/**
 * @returns whether `value` is an {@link InferoxError} (made by any copy of @inferox/core), optionally with the given
 * code.
 */
export function isInferoxError(value: unknown, code?: ErrorCode): value is InferoxError {
  return value instanceof InferoxError && (code === undefined || value.code === code);
}

/**
 * Turns anything thrown into an {@link InferoxError}. An InferoxError is returned as is; an object with a known
 * `code` keeps it (errors that crossed a worker boundary); anything else becomes `fallback` (default
 * `BACKEND_ERROR`) with the original as `cause`.
 *
 * @param error - what was caught.
 * @param fallback - the code for errors that carry none. @defaultValue `'BACKEND_ERROR'`
 * @param context - a prefix for the message, e.g. `'onnx run of bert'`.
 */
export function toInferoxError(error: unknown, fallback: ErrorCode = ErrorCode.BACKEND_ERROR, context?: string): InferoxError {
  if (error instanceof InferoxError) return error;
  const prefix = context ? `${context}: ` : '';
  if (typeof error === 'object' && error !== null) {
    const record = error as { code?: unknown; message?: unknown; details?: unknown };
    const message = typeof record.message === 'string' ? record.message : String(error);
    if (isErrorCode(record.code)) {
      const details = typeof record.details === 'object' && record.details !== null ? (record.details as Record<string, unknown>) : undefined;
      return new InferoxError(record.code, prefix + message, { cause: error, ...(details ? { details } : {}) });
    }
    return new InferoxError(fallback, prefix + message, { cause: error });
  }
  return new InferoxError(fallback, prefix + String(error), { cause: error });
}
