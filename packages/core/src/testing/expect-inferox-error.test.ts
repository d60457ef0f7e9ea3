import { describe, expect, it } from 'vitest';
import { InferoxError } from '../inferox-error';
import { expectInferoxError } from './expect-inferox-error';

describe('expectInferoxError', () => {
  it('returns the error when the promise rejects with the code and every fact', async () => {
    const error = new InferoxError('INVALID_INPUT', 'missing input "ids"');
    await expect(expectInferoxError(Promise.reject(error), 'INVALID_INPUT', 'ids', 'missing')).resolves.toBe(error);
  });

  it('fails when the promise resolves', async () => {
    await expect(expectInferoxError(Promise.resolve(1), 'INVALID_INPUT')).rejects.toThrow(/resolved/);
  });

  it('fails when the rejection is not an InferoxError', async () => {
    await expect(expectInferoxError(Promise.reject(new Error('plain')), 'INVALID_INPUT')).rejects.toThrow(/got Error: plain/);
  });

  it('fails when the code differs', async () => {
    await expect(expectInferoxError(Promise.reject(new InferoxError('TIMEOUT', 'late')), 'CANCELLED')).rejects.toThrow(/late/);
  });

  it('fails when a fact is missing from the message', async () => {
    await expect(expectInferoxError(Promise.reject(new InferoxError('TIMEOUT', 'late')), 'TIMEOUT', 'bert')).rejects.toThrow(/bert/);
  });
});
