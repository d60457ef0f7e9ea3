import { quoteValue } from '@inferox/core';
import { describe, expect, it } from 'vitest';
import { describeValue } from './describe-value';

describe('describeValue', () => {
  it('says nothing for undefined, JSON for arrays and objects, and quotes everything else', () => {
    expect(describeValue(undefined)).toBe('nothing');
    expect(describeValue([4, 0])).toBe('[4,0]');
    expect(describeValue({ a: 'b' })).toBe('{"a":"b"}');
    expect(describeValue('x')).toBe('"x"');
    expect(describeValue(null)).toBe('null');
    expect(describeValue(7)).toBe('7');
    expect(describeValue(Symbol('s'))).toBe(quoteValue(Symbol('s')));
    // Where JSON would say otherwise: NaN is not null, and a long string is cut the way quoteValue cuts.
    expect(describeValue(Number.NaN)).toBe('NaN');
    const long = 'a"b\n'.repeat(60);
    expect(describeValue(long)).toBe(quoteValue(long));
    expect(describeValue(() => 1)).toBe(quoteValue(() => 1));
  });

  it('falls back to quoting an object JSON cannot write', () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(describeValue(circular)).toBe('an object (Object)');
    expect(describeValue({ n: 1n })).toBe('an object (Object)');
  });
});
