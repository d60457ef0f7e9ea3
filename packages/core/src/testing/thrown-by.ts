import { expect } from 'vitest';
import { type InferoxError, isInferoxError } from '../inferox-error';

/**
 * Calls `fn` and asserts with vitest `expect` that it throws an InferoxError synchronously: the synchronous companion
 * of {@link rejectionOf}, for tests that check the code, message and details themselves.
 *
 * @returns the error.
 * @throws an assertion error when `fn` returns, or throws something other than an InferoxError.
 * @example
 * ```ts
 * const error = thrownBy(() => Tensor.from('float32', [1, 2], [3]));
 * expect(error.details).toEqual({ shape: [3], size: 3, length: 2 });
 * ```
 */
export function thrownBy(fn: () => unknown): InferoxError {
  let outcome: { threw: false } | { threw: true; error: unknown };
  try {
    fn();
    outcome = { threw: false };
  } catch (error) {
    outcome = { threw: true, error };
  }
  expect(outcome.threw, 'expected the call to throw an InferoxError, but it returned').toBe(true);
  const error = (outcome as { error: unknown }).error;
  expect(isInferoxError(error), `expected an InferoxError, got ${String(error)}`).toBe(true);
  return error as InferoxError;
}
