import { defineInferoxTestConfig } from '../../vitest.shared.ts';

export default defineInferoxTestConfig({
  // src/test-support/ holds the helpers for the tests (child-process pack script, temp packages, onnx protos); it ships in no build.
  thresholds: { lines: 90, branches: 85 },
  excludeFromCoverage: ['src/test-support/**'],
});
