/**
 * Test setup, not part of the library: lets worker threads that the engine starts from its TypeScript sources load
 * `.ts` files (tsx's ESM hooks) and resolve `@inferox/*` to sources (the `@inferox/source` condition). Node 20 gives a
 * worker no loader of its parent (it ignores `--import` in a worker), but it runs `--require` preloads, and Node
 * ≥ 20.19 can `require` this ES module. Given to vitest's workers (`execArgv` in vitest.config.ts) and to the tests'
 * child processes: `node --require <this file> ...`. Does nothing on a main thread.
 */
import { register } from 'node:module';
import { isMainThread } from 'node:worker_threads';

if (!isMainThread) {
  register('tsx/esm', { parentURL: import.meta.url, data: { active: true } });
  // Registered last, so it runs first: adds the condition, then tsx and Node resolve.
  register('./source-condition-hook.fixture.mjs', import.meta.url);
}
