import { ErrorCode } from '../error-codes';
import { InferoxError } from '../inferox-error';

/**
 * Bounds the v2 codec checks before it allocates anything, so a request cannot make it spend unbounded memory or
 * time. Every limit is configurable; a request over one is refused with `INVALID_INPUT` naming the limit
 * (`details.limit`) and its value (`details.max`).
 */
export interface V2Limits {
  /** Largest request body, in bytes (JSON text, or JSON header plus binary data). @defaultValue 64 MiB */
  readonly maxRequestBytes: number;
  /** Most entries in `inputs`. @defaultValue 128 */
  readonly maxInputs: number;
  /** Most entries in `outputs`. @defaultValue 128 */
  readonly maxOutputs: number;
  /**
   * Most tensor elements in one request, all inputs together; a declared shape is checked against it before its
   * data is read. @defaultValue 1,048,576 (2^20)
   */
  readonly maxElements: number;
  /** Deepest nesting of a `data` array, and largest shape rank. @defaultValue 16 */
  readonly maxDepth: number;
  /** Longest tensor name, output name or request id, in characters. @defaultValue 256 */
  readonly maxNameLength: number;
  /** Longest `BYTES` element, in characters (JSON) or bytes (binary). @defaultValue 1 MiB */
  readonly maxStringLength: number;
  /**
   * Largest response body, in bytes. For JSON data the codec counts the longest text each element can take (24
   * characters for a float, 20 digits for a 64-bit integer, ...), so the check runs before anything is written.
   * @defaultValue 64 MiB
   */
  readonly maxOutputBytes: number;
}

/** The limits the codec applies when none are given. */
export const DEFAULT_V2_LIMITS: V2Limits = Object.freeze({
  maxRequestBytes: 64 * 1024 * 1024,
  maxInputs: 128,
  maxOutputs: 128,
  maxElements: 1_048_576,
  maxDepth: 16,
  maxNameLength: 256,
  maxStringLength: 1024 * 1024,
  maxOutputBytes: 64 * 1024 * 1024,
});

/** The names of the {@link V2Limits}. */
export const V2_LIMIT_NAMES = Object.freeze(Object.keys(DEFAULT_V2_LIMITS) as (keyof V2Limits)[]);

/**
 * Fills the missing limits with {@link DEFAULT_V2_LIMITS} and checks the given ones.
 *
 * @param limits - some limits, or none.
 * @returns every limit.
 * @throws InferoxError `INVALID_INPUT` naming an unknown limit or one that is not a positive safe integer.
 */
export function resolveV2Limits(limits: Partial<V2Limits> = {}): V2Limits {
  if (typeof limits !== 'object' || limits === null) {
    throw new InferoxError(ErrorCode.INVALID_INPUT, `v2 limits must be an object, got ${typeof limits}`);
  }
  for (const [key, value] of Object.entries(limits)) {
    if (!Object.hasOwn(DEFAULT_V2_LIMITS, key)) {
      throw new InferoxError(ErrorCode.INVALID_INPUT, `unknown v2 limit ${JSON.stringify(key.slice(0, 64))}; known: ${V2_LIMIT_NAMES.join(', ')}`, {
        details: { limit: key.slice(0, 64) },
      });
    }
    if (value !== undefined && (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1)) {
      throw new InferoxError(ErrorCode.INVALID_INPUT, `v2 limit ${key} must be a positive integer, got ${String(value).slice(0, 64)}`, {
        details: { limit: key },
      });
    }
  }
  const out: Record<string, number> = { ...DEFAULT_V2_LIMITS };
  for (const [key, value] of Object.entries(limits)) if (value !== undefined) out[key] = value as number;
  return Object.freeze(out) as unknown as V2Limits;
}

/** An `INVALID_INPUT` saying which limit `value` passed. */
export function overLimit(limit: keyof V2Limits, max: number, what: string, value: number): InferoxError {
  return new InferoxError(ErrorCode.INVALID_INPUT, `${what}: ${value} is over the limit of ${max} (${limit}; raise it in the v2 limits)`, {
    details: { limit, max, value },
  });
}
