import type { DType } from '../../dtype';
import type { ModelSignature } from '../../model-handle';
import { Tensor, type TensorMap } from '../../tensor';

/** A copy of `tensor` with element `index` set to `value` (a bigint for 64-bit integer tensors). */
export function withElement(tensor: Tensor, index: number, value: number): Tensor {
  const data = (tensor.data as ArrayLike<unknown> & { slice(): unknown }).slice() as unknown[] & Record<number, unknown>;
  data[index] = tensor.dtype === 'int64' || tensor.dtype === 'uint64' ? BigInt(value) : value;
  return Tensor.from(tensor.dtype as DType, data as never, tensor.shape);
}

/**
 * A copy of `tensor` whose dim `axis` has `size` entries: shorter keeps the first ones, longer repeats the last one
 * (so token ids and masks stay valid values).
 */
export function resizeDim(tensor: Tensor, axis: number, size: number): Tensor {
  const shape = [...tensor.shape];
  const old = shape[axis]!;
  shape[axis] = size;
  const inner = tensor.shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const outer = tensor.shape.slice(0, axis).reduce((a, b) => a * b, 1);
  const out = Tensor.zeros(tensor.dtype, shape);
  const src = tensor.data as ArrayLike<unknown>;
  const dst = out.data as unknown as Record<number, unknown>;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < size; i++) {
      const from = (o * old + Math.min(i, old - 1)) * inner;
      const to = (o * size + i) * inner;
      for (let k = 0; k < inner; k++) dst[to + k] = src[from + k];
    }
  }
  return out;
}

/** `feeds` with every dim named `symbol` (in the signature) resized to `size`; the names of the inputs changed. */
export function resizeSymbol(signature: ModelSignature, feeds: TensorMap, symbol: string, size: number): { feeds: TensorMap; inputs: string[] } {
  const out: Record<string, Tensor> = { ...feeds };
  const inputs: string[] = [];
  for (const spec of signature.inputs) {
    const axis = spec.shape?.indexOf(symbol) ?? -1;
    if (axis < 0 || !out[spec.name]) continue;
    out[spec.name] = resizeDim(out[spec.name]!, axis, size);
    inputs.push(spec.name);
  }
  return { feeds: out, inputs };
}

/** The symbolic dim names of the signature's inputs, in order of first appearance. */
export function symbolsOf(signature: ModelSignature): string[] {
  const seen = new Set<string>();
  for (const spec of signature.inputs) for (const dim of spec.shape ?? []) if (typeof dim === 'string' && dim !== '') seen.add(dim);
  return [...seen];
}
