import { describe, expect, it } from 'vitest';
import { fmt, interleave, quantile, summarize } from './stats';

describe('quantile', () => {
  it('interpolates between ranks when the position falls between samples', () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([5, 1, 3], 0.5)).toBe(3);
    expect(quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 0.9)).toBe(10);
  });

  it('throws when the sample is empty or q is out of range', () => {
    expect(() => quantile([], 0.5)).toThrow('empty');
    expect(() => quantile([1], 1.5)).toThrow('outside');
  });
});

describe('summarize', () => {
  it('reports n, extremes and mean when given a sample', () => {
    expect(summarize([2, 4, 6])).toMatchObject({ n: 3, p50: 4, min: 2, max: 6, mean: 4 });
  });
});

describe('interleave', () => {
  it('alternates the two sides and drops the warm-up rounds when recording', async () => {
    const calls: string[] = [];
    const out = await interleave(
      async () => void calls.push('a'),
      async () => void calls.push('b'),
      { rounds: 2, warmup: 1 },
    );
    expect(calls).toEqual(['a', 'b', 'b', 'a', 'a', 'b']);
    expect(out.a).toHaveLength(2);
    expect(out.b).toHaveLength(2);
  });
});

describe('fmt', () => {
  it('keeps three significant digits and groups thousands when formatting', () => {
    expect(fmt(0.012345)).toBe('0.0123');
    expect(fmt(12345.6)).toBe('12,346');
    expect(fmt(Number.NaN)).toBe('NaN');
  });
});
