/* v8 ignore file -- @preserve: a test helper, shipped in no build */
import { expect } from 'vitest';
import { InferoxError } from '../inferox-error';

/** The InferoxError `fn` throws synchronously; fails the test when it throws nothing or something else. */
export function thrown(fn: () => unknown): InferoxError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(InferoxError);
    return error as InferoxError;
  }
  throw new Error('expected a throw');
}
