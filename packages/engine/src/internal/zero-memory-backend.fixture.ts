import { existsSync, writeFileSync } from 'node:fs';
import type { Backend } from '@inferox/core';
import { createTestBackend } from '../workers/test-backend.fixture';

/**
 * The workers' test backend whose models report no memory figure (memoryBytes 0), as some runtimes do; with
 * `reportFirst`, a file path, the first model loaded (the one that creates the file) reports its figure after all.
 */
export async function createZeroMemoryBackend(options: { readonly reportFirst?: string } = {}): Promise<Backend> {
  const backend = await createTestBackend();
  return {
    ...backend,
    loadModel: async (source, loadOptions, context) => {
      const handle = await backend.loadModel(source, loadOptions, context);
      if (options.reportFirst !== undefined && !existsSync(options.reportFirst)) {
        writeFileSync(options.reportFirst, '');
        return handle;
      }
      return Object.defineProperty(Object.create(handle) as typeof handle, 'memoryBytes', { value: 0 });
    },
  };
}
