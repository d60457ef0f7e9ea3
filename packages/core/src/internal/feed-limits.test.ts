import { describe, expect, it } from 'vitest';
import type { TensorSpec } from '../model-handle';
import { Tensor } from '../tensor';
import { checkDimLimits, checkValueRange } from './feed-limits';
import { thrown } from './thrown.fixture';

const spec = (fields: Partial<TensorSpec> & Pick<TensorSpec, 'shape'>): TensorSpec => ({ name: 'x', dtype: 'float32', ...fields });

describe('checkDimLimits', () => {
  it('accepts any shape when the rank is unknown', () => {
    expect(() => checkDimLimits(spec({ shape: null, dimLimits: [{ max: 1 }] }), Tensor.zeros('float32', [0, 5]))).not.toThrow();
  });

  it('refuses size 0 of a symbolic, unknown (null) or -1 dim with the exact message and details', () => {
    const symbolic = thrown(() => checkDimLimits(spec({ name: 'ids', shape: [2, 'sequence'] }), Tensor.zeros('float32', [2, 0])));
    expect(symbolic.code).toBe('INVALID_INPUT');
    expect(symbolic.message).toBe('input "ids" dim 1 (sequence) is 0 (shape [2, 0]); it must be at least 1: an empty batch or sequence is refused');
    expect(symbolic.details).toEqual({ input: 'ids', dim: 1, expected: { min: 1 }, given: 0 });
    expect(thrown(() => checkDimLimits(spec({ shape: [null] }), Tensor.zeros('float32', [0]))).message).toBe(
      'input "x" dim 0 is 0 (shape [0]); it must be at least 1: an empty batch or sequence is refused',
    );
    expect(thrown(() => checkDimLimits(spec({ shape: [-1] }), Tensor.zeros('float32', [0]))).message).toBe(
      'input "x" dim 0 is 0 (shape [0]); it must be at least 1: an empty batch or sequence is refused',
    );
    // An empty symbolic name is no name: no label, and not a fixed dim either.
    expect(thrown(() => checkDimLimits(spec({ shape: [''] }), Tensor.zeros('float32', [0]))).message).toBe(
      'input "x" dim 0 is 0 (shape [0]); it must be at least 1: an empty batch or sequence is refused',
    );
  });

  it('accepts size 0 of a fixed dim 0 and of a dim whose limit allows 0', () => {
    expect(() => checkDimLimits(spec({ shape: [0, 3] }), Tensor.zeros('float32', [0, 3]))).not.toThrow();
    expect(() => checkDimLimits(spec({ shape: ['past', 3], dimLimits: [{ min: 0 }] }), Tensor.zeros('float32', [0, 3]))).not.toThrow();
    expect(() => checkDimLimits(spec({ shape: [null], dimLimits: [null] }), Tensor.zeros('float32', [1]))).not.toThrow();
  });

  it('accepts a size exactly at min and at max, and refuses one below min naming the limit source', () => {
    const window = spec({ name: 'frames', shape: ['time'], dimLimits: [{ min: 2, max: 4, source: 'window' }] });
    expect(() => checkDimLimits(window, Tensor.zeros('float32', [2]))).not.toThrow();
    expect(() => checkDimLimits(window, Tensor.zeros('float32', [4]))).not.toThrow();
    const below = thrown(() => checkDimLimits(window, Tensor.zeros('float32', [1])));
    expect(below.message).toBe('input "frames" dim 0 (time) is 1 (shape [1]); it must be at least 2 (window)');
    expect(below.details).toEqual({ input: 'frames', dim: 0, expected: { min: 2 }, given: 1 });
    // Without a source nothing is appended; size 0 says why instead of the source.
    expect(thrown(() => checkDimLimits(spec({ shape: [null], dimLimits: [{ min: 3 }] }), Tensor.zeros('float32', [2]))).message).toBe(
      'input "x" dim 0 is 2 (shape [2]); it must be at least 3',
    );
    expect(thrown(() => checkDimLimits(window, Tensor.zeros('float32', [0]))).message).toBe(
      'input "frames" dim 0 (time) is 0 (shape [0]); it must be at least 2: an empty batch or sequence is refused',
    );
  });

  it('reports the maximum when a size meets a min that lies above the max', () => {
    const contradictory = spec({ shape: ['n'], dimLimits: [{ min: 3, max: 2 }] });
    expect(thrown(() => checkDimLimits(contradictory, Tensor.zeros('float32', [3]))).message).toBe('input "x" dim 0 (n) is 3 (shape [3]); the model takes at most 2');
  });

  it('refuses a size one past max with the exact message and details, with and without a source', () => {
    const sequence = spec({ name: 'ids', shape: ['batch', 'sequence'], dimLimits: [null, { max: 3, source: 'max_position_embeddings' }] });
    const error = thrown(() => checkDimLimits(sequence, Tensor.zeros('float32', [1, 4])));
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toBe('input "ids" dim 1 (sequence) is 4 (shape [1, 4]); the model takes at most 3 (max_position_embeddings)');
    expect(error.details).toEqual({ input: 'ids', dim: 1, expected: { max: 3 }, given: 4 });
    expect(thrown(() => checkDimLimits(spec({ shape: [5], dimLimits: [{ max: 4 }] }), Tensor.zeros('float32', [5]))).message).toBe(
      'input "x" dim 0 is 5 (shape [5]); the model takes at most 4',
    );
  });
});

describe('checkValueRange', () => {
  const ints = (dtype: 'int64' | 'uint64' | 'int32', values: readonly (number | bigint)[]) => Tensor.from(dtype, values, [values.length]);

  it('does nothing without a range, and ignores a range on string and bool inputs', () => {
    expect(() => checkValueRange(spec({ dtype: 'float32', shape: [1] }), Tensor.from('float32', [1e30], [1]))).not.toThrow();
    expect(() => checkValueRange(spec({ dtype: 'string', shape: [1], valueRange: { min: 0, maxExclusive: 1 } }), Tensor.from('string', ['x'], [1]))).not.toThrow();
    expect(() => checkValueRange(spec({ dtype: 'bool', shape: [1], valueRange: { min: 5, maxExclusive: 6 } }), Tensor.from('bool', [true], [1]))).not.toThrow();
  });

  it('accepts the ends of a 64-bit range and refuses the first element outside it with the exact message and details', () => {
    const vocab = spec({ name: 'input_ids', dtype: 'int64', shape: [null], valueRange: { min: 0, maxExclusive: 100, source: 'vocab_size' } });
    expect(() => checkValueRange(vocab, ints('int64', [0, 99]))).not.toThrow();
    const above = thrown(() => checkValueRange(vocab, ints('int64', [0, 100, -1])));
    expect(above.code).toBe('INVALID_INPUT');
    expect(above.message).toBe('input "input_ids" element 1 is 100, outside [0, 100) (vocab_size)');
    expect(above.details).toEqual({ input: 'input_ids', index: 1, value: '100', expected: { min: 0, maxExclusive: 100 } });
    expect(thrown(() => checkValueRange(vocab, ints('int64', [-1, 5]))).details).toEqual({ input: 'input_ids', index: 0, value: '-1', expected: { min: 0, maxExclusive: 100 } });
    const unsigned = spec({ dtype: 'uint64', shape: [null], valueRange: { min: 0, maxExclusive: 10 } });
    expect(thrown(() => checkValueRange(unsigned, ints('uint64', [9, 2n ** 64n - 1n]))).message).toBe(`input "x" element 1 is ${2n ** 64n - 1n}, outside [0, 10)`);
  });

  it('rounds fractional bounds of a 64-bit input up, as an integer element can never equal them', () => {
    const half = spec({ dtype: 'int64', shape: [null], valueRange: { min: 0.5, maxExclusive: 2.5 } });
    expect(() => checkValueRange(half, ints('int64', [1, 2]))).not.toThrow();
    expect(thrown(() => checkValueRange(half, ints('int64', [0]))).message).toBe('input "x" element 0 is 0, outside [0.5, 2.5)');
    expect(thrown(() => checkValueRange(half, ints('int64', [1, 3]))).message).toBe('input "x" element 1 is 3, outside [0.5, 2.5)');
  });

  it('checks a 64-bit input against an infinite or empty bound on either side', () => {
    const range = (min: number, maxExclusive: number) => spec({ dtype: 'int64', shape: [null], valueRange: { min, maxExclusive } });
    const huge = 2n ** 62n;
    // Only a lower bound.
    expect(() => checkValueRange(range(0, Number.POSITIVE_INFINITY), ints('int64', [0, huge]))).not.toThrow();
    expect(thrown(() => checkValueRange(range(0, Number.POSITIVE_INFINITY), ints('int64', [huge, -1]))).details).toMatchObject({ index: 1, value: '-1' });
    // Only an upper bound.
    expect(() => checkValueRange(range(Number.NEGATIVE_INFINITY, 5), ints('int64', [-huge, 4]))).not.toThrow();
    expect(thrown(() => checkValueRange(range(Number.NEGATIVE_INFINITY, 5), ints('int64', [-huge, 5]))).details).toMatchObject({ index: 1, value: '5' });
    // A lower bound of +Infinity or an upper bound of -Infinity holds nothing, whatever the other bound says.
    expect(thrown(() => checkValueRange(range(Number.POSITIVE_INFINITY, 10), ints('int64', [3]))).message).toBe('input "x" element 0 is 3, outside [Infinity, 10)');
    expect(thrown(() => checkValueRange(range(0, Number.NEGATIVE_INFINITY), ints('int64', [3]))).message).toBe('input "x" element 0 is 3, outside [0, -Infinity)');
    expect(thrown(() => checkValueRange(range(Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY), ints('int64', [3]))).details).toMatchObject({ index: 0 });
    expect(thrown(() => checkValueRange(range(Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY), ints('int64', [3]))).details).toMatchObject({ index: 0 });
    // No elements: nothing is outside even an empty range.
    expect(() => checkValueRange(range(Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY), ints('int64', []))).not.toThrow();
    expect(() => checkValueRange(range(Number.POSITIVE_INFINITY, 10), ints('int64', []))).not.toThrow();
    expect(() => checkValueRange(range(0, Number.NEGATIVE_INFINITY), ints('int64', []))).not.toThrow();
    expect(() => checkValueRange(range(0, 10), ints('int64', []))).not.toThrow();
  });

  it('checks 32-bit and float elements against min inclusive and maxExclusive, refusing NaN', () => {
    const unit = (dtype: 'float32' | 'float64' | 'int32') => spec({ name: 'p', dtype, shape: [null], valueRange: { min: 0, maxExclusive: 1, source: 'probability' } });
    expect(() => checkValueRange(unit('float32'), Tensor.from('float32', [0, 0.5], [2]))).not.toThrow();
    const top = thrown(() => checkValueRange(unit('float64'), Tensor.from('float64', [0.25, 1], [2])));
    expect(top.message).toBe('input "p" element 1 is 1, outside [0, 1) (probability)');
    expect(top.details).toEqual({ input: 'p', index: 1, value: '1', expected: { min: 0, maxExclusive: 1 } });
    expect(thrown(() => checkValueRange(unit('float32'), Tensor.from('float32', [Number.NaN], [1]))).details).toMatchObject({ index: 0, value: 'NaN' });
    expect(thrown(() => checkValueRange(unit('int32'), ints('int32', [0, -1]))).details).toMatchObject({ index: 1, value: '-1' });
  });

  it('decodes float16 and bfloat16 elements before comparing and shows the decoded value', () => {
    const unit = (dtype: 'float16' | 'bfloat16') => spec({ name: 'h', dtype, shape: [null], valueRange: { min: 0, maxExclusive: 2 } });
    // 1.5 is 0x3e00 as float16 bits and 0x3fc0 as bfloat16 bits: raw bits would be far outside [0, 2).
    expect(() => checkValueRange(unit('float16'), Tensor.from('float16', [0, 1.5], [2]))).not.toThrow();
    expect(() => checkValueRange(unit('bfloat16'), Tensor.from('bfloat16', [0, 1.5], [2]))).not.toThrow();
    const half = thrown(() => checkValueRange(unit('float16'), Tensor.from('float16', [1.5, 2.5], [2])));
    expect(half.message).toBe('input "h" element 1 is 2.5, outside [0, 2)');
    expect(half.details).toEqual({ input: 'h', index: 1, value: '2.5', expected: { min: 0, maxExclusive: 2 } });
    const brain = thrown(() => checkValueRange(unit('bfloat16'), Tensor.from('bfloat16', [-0.5], [1])));
    expect(brain.message).toBe('input "h" element 0 is -0.5, outside [0, 2)');
    expect(brain.details).toMatchObject({ value: '-0.5' });
    // Each dtype by its own decoder: 3 as bfloat16 bits (0x4040) read as float16 would be 2.125.
    expect(thrown(() => checkValueRange(unit('bfloat16'), Tensor.from('bfloat16', [3], [1]))).details).toMatchObject({ value: '3' });
  });
});
