import { ErrorCode } from '../error-codes';
import { InferoxError } from '../inferox-error';
import { cutText, quoteValue } from '../quote-value';

/** Checks that every entry is a non-negative safe integer and returns the element count. */
export function checkShape(shape: readonly number[], what = 'shape'): number {
  if (!Array.isArray(shape)) {
    throw new InferoxError(ErrorCode.INVALID_INPUT, `${what} must be an array of non-negative integers, got ${quoteValue(shape)}`);
  }
  let size = 1;
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i];
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) {
      throw new InferoxError(ErrorCode.INVALID_INPUT, `${what}[${i}] must be a non-negative integer, got ${quoteValue(d)}`, {
        details: { index: i, value: typeof d === 'number' ? d : quoteValue(d) },
      });
    }
    size *= d;
  }
  if (!Number.isSafeInteger(size)) {
    throw new InferoxError(ErrorCode.INVALID_INPUT, `${what} ${cutText(formatShape(shape))} has more elements than can be addressed`);
  }
  return size;
}

/** `[2, 3]` → `"[2, 3]"`, for messages. */
export const formatShape = (shape: readonly unknown[]): string => `[${shape.map((d) => (d === null ? '?' : String(d))).join(', ')}]`;
