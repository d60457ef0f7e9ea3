import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expectBertReference, expectInferoxError, maxAbsDiff } from '@inferox/core/testing';
import { createOnnxBackend } from '@inferox/onnx-backend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from './engine';
import { ControlledBackend } from './controlled-backend.fixture';
import { BERT_DIR, BERT_REFERENCE, bertFeeds, mlpFeeds, writeMlp } from './real-models.fixture';
import { runTsChild } from './ts-child.fixture';

const flat = (t: { data: unknown }): number[] => Array.from(t.data as Float32Array);

describe('Engine with the real onnx backend', () => {
  let dir: string;
  let mlp: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'inferox-engine-onnx-'));
    mlp = await writeMlp(join(dir, 'mlp'), 7);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('loads on onnx, keeps an unavailable tfjs replica with the cause and falls back from it when tfjs fails to initialise', async () => {
    const broken = new ControlledBackend({ name: 'tfjs', failInit: 'no wasm binary here' });
    const engine = createEngine({ backends: [createOnnxBackend(), broken] });
    try {
      const info = await engine.load('mlp', { source: mlp, backends: ['onnx', 'tfjs'] });
      expect(info.replicas.map((r) => [r.backend, r.unavailable])).toEqual([
        ['onnx', undefined],
        ['tfjs', expect.stringContaining('no wasm binary here')],
      ]);
      expect(engine.info('mlp').replicas[1]?.unavailable).toContain('no wasm binary here');
      const r = await engine.infer('mlp', mlpFeeds(1), { backend: 'tfjs' });
      expect([r.backend, r.fellBack?.from, r.fellBack?.reason]).toEqual(['onnx', 'tfjs', 'BACKEND_UNAVAILABLE']);
      expect(r.fellBack?.message).toContain('no wasm binary here');
      const plain = await engine.infer('mlp', mlpFeeds(1));
      expect([plain.backend, plain.fellBack]).toEqual(['onnx', undefined]);
      const only = await engine.load('tfjs-only', { source: mlp, backends: ['tfjs'] }).catch((e: unknown) => e);
      expect(only).toMatchObject({ code: 'BACKEND_UNAVAILABLE', message: expect.stringContaining('no wasm binary here') });
      expect(engine.list().map((m) => m.name)).toEqual(['mlp']);
    } finally {
      await engine.close();
    }
  });

  it('refuses a request for a backend whose init failed when fallback is off', async () => {
    const broken = new ControlledBackend({ name: 'tfjs', failInit: 'no wasm binary here' });
    const engine = createEngine({ backends: [createOnnxBackend(), broken], config: { fallback: false } });
    try {
      await engine.load('mlp', { source: mlp, backends: ['onnx', 'tfjs'] });
      const error = await engine.infer('mlp', mlpFeeds(1), { backend: 'tfjs' }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'BACKEND_UNAVAILABLE', message: expect.stringContaining('no wasm binary here') });
    } finally {
      await engine.close();
    }
  });

  it('settles 1,000 concurrent requests against the tiny BERT with none lost', async () => {
    const engine = createEngine({ backends: [createOnnxBackend()] });
    try {
      await engine.load('bert', { source: join(BERT_DIR, 'model.onnx'), maxQueueSize: 2000, batching: { maxBatchSize: 64, maxQueueDelayMs: 2 } });
      const count = 1000;
      const results = await Promise.allSettled(Array.from({ length: count }, (_, i) => engine.infer('bert', bertFeeds(i % 3, (i % 3) + 1), { priority: i % 5 === 0 ? 'high' : 'normal' })));
      expect(results.length).toBe(count);
      expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
      for (const [i, r] of results.entries()) {
        if (i % 50 !== 0) continue;
        const out = (r as PromiseFulfilledResult<{ outputs: Record<string, { data: unknown; shape: readonly number[] }> }>).value.outputs;
        expectBertReference(out, BERT_REFERENCE, { rows: [i % 3, (i % 3) + 1] });
      }
      const stats = engine.stats();
      expect(stats.requests.succeeded).toBe(count);
      expect(Object.entries(stats.batches.sizes).some(([size]) => Number(size) > 1)).toBe(true);
    } finally {
      await engine.close();
    }
  });

  it('serves a model from worker-thread instances with the same outputs as inline', async () => {
    const engine = createEngine({ backends: [createOnnxBackend()] });
    try {
      await engine.load('inline', { source: mlp });
      const info = await engine.load('threads', { source: mlp, instances: { count: 2, mode: 'worker' } });
      expect(info.replicas[0]).toMatchObject({ backend: 'onnx', instances: { count: 2, mode: 'worker' } });
      expect(info.memoryBytes).toBe(2 * engine.info('inline').memoryBytes);
      const feeds = Array.from({ length: 8 }, (_, i) => mlpFeeds(i, 2));
      const [inline, threads] = await Promise.all([engine.inferBatch('inline', feeds), engine.inferBatch('threads', feeds)]);
      threads.forEach((r, i) => {
        expect(r.status).toBe('fulfilled');
        const a = (inline[i] as PromiseFulfilledResult<{ outputs: Record<string, { data: unknown }> }>).value.outputs.logits!;
        const b = (r as PromiseFulfilledResult<{ outputs: Record<string, { data: unknown }> }>).value.outputs.logits!;
        expect(maxAbsDiff(flat(a), flat(b))).toBeLessThanOrEqual(1e-6);
      });
    } finally {
      await engine.close();
    }
  });

  it('moves scheduler-built batches to worker instances and leaves callers’ own feeds intact', async () => {
    const engine = createEngine({ backends: [createOnnxBackend()] });
    try {
      // The inline replica does not batch, so the batches the stats count are the worker's.
      await engine.load('inline', { source: mlp, batching: false });
      await engine.load('threads', { source: mlp, instances: { count: 1, mode: 'worker' }, batching: { maxBatchSize: 8, maxQueueDelayMs: 20 } });
      const feeds = Array.from({ length: 8 }, (_, i) => mlpFeeds(i, 1));
      const [inline, threads] = await Promise.all([engine.inferBatch('inline', feeds), engine.inferBatch('threads', feeds)]);
      expect(Object.keys(engine.stats().batches.sizes).some((size) => Number(size) > 1)).toBe(true);
      threads.forEach((r, i) => {
        const a = (inline[i] as PromiseFulfilledResult<{ outputs: Record<string, { data: unknown }> }>).value.outputs.logits!;
        const b = (r as PromiseFulfilledResult<{ outputs: Record<string, { data: unknown }> }>).value.outputs.logits!;
        expect(maxAbsDiff(flat(a), flat(b))).toBeLessThanOrEqual(1e-6);
      });
      expect(feeds.every((f) => Object.values(f).every((t) => !t.disposed))).toBe(true);
      const alone = mlpFeeds(3, 1);
      await engine.infer('threads', alone);
      expect(alone.input!.disposed).toBe(false);
    } finally {
      await engine.close();
    }
  });

  it('fails the load and leaves no worker behind when worker instances cannot load the source', async () => {
    const engine = createEngine({ backends: [createOnnxBackend()] });
    try {
      const missing = join(dir, 'missing.onnx');
      // The backend's own error crosses the worker boundary unchanged: its code, message and details.
      const error = await expectInferoxError(engine.load('bad', { source: missing, instances: { count: 2, mode: 'worker' } }), 'INVALID_INPUT', `model source "${missing}" does not exist`);
      expect(error.details).toMatchObject({ path: missing });
      expect(engine.list()).toEqual([]);
    } finally {
      await engine.close();
    }
  });

  it('evicts real models least-recently-used first under a budget', async () => {
    const probe = createOnnxBackend();
    const handle = await probe.loadModel(mlp);
    const size = handle.memoryBytes;
    await handle.dispose();
    await probe.dispose();
    expect(size).toBeGreaterThan(0);
    const engine = createEngine({ backends: [createOnnxBackend()], config: { maxMemoryBytes: Math.floor(size * 2.5) } });
    try {
      await engine.load('a', { source: mlp });
      await engine.load('b', { source: mlp });
      await engine.infer('a', mlpFeeds(1));
      await engine.load('c', { source: mlp });
      expect(engine.list().map((m) => `${m.name}:${m.state}`)).toEqual(['a:ready', 'b:evicted', 'c:ready']);
      await engine.infer('b', mlpFeeds(2));
      expect(engine.list().map((m) => `${m.name}:${m.state}`)).toEqual(['a:evicted', 'b:ready', 'c:ready']);
      expect(engine.stats()).toMatchObject({ evictions: 2, memory: { heldBytes: size * 2 } });
    } finally {
      await engine.close();
    }
  });

  it('lets queued work finish on close, then disposes everything', async () => {
    const backend = createOnnxBackend();
    const engine = createEngine({ backends: [backend] });
    await engine.load('bert', { source: BERT_DIR });
    const work = Array.from({ length: 30 }, (_, i) => engine.infer('bert', bertFeeds(i % 3, (i % 3) + 1)));
    expect(engine.stats().requests.queued + engine.stats().requests.inFlight).toBeGreaterThan(0);
    await engine.close({ drain: true, timeoutMs: 60_000 });
    const results = await Promise.allSettled(work);
    expect(results.every((r) => r.status === 'fulfilled')).toBe(true);
    await expect(backend.loadModel(mlp)).rejects.toMatchObject({ code: 'DISPOSED' });
  });

  it.each(['inline', 'worker'])('lets a process that queued work on %s instances and closed the engine exit by itself', async (mode) => {
    const { code, err, out } = await runTsChild(resolve(import.meta.dirname, 'shutdown-child.fixture.ts'), [mlp, mode]);
    expect(code, err).toBe(0);
    const report = JSON.parse(out.trim().split('\n').at(-1)!) as { settled: number; codes: string[] };
    expect(report.settled).toBe(40);
    // Draining lets every queued request finish, including those that waited for the lazy model to load.
    expect(report.codes).toEqual(Array.from({ length: 40 }, () => 'ok'));
  }, 120_000);
});
