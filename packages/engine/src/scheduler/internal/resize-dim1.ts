import { type DType, type DataFor, Tensor } from '@inferox/core';

function copy(src: DataFor<DType>, from: number, dst: DataFor<DType>, to: number, count: number): void {
  if (Array.isArray(dst)) {
    for (let i = 0; i < count; i++) dst[to + i] = (src as string[])[from + i]!;
  } else {
    (dst as Uint8Array).set((src as Uint8Array).subarray(from, from + count), to);
  }
}

/** A copy of `tensor` ([b, n, ...rest]) with dim 1 resized to `length`: cut, or padded with `fill`. */
export function resizeDim1(tensor: Tensor, length: number, fill?: number | bigint | string): Tensor {
  const [rows, current, ...rest] = tensor.shape as [number, number, ...number[]];
  const inner = rest.reduce((a, b) => a * b, 1);
  const out = Tensor.zeros(tensor.dtype, [rows, length, ...rest]);
  const data = out.data;
  if (fill !== undefined) (data as unknown as { fill(v: unknown): void }).fill(fill);
  const keep = Math.min(current, length) * inner;
  for (let r = 0; r < rows; r++) copy(tensor.data, r * current * inner, data, r * length * inner, keep);
  return out;
}
