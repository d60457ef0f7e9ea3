/**
 * @packageDocumentation
 * Scale-out on Redis with BullMQ: {@link createQueueWorker} runs inference jobs on an engine (any number of worker
 * processes on any number of machines), {@link createQueueClient} sends them (tensors as binary frames) with
 * priorities, deadlines, cancellation and a bound on waiting jobs, and reports queue depth, wait times and live
 * workers. Depends on `@inferox/core`, `@inferox/engine`, `@inferox/text`, `bullmq`, `ioredis`, `prom-client`.
 */
export { createQueueWorker } from './create-queue-worker';
export type { QueueWorker, QueueWorkerOptions } from './create-queue-worker';
export { createQueueClient } from './create-queue-client';
export type { QueueClient, QueueClientOptions, QueueInferResult, QueueModel, QueueRequestOptions } from './create-queue-client';
export { BULLMQ_PRIORITY } from './queue-priority';
export type { QueueDepth, QueueModelAnnouncement, QueueStats, QueueWorkerInfo, TimeSummary } from './queue-stats';
export type { QueueConnection } from './internal/redis-options';
