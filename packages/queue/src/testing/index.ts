/**
 * @packageDocumentation
 * Test and bench support for `@inferox/queue`: a real redis-server on a free port ({@link startRedisServer}) and a
 * device-bound stand-in backend ({@link createDeviceBoundBackend}) and real worker processes serving it
 * ({@link spawnQueueWorker}; runs from sources in this repository: from a bundle of them, or through tsx).
 */
export { startRedisServer } from './start-redis-server';
export type { RedisServer } from './start-redis-server';
export { createDeviceBoundBackend } from './device-bound-backend';
export type { DeviceBoundBackendOptions } from './device-bound-backend';
export { HOLD, POISON, spawnQueueWorker } from './queue-worker-process';
export type { QueueWorkerProcess, QueueWorkerProcessOptions } from './queue-worker-process';
