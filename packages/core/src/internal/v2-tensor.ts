import { cutText, quoteValue } from '../quote-value';

/** A tensor in the Open Inference Protocol v2 JSON form (KServe / Triton). */
export interface V2Tensor {
  readonly name: string;
  /** `BOOL`, `UINT8`, ..., `INT64`, `FP16`, `BF16`, `FP32`, `FP64`, `BYTES`. */
  readonly datatype: string;
  readonly shape: readonly number[];
  /**
   * Flat, row-major. 64-bit integers beyond 2^53 are decimal strings; float16/bfloat16 are decoded numbers; non-finite
   * floats are `"NaN"`, `"Infinity"`, `"-Infinity"`. (JSON text has no -0: it comes back as 0.)
   */
  readonly data: readonly (number | string | boolean)[];
  /** Extra v2 parameters; ignored by `Tensor.fromJSON`. */
  readonly parameters?: Readonly<Record<string, unknown>>;
}

/** Describes a value that is not a v2 tensor, for `Tensor.fromJSON`'s error: its keys, or the value itself. */
export function describeJson(value: unknown): string {
  if (typeof value !== 'object' || value === null) return quoteValue(value);
  const keys = Object.keys(value);
  return `an object with keys ${cutText(keys.slice(0, 10).join(', ')) || '(none)'}${keys.length > 10 ? ` and ${keys.length - 10} more` : ''}`;
}
