import { defineInferoxTestConfig } from '../vitest.shared.ts';

// Logic is unit-tested and scenarios 1-4 and 7 run for real on the tiny fixture; scenarios 5 and 6 (child
// processes, a large download) and the run.ts entry are exercised by `npm run bench -- --quick`.
export default defineInferoxTestConfig({
  thresholds: { lines: 72, branches: 65 },
});
