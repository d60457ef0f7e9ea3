import { defineConfig } from 'vitest/config';

// Vite's default server conditions, with ours first.
const conditions = ['@inferox/source', 'module', 'node', 'development|production'];

// Tests run on sources through the @inferox/source export condition; thresholds fail the run when missed.
export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    include: ['src/**/*.test.ts'],
    testTimeout: 30_000,
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts'],
      // bin.ts and cli-io.ts run only inside the child processes of cli.test.ts, where v8 coverage is not collected.
      exclude: ['src/**/*.test.ts', 'src/bin.ts', 'src/cli-io.ts'],
      reporter: ['text-summary'],
      thresholds: { lines: 95, branches: 85 },
    },
  },
});
