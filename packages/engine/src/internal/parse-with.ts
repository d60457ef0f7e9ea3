import { ErrorCode, InferoxError } from '@inferox/core';
import type { z } from 'zod';

/**
 * The issue that says what is wrong: for a value no branch of a union took, the first issue of the branch that got
 * furthest into it (`spec.batching.maxQueueDelayMs` rather than `spec.batching: Invalid input` when `batching` is an
 * object or `false`), its path under the union's: the deepest path, and at equal depth a value of the branch's type.
 */
function nearestIssue(issue: z.core.$ZodIssue): z.core.$ZodIssue {
  if (issue.code !== 'invalid_union') return issue;
  const reach = (i: z.core.$ZodIssue): number => 2 * i.path.length + (i.code === 'invalid_type' || i.code === 'invalid_value' ? 0 : 1);
  let best: z.core.$ZodIssue | undefined;
  for (const branch of issue.errors) {
    const first = branch[0];
    if (first !== undefined && reach(first) > (best === undefined ? 0 : reach(best))) best = first;
  }
  return best === undefined ? issue : nearestIssue({ ...best, path: [...issue.path, ...best.path] });
}

/** A failed parse's first bad field, as {@link firstBadField} names it. */
export interface BadField {
  /** Dotted path under the root's name (`spec.batching.maxQueueDelayMs`, `config.models[1].task`). */
  readonly field: string;
  /** The key the schema does not take, when that is what is wrong (`field` then ends with it). */
  readonly unknownKey?: string;
  /** zod's message for the field (`Too small: expected number to be >=0`). */
  readonly problem: string;
}

/**
 * Names the first bad field of a failed zod parse under `what`, looking into unions for the branch that was meant:
 * how the engine's and the server's config errors name a field.
 */
export function firstBadField(error: { readonly issues: readonly z.core.$ZodIssue[] }, what: string): BadField {
  const issue = nearestIssue(error.issues[0]!);
  const path = [what, ...issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : String(p)))].join('.').replace(/\.\[/g, '[');
  const unknownKey = issue.code === 'unrecognized_keys' ? issue.keys[0] : undefined;
  return unknownKey === undefined ? { field: path, problem: issue.message } : { field: `${path}.${unknownKey}`, unknownKey, problem: issue.message };
}

/**
 * Parses `value` with `schema`; a failure becomes `INVALID_INPUT` whose message names the first bad field as a
 * dotted path under `what` (`config.maxMemoryBytes`, `spec.instances.count`).
 */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const { field, unknownKey, problem } = firstBadField(result.error, what);
  const message = unknownKey === undefined ? `${field}: ${problem}` : `unknown option ${field}`;
  throw new InferoxError(ErrorCode.INVALID_INPUT, message, { details: { field, issues: result.error.issues.map((i) => ({ path: i.path.map(String), message: i.message })) } });
}
