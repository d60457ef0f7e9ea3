/**
 * Mean of `hidden` ([batch 1, seq, dim], row-major) over the positions whose mask is non-zero, L2-normalised: the
 * sentence embedding of transformers.js' `feature-extraction` pipeline with `{ pooling: 'mean', normalize: true }`.
 *
 * @throws Error when the lengths disagree or the mask is all zeros.
 */
export function meanPoolNormalized(hidden: Float32Array, mask: ArrayLike<number | bigint>, dim: number): Float32Array {
  const seq = mask.length;
  if (hidden.length !== seq * dim) throw new Error(`hidden has ${hidden.length} values, expected ${seq} × ${dim}`);
  const out = new Float32Array(dim);
  let count = 0;
  for (let s = 0; s < seq; s++) {
    if (Number(mask[s]) === 0) continue;
    count++;
    for (let d = 0; d < dim; d++) out[d]! += hidden[s * dim + d]!;
  }
  if (count === 0) throw new Error('the attention mask is all zeros');
  let norm = 0;
  for (let d = 0; d < dim; d++) {
    out[d]! /= count;
    norm += out[d]! * out[d]!;
  }
  norm = Math.sqrt(norm) || 1;
  for (let d = 0; d < dim; d++) out[d]! /= norm;
  return out;
}
