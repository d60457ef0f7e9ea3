import { describe, expect, it } from 'vitest';
import { describeValue } from './describe-value';

describe('describeValue', () => {
  it('names the kind of value and what it holds when given anything a caller might pass', () => {
    class Pool {}
    const cases: [unknown, string][] = [
      [null, 'null'],
      [undefined, 'undefined'],
      [3, '3'],
      [true, 'true'],
      [2n, '2'],
      ['high', '"high"'],
      [() => 1, 'a function'],
      [Symbol('s'), 'Symbol(s)'],
      [[1], 'an array'],
      [new Pool(), 'an instance of Pool'],
      [{ a: 1, b: 2 }, 'an object with keys [a, b]'],
      [Object.create(null), 'an object with keys []'],
    ];
    for (const [value, expected] of cases) expect(describeValue(value)).toBe(expected);
  });
});
