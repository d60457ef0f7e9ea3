/**
 * @packageDocumentation
 * `@inferox/engine/scheduler`: the scheduler every engine replica runs on, for callers who drive their own
 * executors: priorities, a bounded queue, per-executor concurrency, admission against a shared capacity pool,
 * deadlines, timeouts, cancellation and dynamic batching (with padding). Users of the engine do not need it:
 * `@inferox/engine` re-exports only the types its own API names (`Priority`, `BatchingOptions`, ...).
 */
export { PRIORITIES, priorityRank } from './priority';
export type { Priority } from './priority';
export type { Executor, ExecutorContext } from './executor';
export { createAdmissionPool } from './admission-pool';
export type { AdmissionPool } from './admission-pool-contract';
export { ALONE_REASONS } from './batching-options';
export type { AloneReason, BatchingOptions, PaddingOptions } from './batching-options';
export { createScheduler } from './scheduler';
export type { BatchInfo, CloseOptions, ScheduledResult, Scheduler, SchedulerOptions, SchedulerStats, SubmitOptions } from './scheduler-contract';
