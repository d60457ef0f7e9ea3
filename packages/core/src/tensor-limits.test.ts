import { describe, expect, it } from 'vitest';
import { MAX_STRING_ELEMENTS } from './dtype';
import { thrown } from './internal/thrown.fixture';
import { Tensor } from './tensor';

// Issue 20 points 9 and 14: bad values are refused by cheap checks before expensive work, with a typed error whose
// message quotes a cut value, never a raw RangeError.
describe('Tensor limits', () => {
  it('refuses Tensor.zeros of 2^40 elements with INVALID_INPUT, not a raw RangeError', () => {
    const error = thrown(() => Tensor.zeros('float32', [2 ** 20, 2 ** 20]));
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toContain('1099511627776 elements of float32');
    expect(error.cause).toBeInstanceOf(RangeError);
  });

  it('refuses a string tensor of more than MAX_STRING_ELEMENTS before allocating when zeros asks for 5e7', () => {
    const error = thrown(() => Tensor.zeros('string', [5e7]));
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toContain(`at most ${MAX_STRING_ELEMENTS}`);
    expect(Tensor.zeros('string', [3]).data).toEqual(['', '', '']);
  });

  it('refuses a 50-million-digit int64 string by its length, quoting it cut', () => {
    const digits = '9'.repeat(50_000_000);
    const error = thrown(() => Tensor.from('int64', [digits], [1]));
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toContain('50000000 chars');
    expect(error.message.length).toBeLessThan(400);
    expect(String(error.details.value).length).toBeLessThan(200);
  });

  it('still reads int64 decimal strings with spaces and leading zeros when they are short', () => {
    expect(Tensor.from('int64', [' 0009223372036854775807 ', '-12'], [2]).data).toEqual(BigInt64Array.from([9223372036854775807n, -12n]));
  });

  it('names a deeply nested array element with INVALID_INPUT without walking it', () => {
    let deep: unknown = [1];
    for (let i = 0; i < 200_000; i++) deep = [deep];
    const error = thrown(() => Tensor.from('float32', [deep as number], [1]));
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toBe('element 0 (an array of 1) cannot be stored as float32: not a number');
  });

  it('cuts a 50 MB string element, a 50 MB input name and a 50 MB dtype in the messages', () => {
    const huge = 'x'.repeat(50_000_000);
    expect(thrown(() => Tensor.from('int32', [huge], [1])).message.length).toBeLessThan(300);
    expect(thrown(() => Tensor.fromJSON({ name: huge, datatype: 'FP32', shape: [1], data: ['oops'] })).message.length).toBeLessThan(300);
    expect(thrown(() => Tensor.fromJSON({ name: 'x', datatype: huge, shape: [1], data: [1] })).message.length).toBeLessThan(400);
    expect(thrown(() => Tensor.zeros(huge as 'float32', [1])).message.length).toBeLessThan(400);
    expect(thrown(() => Tensor.zeros('float32', [huge as unknown as number])).message.length).toBeLessThan(300);
  });
});

describe('Tensor.fromJSON messages', () => {
  it('describes a non-object and an object with many keys briefly', () => {
    expect(thrown(() => Tensor.fromJSON('x'.repeat(1000) as never)).message.length).toBeLessThan(200);
    const wide = Object.fromEntries(Array.from({ length: 15 }, (_, i) => [`k${i}`, i]));
    expect(thrown(() => Tensor.fromJSON(wide as never)).message).toContain('and 5 more');
    expect(thrown(() => Tensor.zeros(5 as never, [1])).message).toContain('unknown dtype 5');
  });
});
