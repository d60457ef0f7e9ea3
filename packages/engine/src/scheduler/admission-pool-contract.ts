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
