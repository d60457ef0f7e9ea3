import { describe, expect, it } from 'vitest';
import type { InferoxError } from './inferox-error';
import type { ModelSignature } from './model-handle';
import { Tensor, type TensorMap } from './tensor';
import { validateFeeds } from './validate-feeds';
import { thrown } from './internal/thrown.fixture';

const signature: ModelSignature = {
  inputs: [
    { name: 'input_ids', dtype: 'int64', shape: ['batch', 'sequence'] },
    { name: 'attention_mask', dtype: 'int64', shape: ['batch', 'sequence'] },
    { name: 'pixel', dtype: 'float32', shape: [null, 3, -1] },
    { name: 'anything', dtype: 'float32', shape: null },
  ],
  outputs: [{ name: 'out', dtype: 'float32', shape: ['batch', 4] }],
};

function feeds(overrides: Record<string, unknown> = {}): TensorMap {
  return {
    input_ids: Tensor.zeros('int64', [2, 5]),
    attention_mask: Tensor.zeros('int64', [2, 5]),
    pixel: Tensor.zeros('float32', [7, 3, 9]),
    anything: Tensor.zeros('float32', [1, 2, 3, 4]),
    ...overrides,
  } as TensorMap;
}

function invalid(map: TensorMap, ...facts: string[]): InferoxError {
  const error = thrown(() => validateFeeds(signature, map));
  expect(error.code).toBe('INVALID_INPUT');
  for (const fact of facts) expect(error.message).toContain(fact);
  return error;
}

describe('validateFeeds', () => {
  it('accepts feeds matching fixed, symbolic, null and -1 dims and unknown rank', () => {
    expect(() => validateFeeds(signature, feeds())).not.toThrow();
  });

  it('names the missing input, its expected spec and the given inputs when an input is missing', () => {
    const { attention_mask: _, ...rest } = feeds();
    const error = invalid(rest, 'missing input "attention_mask"', 'int64[batch, sequence]', '"input_ids"');
    expect(error.details).toMatchObject({ input: 'attention_mask', expected: 'int64[batch, sequence]' });
    invalid({}, 'missing input "input_ids"', 'no inputs');
    invalid(feeds({ anything: undefined }), 'missing input "anything"', '(expected float32)');
  });

  it('names the unknown input and the declared ones when an extra input is given', () => {
    const error = invalid(feeds({ token_type_ids: Tensor.zeros('int64', [2, 5]) }), 'unknown input "token_type_ids"', '"input_ids", "attention_mask"');
    expect(error.details).toMatchObject({ input: 'token_type_ids' });
    expect(() => validateFeeds({ inputs: [], outputs: [] }, { x: Tensor.zeros('int8', [1]) })).toThrow(/no inputs/);
  });

  it('names input, expected and given dtype when the dtype differs', () => {
    const error = invalid(feeds({ input_ids: Tensor.zeros('int32', [2, 5]) }), '"input_ids"', 'int64', 'int32');
    expect(error.details).toMatchObject({ expected: 'int64', given: 'int32' });
  });

  it('names input, expected and given rank when the rank differs', () => {
    invalid(feeds({ pixel: Tensor.zeros('float32', [3, 9]) }), '"pixel"', 'rank 3', 'rank 2', '[?, 3, -1]', '[3, 9]');
  });

  it('names input, dim, expected and given size when a fixed dim differs', () => {
    const error = invalid(feeds({ pixel: Tensor.zeros('float32', [7, 4, 9]) }), '"pixel"', 'dim 1 must be 3', 'got 4');
    expect(error.details).toMatchObject({ input: 'pixel', dim: 1, expected: 3, given: 4 });
  });

  it('names both inputs when a symbolic dim disagrees between them', () => {
    invalid(feeds({ attention_mask: Tensor.zeros('int64', [3, 5]) }), '"attention_mask"', 'batch', '3', '"input_ids"', '2');
  });

  it('refuses non-tensors, disposed tensors, inherited names and non-object feeds naming them', () => {
    invalid(feeds({ input_ids: [1, 2] }), '"input_ids"', 'must be a Tensor', 'Array');
    invalid(feeds({ input_ids: null }), '"input_ids"', 'null');
    invalid(feeds({ input_ids: 5 }), '"input_ids"', 'number');
    invalid(feeds({ input_ids: Object.create(null) }), '"input_ids"', 'got object');
    const gone = Tensor.zeros('int64', [2, 5]);
    gone.dispose();
    invalid(feeds({ input_ids: gone }), '"input_ids"', 'disposed');
    expect(() => validateFeeds({ inputs: [{ name: 'constructor', dtype: 'int8', shape: null }], outputs: [] }, {})).toThrow(/missing input "constructor"/);
    expect(() => validateFeeds(signature, null as unknown as TensorMap)).toThrow(/feeds must be an object/);
  });
});
