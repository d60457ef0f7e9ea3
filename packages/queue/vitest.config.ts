import { defineInferoxTestConfig } from '../../vitest.shared.ts';

// Floors start at the first measured figure of this package and are only raised. The global setup bundles the
// worker child once, so the tests' worker processes start with plain node instead of compiling the sources each.
export default defineInferoxTestConfig({ thresholds: { lines: 94, branches: 82 }, globalSetup: ['src/testing/bundle-queue-worker.fixture.ts'] });
