import { type DType, ErrorCode, InferoxError, Tensor, type TensorMap } from '@inferox/core';
import type { PaddingSpec } from './padding-spec';
import { resizeDim1 } from './resize-dim1';

/** Feeds built for a batch, plus what is needed to split its outputs back. */
export interface ComposedBatch {
  readonly feeds: Record<string, Tensor>;
  readonly rows: readonly number[];
  readonly lengths: readonly (number | undefined)[];
  /** dim 1 of the first padding input after padding; undefined without padding. */
  readonly paddedLength: number | undefined;
  /** Which outputs may be cut back (undefined: any). */
  readonly cutOutputs: readonly string[] | undefined;
}

/** The sequence length of a request: dim 1 of the first padding input it has with rank ≥ 2. */
function lengthOf(feeds: TensorMap, padding: PaddingSpec): number | undefined {
  for (const name of padding.inputs) {
    const tensor = feeds[name];
    if (tensor && tensor.rank >= 2) return tensor.shape[1];
  }
  return undefined;
}

function fillValue(dtype: DType, value: number, input: string): number | bigint | string {
  if (dtype === 'string') return '';
  try {
    return Tensor.from(dtype, [value], [1]).data[0]!;
  } catch (error) {
    throw new InferoxError(ErrorCode.INVALID_INPUT, `padding value ${value} cannot pad input ${JSON.stringify(input)} (${dtype})`, {
      cause: error,
      details: { input, dtype, value },
    });
  }
}

/**
 * Concatenates on dim 0 tensors that share their dtype and every dim beyond dim 0, as members of one batch do (same
 * batch key, padded inputs resized): `Tensor.concat` without its per-tensor checks, which cost more than the copy
 * for the small rows of a batch of single requests.
 */
function concatRows(parts: readonly Tensor[]): Tensor {
  const head = parts[0]!;
  const shape = [...head.shape];
  shape[0] = 0;
  for (const t of parts) shape[0] += t.shape[0]!;
  const out = Tensor.zeros(head.dtype, shape);
  const data = out.data;
  let offset = 0;
  for (const t of parts) {
    const part = t.data;
    if (Array.isArray(data)) for (let i = 0; i < part.length; i++) data[offset + i] = (part as string[])[i]!;
    else (data as Uint8Array).set(part as Uint8Array, offset);
    offset += part.length;
  }
  return out;
}

/**
 * Concatenates the members' feeds on dim 0, padding the padding inputs on dim 1 to the longest first.
 *
 * @throws InferoxError `INVALID_INPUT` when the padding value does not fit an input's dtype.
 */
export function composeBatch(members: readonly TensorMap[], padding: PaddingSpec | undefined): ComposedBatch {
  const first = members[0]!;
  const names = Object.keys(first);
  const feeds: Record<string, Tensor> = {};
  const rows: number[] = [];
  const lengths: (number | undefined)[] = [];
  // Members share a batch key, so every input has the same rows in each member: the first input's dim 0.
  for (const m of members) {
    rows.push(m[names[0]!]!.shape[0]!);
    lengths.push(padding === undefined ? undefined : lengthOf(m, padding));
  }
  let paddedLength: number | undefined;
  const reference = padding?.inputs.find((n) => (first[n]?.rank ?? 0) >= 2);
  for (const name of names) {
    let parts: Tensor[] = [];
    for (const m of members) parts.push(m[name]!);
    const head = parts[0]!;
    if (padding !== undefined && head.rank >= 2 && padding.inputs.includes(name)) {
      let longest = 0;
      for (const t of parts) longest = Math.max(longest, t.shape[1]!);
      if (name === reference) paddedLength = longest;
      if (parts.some((t) => t.shape[1] !== longest)) {
        const fill = fillValue(head.dtype, padding.value, name);
        parts = parts.map((t) => (t.shape[1] === longest ? t : resizeDim1(t, longest, fill)));
      }
    }
    feeds[name] = concatRows(parts);
  }
  return { feeds, rows, lengths, paddedLength, cutOutputs: padding?.outputs };
}
