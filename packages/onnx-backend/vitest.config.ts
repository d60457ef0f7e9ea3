import { defineInferoxTestConfig } from '../../vitest.shared.ts';

export default defineInferoxTestConfig({
  thresholds: { lines: 95, branches: 90 },
});
