import { defineInferoxTestConfig } from '../vitest.shared.ts';

export default defineInferoxTestConfig({
  thresholds: { lines: 85, branches: 75 },
  coverageInclude: ['src/**/*.ts', '*.mjs'],
});
