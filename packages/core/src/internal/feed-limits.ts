import { bfloat16BitsToNumber, float16BitsToNumber } from '../dtype';
import { ErrorCode } from '../error-codes';
import { InferoxError } from '../inferox-error';
import type { TensorSpec } from '../model-handle';
import { quoteValue } from '../quote-value';
import type { Tensor } from '../tensor';
import { formatShape } from './shape';

function invalid(message: string, details: Record<string, unknown>): InferoxError {
  return new InferoxError(ErrorCode.INVALID_INPUT, message, { details });
}

/**
 * Checks the sizes of a feed's dims against the spec's `dimLimits`; a symbolic or unknown dim of size 0 is refused
 * unless its limit's `min` is 0 (an empty batch or sequence reaches no native code).
 */
export function checkDimLimits(spec: TensorSpec, tensor: Tensor): void {
  const dims = spec.shape;
  if (dims === null) return;
  // A plain loop and the name quoted only when a message is built: this runs on every request.
  for (let i = 0; i < dims.length; i++) {
    const dim = dims[i]!;
    const size = tensor.shape[i]!;
    const limit = spec.dimLimits?.[i] ?? undefined;
    const fixed = typeof dim === 'number' && dim >= 0;
    const min = limit?.min ?? (fixed ? 0 : 1);
    if (size >= min && (limit?.max === undefined || size <= limit.max)) continue;
    const name = quoteValue(spec.name);
    const label = typeof dim === 'string' && dim !== '' ? ` (${dim})` : '';
    const why = limit?.source ? ` (${limit.source})` : '';
    if (size < min) {
      throw invalid(
        `input ${name} dim ${i}${label} is ${size} (shape ${formatShape(tensor.shape)}); it must be at least ${min}${size === 0 ? ': an empty batch or sequence is refused' : why}`,
        { input: spec.name, dim: i, expected: { min }, given: size },
      );
    }
    throw invalid(`input ${name} dim ${i}${label} is ${size} (shape ${formatShape(tensor.shape)}); the model takes at most ${limit!.max}${why}`, {
      input: spec.name,
      dim: i,
      expected: { max: limit!.max },
      given: size,
    });
  }
}

/** Checks every element of a numeric feed against the spec's `valueRange` (a range on a string or bool input is ignored). */
export function checkValueRange(spec: TensorSpec, tensor: Tensor): void {
  const range = spec.valueRange;
  if (!range || tensor.dtype === 'string' || tensor.dtype === 'bool') return;
  const { min, maxExclusive } = range;
  const data = tensor.data as ArrayLike<number | bigint>;
  let bad = -1;
  if (tensor.dtype === 'int64' || tensor.dtype === 'uint64') {
    // Bounds as bigints: ceil(min) and ceil(maxExclusive) keep the comparison exact for integral elements.
    const lo = Number.isFinite(min) ? BigInt(Math.ceil(min)) : undefined;
    const hi = Number.isFinite(maxExclusive) ? BigInt(Math.ceil(maxExclusive)) : undefined;
    const ints = data as ArrayLike<bigint>;
    if (lo !== undefined && hi !== undefined) {
      // The common case (token ids): a tight loop V8 compiles to 64-bit compares.
      for (let i = 0; i < ints.length; i++) {
        const v = ints[i]!;
        if (v < lo || v >= hi) {
          bad = i;
          break;
        }
      }
    } else {
      for (let i = 0; i < ints.length; i++) {
        const v = ints[i]!;
        if ((lo !== undefined ? v < lo : min === Number.POSITIVE_INFINITY) || (hi !== undefined ? v >= hi : maxExclusive === Number.NEGATIVE_INFINITY)) {
          bad = i;
          break;
        }
      }
    }
  } else {
    const decode = tensor.dtype === 'float16' ? float16BitsToNumber : tensor.dtype === 'bfloat16' ? bfloat16BitsToNumber : undefined;
    const nums = data as ArrayLike<number>;
    for (let i = 0; i < nums.length; i++) {
      const v = decode ? decode(nums[i]!) : nums[i]!;
      if (!(v >= min && v < maxExclusive)) {
        bad = i;
        break;
      }
    }
  }
  if (bad < 0) return;
  const value = data[bad]!;
  const shown = tensor.dtype === 'float16' || tensor.dtype === 'bfloat16' ? String((tensor.dtype === 'float16' ? float16BitsToNumber : bfloat16BitsToNumber)(value as number)) : String(value);
  throw invalid(
    `input ${quoteValue(spec.name)} element ${bad} is ${shown}, outside [${min}, ${maxExclusive})${range.source ? ` (${range.source})` : ''}`,
    { input: spec.name, index: bad, value: shown, expected: { min, maxExclusive } },
  );
}
