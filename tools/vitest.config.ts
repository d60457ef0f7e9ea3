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
      include: ['src/**/*.ts', '*.mjs'],
      exclude: ['src/**/*.test.ts'],
      reporter: ['text-summary'],
      thresholds: { lines: 85, branches: 75 },
    },
  },
});
