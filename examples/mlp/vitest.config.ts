import { defineInferoxTestConfig } from '../../vitest.shared.ts';

export default defineInferoxTestConfig({
  // main.ts only parses argv and calls runMlpExample; npm start runs it.
  thresholds: { lines: 95, branches: 70 },
  excludeFromCoverage: ['src/main.ts'],
});
