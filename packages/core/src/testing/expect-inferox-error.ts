import { expect } from 'vitest';
import { type InferoxError, isInferoxError } from '../inferox-error';

/**
 * Awaits `promise` and asserts (with vitest `expect`) that it rejects with an InferoxError of `code` whose message
 * contains every one of `facts`.
 *
 * @returns the error, for further checks.
 * @throws an assertion error when the promise resolves, rejects with something else, or the message lacks a fact.
 * @example
 * ```ts
 * await expectInferoxError(handle.run({}), 'INVALID_INPUT', 'input_ids');
 * ```
 */
export async function expectInferoxError(promise: Promise<unknown>, code: string, ...facts: string[]): Promise<InferoxError> {
  const outcome = await promise.then(
    (value: unknown) => ({ resolved: true as const, value }),
    (error: unknown) => ({ resolved: false as const, error }),
  );
  expect(outcome.resolved, `expected a rejection with InferoxError ${code}, but the promise resolved`).toBe(false);
  const error = (outcome as { error: unknown }).error;
  expect(isInferoxError(error), `expected an InferoxError ${code}, got ${String(error)}`).toBe(true);
  expect((error as { code: string }).code, `error code (message: ${(error as Error).message})`).toBe(code);
  for (const fact of facts) expect((error as Error).message).toContain(fact);
  return error as InferoxError;
}
