/* v8 ignore file -- @preserve test support: runs once per test run or bench scenario, before the worker children */
/**
 * One ES module of the queue worker child, so that tests and benches start their worker processes with plain `node`.
 *
 * esbuild bundles `queue-worker-process.fixture.ts` with every `@inferox` package it imports, from their TypeScript
 * sources (the `@inferox/source` condition): a child tests what the sources say, with or without a build. Third-party
 * packages stay imports, so the file is written under this package's `node_modules/.cache`, where Node resolves them.
 * A child started from the bundle took 0.62–0.67 s of CPU until ready, one through tsx 1.41–1.51 s (the same child:
 * tsx compiles every source file in each process); the queue's tests and scale-out bench start about 30.
 *
 * Modules that find their own files through `import.meta.url` (the engine's worker-thread entry, a backend's
 * `factorySpec`) would look next to the bundle: worker instances are not for a bundled child.
 */
import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { build } from 'esbuild';
import { QUEUE_WORKER_BUNDLE_ENV } from './queue-worker-process';

/** Writes the bundle (a file of its own per process) and returns its path and how to remove it. */
async function bundleQueueWorker(): Promise<{ readonly path: string; remove(): Promise<void> }> {
  const path = resolve(import.meta.dirname, '../../node_modules/.cache/inferox-queue-worker', `queue-worker-${process.pid}.mjs`);
  await build({
    entryPoints: [resolve(import.meta.dirname, 'queue-worker-process.fixture.ts')],
    outfile: path,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    conditions: ['@inferox/source'],
    // A warning would be noise: core's type-only `import './ambient-types'` is dropped, as intended.
    logLevel: 'error',
    plugins: [
      {
        name: 'third-party-stays-external',
        setup(b) {
          b.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith('@inferox/') ? undefined : { external: true }));
        },
      },
    ],
  });
  return { path, remove: () => rm(path, { force: true }) };
}

/**
 * Bundles the child and names the bundle in {@link QUEUE_WORKER_BUNDLE_ENV}, so every `spawnQueueWorker` of this
 * process (and of processes it starts later) uses it; the returned function removes the bundle and the variable.
 */
export async function useQueueWorkerBundle(): Promise<() => Promise<void>> {
  const bundle = await bundleQueueWorker();
  process.env[QUEUE_WORKER_BUNDLE_ENV] = bundle.path;
  return async () => {
    delete process.env[QUEUE_WORKER_BUNDLE_ENV];
    await bundle.remove();
  };
}

/** Vitest global setup: one bundle for the run's test processes, removed afterwards. */
export default useQueueWorkerBundle;
