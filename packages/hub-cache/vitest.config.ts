import { defineInferoxTestConfig } from '../../vitest.shared';

export default defineInferoxTestConfig({
  thresholds: { lines: 90, branches: 85 },
});
