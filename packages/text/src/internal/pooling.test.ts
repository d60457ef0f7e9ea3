import { describe, expect, it } from 'vitest';
import { finishEmbedding, poolRow, sigmoid, softmax } from './pooling';

// Two rows of three positions, width 2; row 1 is left-padded (its tokens at positions 1 and 2).
const hidden = new Float32Array([1, 2, 3, 4, 5, 6, /* row 1 */ 9, 9, 7, 8, 1, 0]);
const row0 = { offset: 0, first: 0, length: 3, skip: 0 };
const row1 = { offset: 6, first: 1, length: 2, skip: 0 };

describe('poolRow', () => {
  it('pools every mode over the tokens only', () => {
    expect([...poolRow(hidden, 2, row0, 'mean')]).toEqual([3, 4]);
    expect([...poolRow(hidden, 2, row1, 'mean')]).toEqual([4, 4]);
    expect([...poolRow(hidden, 2, row1, 'cls')]).toEqual([7, 8]);
    expect([...poolRow(hidden, 2, row0, 'last-token')]).toEqual([5, 6]);
    expect([...poolRow(hidden, 2, row1, 'max')]).toEqual([7, 8]);
    expect([...poolRow(hidden, 2, row0, 'weighted-mean')]).toEqual([(1 + 6 + 15) / 6, (2 + 8 + 18) / 6].map((v) => expect.closeTo(v, 5)));
    expect([...poolRow(hidden, 2, row0, 'mean-sqrt-len')].map((v) => v * Math.sqrt(3))).toEqual([9, 12].map((v) => expect.closeTo(v, 5)));
  });

  it('leaves the prompt out when skip is set, but never every token', () => {
    expect([...poolRow(hidden, 2, { ...row0, skip: 2 }, 'mean')]).toEqual([5, 6]);
    expect([...poolRow(hidden, 2, { ...row0, skip: 9 }, 'mean')]).toEqual([5, 6]);
  });

  it('pools every column of a width that is not a multiple of 4 as a naive position-by-position loop does', () => {
    // Rows are reduced four columns at a time: width 9 has two full groups and one column left over.
    const width = 9;
    const positions = 7;
    const data = Float32Array.from({ length: 2 * positions * width }, (_, i) => Math.sin(i * 12.9898) * 43.7);
    const row = { offset: positions * width, first: 2, length: 4, skip: 1 };
    const naive = (mode: 'mean' | 'max' | 'weighted-mean' | 'mean-sqrt-len'): number[] =>
      Array.from({ length: width }, (_, k) => {
        const from = row.first + row.skip;
        const values = Array.from({ length: row.first + row.length - from }, (__, j) => ({ v: data[row.offset + (from + j) * width + k]!, w: from + j - row.first + 1 }));
        if (mode === 'max') return Math.max(...values.map((x) => x.v));
        if (mode === 'weighted-mean') return values.reduce((a, x) => a + x.v * x.w, 0) / values.reduce((a, x) => a + x.w, 0);
        const sum = values.reduce((a, x) => a + x.v, 0);
        return mode === 'mean' ? sum / values.length : sum / Math.sqrt(values.length);
      });
    for (const mode of ['mean', 'max', 'weighted-mean', 'mean-sqrt-len'] as const) {
      expect([...poolRow(data, width, row, mode)], mode).toEqual(naive(mode).map((v) => expect.closeTo(v, 4)));
    }
    expect([...poolRow(data, width, row, 'cls')]).toEqual([...data.subarray(row.offset + 2 * width, row.offset + 3 * width)]);
    expect([...poolRow(data, width, row, 'last-token')]).toEqual([...data.subarray(row.offset + 5 * width, row.offset + 6 * width)]);
  });
});

describe('finishEmbedding', () => {
  it('keeps the first N values and normalizes them', () => {
    expect([...finishEmbedding(new Float32Array([3, 4, 12]), 2, true)]).toEqual([expect.closeTo(0.6, 6), expect.closeTo(0.8, 6)]);
    expect([...finishEmbedding(new Float32Array([3, 4, 12]), undefined, false)]).toEqual([3, 4, 12]);
    expect([...finishEmbedding(new Float32Array([0, 0]), undefined, true)]).toEqual([0, 0]);
  });
});

describe('softmax and sigmoid', () => {
  it('turn logits into scores', () => {
    const s = softmax([1000, 1000, 0]);
    expect(s[0]).toBeCloseTo(0.5, 6);
    expect(s[2]).toBeCloseTo(0, 6);
    expect(sigmoid(0)).toBe(0.5);
  });
});
