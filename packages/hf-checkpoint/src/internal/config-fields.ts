import { ErrorCode, InferoxError } from '@inferox/core';
import { type ZodType, z } from 'zod';
import { describeValue } from './describe-value';

const POSITIVE_INT = 'must be a positive integer';
const POSITIVE_NUMBER = 'must be a positive number';

/** A positive safe integer field, required unless `fallback` is given. */
export function positiveInt(fallback?: number) {
  const schema = z.number({ error: POSITIVE_INT }).int(POSITIVE_INT).positive(POSITIVE_INT).max(Number.MAX_SAFE_INTEGER, POSITIVE_INT);
  return fallback === undefined ? schema : schema.default(fallback);
}

/** A positive finite number field with a default. */
export function positiveNumber(fallback: number) {
  return z.number({ error: POSITIVE_NUMBER }).positive(POSITIVE_NUMBER).default(fallback);
}

/** A string field that must be one of `allowed`, `fallback` when absent. */
export function oneOf<const T extends readonly [string, ...string[]]>(allowed: T, fallback: T[number]) {
  return z.enum(allowed, { error: `must be one of ${allowed.join(', ')}` }).default(fallback as never);
}

/** A non-empty string field. */
export function nonEmptyString() {
  return z.string({ error: 'must be a non-empty string' }).min(1, 'must be a non-empty string');
}

/** The error for `field` of `file`, quoting what it held. */
export function fieldError(file: string, field: string, message: string, given: unknown): InferoxError {
  return new InferoxError(ErrorCode.PACKAGE_INVALID, `${file}: field ${JSON.stringify(field)} ${message}, got ${describeValue(given)}`, {
    details: { file, field },
  });
}

/**
 * Parses `raw` with `schema`, turning the first problem into one `PACKAGE_INVALID` naming the file, the field and the
 * value it held.
 */
export function parseFields<T>(schema: ZodType<T>, raw: Readonly<Record<string, unknown>>, file: string): T {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  let given: unknown = raw;
  for (const key of issue.path) given = (given as Record<PropertyKey, unknown> | undefined)?.[key as PropertyKey];
  throw fieldError(file, issue.path.join('.') || '(root)', issue.message, given);
}
