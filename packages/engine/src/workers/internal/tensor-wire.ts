import { type DType, ErrorCode, InferoxError, Tensor, type TensorMap, isDType } from '@inferox/core';

/** A tensor as it crosses a thread boundary: the raw data array (typed array or string[]), dtype and shape. */
export interface WireTensor {
  readonly name: string;
  readonly dtype: DType;
  readonly shape: readonly number[];
  /** A typed array of the dtype's exact type, or `string[]` for `string`. */
  readonly data: unknown;
}

/** Encoded tensors and the buffers that may be moved (not copied) with them. */
export interface EncodedTensors {
  readonly tensors: WireTensor[];
  readonly transfer: ArrayBuffer[];
}

/**
 * Encodes named tensors for `postMessage`.
 *
 * With `transfer`, every typed array that is the sole user of its whole `ArrayBuffer` goes into the transfer list
 * (so it moves without a copy and is detached here); a view into a larger buffer, a buffer two tensors share, or a
 * `SharedArrayBuffer` is copied by the structured clone instead. Without `transfer` nothing is moved.
 */
export function encodeTensors(tensors: TensorMap, transfer: boolean): EncodedTensors {
  const wire: WireTensor[] = [];
  for (const [name, tensor] of Object.entries(tensors)) wire.push({ name, dtype: tensor.dtype, shape: [...tensor.shape], data: tensor.data });
  return { tensors: wire, transfer: transfer ? movableBuffers(wire.map((t) => t.data)) : [] };
}

/**
 * The buffers of `datas` that can move with a message: every typed array that is the sole user of its whole
 * `ArrayBuffer`. A view into a larger buffer, a buffer two arrays share, or a `SharedArrayBuffer` is left to the copy.
 */
export function movableBuffers(datas: readonly unknown[]): ArrayBuffer[] {
  const uses = new Map<ArrayBufferLike, number>();
  for (const data of datas) if (!Array.isArray(data)) uses.set((data as ArrayBufferView).buffer, (uses.get((data as ArrayBufferView).buffer) ?? 0) + 1);
  const movable: ArrayBuffer[] = [];
  for (const data of datas) {
    if (Array.isArray(data)) continue;
    const view = data as ArrayBufferView;
    const buffer = view.buffer;
    const whole = view.byteOffset === 0 && view.byteLength === buffer.byteLength;
    if (whole && uses.get(buffer) === 1 && buffer instanceof ArrayBuffer) movable.push(buffer);
  }
  return movable;
}

/**
 * Rebuilds core tensors from their wire form (taking the arrays without copying).
 *
 * @throws InferoxError `INTERNAL` when a wire tensor is malformed (a bug on the other side of the boundary).
 */
export function decodeTensors(wire: readonly WireTensor[]): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  for (const entry of wire) {
    if (!isDType(entry.dtype)) {
      throw new InferoxError(ErrorCode.INTERNAL, `tensor ${JSON.stringify(entry.name)} crossed a worker boundary with unknown dtype ${JSON.stringify(entry.dtype)}`);
    }
    try {
      out[entry.name] = Tensor.from(entry.dtype, entry.data as never, entry.shape);
    } catch (error) {
      throw new InferoxError(ErrorCode.INTERNAL, `tensor ${JSON.stringify(entry.name)} did not survive a worker boundary: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }
  return out;
}
