import { ErrorCode, InferoxError } from '@inferox/core';
import type { AdmissionPool } from './admission-pool-contract';
import { PoolArbiter } from './internal/pool-arbiter';

export type { AdmissionPool } from './admission-pool-contract';

/**
 * Creates an admission pool to share between schedulers.
 *
 * @param options - `capacity`: total units (a positive number, `Infinity` for no limit).
 * @throws InferoxError `INVALID_INPUT` naming the capacity when it is not a positive number.
 * @example
 * ```ts
 * const pool = createAdmissionPool({ capacity: 2 * 1024 ** 3 }); // 2 GiB, costs in bytes
 * const a = createScheduler({ name: 'bert', executors: [run], pool });
 * await a.submit(feeds, { cost: 64 * 1024 ** 2 });
 * ```
 */
export function createAdmissionPool(options: { readonly capacity: number }): AdmissionPool {
  const capacity = options?.capacity;
  if (typeof capacity !== 'number' || Number.isNaN(capacity) || capacity <= 0) {
    throw new InferoxError(ErrorCode.INVALID_INPUT, `admission pool capacity must be a positive number, got ${String(capacity)}`, {
      details: { capacity },
    });
  }
  return new PoolArbiter(capacity);
}
