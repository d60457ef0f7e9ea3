import { ErrorCode, InferoxError, Tensor, type TensorMap, isDType } from '@inferox/core';
import { movableBuffers } from './tensor-wire';

/**
 * Named tensors as one flat array for `postMessage`: for each tensor its name, dtype, rank, each dim, then its data
 * (a typed array of the dtype's exact type, or `string[]`). The structured clone walks one array instead of an object
 * and a shape array per tensor, which costs a few microseconds less per message on each side.
 */
export type FlatTensors = unknown[];

/** Flattened tensors and the buffers that may be moved (not copied) with them. */
export interface FlattenedTensors {
  readonly flat: FlatTensors;
  readonly transfer: ArrayBuffer[];
}

/**
 * Flattens named tensors for `postMessage`; with `transfer`, lists the buffers that can move as `encodeTensors` does
 * (a whole, unshared, non-shared `ArrayBuffer`); without it nothing is moved.
 */
export function flattenTensors(tensors: TensorMap, transfer: boolean): FlattenedTensors {
  const flat: FlatTensors = [];
  const datas: unknown[] = [];
  for (const name of Object.keys(tensors)) {
    const tensor = tensors[name]!;
    const { data, shape } = tensor;
    flat.push(name, tensor.dtype, shape.length);
    for (let i = 0; i < shape.length; i++) flat.push(shape[i]);
    flat.push(data);
    datas.push(data);
  }
  return { flat, transfer: transfer ? movableBuffers(datas) : [] };
}

function malformed(name: unknown, what: string, cause?: unknown): InferoxError {
  return new InferoxError(ErrorCode.INTERNAL, `tensor ${JSON.stringify(name)} ${what}`, cause === undefined ? {} : { cause });
}

/**
 * Rebuilds core tensors from their flat form (taking the arrays without copying).
 *
 * @throws InferoxError `INTERNAL` when the flat form is malformed (a bug on the other side of the boundary).
 */
export function unflattenTensors(flat: readonly unknown[]): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  let at = 0;
  while (at < flat.length) {
    const name = flat[at];
    const dtype = flat[at + 1];
    const rank = flat[at + 2];
    if (typeof name !== 'string' || typeof rank !== 'number' || !(rank >= 0) || at + 3 + rank >= flat.length) {
      throw malformed(name, `crossed a worker boundary malformed at position ${at}`);
    }
    if (!isDType(dtype)) throw malformed(name, `crossed a worker boundary with unknown dtype ${JSON.stringify(dtype)}`);
    const shape = flat.slice(at + 3, at + 3 + rank) as number[];
    at += 3 + rank;
    try {
      out[name] = Tensor.from(dtype, flat[at] as never, shape);
    } catch (error) {
      throw malformed(name, `did not survive a worker boundary: ${(error as Error).message}`, error);
    }
    at += 1;
  }
  return out;
}
