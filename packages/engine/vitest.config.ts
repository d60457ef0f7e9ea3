import { defineInferoxTestConfig } from '../../vitest.shared';

export default defineInferoxTestConfig({ thresholds: { lines: 97, branches: 90 } });
