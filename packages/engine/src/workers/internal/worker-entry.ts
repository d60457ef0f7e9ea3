import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ErrorCode, InferoxError } from '@inferox/core';

/** How to start a model worker: the `Worker` constructor's first argument and options. */
export interface WorkerEntry {
  /** A file URL, or code when `eval` is true. */
  readonly filename: string | URL;
  readonly eval: boolean;
  readonly execArgv: readonly string[];
  /** `source` when the engine runs from its TypeScript sources, `built` when from `dist/`. */
  readonly mode: 'source' | 'built';
}

/** The ESM entry of `tsx/esm/api` (its `register()` installs the TypeScript loader in the current thread). */
function resolveTsxApi(from: string): string {
  let manifestPath: string;
  try {
    manifestPath = createRequire(from).resolve('tsx/package.json');
  } catch (error) {
    throw new InferoxError(ErrorCode.BACKEND_UNAVAILABLE, 'worker instances running from TypeScript sources need the tsx package, which cannot be resolved', {
      cause: error,
    });
  }
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { exports?: Record<string, { import?: { default?: string } }> };
  const file = manifest.exports?.['./esm/api']?.import?.default;
  if (typeof file !== 'string') {
    throw new InferoxError(ErrorCode.BACKEND_UNAVAILABLE, `${manifestPath} does not export ./esm/api for import; a tsx 4 is needed`, {
      details: { file: manifestPath },
    });
  }
  return pathToFileURL(join(dirname(manifestPath), file)).href;
}

/**
 * Where the worker entry lives, given the URL of the module asking (this package's code).
 *
 * Built (`dist/`): the entry is `dist/workers/worker.js` next to the bundle; no loader is needed.
 * From sources (a `.ts` URL, as under vitest): Node 20 cannot run TypeScript and ignores `--import` in a worker's
 * `execArgv`, so the worker evaluates a small bootstrap that installs tsx with its `register()` API, then imports
 * `src/workers/worker.ts`; `--conditions=@inferox/source` makes `@inferox/*` imports resolve to sources as well.
 *
 * @param moduleUrl - the URL of this module: `src/workers/internal/worker-entry.ts`, or the bundle in `dist/`.
 * @throws InferoxError `BACKEND_UNAVAILABLE` when running from sources without tsx installed.
 */
export function resolveWorkerEntry(moduleUrl: string = import.meta.url): WorkerEntry {
  if (!moduleUrl.endsWith('.ts')) {
    return { filename: new URL('./workers/worker.js', moduleUrl), eval: false, execArgv: [], mode: 'built' };
  }
  const entry = new URL('../worker.ts', moduleUrl).href;
  const tsx = resolveTsxApi(moduleUrl);
  const code = `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
  return { filename: code, eval: true, execArgv: ['--conditions=@inferox/source'], mode: 'source' };
}
