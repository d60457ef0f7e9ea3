/**
 * @packageDocumentation
 * The engine's scheduler: priorities, a bounded queue, per-executor concurrency, admission against a shared capacity
 * pool, deadlines, timeouts, cancellation and dynamic batching (with padding). Internal to `@inferox/engine`.
 */
export { PRIORITIES, priorityRank } from './priority';
export type { Priority } from './priority';
export type { Executor, ExecutorContext } from './executor';
export { createAdmissionPool } from './admission-pool';
export type { AdmissionPool } from './admission-pool';
export { ALONE_REASONS } from './batching-options';
export type { AloneReason, BatchingOptions, PaddingOptions } from './batching-options';
export { createScheduler } from './scheduler';
export type { BatchInfo, CloseOptions, ScheduledResult, Scheduler, SchedulerOptions, SchedulerStats, SubmitOptions } from './scheduler';
