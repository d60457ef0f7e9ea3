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

  it('quotes a string of 40 characters whole and cuts a longer one at 40 with an ellipsis', () => {
    const forty = 'x'.repeat(40);
    expect(describeValue(forty)).toBe(JSON.stringify(forty));
    expect(describeValue(`${forty}yz`)).toBe(JSON.stringify(`${forty}…`));
  });

  it('lists at most 5 keys, each cut at 40 characters, with an ellipsis only when there are more', () => {
    expect(describeValue({ a: 1, b: 1, c: 1, d: 1, e: 1 })).toBe('an object with keys [a, b, c, d, e]');
    expect(describeValue({ a: 1, b: 1, c: 1, d: 1, e: 1, f: 1 })).toBe('an object with keys [a, b, c, d, e, …]');
    expect(describeValue({ ['k'.repeat(45)]: 1 })).toBe(`an object with keys [${'k'.repeat(40)}]`);
  });

  it('describes an object by its keys when its prototype has no constructor, or one without a name', () => {
    const bare = Object.create(Object.create(null) as object) as Record<string, number>;
    bare['a'] = 1;
    expect(describeValue(bare)).toBe('an object with keys [a]');
    const anonymous = Object.create({ constructor: { name: '' } }) as Record<string, number>;
    anonymous['b'] = 2;
    expect(describeValue(anonymous)).toBe('an object with keys [b]');
  });
});
