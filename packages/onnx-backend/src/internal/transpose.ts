import { Tensor } from '@inferox/core';

/** The transpose of a 2-D float32 tensor (torch Linear weights [out, in] → [in, out] for MatMul). */
export function transpose2d(t: Tensor<'float32'>): Tensor<'float32'> {
  const [rows, cols] = t.shape as [number, number];
  const src = t.data;
  const out = new Float32Array(src.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = src[r * cols + c]!;
  return Tensor.from('float32', out, [cols, rows]);
}
