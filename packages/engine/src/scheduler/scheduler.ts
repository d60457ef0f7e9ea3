import { SchedulerCore } from './internal/scheduler-core';
import type { Scheduler, SchedulerOptions } from './scheduler-contract';

export type { BatchInfo, CloseOptions, ScheduledResult, Scheduler, SchedulerOptions, SchedulerStats, SubmitOptions } from './scheduler-contract';

/**
 * Creates a scheduler. It joins its admission pool at once and leaves it when `close` resolves: close every
 * scheduler made on a shared pool.
 *
 * @throws InferoxError `INVALID_INPUT` naming the bad option.
 * @example
 * ```ts
 * const scheduler = createScheduler({
 *   name: 'bert',
 *   executors: [(feeds, { signal }) => handle.run(feeds, { signal })],
 *   batching: { maxBatchSize: 16, maxQueueDelayMs: 2, padding: { inputs: ['input_ids', 'attention_mask'] } },
 * });
 * const { outputs } = await scheduler.submit(feeds, { priority: 'high', timeoutMs: 1000 });
 * await scheduler.close();
 * ```
 */
export function createScheduler(options: SchedulerOptions): Scheduler {
  return new SchedulerCore(options);
}
