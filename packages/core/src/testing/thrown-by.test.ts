import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../error-codes';
import { InferoxError } from '../inferox-error';
import { thrownBy } from './thrown-by';

describe('thrownBy', () => {
  it('returns the InferoxError the call threw', () => {
    const error = new InferoxError(ErrorCode.INVALID_INPUT, 'bad');
    expect(
      thrownBy(() => {
        throw error;
      }),
    ).toBe(error);
  });

  it('fails when the call returns or throws something else', () => {
    expect(() => thrownBy(() => 1)).toThrow('expected the call to throw an InferoxError, but it returned');
    expect(() =>
      thrownBy(() => {
        throw new TypeError('plain');
      }),
    ).toThrow('expected an InferoxError, got TypeError: plain');
  });
});
