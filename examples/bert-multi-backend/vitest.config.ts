import { defineInferoxTestConfig } from '../../vitest.shared.ts';

export default defineInferoxTestConfig({
  // main.ts only parses argv and calls runBertDemo; bert-demo.test.ts runs it as a child process.
  thresholds: { lines: 95, branches: 85 },
  excludeFromCoverage: ['src/main.ts'],
});
