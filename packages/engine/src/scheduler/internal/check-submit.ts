import { ErrorCode, InferoxError, Tensor, type TensorMap } from '@inferox/core';
import { type Priority, priorityRank } from '../priority';
import type { SubmitOptions } from '../scheduler-contract';
import { describeValue } from './describe-value';

/** A submitted request's options, checked. */
export interface CheckedSubmit {
  readonly rank: number;
  readonly cost: number;
  readonly deadline: number | undefined;
  readonly timeoutMs: number | undefined;
  readonly signal: AbortSignal | undefined;
}

/** Whether `value` offers what the scheduler uses of an AbortSignal (this realm's or another's). */
function isSignal(value: unknown): value is AbortSignal {
  if (value instanceof AbortSignal) return true;
  const v = value as Partial<AbortSignal> | null;
  return typeof v === 'object' && v !== null && typeof v.aborted === 'boolean' && typeof v.addEventListener === 'function' && typeof v.removeEventListener === 'function';
}

function invalid(name: string, message: string, details: Record<string, unknown>): InferoxError {
  return new InferoxError(ErrorCode.INVALID_INPUT, `scheduler ${JSON.stringify(name)}: ${message}`, { details });
}

/**
 * Checks a request before it is queued: its options (priority, cost, deadline, timeout, signal) and that every feed
 * is a Tensor. Nothing is queued, no listener added, when this throws.
 *
 * @throws InferoxError `INVALID_INPUT` naming the scheduler, the option and the value.
 */
export function checkSubmit(name: string, feeds: TensorMap, options: SubmitOptions): CheckedSubmit {
  if (typeof options !== 'object' || options === null) throw invalid(name, `submit options must be an object, got ${describeValue(options)}`, {});
  const { priority = 'normal' as Priority, cost = 1, deadline, timeoutMs, signal } = options;
  const rank = priorityRank(priority);
  if (typeof cost !== 'number' || Number.isNaN(cost) || cost < 0 || cost === Number.POSITIVE_INFINITY) {
    throw invalid(name, `cost must be a finite number ≥ 0, got ${describeValue(cost)}`, { cost });
  }
  if (deadline !== undefined && (typeof deadline !== 'number' || Number.isNaN(deadline))) {
    throw invalid(name, `deadline must be epoch milliseconds, got ${describeValue(deadline)}`, { deadline });
  }
  if (timeoutMs !== undefined && (typeof timeoutMs !== 'number' || Number.isNaN(timeoutMs) || timeoutMs <= 0)) {
    throw invalid(name, `timeoutMs must be a number > 0, got ${describeValue(timeoutMs)}`, { timeoutMs });
  }
  if (signal !== undefined && !isSignal(signal)) throw invalid(name, `signal must be an AbortSignal, got ${describeValue(signal)}`, { option: 'signal' });
  if (typeof feeds !== 'object' || feeds === null) throw invalid(name, `feeds must be an object of tensors, got ${describeValue(feeds)}`, {});
  for (const input of Object.keys(feeds)) {
    if (!(feeds[input] instanceof Tensor)) throw invalid(name, `feed ${JSON.stringify(input)} is not a Tensor`, { input });
  }
  return { rank, cost, deadline, timeoutMs, signal };
}
