import { Tensor, type TensorMap } from '@inferox/core';
import { describe, expect, it } from 'vitest';
import { batchKey } from './batch-key';
import { BatchKeyCache } from './batch-key-cache';

const feedsOf = (rows: number, seq: number, dtype: 'int64' | 'int32' = 'int64'): TensorMap => ({
  ids: Tensor.zeros(dtype, [rows, seq]),
  mask: Tensor.zeros(dtype, [rows, seq]),
});

describe('BatchKeyCache', () => {
  it('gives batchKey’s key for every structure, whether it repeats the last one or not', () => {
    const padding = { inputs: ['ids'], value: 0, outputs: undefined };
    const cache = new BatchKeyCache(padding);
    const cases: TensorMap[] = [
      feedsOf(1, 4),
      feedsOf(2, 4),
      feedsOf(1, 5),
      feedsOf(1, 5, 'int32'),
      { mask: Tensor.zeros('int64', [1, 4]), ids: Tensor.zeros('int64', [1, 4]) },
      { ids: Tensor.zeros('int64', [1, 4]) },
      { ids: Tensor.zeros('int64', [1, 4, 2]), mask: Tensor.zeros('int64', [1, 4]) },
      { ids: Tensor.zeros('int64', [1, 4]), other: Tensor.zeros('int64', [1, 4]) },
      { ids: Tensor.zeros('int64', [1, 4]), mask: Tensor.zeros('int64', [2, 4]) },
      { ids: Tensor.zeros('int64', [1, 4]), s: Tensor.zeros('float32', []) },
      { ids: Tensor.zeros('int64', [1, 4]), s: Tensor.zeros('float32', []) },
      {},
      feedsOf(1, 4),
    ];
    for (const feeds of cases) expect(cache.of(feeds)).toBe(batchKey(feeds, padding));
  });

  it('does not reuse the last key for feeds that drop its later inputs, rename one, or have a lower rank', () => {
    const pairs: [TensorMap, TensorMap][] = [
      [feedsOf(1, 4), { ids: Tensor.zeros('int64', [1, 4]) }],
      [{ ids: Tensor.zeros('int64', [1, 4]) }, { tokens: Tensor.zeros('int64', [1, 4]) }],
      [{ ids: Tensor.zeros('int64', [1, 4, 2]) }, { ids: Tensor.zeros('int64', [1, 4]) }],
    ];
    for (const [last, next] of pairs) {
      const cache = new BatchKeyCache(undefined);
      expect(cache.of(last)).toBe(batchKey(last, undefined));
      expect(cache.of(next)).toBe(batchKey(next, undefined));
      expect(cache.of(next)).not.toBe(batchKey(last, undefined));
    }
  });

  it('gives equal keys to equal structures with another structure between them, and a different one to the other', () => {
    const cache = new BatchKeyCache(undefined);
    const first = cache.of(feedsOf(1, 4));
    expect(cache.of(feedsOf(1, 4))).toBe(first);
    expect(cache.of(feedsOf(1, 9))).not.toBe(first);
    expect(cache.of(feedsOf(3, 4))).toBe(first);
  });

  it('keeps giving the right keys past its interning bound', () => {
    const cache = new BatchKeyCache(undefined);
    for (let seq = 1; seq <= 300; seq++) expect(cache.of(feedsOf(1, seq))).toBe(`"ids":int64[${seq}];"mask":int64[${seq}]`);
    expect(cache.of(feedsOf(1, 1))).toBe('"ids":int64[1];"mask":int64[1]');
  });
});
