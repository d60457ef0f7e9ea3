import { defineInferoxTestConfig } from '../../vitest.shared.ts';

export default defineInferoxTestConfig({
  thresholds: { lines: 90, branches: 85 },
});
