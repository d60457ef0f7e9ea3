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
  const from = row.first + Math.min(row.skip, row.length - 1);
  const to = row.first + row.length;
  const n = to - from;
  const start = row.offset + from * width;
  switch (mode) {
    case 'cls':
      return hidden.slice(row.offset + row.first * width, row.offset + (row.first + 1) * width);
    case 'last-token':
      return hidden.slice(row.offset + (to - 1) * width, row.offset + to * width);
    case 'max':
      return columnMaxima(hidden, width, start, n);
    case 'mean':
      return columnSums(hidden, width, start, n, 1, 0, n);
    case 'mean-sqrt-len':
      return columnSums(hidden, width, start, n, 1, 0, Math.sqrt(n));
    case 'weighted-mean': {
      // Weights 1, 2, ... by position from the sequence's start (sentence-transformers' weightedmean).
      const w0 = from - row.first + 1;
      return columnSums(hidden, width, start, n, w0, 1, n * w0 + (n * (n - 1)) / 2);
    }
  }
}

/**
 * Weighted sums of `rows` rows of `width` values from `start`, column by column (the first row weighs `w0`, each next
 * one `step` more), each divided by `divisor`. Four columns at a time, summed in local float64 variables (torch's
 * float32 sums are close to float64 at these lengths) rather than in an accumulator array read and written once per
 * token, which took three times as long (12 against 4 µs for 20 × 256).
 */
function columnSums(data: Float32Array, width: number, start: number, rows: number, w0: number, step: number, divisor: number): Float32Array {
  const out = new Float32Array(width);
  const end = start + rows * width;
  let k = 0;
  for (; k + 4 <= width; k += 4) {
    let a = 0;
    let b = 0;
    let c = 0;
    let d = 0;
    for (let i = start + k, w = w0; i < end; i += width, w += step) {
      a += data[i]! * w;
      b += data[i + 1]! * w;
      c += data[i + 2]! * w;
      d += data[i + 3]! * w;
    }
    out[k] = a / divisor;
    out[k + 1] = b / divisor;
    out[k + 2] = c / divisor;
    out[k + 3] = d / divisor;
  }
  for (; k < width; k++) {
    let a = 0;
    for (let i = start + k, w = w0; i < end; i += width, w += step) a += data[i]! * w;
    out[k] = a / divisor;
  }
  return out;
}

/** Maxima of `rows` rows of `width` values from `start`, column by column. */
function columnMaxima(data: Float32Array, width: number, start: number, rows: number): Float32Array {
  const out = new Float32Array(width);
  const end = start + rows * width;
  for (let k = 0; k < width; k++) {
    let max = Number.NEGATIVE_INFINITY;
    for (let i = start + k; i < end; i += width) if (data[i]! > max) max = data[i]!;
    out[k] = max;
  }
  return out;
}

/** Keeps the first `dimensions` values (Matryoshka) and L2-normalizes when asked. Returns a new array. */
export function finishEmbedding(vector: Float32Array, dimensions: number | undefined, normalize: boolean): Float32Array {
  const kept = dimensions !== undefined && dimensions < vector.length ? vector.slice(0, dimensions) : vector;
  if (!normalize) return kept;
  let norm = 0;
  for (let k = 0; k < kept.length; k++) norm += kept[k]! * kept[k]!;
  norm = Math.sqrt(norm);
  if (norm === 0) return kept;
  const divisor = Math.max(norm, 1e-12);
  const out = new Float32Array(kept.length);
  for (let k = 0; k < kept.length; k++) out[k] = kept[k]! / divisor;
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
