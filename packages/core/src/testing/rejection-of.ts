import { expect } from 'vitest';
import { type InferoxError, isInferoxError } from '../inferox-error';

/**
 * Awaits `operation` (a promise, or a function whose sync throw or returned promise counts) and asserts with vitest
 * `expect` that it fails with an InferoxError. The code-agnostic companion of `expectInferoxError`, for tests that
 * check the code and details themselves.
 *
 * @returns the error.
 * @throws an assertion error when the operation succeeds or fails with something other than an InferoxError.
 * @example
 * ```ts
 * const error = await rejectionOf(engine.infer('nope', feeds));
 * expect(error.details.models).toEqual(['bert']);
 * ```
 */
export async function rejectionOf(operation: Promise<unknown> | (() => unknown)): Promise<InferoxError> {
  let outcome: { failed: false } | { failed: true; error: unknown };
  try {
    await (typeof operation === 'function' ? operation() : operation);
    outcome = { failed: false };
  } catch (error) {
    outcome = { failed: true, error };
  }
  expect(outcome.failed, 'expected the operation to fail with an InferoxError, but it succeeded').toBe(true);
  const error = (outcome as { error: unknown }).error;
  expect(isInferoxError(error), `expected an InferoxError, got ${String(error)}`).toBe(true);
  return error as InferoxError;
}
