import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Tensor } from '@inferox/core';
import { rejectionOf } from '@inferox/core/testing';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type QueueClient, createQueueClient } from './create-queue-client';
import { HOLD, POISON, type QueueWorkerProcess, type RedisServer, spawnQueueWorker, startRedisServer } from './testing';

const feeds = (v: number) => ({ x: Tensor.from('float32', [v, v + 1], [1, 2]) });
const MODEL = 'standin';

async function until(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

describe('queue semantics with worker processes and a real redis-server', () => {
  let redis: RedisServer;
  let queueCount = 0;
  const children: QueueWorkerProcess[] = [];
  const clients: QueueClient[] = [];
  const queues: Queue[] = [];
  const spawn = async (options: Omit<Parameters<typeof spawnQueueWorker>[0], 'url'>): Promise<QueueWorkerProcess> => {
    const child = await spawnQueueWorker({ url: redis.url, ...options });
    children.push(child);
    return child;
  };
  const client = (queue: string, options: { maxWaiting?: number } = {}): QueueClient => {
    const c = createQueueClient({ connection: redis.url, queue, ...options });
    clients.push(c);
    return c;
  };
  const bull = (queue: string): Queue => {
    const q = new Queue(`${queue}.${MODEL}`, { connection: { host: '127.0.0.1', port: redis.port } });
    queues.push(q);
    return q;
  };
  const fresh = (): { queue: string; gate: string } => {
    queueCount += 1;
    return { queue: `sem${queueCount}`, gate: join(redis.dir, `gate-${queueCount}`) };
  };
  const depth = async (c: QueueClient): Promise<number> => (await c.stats()).depth.find((d) => d.model === MODEL)?.waiting ?? 0;

  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await Promise.all(queues.splice(0).map((q) => q.close()));
    await Promise.all(children.splice(0).map((c) => c.kill()));
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('starts waiting jobs in priority order critical > high > normal > low when one worker is saturated', async () => {
    const { queue, gate } = fresh();
    const worker = await spawn({ queue, gate, concurrency: 1 });
    const c = client(queue);
    const blocker = c.infer(MODEL, feeds(HOLD));
    await worker.whenStarted(1);
    const order: [number, 'low' | 'normal' | 'high' | 'critical'][] = [[1, 'low'], [2, 'normal'], [3, 'high'], [4, 'critical'], [5, 'low'], [6, 'critical'], [7, 'high']];
    const work = order.map(([v, priority]) => c.infer(MODEL, feeds(v), { priority }));
    await until(async () => (await depth(c)) === order.length, 'every job to wait');
    await writeFile(gate, '');
    await Promise.all([blocker, ...work]);
    expect(worker.starts).toEqual([HOLD, 4, 6, 3, 7, 2, 1, 5]);
  });

  it('fails a job with DEADLINE_EXCEEDED and never runs it when its deadline passed before a worker picked it', async () => {
    const { queue, gate } = fresh();
    const worker = await spawn({ queue, gate, concurrency: 1 });
    const c = client(queue);
    const blocker = c.infer(MODEL, feeds(HOLD));
    await worker.whenStarted(1);
    const late = await rejectionOf(c.infer(MODEL, feeds(7), { deadline: Date.now() + 300 }));
    expect(late.code).toBe('DEADLINE_EXCEEDED');
    const jobId = late.details.jobId as string;
    const after = c.infer(MODEL, feeds(8));
    await writeFile(gate, '');
    await Promise.all([blocker, after]);
    const job = await bull(queue).getJob(jobId);
    expect(await job!.getState()).toBe('failed');
    expect(job!.failedReason).toContain('DEADLINE_EXCEEDED');
    expect(job!.failedReason).toContain('did not run');
    expect(worker.starts).toEqual([HOLD, 8]);
  });

  it('removes a waiting job when its request is cancelled, so no worker runs it', async () => {
    const { queue, gate } = fresh();
    const worker = await spawn({ queue, gate, concurrency: 1 });
    const c = client(queue);
    const blocker = c.infer(MODEL, feeds(HOLD));
    await worker.whenStarted(1);
    const controller = new AbortController();
    const cancelled = c.infer(MODEL, feeds(9), { signal: controller.signal });
    await until(async () => (await depth(c)) === 1, 'the job to wait');
    controller.abort();
    const error = await rejectionOf(cancelled);
    expect(error.code).toBe('CANCELLED');
    await until(async () => (await bull(queue).getJob(error.details.jobId as string)) === undefined, 'the job to be removed');
    await writeFile(gate, '');
    await Promise.all([blocker, c.infer(MODEL, feeds(10))]);
    expect(worker.starts).toEqual([HOLD, 10]);
  });

  it('aborts a running job on its worker when its request is cancelled, and answers CANCELLED once', async () => {
    const { queue, gate } = fresh();
    const worker = await spawn({ queue, gate, concurrency: 1 });
    const c = client(queue);
    const controller = new AbortController();
    const cancelled = c.infer(MODEL, feeds(HOLD + 1), { signal: controller.signal });
    await worker.whenStarted(1);
    controller.abort();
    const error = await rejectionOf(cancelled);
    expect(error.code).toBe('CANCELLED');
    await writeFile(gate, '');
    const job = bull(queue);
    await until(async () => (await (await job.getJob(error.details.jobId as string))?.getState()) === 'failed', 'the running job to be aborted');
    expect((await job.getJob(error.details.jobId as string))!.failedReason).toContain('CANCELLED');
    expect((await c.stats()).outcomes).toEqual({ CANCELLED: 1 });
  });

  it('refuses a job with QUEUE_FULL when the model queue holds its bound of waiting jobs', async () => {
    const { queue } = fresh();
    const c = client(queue, { maxWaiting: 2 });
    const waiting = [c.infer(MODEL, feeds(1)), c.infer(MODEL, feeds(2))];
    const settled = Promise.allSettled(waiting);
    await until(async () => (await depth(c)) === 2, 'two jobs to wait');
    const error = await rejectionOf(c.infer(MODEL, feeds(3)));
    expect(error.code).toBe('QUEUE_FULL');
    expect(error.message).toContain('2 jobs waiting');
    expect(error.details).toMatchObject({ waiting: 2, maxWaiting: 2 });
    await c.close();
    expect((await settled).map((s) => (s.status === 'rejected' ? (s.reason as { code: string }).code : 'ok'))).toEqual(['SHUT_DOWN', 'SHUT_DOWN']);
  });

  it('runs a job again on another worker when its worker is SIGKILLed mid-job, and answers exactly once', async () => {
    const { queue } = fresh();
    const doomed = await spawn({ queue, runMs: 60_000, id: 'doomed' });
    const c = client(queue);
    const answer = c.infer(MODEL, feeds(12));
    await doomed.whenStarted(1);
    // Its next heartbeat says it is busy with one job.
    await until(async () => JSON.stringify((await c.stats()).workers.map((w) => [w.id, w.active])) === '[["doomed",1]]', 'the worker to announce its job');
    await doomed.kill();
    // Its announcement expires (3 heartbeats) and it drops out of the live workers.
    await until(async () => (await c.stats()).workers.length === 0, 'the dead worker to drop out of stats()');
    const rescuer = await spawn({ queue, id: 'rescuer' });
    const result = await answer;
    expect(result.job.worker).toBe('rescuer');
    expect([...(result.outputs.y!.data as Float32Array)]).toEqual([12, 13]);
    expect(rescuer.starts).toEqual([12]);
    const events = new Redis(redis.port, '127.0.0.1');
    try {
      const entries = await events.xrange(`bull:${queue}.${MODEL}:events`, '-', '+');
      const completions = entries.filter(([, fields]) => fields.includes('completed') && fields.includes(result.job.id));
      expect(completions).toHaveLength(1);
    } finally {
      events.disconnect();
    }
  });

  it('fails a poison job that kills every worker after maxStalledCount + 1 runs, naming the cause', async () => {
    const { queue } = fresh();
    const workers = await Promise.all(['w1', 'w2', 'w3'].map((id) => spawn({ queue, id, maxStalledCount: 1 })));
    const c = client(queue);
    const error = await rejectionOf(c.infer(MODEL, feeds(POISON)), );
    expect(error.code).toBe('BACKEND_ERROR');
    expect(error.message).toContain('stopped before finishing');
    expect(error.message).toContain('stalled more than allowable limit');
    const dead = workers.filter((w) => w.process.signalCode === 'SIGKILL');
    expect(dead).toHaveLength(2);
    expect(workers.flatMap((w) => w.starts)).toEqual([POISON, POISON]);
    const alive = workers.find((w) => w.process.signalCode === null)!;
    expect((await c.infer(MODEL, feeds(3))).job.worker).toBe(['w1', 'w2', 'w3'][workers.indexOf(alive)]);
  });

  it('loses no accepted job when Redis restarts (append-only file on) while workers and a client are busy', async () => {
    const { queue } = fresh();
    await spawn({ queue, concurrency: 2, runMs: 30 });
    await spawn({ queue, concurrency: 2, runMs: 30 });
    const c = client(queue);
    let done = 0;
    const work = Array.from({ length: 120 }, (_, i) => c.infer(MODEL, feeds(i)).then((r) => {
      done += 1;
      return (r.outputs.y!.data as Float32Array)[0];
    }));
    await until(() => done >= 20, '20 answers');
    await redis.restart();
    const values = await Promise.all(work);
    expect(values).toEqual(Array.from({ length: 120 }, (_, i) => i));
    const stats = await c.stats();
    expect(stats.depth.find((d) => d.model === MODEL)).toMatchObject({ waiting: 0, active: 0, failed: 0 });
  }, 60_000);

  it('answers 2,000 jobs from 4 producers over 3 workers, none lost and none run twice', async () => {
    const { queue } = fresh();
    const workers = await Promise.all([1, 2, 3].map(() => spawn({ queue, concurrency: 8, runMs: 2 })));
    const producers = [0, 1, 2, 3].map(() => client(queue));
    const answers = await Promise.all(producers.flatMap((p, k) => Array.from({ length: 500 }, (_, i) => p.infer(MODEL, feeds(k * 500 + i)).then((r) => (r.outputs.y!.data as Float32Array)[0]))));
    expect(answers).toEqual(Array.from({ length: 2000 }, (_, i) => i));
    const ran = workers.flatMap((w) => w.starts).sort((a, b) => a - b);
    expect(ran).toEqual(Array.from({ length: 2000 }, (_, i) => i));
    expect(workers.every((w) => w.starts.length > 0)).toBe(true);
  }, 120_000);
});
