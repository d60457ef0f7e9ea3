import { ErrorCode, InferoxError } from '@inferox/core';
import { PoolArbiter } from './internal/pool-arbiter';

/**
 * Capacity shared by every scheduler given this pool (engine-wide), in units the callers choose (1 per request by
 * default, or bytes of memory). A request whose cost fits in what is free starts at once; otherwise it parks in its
 * scheduler's queue. Whenever capacity is released, the pool starts — across all of its schedulers — the
 * highest-priority parked request that fits (earliest arrival first within a priority), and repeats while anything
 * fits: wake-up is driven by the release, never by polling.
 *
 * A parked request that does not fit may be overtaken by smaller ones, of its own priority or lower, that do: a
 * steady stream of small requests can starve a large one.
 */
export interface AdmissionPool {
  /** Total units; `Infinity` for no limit. */
  readonly capacity: number;
  /** Units held by running requests (released when their executor returns). */
  readonly used: number;
  /** `capacity - used`. */
  readonly free: number;
}

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
