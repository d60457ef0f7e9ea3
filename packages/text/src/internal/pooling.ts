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
  switch (mode) {
    case 'cls':
      return hidden.slice(row.offset + row.first * width, row.offset + (row.first + 1) * width);
    case 'last-token':
      return hidden.slice(row.offset + (to - 1) * width, row.offset + to * width);
    case 'max':
      return reduceColumns(hidden, width, row.offset + from * width, to - from, maxColumns);
    case 'mean':
      return reduceColumns(hidden, width, row.offset + from * width, to - from, sumColumns, to - from);
    case 'mean-sqrt-len':
      return reduceColumns(hidden, width, row.offset + from * width, to - from, sumColumns, Math.sqrt(to - from));
    case 'weighted-mean': {
      // Weights 1, 2, ... by position from the sequence's start (sentence-transformers' weightedmean).
      const w0 = from - row.first + 1;
      const n = to - from;
      return reduceColumns(hidden, width, row.offset + from * width, n, (data, at, step, end, out, k) => weightedColumns(data, at, step, end, out, k, w0), n * w0 + (n * (n - 1)) / 2);
    }
  }
}

/**
 * Reduces `rows` rows of `width` values starting at `start` column by column, four columns at a time: each column's
 * reduction runs in registers (float64, as torch's float32 sums are close to it at these lengths) rather than reading
 * and writing an accumulator array once per token, which took three times as long (12 against 4 µs for 20 × 256).
 */
function reduceColumns(
  data: Float32Array,
  width: number,
  start: number,
  rows: number,
  columns: (data: Float32Array, at: number, step: number, end: number, out: Float32Array, k: number) => void,
  divisor = 1,
): Float32Array {
  const out = new Float32Array(width);
  const end = start + rows * width;
  for (let k = 0; k < width; k += 4) columns(data, start + k, width, end, out, k);
  if (divisor !== 1) for (let k = 0; k < width; k++) out[k] = out[k]! / divisor;
  return out;
}

/** Sums of columns `k .. k + 3` (fewer at the right edge) of the rows from `at` to `end`, into `out`. */
function sumColumns(data: Float32Array, at: number, step: number, end: number, out: Float32Array, k: number): void {
  let a = 0;
  let b = 0;
  let c = 0;
  let d = 0;
  if (k + 4 <= out.length) {
    for (let i = at; i < end; i += step) {
      a += data[i]!;
      b += data[i + 1]!;
      c += data[i + 2]!;
      d += data[i + 3]!;
    }
    out[k] = a;
    out[k + 1] = b;
    out[k + 2] = c;
    out[k + 3] = d;
    return;
  }
  for (let j = k; j < out.length; j++) {
    a = 0;
    for (let i = at + j - k; i < end; i += step) a += data[i]!;
    out[j] = a;
  }
}

/** Weighted sums (weights `w0, w0 + 1, ...` down the rows) of columns `k .. k + 3`, as {@link sumColumns}. */
function weightedColumns(data: Float32Array, at: number, step: number, end: number, out: Float32Array, k: number, w0: number): void {
  for (let j = k; j < Math.min(k + 4, out.length); j++) {
    let sum = 0;
    for (let i = at + j - k, w = w0; i < end; i += step, w++) sum += data[i]! * w;
    out[j] = sum;
  }
}

/** Maxima of columns `k .. k + 3`, as {@link sumColumns}. */
function maxColumns(data: Float32Array, at: number, step: number, end: number, out: Float32Array, k: number): void {
  for (let j = k; j < Math.min(k + 4, out.length); j++) {
    let max = Number.NEGATIVE_INFINITY;
    for (let i = at + j - k; i < end; i += step) if (data[i]! > max) max = data[i]!;
    out[j] = max;
  }
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
