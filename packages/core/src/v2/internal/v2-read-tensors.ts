import { type DType, dtypeFromV2 } from '../../dtype';
import { ErrorCode } from '../../error-codes';
import { InferoxError, isInferoxError } from '../../inferox-error';
import { Tensor } from '../../tensor';
import { type V2Limits, overLimit } from '../v2-limits';
import { decodeBinaryData, fixedBinarySize } from './v2-binary';
import { convertJsonData, flattenData } from './v2-data';
import { quote } from './v2-quote';

// The tensor list of a request (`inputs`) or a response (`outputs`): checked whole before any data is read, then
// converted from JSON data or from the binary part of the body.

export interface Planned {
  readonly name: string;
  readonly dtype: DType;
  readonly shape: number[];
  readonly size: number;
  readonly data?: unknown;
  readonly binarySize?: number;
}


export const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

export function invalid(source: string, message: string, details: Record<string, unknown> = {}): InferoxError {
  return new InferoxError(ErrorCode.INVALID_INPUT, `${source}: ${message}`, { details });
}

export function checkName(value: unknown, what: string, source: string, limits: V2Limits): string {
  if (typeof value !== 'string' || value === '') throw invalid(source, `${what} needs a non-empty "name" string, got ${quote(value)}`);
  if (value.length > limits.maxNameLength) throw overLimit('maxNameLength', limits.maxNameLength, `${source}: ${what} name ${quote(value, 32)} length`, value.length);
  if (value === '__proto__') throw invalid(source, `${what} cannot be named "__proto__"`, { name: value });
  return value;
}

/** Checks every input's name, datatype, shape and element count, before any data is touched. */
export function planTensors(inputs: readonly unknown[], source: string, limits: V2Limits, kind: 'input' | 'output' = 'input'): Planned[] {
  const seen = new Set<string>();
  let total = 0;
  return inputs.map((input, index) => {
    if (!isRecord(input)) throw invalid(source, `${kind}s[${index}] must be an object, got ${quote(input)}`);
    const name = checkName(input.name, `${kind}s[${index}]`, source, limits);
    const label = `${kind} ${quote(name)}`;
    if (seen.has(name)) throw invalid(source, `${label} is given twice`, { name });
    seen.add(name);
    if (typeof input.datatype !== 'string') throw invalid(source, `${label} needs a "datatype" string, got ${quote(input.datatype)}`, { name });
    let dtype: DType;
    try {
      dtype = dtypeFromV2(input.datatype.slice(0, 32));
    } catch (error) {
      throw new InferoxError(ErrorCode.INVALID_INPUT, `${source}: ${label}: ${(error as Error).message}`, { cause: error, details: { name } });
    }
    const shape = input.shape;
    if (!Array.isArray(shape)) throw invalid(source, `${label} needs a "shape" array, got ${quote(shape)}`, { name });
    if (shape.length > limits.maxDepth) throw overLimit('maxDepth', limits.maxDepth, `${source}: ${label} shape rank`, shape.length);
    for (let i = 0; i < shape.length; i++) {
      const d = shape[i] as unknown;
      if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) throw invalid(source, `${label}: shape[${i}] must be a non-negative integer, got ${quote(d)}`, { name });
    }
    const dims = shape as number[];
    let size = dims.includes(0) ? 0 : 1;
    for (let i = 0; i < dims.length && size > 0; i++) {
      size *= dims[i]!;
      if (total + size > limits.maxElements) {
        const shown = `[${dims.slice(0, 8).join(', ')}${dims.length > 8 ? ', …' : ''}]`;
        throw overLimit('maxElements', limits.maxElements, `${source}: ${label} shape ${shown} (with the inputs before it) has at least this many elements`, total + size);
      }
    }
    total += size;
    const params = input.parameters;
    if (params !== undefined && !isRecord(params)) throw invalid(source, `${label}: "parameters" must be an object, got ${quote(params)}`, { name });
    const binarySize = params?.binary_data_size;
    if (binarySize === undefined) {
      if (input.data === undefined) throw invalid(source, `${label} needs "data" (or parameters.binary_data_size with binary data)`, { name });
      return { name, dtype, shape: shape as number[], size, data: input.data };
    }
    if (typeof binarySize !== 'number' || !Number.isSafeInteger(binarySize) || binarySize < 0) {
      throw invalid(source, `${label}: parameters.binary_data_size must be a non-negative integer, got ${quote(binarySize)}`, { name });
    }
    if (input.data !== undefined) throw invalid(source, `${label} has both "data" and parameters.binary_data_size`, { name });
    const fixed = fixedBinarySize(dtype, size);
    if (fixed !== undefined && fixed !== binarySize) {
      throw invalid(source, `${label}: binary_data_size is ${binarySize} bytes; ${size} ${dtype} elements take ${fixed}`, { name });
    }
    if (fixed === undefined && binarySize > size * (4 + limits.maxStringLength)) {
      throw overLimit('maxStringLength', limits.maxStringLength, `${source}: ${label}: binary_data_size ${binarySize} for ${size} BYTES elements implies an element length`, Math.ceil(binarySize / Math.max(size, 1)));
    }
    return { name, dtype, shape: shape as number[], size, binarySize };
  });
}

/**
 * Converts planned tensors, reading binary data from `binary` in order; its length must be the sum of their
 * `binary_data_size`.
 *
 * @returns a null-prototype record of the tensors by name.
 */
export function readTensors(planned: readonly Planned[], binary: Uint8Array, source: string, limits: V2Limits): Record<string, Tensor> {
  const binaryTotal = planned.reduce((n, p) => n + (p.binarySize ?? 0), 0);
  if (binaryTotal !== binary.length) {
    throw invalid(source, `the tensors' binary_data_size add up to ${binaryTotal} bytes, the binary data after the JSON has ${binary.length}`, {
      expected: binaryTotal,
      given: binary.length,
    });
  }
  const tensors: Record<string, Tensor> = Object.create(null) as Record<string, Tensor>;
  let at = 0;
  for (const p of planned) {
    try {
      let data;
      if (p.binarySize !== undefined) {
        data = decodeBinaryData(p.dtype, p.size, binary.subarray(at, at + p.binarySize), p.name, limits);
        at += p.binarySize;
      } else {
        data = convertJsonData(p.dtype, flattenData(p.data, p.size, p.shape.length, p.name, limits), p.name, limits);
      }
      if (data.length !== p.size) {
        throw new InferoxError(ErrorCode.INVALID_INPUT, `input ${quote(p.name)}: its shape [${p.shape.join(', ')}] needs ${p.size} elements, "data" has ${data.length}`, {
          details: { name: p.name, expected: p.size, given: data.length },
        });
      }
      tensors[p.name] = Tensor.from(p.dtype, data, p.shape);
    } catch (error) {
      if (isInferoxError(error) && !error.message.startsWith(source)) {
        throw new InferoxError(error.code, `${source}: ${error.message}`, { cause: error.cause, details: error.details });
      }
      throw error;
    }
  }
  return tensors;
}
