import { defineInferoxTestConfig } from '../../vitest.shared.ts';

export default defineInferoxTestConfig({
  // bin.ts and cli-io.ts run only inside the child processes of cli.test.ts, where v8 coverage is not collected.
  thresholds: { lines: 95, branches: 85 },
  excludeFromCoverage: ['src/bin.ts', 'src/cli-io.ts'],
});
