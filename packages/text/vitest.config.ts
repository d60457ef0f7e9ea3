import { defineInferoxTestConfig } from '../../vitest.shared.ts';

// Floors start at the first measured figure of this package and are only raised.
export default defineInferoxTestConfig({ thresholds: { lines: 95, branches: 80 } });
