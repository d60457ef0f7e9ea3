import { describe, expect, it } from 'vitest';
import { meanPoolNormalized } from './mean-pool';

describe('meanPoolNormalized', () => {
  it('averages the unmasked positions and scales to unit length', () => {
    // seq 3, dim 2; the last position is padding.
    const out = meanPoolNormalized(new Float32Array([1, 0, 5, 4, 100, 100]), [1n, 1n, 0n], 2);
    // mean (3, 2) → / √13
    expect(out[0]).toBeCloseTo(3 / Math.sqrt(13), 6);
    expect(out[1]).toBeCloseTo(2 / Math.sqrt(13), 6);
  });

  it('throws when lengths disagree or the mask is all zeros', () => {
    expect(() => meanPoolNormalized(new Float32Array(5), [1, 1], 2)).toThrow('hidden has 5 values, expected 2 × 2');
    expect(() => meanPoolNormalized(new Float32Array(4), [0, 0], 2)).toThrow('all zeros');
  });
});
