import { defineInferoxTestConfig } from '../../vitest.shared';

export default defineInferoxTestConfig({
  thresholds: { lines: 95, branches: 90 },
});
