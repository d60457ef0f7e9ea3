import { describe, expect, it } from 'vitest';
import { Tensor } from './tensor';

describe('Tensor', () => {
  it('refuses 2^53+1 as int64 when given as a number', () => {
    expect(() => Tensor.from('int64', [2 ** 53 + 1], [1])).toThrow(/element 0/);
  });
});
