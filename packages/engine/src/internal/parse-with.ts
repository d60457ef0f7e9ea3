import { ErrorCode, InferoxError } from '@inferox/core';
import type { z } from 'zod';

/**
 * Parses `value` with `schema`; a failure becomes `INVALID_INPUT` whose message names the first bad field as a
 * dotted path under `what` (`config.maxMemoryBytes`, `spec.instances.count`).
 */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const path = [what, ...issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : String(p)))].join('.').replace(/\.\[/g, '[');
  const keys = issue.code === 'unrecognized_keys' ? issue.keys : [];
  const field = keys.length > 0 ? `${path}.${keys[0]}` : path;
  const message = keys.length > 0 ? `unknown option ${field}` : `${field}: ${issue.message}`;
  throw new InferoxError(ErrorCode.INVALID_INPUT, message, { details: { field, issues: result.error.issues.map((i) => ({ path: i.path.map(String), message: i.message })) } });
}
