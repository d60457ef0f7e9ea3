/**
 * Worker-thread model instances: a model loaded in a `node:worker_threads` worker from a serialisable spec, so
 * inference never blocks the main event loop.
 */
export { createWorkerInstance } from './create-worker-instance';
export type { WorkerInstance, WorkerInstanceOptions, WorkerModelSpec, WorkerRunContext } from './create-worker-instance';
