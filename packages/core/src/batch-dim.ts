import { ErrorCode } from './error-codes';
import { InferoxError } from './inferox-error';
import type { ModelSignature } from './model-handle';
import { quoteValue } from './quote-value';

/**
 * The name of the batch dimension `signature` declares, if it has one: dim 0 of every input and every output is the
 * same symbolic dim (`"batch"`, `"batch_size"`) and no input bounds its size. A model with one can run requests
 * stacked on dim 0 as one run (Triton's test for enabling dynamic batching on an ONNX model is the same).
 *
 * @returns the dim's name (`"batch"`), or undefined when there is none: no inputs, an unknown rank, a scalar, a fixed
 * or unnamed dim 0, names that differ, or a `max` on dim 0 of an input.
 *
 * @example
 * batchDimOf({ inputs: [{ name: 'x', dtype: 'float32', shape: ['batch', 4] }], outputs: [{ name: 'y', dtype: 'float32', shape: ['batch', 2] }] }); // 'batch'
 */
export function batchDimOf(signature: ModelSignature): string | undefined {
  const first = signature.inputs[0]?.shape?.[0];
  if (typeof first !== 'string') return undefined;
  const specs = [...signature.inputs, ...signature.outputs];
  const shared = specs.every((s) => s.shape !== null && s.shape[0] === first);
  const bounded = signature.inputs.some((s) => s.dimLimits?.[0]?.max !== undefined);
  return shared && !bounded ? first : undefined;
}

/**
 * `value` as a handle's `batchable`: absent is false; true only when `signature` has a batch dimension.
 *
 * @param what - whose value it is, for the message (`model "bert" (onnx)`).
 * @throws InferoxError `INVALID_INPUT` naming the value: not a boolean, or true for a signature without a batch dim.
 */
export function checkBatchable(value: unknown, signature: ModelSignature, what: string): boolean {
  if (value === undefined || value === false) return false;
  if (value !== true) {
    throw new InferoxError(ErrorCode.INVALID_INPUT, `batchable of ${what} must be a boolean, got ${quoteValue(value)}`, { details: { field: 'batchable', value: quoteValue(value) } });
  }
  if (batchDimOf(signature) === undefined) {
    throw new InferoxError(ErrorCode.INVALID_INPUT, `batchable of ${what} is true, but its signature has no batch dimension (dim 0 of every input and output the same symbolic dim, unbounded)`, {
      details: { field: 'batchable', value: 'true' },
    });
  }
  return true;
}
