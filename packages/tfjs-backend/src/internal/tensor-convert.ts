import { type DType, ErrorCode, InferoxError, Tensor, type TensorSpec } from '@inferox/core';
import type { Tf, TfTensor } from './tf-module';

const INT32_MIN = -2147483648n;
const INT32_MAX = 2147483647n;

/** The Inferox dtype of a tfjs dtype, or undefined for one Inferox cannot hold (complex64). */
export function dtypeFromTfjs(dtype: string | undefined): DType | undefined {
  switch (dtype) {
    case 'float32':
    case 'int32':
    case 'bool':
    case 'string':
      return dtype;
    default:
      return undefined;
  }
}

/**
 * Copies a validated feed into a new tfjs tensor. int64 feeds (as the Hugging Face ONNX export declares ids) become
 * int32, the widest integer tfjs has; a value outside int32 is refused.
 *
 * @throws InferoxError `INVALID_INPUT` naming the input and the value that does not fit.
 */
export function toTfTensor(tf: Tf, spec: TensorSpec, tensor: Tensor): TfTensor {
  const shape = [...tensor.shape];
  switch (tensor.dtype) {
    case 'float32':
    case 'int32':
      return tf.tensor(tensor.data as Float32Array | Int32Array, shape, tensor.dtype);
    case 'bool':
      return tf.tensor(tensor.data as Uint8Array, shape, 'bool');
    case 'string':
      return tf.tensor(tensor.data as string[], shape, 'string');
    case 'int64': {
      const data = tensor.data as BigInt64Array;
      const out = new Int32Array(data.length);
      for (let i = 0; i < data.length; i++) {
        const v = data[i]!;
        if (v < INT32_MIN || v > INT32_MAX) {
          throw new InferoxError(ErrorCode.INVALID_INPUT, `input ${JSON.stringify(spec.name)} element ${i} is ${v}, outside the int32 range tfjs computes in`, {
            details: { input: spec.name, index: i },
          });
        }
        out[i] = Number(v);
      }
      return tf.tensor(out, shape, 'int32');
    }
    default:
      throw new InferoxError(ErrorCode.INTERNAL, `input ${JSON.stringify(spec.name)}: the tfjs backend has no conversion for ${tensor.dtype}`, {
        details: { input: spec.name, dtype: tensor.dtype },
      });
  }
}

/**
 * Reads a tfjs tensor into a new Inferox tensor (the caller still disposes the tfjs tensor).
 *
 * @throws InferoxError `BACKEND_ERROR` naming the output when its dtype has no Inferox equivalent.
 */
export async function fromTfTensor(name: string, tensor: TfTensor): Promise<Tensor> {
  const shape = [...tensor.shape];
  const values = await tensor.data();
  switch (tensor.dtype) {
    case 'float32':
      return Tensor.from('float32', Float32Array.from(values as Float32Array), shape);
    case 'int32':
      return Tensor.from('int32', Int32Array.from(values as Int32Array), shape);
    case 'bool':
      return Tensor.from('bool', Uint8Array.from(values as Uint8Array), shape);
    case 'string':
      return Tensor.from('string', [...(values as unknown as string[])], shape);
    default:
      throw new InferoxError(ErrorCode.BACKEND_ERROR, `output ${JSON.stringify(name)} is ${tensor.dtype}, which Inferox tensors cannot hold`, {
        details: { output: name, dtype: tensor.dtype },
      });
  }
}
