import { defineInferoxBuild } from '../../tsup.shared';

// workers/worker.ts is the worker-thread entry, loaded by URL from the bundle (dist/workers/worker.js).
export default defineInferoxBuild(['src/index.ts', 'src/workers/worker.ts']);
