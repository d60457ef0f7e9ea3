import { existsSync, writeFileSync } from 'node:fs';
import type { Backend } from '@inferox/core';
import { createTestBackend } from '../workers/test-backend.fixture';

/**
 * The workers' test backend whose models report no memory figure (memoryBytes 0), as some runtimes do; with
 * `reportFirst`, a file path, the first model loaded (the one that creates the file) reports its figure after all.
 * With `failAfterFirst`, a file path, the first load creates the file and every later one fails; disposing the first
 * model then writes `<failAfterFirst>.disposed`.
 */
export async function createZeroMemoryBackend(options: { readonly reportFirst?: string; readonly failAfterFirst?: string } = {}): Promise<Backend> {
  const backend = await createTestBackend();
  return {
    ...backend,
    loadModel: async (source, loadOptions, context) => {
      const marker = options.failAfterFirst;
      if (marker !== undefined && existsSync(marker)) throw new Error('the test backend was told to fail after its first load');
      const handle = await backend.loadModel(source, loadOptions, context);
      if (marker !== undefined) {
        writeFileSync(marker, '');
        const dispose = handle.dispose.bind(handle);
        return Object.assign(Object.create(handle) as typeof handle, {
          dispose: async () => {
            writeFileSync(`${marker}.disposed`, '');
            await dispose();
          },
        });
      }
      if (options.reportFirst !== undefined && !existsSync(options.reportFirst)) {
        writeFileSync(options.reportFirst, '');
        return handle;
      }
      return Object.defineProperty(Object.create(handle) as typeof handle, 'memoryBytes', { value: 0 });
    },
  };
}
