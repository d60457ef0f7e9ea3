import type { PoolingMode } from '../text-model';

/** One row of a batch's hidden states: where it lies in the output and which positions count. */
export interface PoolRow {
  /** Offset of the row's first position in the `[batch, sequence, hidden]` buffer. */
  readonly offset: number;
  /** Positions holding tokens (the rest is padding), in order. */
  readonly first: number;
  readonly length: number;
  /** Leading token positions left out of pooling (a prompt with `include_prompt: false`). */
  readonly skip: number;
}

/**
 * Pools one sequence's token vectors into one vector (sentence-transformers' Pooling module). `hidden` is the
 * `[batch, sequence, hidden]` output; only positions `first + skip .. first + length` count.
 */
export function poolRow(hidden: Float32Array, width: number, row: PoolRow, mode: PoolingMode): Float32Array {
  const out = new Float32Array(width);
  const from = row.first + Math.min(row.skip, row.length - 1);
  const to = row.first + row.length;
  const at = (position: number): number => row.offset + position * width;
  switch (mode) {
    case 'cls':
      out.set(hidden.subarray(at(row.first), at(row.first) + width));
      return out;
    case 'last-token':
      out.set(hidden.subarray(at(to - 1), at(to - 1) + width));
      return out;
    case 'max': {
      out.fill(Number.NEGATIVE_INFINITY);
      for (let p = from; p < to; p++) {
        const base = at(p);
        for (let k = 0; k < width; k++) if (hidden[base + k]! > out[k]!) out[k] = hidden[base + k]!;
      }
      return out;
    }
    case 'mean':
    case 'mean-sqrt-len':
    case 'weighted-mean': {
      // Accumulate in float64 as torch's float32 sum is close to it at these lengths.
      const sum = new Float64Array(width);
      let total = 0;
      for (let p = from; p < to; p++) {
        const weight = mode === 'weighted-mean' ? p - row.first + 1 : 1;
        const base = at(p);
        for (let k = 0; k < width; k++) sum[k]! += hidden[base + k]! * weight;
        total += weight;
      }
      const divisor = mode === 'mean-sqrt-len' ? Math.sqrt(to - from) : total;
      for (let k = 0; k < width; k++) out[k] = sum[k]! / divisor;
      return out;
    }
  }
}

/** Keeps the first `dimensions` values (Matryoshka) and L2-normalizes when asked. Returns a new array. */
export function finishEmbedding(vector: Float32Array, dimensions: number | undefined, normalize: boolean): Float32Array {
  const kept = dimensions !== undefined && dimensions < vector.length ? vector.slice(0, dimensions) : vector;
  if (!normalize) return kept;
  let norm = 0;
  for (const v of kept) norm += v * v;
  norm = Math.sqrt(norm);
  if (norm === 0) return kept;
  const out = new Float32Array(kept.length);
  for (let k = 0; k < kept.length; k++) out[k] = kept[k]! / Math.max(norm, 1e-12);
  return out;
}

/** Softmax of one row of logits. */
export function softmax(logits: ArrayLike<number>): number[] {
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i]!);
  const exps = Array.from({ length: logits.length }, (_, i) => Math.exp(logits[i]! - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

/** Logistic sigmoid. */
export const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));
