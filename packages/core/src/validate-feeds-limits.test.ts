import { describe, expect, it } from 'vitest';
import { thrown } from './internal/thrown.fixture';
import type { ModelSignature } from './model-handle';
import { Tensor, type TensorMap } from './tensor';
import { validateFeeds } from './validate-feeds';

// A BERT-like signature with the limits a Hugging Face config gives: ids in [0, vocab_size), at most
// max_position_embeddings positions.
const bert: ModelSignature = {
  inputs: [
    {
      name: 'input_ids',
      dtype: 'int64',
      shape: ['batch', 'sequence'],
      dimLimits: [null, { max: 8, source: 'max_position_embeddings' }],
      valueRange: { min: 0, maxExclusive: 100, source: 'vocab_size' },
    },
    { name: 'attention_mask', dtype: 'int64', shape: ['batch', 'sequence'], valueRange: { min: 0, maxExclusive: 2 } },
  ],
  outputs: [{ name: 'out', dtype: 'float32', shape: ['batch', 4] }],
};

const ids = (values: readonly (number | bigint)[], shape = [1, values.length]): TensorMap => ({
  input_ids: Tensor.from('int64', values, shape),
  attention_mask: Tensor.from('int64', new Array<number>(values.length).fill(1), shape),
});

const refusal = (signature: ModelSignature, feeds: TensorMap) => thrown(() => validateFeeds(signature, feeds));

describe('validateFeeds limits', () => {
  it('accepts ids at both ends of the range and a sequence exactly at its limit', () => {
    expect(() => validateFeeds(bert, ids([0, 99, 5, 1, 2, 3, 4, 6]))).not.toThrow();
  });

  it('refuses a token id outside the vocabulary naming the input, element, value and bound', () => {
    const error = refusal(bert, ids([1, 100]));
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toBe('input "input_ids" element 1 is 100, outside [0, 100) (vocab_size)');
    expect(error.details).toMatchObject({ input: 'input_ids', index: 1, value: '100' });
  });

  it('refuses a negative id and a huge int64 id', () => {
    expect(refusal(bert, ids([-1])).message).toContain('element 0 is -1, outside [0, 100)');
    expect(refusal(bert, ids([2n ** 62n])).message).toContain(`is ${2n ** 62n}`);
  });

  it('refuses a sequence longer than the dim limit naming the limit and its source', () => {
    const error = refusal(bert, ids([1, 2, 3, 4, 5, 6, 7, 8, 9]));
    expect(error.message).toBe('input "input_ids" dim 1 (sequence) is 9 (shape [1, 9]); the model takes at most 8 (max_position_embeddings)');
  });

  it('refuses a zero batch and an empty sequence unless the limit allows 0', () => {
    expect(refusal(bert, ids([], [0, 3])).message).toContain('dim 0 (batch) is 0');
    expect(refusal(bert, ids([], [2, 0])).message).toContain('dim 1 (sequence) is 0 (shape [2, 0]); it must be at least 1: an empty batch or sequence is refused');
    const past: ModelSignature = { inputs: [{ name: 'past', dtype: 'float32', shape: ['batch', 'past_sequence', 4], dimLimits: [null, { min: 0 }] }], outputs: [] };
    expect(() => validateFeeds(past, { past: Tensor.zeros('float32', [1, 0, 4]) })).not.toThrow();
    expect(() => validateFeeds({ inputs: [{ name: 'fixed', dtype: 'float32', shape: [0] }], outputs: [] }, { fixed: Tensor.zeros('float32', [0]) })).not.toThrow();
    const atLeast: ModelSignature = { inputs: [{ name: 'x', dtype: 'float32', shape: [null], dimLimits: [{ min: 2, source: 'window' }] }], outputs: [] };
    expect(refusal(atLeast, { x: Tensor.zeros('float32', [1]) }).message).toContain('at least 2 (window)');
  });

  it('checks float ranges, NaN and float16 values when a float input declares a range', () => {
    const unit = (dtype: 'float32' | 'float16' | 'bfloat16'): ModelSignature => ({
      inputs: [{ name: 'p', dtype, shape: [null], valueRange: { min: 0, maxExclusive: 1 } }],
      outputs: [],
    });
    expect(() => validateFeeds(unit('float32'), { p: Tensor.from('float32', [0, 0.5], [2]) })).not.toThrow();
    expect(refusal(unit('float32'), { p: Tensor.from('float32', [Number.NaN], [1]) }).message).toContain('is NaN');
    expect(refusal(unit('float16'), { p: Tensor.from('float16', [0.5, 1.5], [2]) }).message).toContain('element 1 is 1.5');
    expect(refusal(unit('bfloat16'), { p: Tensor.from('bfloat16', [-2], [1]) }).message).toContain('element 0 is -2');
  });

  it('ignores a range on string and bool inputs and accepts open int64 bounds', () => {
    const loose: ModelSignature = {
      inputs: [
        { name: 's', dtype: 'string', shape: [1], valueRange: { min: 0, maxExclusive: 1 } },
        { name: 'b', dtype: 'bool', shape: [1], valueRange: { min: 5, maxExclusive: 6 } },
        { name: 'i', dtype: 'int64', shape: [2], valueRange: { min: Number.NEGATIVE_INFINITY, maxExclusive: Number.POSITIVE_INFINITY } },
      ],
      outputs: [],
    };
    expect(() => validateFeeds(loose, { s: Tensor.from('string', ['x'], [1]), b: Tensor.from('bool', [true], [1]), i: Tensor.from('int64', [-(2n ** 63n), 2n ** 63n - 1n], [2]) })).not.toThrow();
    const nonNegative: ModelSignature = { inputs: [{ name: 'i', dtype: 'int64', shape: [2], valueRange: { min: 0, maxExclusive: Number.POSITIVE_INFINITY } }], outputs: [] };
    expect(() => validateFeeds(nonNegative, { i: Tensor.from('int64', [0, 2n ** 62n], [2]) })).not.toThrow();
    expect(refusal(nonNegative, { i: Tensor.from('int64', [3, -1], [2]) }).message).toContain('element 1 is -1');
    const below: ModelSignature = { inputs: [{ name: 'i', dtype: 'int64', shape: [1], valueRange: { min: Number.NEGATIVE_INFINITY, maxExclusive: 5 } }], outputs: [] };
    expect(refusal(below, { i: Tensor.from('int64', [5], [1]) }).message).toContain('element 0 is 5');
    const empty: ModelSignature = { inputs: [{ name: 'i', dtype: 'uint64', shape: [1], valueRange: { min: Number.POSITIVE_INFINITY, maxExclusive: Number.NEGATIVE_INFINITY } }], outputs: [] };
    expect(refusal(empty, { i: Tensor.from('uint64', [1], [1]) }).message).toContain('element 0 is 1');
  });

  it('cuts a 50 MB input name and lists at most 20 names when the feeds are wrong', () => {
    const huge = 'n'.repeat(50_000_000);
    const unknown = refusal(bert, { ...ids([1]), [huge]: Tensor.zeros('int64', [1, 1]) });
    expect(unknown.message.length).toBeLessThan(300);
    expect(String(unknown.details.input).length).toBeLessThan(200);
    const wide: ModelSignature = { inputs: Array.from({ length: 30 }, (_, i) => ({ name: `x${i}`, dtype: 'int64' as const, shape: [1] })), outputs: [] };
    expect(refusal(wide, { y: Tensor.zeros('int64', [1]) }).message).toContain('"x19" and 10 more');
  });
});
