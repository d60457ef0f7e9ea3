import { ErrorCode, InferoxError } from '@inferox/core';

/**
 * Every request priority, highest first. The scheduler serves them strictly in this order (FIFO within one): a
 * steady stream of `critical` work starves `low` work. There is no aging; callers who need fairness must shape their
 * own traffic (or give background work its own scheduler).
 */
export const PRIORITIES = ['critical', 'high', 'normal', 'low'] as const;

/** How urgent a request is: `critical > high > normal > low`. */
export type Priority = (typeof PRIORITIES)[number];

/**
 * The rank of a priority: 0 for `critical` up to 3 for `low` (lower runs first).
 *
 * @throws InferoxError `INVALID_INPUT` naming the value when it is not a {@link Priority}.
 */
export function priorityRank(priority: Priority): number {
  const rank = PRIORITIES.indexOf(priority);
  if (rank < 0) {
    throw new InferoxError(ErrorCode.INVALID_INPUT, `unknown priority ${JSON.stringify(priority)}; expected one of ${PRIORITIES.join(', ')}`, {
      details: { priority },
    });
  }
  return rank;
}
