import { ErrorCode, type InferoxError, isErrorCode, toInferoxError } from '@inferox/core';

/** An error as it crosses a thread boundary. */
export interface WireError {
  readonly code: ErrorCode;
  readonly message: string;
  readonly details: Readonly<Record<string, unknown>>;
  readonly name: string;
  readonly stack?: string;
}

/**
 * Turns anything thrown into a structured-cloneable {@link WireError}: an InferoxError keeps its code, message and
 * details; anything else becomes `fallback` with its message. Details that cannot be cloned are dropped (the
 * message still says what went wrong).
 */
export function encodeError(error: unknown, fallback: ErrorCode = ErrorCode.BACKEND_ERROR): WireError {
  const e = toInferoxError(error, fallback);
  const original = error instanceof Error ? error : e;
  let details: Readonly<Record<string, unknown>>;
  try {
    details = structuredClone(e.details);
  } catch {
    details = {};
  }
  return { code: e.code, message: e.message, details, name: original.name, ...(original.stack === undefined ? {} : { stack: original.stack }) };
}

/**
 * Rebuilds an InferoxError with the same code, message and details; `cause` is an Error carrying the other
 * thread's name and stack.
 */
export function decodeError(wire: WireError): InferoxError {
  const cause = Object.assign(new Error(wire.message), {
    name: wire.name,
    code: isErrorCode(wire.code) ? wire.code : ErrorCode.INTERNAL,
    details: wire.details,
  });
  if (wire.stack !== undefined) cause.stack = wire.stack;
  return toInferoxError(cause);
}
