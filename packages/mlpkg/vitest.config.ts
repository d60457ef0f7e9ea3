import { defineInferoxTestConfig } from '../../vitest.shared.ts';

export default defineInferoxTestConfig({
  // test-support/ holds helpers for the tests (child-process pack script, manifests); it ships in no build.
  thresholds: { lines: 90, branches: 85 },
  excludeFromCoverage: ['src/test-support/**'],
});
