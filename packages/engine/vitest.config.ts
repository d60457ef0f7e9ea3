import { defineInferoxTestConfig } from '../../vitest.shared.ts';

export default defineInferoxTestConfig({ thresholds: { lines: 97, branches: 90 } });
