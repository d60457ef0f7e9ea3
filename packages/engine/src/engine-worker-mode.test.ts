import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Backend, Tensor } from '@inferox/core';
import { describe, expect, it } from 'vitest';
import { createEngine } from './engine';
import { createTestBackend } from './workers/test-backend.fixture';

const FIXTURE = pathToFileURL(resolve(import.meta.dirname, 'workers/test-backend.fixture.ts')).href;

/** The workers' test backend, able to recreate itself in a worker thread. */
async function workerBackend(): Promise<Backend> {
  return { ...(await createTestBackend()), factorySpec: { module: FIXTURE, factory: 'createTestBackend', options: {}, interruptible: true } };
}

describe('Engine with worker-mode instances', () => {
  it('loads one worker per instance, charges the sum of what each reports, runs there and frees the workers on unload', async () => {
    const engine = createEngine({ backends: [await workerBackend()] });
    try {
      const info = await engine.load('w', { source: 'test-model', instances: { count: 2, mode: 'worker' } });
      expect(info.replicas).toEqual([
        { backend: 'test', device: 'cpu', memoryBytes: 2468, memory: { bytes: 2468, estimated: false }, instances: { count: 2, mode: 'worker' }, queued: 0, running: 0 },
      ]);
      expect(engine.stats().memory.heldBytes).toBe(2468);
      const result = await engine.infer('w', { x: Tensor.from('float32', [1, 2], [2]) });
      expect(Array.from(result.outputs.x!.data as Float32Array)).toEqual([1, 2]);
      expect(Number(result.outputs.thread!.data[0])).toBeGreaterThan(0);
      await engine.unload('w');
      expect([engine.list(), engine.stats().memory.heldBytes]).toEqual([[], 0]);
    } finally {
      await engine.close();
    }
  });
});
