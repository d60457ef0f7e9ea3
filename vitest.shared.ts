import { defineConfig } from 'vitest/config';

/** Vite's default server conditions, with ours first, so tests run on TypeScript sources without a build. */
const conditions = ['@inferox/source', 'module', 'node', 'development|production'];

/** What differs between projects: the coverage floor and what coverage leaves out. */
export interface InferoxTestOptions {
  /** Coverage floors in percent; missing one fails the run. Raise, never lower. */
  readonly thresholds: { readonly lines: number; readonly branches: number };
  /** Files coverage leaves out besides tests and `*.fixture.ts` helpers (say why at the call site). */
  readonly excludeFromCoverage?: readonly string[];
  /** Files coverage measures. @defaultValue `['src/**\/*.ts']` */
  readonly coverageInclude?: readonly string[];
  /**
   * A fresh process per test file instead of one module graph per worker (say why at the call site).
   * @defaultValue false: a fresh process per file cost more than the tests (core's 54 files: 27 s isolated, 7 s not;
   *   `npm test` on 2 cores: 8 min 4 s, then 6 min 30 s)
   */
  readonly isolate?: boolean;
  /** Vitest global setup files (say why at the call site). */
  readonly globalSetup?: readonly string[];
}

/** The vitest config every project uses; each project's `vitest.config.ts` states its own thresholds. */
export function defineInferoxTestConfig(options: InferoxTestOptions) {
  return defineConfig({
    resolve: { conditions },
    ssr: { resolve: { conditions } },
    test: {
      include: ['src/**/*.test.ts'],
      testTimeout: 30_000,
      isolate: options.isolate ?? false,
      globalSetup: [...(options.globalSetup ?? [])],
      coverage: {
        provider: 'v8',
        include: [...(options.coverageInclude ?? ['src/**/*.ts'])],
        exclude: ['src/**/*.test.ts', 'src/**/*.test-d.ts', 'src/**/*.fixture.ts', ...(options.excludeFromCoverage ?? [])],
        reporter: ['text-summary'],
        thresholds: { ...options.thresholds },
      },
    },
  });
}
