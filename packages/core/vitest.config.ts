import { defineInferoxTestConfig } from '../../vitest.shared';

export default defineInferoxTestConfig({
  thresholds: { lines: 99, branches: 95 },
});
