import type { Backend, ModelHandle } from '@inferox/core';
import { createTestBackend } from '../workers/test-backend.fixture';

/**
 * The workers' test backend whose model also declares its string feed `mode` (see test-backend.fixture.ts), so that
 * the engine, which refuses feeds a model does not declare, passes a mode such as `exit` on to a worker.
 */
export async function createModeFeedBackend(): Promise<Backend> {
  const backend = await createTestBackend();
  return {
    ...backend,
    loadModel: async (source, options, context) => {
      const handle = await backend.loadModel(source, options, context);
      const signature = { ...handle.signature, inputs: [...handle.signature.inputs, { name: 'mode', dtype: 'string' as const, shape: null }] };
      return Object.defineProperty(Object.create(handle) as ModelHandle, 'signature', { value: signature });
    },
  };
}
