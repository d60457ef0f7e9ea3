import { setTimeout as sleep } from 'node:timers/promises';
import { Tensor } from '@inferox/core';
import { rejectionOf } from '@inferox/core/testing';
import { createEngine } from '@inferox/engine';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQueueClient } from './create-queue-client';
import { createQueueWorker } from './create-queue-worker';
import { decodeFailure, encodeFailure } from './internal/job-wire';
import { toRedisOptions } from './internal/redis-options';
import { type RedisServer, createDeviceBoundBackend, startRedisServer } from './testing';

const feeds = (v: number) => ({ x: Tensor.from('float32', [v, v], [1, 2]) });

async function failedReason(queue: Queue, id: string): Promise<string> {
  for (let i = 0; i < 500; i++) {
    const job = await queue.getJob(id);
    if (job?.failedReason) return job.failedReason;
    await sleep(20);
  }
  throw new Error(`job ${id} did not fail`);
}

describe('toRedisOptions', () => {
  it('reads host, port, database, user and password from a redis URL', () => {
    expect(toRedisOptions('redis://u:p%40ss@example.org:6380/3')).toMatchObject({ host: 'example.org', port: 6380, db: 3, username: 'u', password: 'p@ss', maxRetriesPerRequest: null });
    expect(toRedisOptions('rediss://h')).toMatchObject({ host: 'h', port: 6379, db: 0, tls: {} });
    expect(toRedisOptions({ host: 'x', maxRetriesPerRequest: 3 })).toMatchObject({ host: 'x', maxRetriesPerRequest: null });
  });

  it.each([
    ['http://h:1', /not a redis:\/\//],
    ['not a url', /not a URL/],
    ['redis://h/x', /bad database "x"/],
  ])('refuses %s with INVALID_INPUT', (url, message) => {
    expect(() => toRedisOptions(url)).toThrow(message);
  });
});

describe('decodeFailure', () => {
  it('keeps the code and message a worker encoded', () => {
    const error = decodeFailure(encodeFailure('TIMEOUT', 'too slow'), 'job 1', '1');
    expect([error.code, error.message, error.details.jobId]).toEqual(['TIMEOUT', 'job 1: too slow', '1']);
  });

  it('reports a reason it cannot read as BACKEND_ERROR quoting it', () => {
    expect(decodeFailure('inferox:{bad', 'job 2', '2').message).toBe('job 2: inferox:{bad');
    expect(decodeFailure(undefined, 'job 3', '3')).toMatchObject({ code: 'BACKEND_ERROR', message: 'job 3: failed without a reason' });
  });
});

describe('createQueueWorker and createQueueClient options', () => {
  let redis: RedisServer;
  const engine = createEngine({ backends: [createDeviceBoundBackend({ runMs: 300 })] });
  beforeAll(async () => {
    redis = await startRedisServer();
    await engine.load('slow', { source: 'stand-in' });
  });
  afterAll(async () => {
    await engine.close();
    await redis?.stop();
  });

  it.each([
    [{ concurrency: 0 }, /concurrency must be a positive integer/],
    [{ queue: 'a:b' }, /without ":"/],
    [{ maxStalledCount: -1 }, /maxStalledCount must be a non-negative integer/],
    [{ models: [] as string[] }, /no model to serve/],
    [{ connection: 'ftp://x' }, /not a redis:\/\//],
  ])('refuses worker options %o with INVALID_INPUT', async (bad, message) => {
    const error = await rejectionOf(createQueueWorker({ engine, connection: redis.url, ...bad }));
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toMatch(message);
  });

  it('refuses a model the engine does not have with MODEL_NOT_FOUND', async () => {
    expect((await rejectionOf(createQueueWorker({ engine, connection: redis.url, models: ['nope'] }))).code).toBe('MODEL_NOT_FOUND');
  });

  it('refuses bad request arguments with INVALID_INPUT naming them, before touching Redis', async () => {
    const client = createQueueClient({ connection: redis.url, queue: 'args' });
    try {
      expect((await rejectionOf(client.infer('', feeds(1)))).message).toContain('model must be a non-empty name');
      expect((await rejectionOf(client.infer('m', feeds(1), { priority: 'urgent' as never }))).message).toContain('unknown priority "urgent"');
      expect((await rejectionOf(client.infer('m', feeds(1), { deadline: Number.NaN }))).message).toContain('deadline must be epoch milliseconds');
      expect((await rejectionOf(client.infer('m', feeds(1), { timeoutMs: -5 }))).message).toContain('timeoutMs must be a positive number');
      expect((await rejectionOf(client.infer('m', null as never))).message).toContain('feeds must be an object');
      const aborted = AbortSignal.abort();
      expect((await rejectionOf(client.infer('m', feeds(1), { signal: aborted }))).code).toBe('CANCELLED');
    } finally {
      await client.close();
    }
    expect(() => createQueueClient({ connection: redis.url, maxWaiting: -1 })).toThrow(/maxWaiting must be a non-negative integer/);
    const error = await rejectionOf(client.infer('m', feeds(1)));
    expect([error.code, error.message]).toEqual(['SHUT_DOWN', 'the queue client was closed; infer on "m" refused']);
    expect((await rejectionOf(client.stats())).message).toBe('the queue client was closed; stats() refused');
    expect((await rejectionOf(client.models())).code).toBe('SHUT_DOWN');
  });

  it('answers TIMEOUT at the timeout, and a worker that picks the job later drops it unrun', async () => {
    const client = createQueueClient({ connection: redis.url, queue: 'timeout' });
    const raw = new Queue('timeout.slow', { connection: { host: '127.0.0.1', port: redis.port } });
    try {
      // The first request opens the model's lane; its 1 ms has passed by then, so nothing is queued.
      const early = await rejectionOf(client.infer('slow', feeds(0), { timeoutMs: 1 }));
      expect([early.code, early.message]).toEqual(['TIMEOUT', `job ${String(early.details.jobId)} (infer on "slow"): its timeout passed before it was sent; nothing was queued`]);
      const error = await rejectionOf(client.infer('slow', feeds(1), { timeoutMs: 200, deadline: Date.now() + 60_000 }));
      expect(error.code).toBe('TIMEOUT');
      expect(error.message).toContain('did not finish before its timeout');
      const worker = await createQueueWorker({ engine, connection: redis.url, queue: 'timeout' });
      try {
        const reason = await failedReason(raw, error.details.jobId as string);
        expect(reason).toContain('TIMEOUT');
        expect(reason).toContain('after its timeout passed; it did not run');
        expect(worker.info().failed).toBe(0);
        expect(worker.info().completed).toBe(0);
      } finally {
        await worker.close();
        await worker.close();
      }
    } finally {
      await raw.close();
      await client.close();
    }
  });

  it('fails jobs of another wire version, of an unknown kind, or for a text model it does not serve, naming why', async () => {
    const worker = await createQueueWorker({ engine, connection: redis.url, queue: 'wire', concurrency: 3 });
    const raw = new Queue('wire.slow', { connection: { host: '127.0.0.1', port: redis.port } });
    try {
      const old = await raw.add('infer', { v: 99, model: 'slow', kind: 'infer', priority: 'normal' });
      const odd = await raw.add('odd', { v: 1, model: 'slow', kind: 'paint', priority: 'normal' });
      const text = await raw.add('embed', { v: 1, model: 'slow', kind: 'embed', priority: 'normal', inputs: ['a'], options: {} });
      const bytes = await raw.add('infer', { v: 1, model: 'slow', kind: 'infer', priority: 'normal', feeds: 'AAAA' });
      expect(await failedReason(raw, old.id!)).toContain(`wire version 99; worker ${worker.id} speaks 1`);
      expect(await failedReason(raw, odd.id!)).toContain('unknown kind \\"paint\\"');
      expect(await failedReason(raw, text.id!)).toMatch(/MODEL_NOT_FOUND.*serves no text model \\"slow\\"/);
      expect(await failedReason(raw, bytes.id!)).toMatch(/INVALID_INPUT.*feeds: invalid tensor frame/);
    } finally {
      await raw.close();
      await worker.close();
    }
  });
});
