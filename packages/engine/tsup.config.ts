import { defineInferoxBuild } from '../../tsup.shared';

// index: the engine; scheduler/index: the `@inferox/engine/scheduler` subpath; workers/worker.ts: the worker-thread
// entry, loaded by URL from the bundle (dist/workers/worker.js).
export default defineInferoxBuild(['src/index.ts', 'src/scheduler/index.ts', 'src/workers/worker.ts']);
