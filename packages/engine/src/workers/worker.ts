/* v8 ignore file -- @preserve runs only inside worker threads, where coverage is not collected; all logic lives in serveModel (tested in-thread) */
/**
 * The entry of a model worker thread: serves the model described by `workerData` on `parentPort`.
 * Built to `dist/workers/worker.js`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { serveModel } from './internal/serve-model';
import type { WorkerLoadSpec } from './internal/protocol';

if (parentPort) void serveModel(parentPort, workerData as WorkerLoadSpec);
