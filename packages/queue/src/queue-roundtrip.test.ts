import { Tensor } from '@inferox/core';
import { rejectionOf } from '@inferox/core/testing';
import { createEngine } from '@inferox/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQueueClient } from './create-queue-client';
import { createQueueWorker } from './create-queue-worker';
import { type RedisServer, createDeviceBoundBackend, startRedisServer } from './testing';

const feeds = (v: number, rows = 1) => ({ x: Tensor.from('float32', Float32Array.from({ length: rows * 3 }, (_, i) => v + i), [rows, 3]) });

describe('createQueueClient with an in-process worker', () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('returns the engine result shape with the outputs as sent when a worker serves the model', async () => {
    const engine = createEngine({ backends: [createDeviceBoundBackend({ runMs: 1 })] });
    await engine.load('echo', { source: 'stand-in' });
    const worker = await createQueueWorker({ engine, connection: redis.url, queue: 'rt', concurrency: 2 });
    const client = createQueueClient({ connection: redis.url, queue: 'rt' });
    try {
      const result = await client.infer('echo', feeds(5, 2), { priority: 'high' });
      expect(result.model).toBe('echo');
      expect(result.backend).toBe('device-bound');
      expect(result.outputs.y!.shape).toEqual([2, 3]);
      expect([...(result.outputs.y!.data as Float32Array)]).toEqual([5, 6, 7, 8, 9, 10]);
      expect(result.job.worker).toBe(worker.id);
      expect(result.job.id).toMatch(/^[0-9a-f-]{36}$/);
      const models = await client.models();
      expect(models.map((m) => [m.name, m.kind, m.workers])).toEqual([['echo', 'tensor', 1]]);
      const stats = await client.stats();
      expect(stats.workers.map((w) => w.id)).toEqual([worker.id]);
      expect(stats.depth).toEqual([{ model: 'echo', waiting: 0, active: 0, delayed: 0, completed: 1, failed: 0 }]);
      expect(stats.waitMs.count).toBe(1);
      expect(stats.outcomes).toEqual({ ok: 1 });
      const text = await client.metrics.metrics();
      expect(text).toContain('inferox_queue_live_workers 1');
      expect(text).toContain('inferox_queue_requests_total{model="echo",outcome="ok"} 1');
    } finally {
      await client.close();
      await worker.close();
      await engine.close();
    }
  });

  it('fails with the engine error code when the worker engine refuses the feeds', async () => {
    const engine = createEngine({ backends: [createDeviceBoundBackend({ runMs: 1 })] });
    await engine.load('echo', { source: 'stand-in' });
    const worker = await createQueueWorker({ engine, connection: redis.url, queue: 'bad' });
    const client = createQueueClient({ connection: redis.url, queue: 'bad' });
    try {
      const error = await rejectionOf(client.infer('echo', { z: Tensor.from('float32', [1], [1, 1]) }));
      expect(error.code).toBe('INVALID_INPUT');
      expect(error.message).toContain('echo');
      const stats = await client.stats();
      expect(stats.outcomes).toEqual({ INVALID_INPUT: 1 });
    } finally {
      await client.close();
      await worker.close();
      await engine.close();
    }
  });
});
