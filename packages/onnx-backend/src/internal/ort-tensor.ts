import { type DType, DTYPES, ErrorCode, InferoxError, Tensor, dataTypeName, isDataFor } from '@inferox/core';
import type * as Ort from 'onnxruntime-node';
import type { OrtModule } from './load-ort';

type ArrayView = ArrayBufferView & { readonly length: number; readonly BYTES_PER_ELEMENT: number };
type ViewCtor = new (buffer: ArrayBufferLike, byteOffset: number, length: number) => ArrayView;

const VIEW_CTORS: Readonly<Partial<Record<DType, ViewCtor>>> = {
  bool: Uint8Array,
  uint8: Uint8Array,
  int8: Int8Array,
  uint16: Uint16Array,
  int16: Int16Array,
  uint32: Uint32Array,
  int32: Int32Array,
  int64: BigInt64Array as unknown as ViewCtor,
  uint64: BigUint64Array as unknown as ViewCtor,
  float16: Uint16Array,
  float32: Float32Array,
  float64: Float64Array,
};

const ORT_DTYPES: ReadonlySet<string> = new Set(DTYPES.filter((d) => d !== 'bfloat16'));

/** Core dtypes onnxruntime-node tensors hold (everything but bfloat16). */
export function isOrtDType(type: string): type is DType {
  return ORT_DTYPES.has(type);
}

/**
 * A core tensor as an `ort.Tensor` over the same array (no copy): int64 as BigInt64Array, float16 as raw bits in a
 * Uint16Array, bool as 0/1 bytes, string as string[].
 *
 * @throws InferoxError `INVALID_INPUT` for bfloat16, which onnxruntime-node cannot hold, and for a string holding NUL
 * (onnxruntime-node passes strings to C++ as NUL-terminated, so it would be cut short).
 */
export function toOrtTensor(ort: OrtModule, name: string, tensor: Tensor): Ort.Tensor {
  if (!isOrtDType(tensor.dtype)) {
    throw new InferoxError(ErrorCode.INVALID_INPUT, `input ${JSON.stringify(name)} is ${tensor.dtype}, which onnxruntime-node cannot hold`, { details: { input: name } });
  }
  if (tensor.dtype === 'string') {
    const at = (tensor.data as string[]).findIndex((s) => s.includes('\u0000'));
    if (at >= 0) {
      throw new InferoxError(ErrorCode.INVALID_INPUT, `input ${JSON.stringify(name)} element ${at} contains a NUL character, which onnxruntime-node would cut the string at`, {
        details: { input: name, index: at },
      });
    }
  }
  return new ort.Tensor(tensor.dtype as 'float32', tensor.data as Float32Array, [...tensor.shape]);
}

/**
 * An `ort.Tensor` as a core tensor over the same memory where the array type allows (a typed array of another
 * class with the same element width, such as a Buffer or a Float16Array, is viewed as the core array type).
 *
 * @throws InferoxError `BACKEND_ERROR` naming the output when its type has no core dtype.
 */
export function fromOrtTensor(name: string, value: Ort.Tensor): Tensor {
  const type = value.type as string;
  if (!isOrtDType(type)) {
    throw new InferoxError(ErrorCode.BACKEND_ERROR, `output ${JSON.stringify(name)} has onnxruntime type ${type}, which Inferox tensors cannot hold`, { details: { output: name } });
  }
  const data: unknown = value.data;
  const shape = value.dims;
  if (isDataFor(type, data)) return Tensor.from(type, data, shape);
  const ctor = VIEW_CTORS[type];
  if (ctor && ArrayBuffer.isView(data) && (data as ArrayView).BYTES_PER_ELEMENT === (ctor as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT) {
    const view = data as ArrayView;
    return Tensor.from(type, new ctor(view.buffer, view.byteOffset, view.length) as never, shape);
  }
  throw new InferoxError(ErrorCode.BACKEND_ERROR, `output ${JSON.stringify(name)}: onnxruntime returned ${(data as object)?.constructor?.name ?? typeof data} for ${type}, expected ${dataTypeName(type)}`, {
    details: { output: name },
  });
}
