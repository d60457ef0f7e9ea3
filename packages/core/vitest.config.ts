import { defineInferoxTestConfig } from '../../vitest.shared.ts';

export default defineInferoxTestConfig({
  thresholds: { lines: 99, branches: 95 },
});
