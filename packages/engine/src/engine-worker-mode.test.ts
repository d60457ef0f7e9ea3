import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Backend, Tensor } from '@inferox/core';
import { describe, expect, it } from 'vitest';
import { createEngine } from './engine';
import { workerCpuThreads } from './internal/replica-parts';
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

  it('gives each worker instance its share of the cores as the load options\' cpuThreads, unless the spec\'s options give one', async () => {
    const engine = createEngine({ backends: [await workerBackend()] });
    try {
      await engine.load('two', { source: 'test-model', instances: { count: 2, mode: 'worker' } });
      await engine.load('one', { source: 'test-model', instances: { count: 1, mode: 'worker' } });
      await engine.load('given', { source: 'test-model', instances: { count: 2, mode: 'worker' }, options: { cpuThreads: 3 } });
      await engine.load('inline', { source: 'test-model' });
      expect(['two', 'one', 'given', 'inline'].map((name) => engine.info(name).metadata.cpuThreads)).toEqual([
        String(workerCpuThreads(2)),
        String(availableParallelism()),
        '3',
        undefined,
      ]);
    } finally {
      await engine.close();
    }
  });

  it.each([
    { spec: {}, running: 2, queued: 1, why: 'two runs in flight by default' },
    { spec: { maxConcurrent: 1 }, running: 1, queued: 2, why: 'the model’s maxConcurrent over the default' },
    { spec: { batching: { maxBatchSize: 4, maxQueueDelayMs: 0 } }, running: 1, queued: 2, why: 'one by default when the model batches' },
  ])('keeps $running run(s) in flight on one worker: $why', async ({ spec, running, queued }) => {
    const engine = createEngine({ backends: [await workerBackend()] });
    try {
      await engine.load('w', { source: 'test-model', instances: { count: 1, mode: 'worker' }, ...spec });
      const feeds = { x: Tensor.from('float32', [1, 2], [1, 2]) };
      const results = [1, 2, 3].map(() => engine.infer('w', feeds));
      // No answer can come back from the worker before the event loop turns: the state after the microtasks is the
      // scheduler's dispatch.
      for (let i = 0; i < 20; i++) await Promise.resolve();
      expect(engine.info('w').replicas[0]).toMatchObject({ running, queued });
      // The test model's `thread` output has no batch dimension, so a batch of these fails: only the dispatch counts here.
      await Promise.allSettled(results);
    } finally {
      await engine.close();
    }
  });
});
