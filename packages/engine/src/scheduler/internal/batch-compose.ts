import { type DType, type DataFor, ErrorCode, InferoxError, Tensor, type TensorMap } from '@inferox/core';

/** Resolved padding options. */
export interface PaddingSpec {
  readonly inputs: readonly string[];
  readonly value: number;
  /** Outputs to cut back; undefined: every output of rank ≥ 2 whose dim 1 is the padded length. */
  readonly outputs: readonly string[] | undefined;
}

/**
 * A string equal for two requests exactly when their feeds can share a batch: same input names, dtypes, ranks and
 * dims beyond dim 0 (dim 1 of padded inputs of rank ≥ 2 excepted). Undefined when the feeds cannot be batched at all
 * (no inputs, a scalar input, or inputs disagreeing on dim 0).
 */
export function batchKey(feeds: TensorMap, padding: PaddingSpec | undefined): string | undefined {
  const names = Object.keys(feeds).sort();
  let rows: number | undefined;
  const parts: string[] = [];
  for (const name of names) {
    const tensor = feeds[name]!;
    const dim0 = tensor.shape[0];
    if (dim0 === undefined) return undefined;
    if (rows === undefined) rows = dim0;
    else if (dim0 !== rows) return undefined;
    const dims = tensor.shape.slice(1).map(String);
    if (dims.length > 0 && padding?.inputs.includes(name)) dims[0] = '*';
    parts.push(`${JSON.stringify(name)}:${tensor.dtype}[${dims.join(',')}]`);
  }
  return rows === undefined ? undefined : parts.join(';');
}

/** Rows (dim 0) of batchable feeds. */
export function rowsOf(feeds: TensorMap): number {
  return Object.values(feeds)[0]!.shape[0]!;
}

/** The sequence length of a request: dim 1 of the first padding input it has with rank ≥ 2. */
export function lengthOf(feeds: TensorMap, padding: PaddingSpec | undefined): number | undefined {
  for (const name of padding?.inputs ?? []) {
    const tensor = feeds[name];
    if (tensor && tensor.rank >= 2) return tensor.shape[1];
  }
  return undefined;
}

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

function copy(src: DataFor<DType>, from: number, dst: DataFor<DType>, to: number, count: number): void {
  if (Array.isArray(dst)) {
    for (let i = 0; i < count; i++) dst[to + i] = (src as string[])[from + i]!;
  } else {
    (dst as Uint8Array).set((src as Uint8Array).subarray(from, from + count), to);
  }
}

/** A copy of `tensor` ([b, n, ...rest]) with dim 1 resized to `length`: cut, or padded with `fill`. */
function resizeDim1(tensor: Tensor, length: number, fill?: number | bigint | string): Tensor {
  const [rows, current, ...rest] = tensor.shape as [number, number, ...number[]];
  const inner = rest.reduce((a, b) => a * b, 1);
  const out = Tensor.zeros(tensor.dtype, [rows, length, ...rest]);
  const data = out.data;
  if (fill !== undefined) (data as unknown as { fill(v: unknown): void }).fill(fill);
  const keep = Math.min(current, length) * inner;
  for (let r = 0; r < rows; r++) copy(tensor.data, r * current * inner, data, r * length * inner, keep);
  return out;
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
 * Concatenates the members' feeds on dim 0, padding the padding inputs on dim 1 to the longest first.
 *
 * @throws InferoxError `INVALID_INPUT` when the padding value does not fit an input's dtype.
 */
export function composeBatch(members: readonly TensorMap[], padding: PaddingSpec | undefined): ComposedBatch {
  const first = members[0]!;
  const feeds: Record<string, Tensor> = {};
  let paddedLength: number | undefined;
  const reference = padding?.inputs.find((n) => (first[n]?.rank ?? 0) >= 2);
  for (const name of Object.keys(first)) {
    let parts = members.map((m) => m[name]!);
    const head = parts[0]!;
    if (head.rank >= 2 && padding?.inputs.includes(name)) {
      const longest = Math.max(...parts.map((t) => t.shape[1]!));
      if (name === reference) paddedLength = longest;
      if (parts.some((t) => t.shape[1] !== longest)) {
        const fill = fillValue(head.dtype, padding.value, name);
        parts = parts.map((t) => (t.shape[1] === longest ? t : resizeDim1(t, longest, fill)));
      }
    }
    feeds[name] = Tensor.concat(parts);
  }
  return { feeds, rows: members.map(rowsOf), lengths: members.map((m) => lengthOf(m, padding)), paddedLength, cutOutputs: padding?.outputs };
}

/**
 * Splits a batch's outputs back per member, in order; outputs of rank ≥ 2 whose dim 1 is the padded length (among
 * the named ones, when named) are cut back to each member's own length (copies), the others are views over the batch output.
 *
 * @throws InferoxError `BACKEND_ERROR` naming the output when its dim 0 is not the batch's row count.
 */
export function splitOutputs(outputs: Readonly<Record<string, Tensor>>, batch: ComposedBatch, what: string): Record<string, Tensor>[] {
  const total = batch.rows.reduce((a, b) => a + b, 0);
  const results: Record<string, Tensor>[] = batch.rows.map(() => ({}));
  for (const [name, tensor] of Object.entries(outputs)) {
    const cuttable = batch.paddedLength !== undefined && (batch.cutOutputs === undefined || batch.cutOutputs.includes(name));
    if (!(tensor instanceof Tensor) || tensor.shape[0] !== total) {
      const shape = tensor instanceof Tensor ? tensor.describe() : typeof tensor;
      throw new InferoxError(
        ErrorCode.BACKEND_ERROR,
        `${what}: output ${JSON.stringify(name)} is ${shape}; a batch of ${batch.rows.length} requests needs dim 0 = ${total} to split it`,
        { details: { output: name, rows: total } },
      );
    }
    tensor.split(batch.rows).forEach((part, i) => {
      const own = batch.lengths[i];
      const cut = cuttable && own !== undefined && own !== batch.paddedLength && part.rank >= 2 && part.shape[1] === batch.paddedLength;
      results[i]![name] = cut ? resizeDim1(part, own) : part;
    });
  }
  return results;
}
