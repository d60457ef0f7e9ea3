import { fileURLToPath } from 'node:url';
import { mergeConfig } from 'vitest/config';
import { defineInferoxTestConfig } from '../vitest.shared.ts';

// Engine worker instances started from TypeScript sources need a loader in their threads (the engine boots none).
const workerLoader = fileURLToPath(new URL('../packages/engine/src/workers/ts-worker-loader.fixture.mjs', import.meta.url));

// Logic is unit-tested and scenarios 1-4 and 7-10 run for real on the tiny fixture; scenarios 5 and 6 (child
// processes, a large download) and the run.ts entry are exercised by `npm run bench -- --quick`. src/profile holds
// one-off profiling scripts run by hand (see results/engine-overhead-profile.md), not part of the bench or its tests.
// src/internal/ort-worker.ts runs only inside worker threads, which the coverage of the test process does not see
// (the scenario-12 test drives it through ort-threads.ts); likewise src/internal/sab-worker.ts, the thread of the
// shared-memory pool, which sab-pool.test.ts drives through sab-pool.ts.
export default mergeConfig(
  defineInferoxTestConfig({
    thresholds: { lines: 86, branches: 74 },
    excludeFromCoverage: ['src/profile/**', 'src/internal/ort-worker.ts', 'src/internal/sab-worker.ts'],
  }),
  { test: { execArgv: ['--require', workerLoader] } },
);
