/**
 * `npm run bench`'s preload (`node --require`): lets the bench's own worker threads (`ort-worker.ts`, `sab-worker.ts`)
 * load TypeScript through tsx. Node 20 gives a worker no loader of its parent (it ignores `--import` there) but runs
 * `--require` preloads. Unlike the engine's test loader (`ts-worker-loader.fixture.mjs`) it adds no
 * `@inferox/source` condition: that loader's hooks also run in Node's module-hooks thread, which is not the main
 * thread, so they sent the main thread's `@inferox/*` imports to the sources too, and the bench measured the sources
 * instead of the builds users run. The engine's own workers, started from its build, get no preload at all.
 */
import { register } from 'node:module';
import { isMainThread } from 'node:worker_threads';

if (!isMainThread) register('tsx/esm', { parentURL: import.meta.url, data: { active: true } });
