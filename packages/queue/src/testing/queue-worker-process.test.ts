import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RedisServer, startRedisServer } from './start-redis-server';
import { QUEUE_WORKER_BUNDLE_ENV, spawnQueueWorker } from './queue-worker-process';

describe('spawnQueueWorker', () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('starts the child from the bundle the global setup made, with plain node', async () => {
    const bundle = process.env[QUEUE_WORKER_BUNDLE_ENV];
    expect(bundle).toMatch(/queue-worker-\d+\.mjs$/);
    const worker = await spawnQueueWorker({ url: redis.url, queue: 'bundled' });
    try {
      expect(worker.process.spawnargs.slice(1, 2)).toEqual([bundle]);
    } finally {
      await worker.stop();
    }
    expect(await worker.exited).toBe(0);
  });

  it('compiles the sources through tsx when no bundle is named', async () => {
    const bundle = process.env[QUEUE_WORKER_BUNDLE_ENV];
    delete process.env[QUEUE_WORKER_BUNDLE_ENV];
    try {
      const worker = await spawnQueueWorker({ url: redis.url, queue: 'compiled' });
      try {
        expect(worker.process.spawnargs.slice(1, 5)).toEqual(['--import', 'tsx', '--conditions=@inferox/source', expect.stringMatching(/queue-worker-process\.fixture\.ts$/)]);
      } finally {
        await worker.stop();
      }
      expect(await worker.exited).toBe(0);
    } finally {
      process.env[QUEUE_WORKER_BUNDLE_ENV] = bundle;
    }
  });
});
