import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Backend, ErrorCode, Tensor, abortError, noopLogger } from '@inferox/core';
import { describe, expect, it } from 'vitest';
import { createTestBackend } from '../workers/test-backend.fixture';
import { ESTIMATE_BASIS, type ReplicaTarget, loadInline, loadWorkers, workerCpuThreads } from './replica-parts';

const here = (file: string): string => pathToFileURL(resolve(import.meta.dirname, file)).href;
const TARGET: ReplicaTarget = { backend: 'test', source: 'test-model', options: {} };
const SETTINGS = { runTimeoutMs: 10_000, logger: noopLogger };

async function workerBackend(module: string, factory: string, options: Record<string, string> = {}): Promise<Backend> {
  return { ...(await createTestBackend()), factorySpec: { module, factory, options, interruptible: true } };
}

describe('workerCpuThreads', () => {
  it('gives each instance its share of the cores, at least one', () => {
    expect([[1, 2], [2, 2], [3, 2], [2, 8], [3, 8], [1, 1]].map(([count, cores]) => workerCpuThreads(count!, cores))).toEqual([2, 1, 1, 4, 2, 1]);
  });
});

describe('loadWorkers', () => {
  it('refuses a backend without a factorySpec with INVALID_INPUT naming spec.instances.mode and the backend', async () => {
    const error = await loadWorkers(await createTestBackend(), TARGET, 1, 10, new AbortController().signal, SETTINGS).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: ErrorCode.INVALID_INPUT,
      message: 'spec.instances.mode: backend "test" cannot run worker instances (it has no factorySpec)',
      details: { field: 'spec.instances.mode', backend: 'test' },
    });
  });

  it('says which worker instance it was loading when cancelled', async () => {
    const backend = await workerBackend(here('../workers/test-backend.fixture.ts'), 'createTestBackend');
    await expect(loadWorkers(backend, TARGET, 1, 10, AbortSignal.abort(), SETTINGS)).rejects.toMatchObject({
      code: ErrorCode.CANCELLED,
      message: 'loading worker instance 0 on test was cancelled by its signal',
    });
  });

  it('stops loading a worker instance when cancelled while it loads', async () => {
    const backend = await workerBackend(here('../workers/test-backend.fixture.ts'), 'createTestBackend');
    const controller = new AbortController();
    const loading = loadWorkers(backend, TARGET, 1, 10, controller.signal, SETTINGS);
    controller.abort();
    await expect(loading).rejects.toHaveProperty('code', ErrorCode.CANCELLED);
  });

  it('runs on the workers, moving the feeds the run owns, and stops them on release', async () => {
    const backend = await workerBackend(here('../workers/test-backend.fixture.ts'), 'createTestBackend');
    const parts = await loadWorkers(backend, TARGET, 1, 10, new AbortController().signal, SETTINGS);
    const context = { signal: new AbortController().signal, ownsFeeds: true };
    try {
      expect([parts.memoryBytes, parts.memoryBasis, parts.lost()]).toEqual([1234, undefined, false]);
      const x = Tensor.from('float32', [1, 2], [2]);
      const out = await parts.runs[0]!({ x }, context, false);
      expect([Array.from(out.x!.data as Float32Array), x.disposed]).toEqual([[1, 2], true]);
    } finally {
      await parts.release();
    }
    await expect(parts.runs[0]!({ x: Tensor.from('float32', [1], [1]) }, context, false)).rejects.toBeDefined();
  });

  it('charges the estimate, and says so, for each worker whose backend reports no memory', async () => {
    const backend = await workerBackend(here('./zero-memory-backend.fixture.ts'), 'createZeroMemoryBackend');
    const parts = await loadWorkers(backend, TARGET, 2, 10, new AbortController().signal, SETTINGS);
    try {
      expect([parts.memoryBytes, parts.memoryBasis]).toEqual([20, ESTIMATE_BASIS]);
    } finally {
      await parts.release();
    }
  });

  it('charges what a worker reports and the estimate for the one that reports nothing, saying it is estimated', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'inferox-parts-'));
    const backend = await workerBackend(here('./zero-memory-backend.fixture.ts'), 'createZeroMemoryBackend', { reportFirst: join(dir, 'reported') });
    try {
      const parts = await loadWorkers(backend, TARGET, 2, 10, new AbortController().signal, SETTINGS);
      await parts.release();
      expect([parts.memoryBytes, parts.memoryBasis]).toEqual([1244, ESTIMATE_BASIS]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('frees the workers it loaded when a later one fails to load', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'inferox-parts-'));
    const marker = join(dir, 'loaded');
    const backend = await workerBackend(here('./zero-memory-backend.fixture.ts'), 'createZeroMemoryBackend', { failAfterFirst: marker });
    try {
      await expect(loadWorkers(backend, TARGET, 2, 10, new AbortController().signal, SETTINGS)).rejects.toThrow('told to fail after its first load');
      expect(existsSync(`${marker}.disposed`)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('loadInline', () => {
  it('stops a load in the backend when its signal aborts', async () => {
    const backend: Backend = {
      ...(await createTestBackend()),
      // A load that ends only when the signal it was given aborts.
      loadModel: (_source, _options, context) =>
        new Promise((_resolve, reject) => context!.signal!.addEventListener('abort', () => reject(abortError(context!.signal!, 'test load')), { once: true })),
    };
    const controller = new AbortController();
    const loading = loadInline(backend, TARGET, 1, 10, controller.signal);
    controller.abort();
    await expect(loading).rejects.toHaveProperty('code', ErrorCode.CANCELLED);
  });
});
