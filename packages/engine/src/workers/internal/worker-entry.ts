/** How to start a model worker: the `Worker` constructor's first argument and options. */
export interface WorkerEntry {
  /** A file URL, or code when `eval` is true. */
  readonly filename: string | URL;
  readonly eval: boolean;
  /** The worker's Node options; absent: the process's own (`process.execArgv`). */
  readonly execArgv?: readonly string[];
  /** `source` when the engine runs from its TypeScript sources, `built` when from `dist/`. */
  readonly mode: 'source' | 'built';
}

/**
 * Where the worker entry lives, given the URL of the module asking (this package's code).
 *
 * Built (`dist/`): `dist/workers/worker.js` next to the bundle, with no Node options of the process.
 * From sources (a `.ts` URL: this repository's own tests): `src/workers/worker.ts`, with the process's Node options.
 * Node 20 runs no TypeScript by itself and the library boots no loader: the process that runs the engine from its
 * sources gives its worker threads one (the engine's tests do it with `--require`
 * `src/workers/ts-worker-loader.fixture.mjs` in vitest's `execArgv` and in their child processes).
 *
 * @param moduleUrl - the URL of this module: `src/workers/internal/worker-entry.ts`, or the bundle in `dist/`.
 */
export function resolveWorkerEntry(moduleUrl: string = import.meta.url): WorkerEntry {
  if (!moduleUrl.endsWith('.ts')) return { filename: new URL('./workers/worker.js', moduleUrl), eval: false, execArgv: [], mode: 'built' };
  return { filename: new URL('../worker.ts', moduleUrl), eval: false, mode: 'source' };
}
