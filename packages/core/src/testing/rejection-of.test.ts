import { describe, expect, it } from 'vitest';
import { InferoxError } from '../inferox-error';
import { rejectionOf } from './rejection-of';

describe('rejectionOf', () => {
  it('returns the InferoxError a promise rejects with or a function throws', async () => {
    const error = new InferoxError('QUEUE_FULL', 'full');
    expect(await rejectionOf(Promise.reject(error))).toBe(error);
    expect(
      await rejectionOf(() => {
        throw error;
      }),
    ).toBe(error);
    expect(await rejectionOf(async () => Promise.reject(error))).toBe(error);
  });

  it('fails the test when the operation succeeds or fails with something else', async () => {
    await expect(rejectionOf(Promise.resolve(1))).rejects.toThrow('but it succeeded');
    await expect(rejectionOf(() => 1)).rejects.toThrow('but it succeeded');
    await expect(rejectionOf(Promise.reject(new TypeError('x')))).rejects.toThrow('expected an InferoxError, got TypeError: x');
  });
});
