import { resolve } from 'node:path';
import { Tensor } from '@inferox/core';
import { rejectionOf } from '@inferox/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type WorkerInstance, createWorkerInstance } from './create-worker-instance';

const FIXTURE = resolve(import.meta.dirname, 'test-backend.fixture.ts');

function feeds(mode: string, extra: Record<string, Tensor> = {}): Record<string, Tensor> {
  return { mode: Tensor.from('string', [mode], [1]), x: Tensor.from('float32', [1, 2, 3], [3]), ...extra };
}

/** A stop source like the scheduler's run context: its signal is made when first read. */
function lazyStop(): { readonly signal: AbortSignal; readonly reads: number; abort: (reason?: unknown) => void } {
  let controller: AbortController | undefined;
  let reads = 0;
  let reason: unknown;
  let aborted = false;
  return {
    get signal() {
      reads++;
      controller ??= new AbortController();
      if (aborted) controller.abort(reason);
      return controller.signal;
    },
    get reads() {
      return reads;
    },
    abort(why?: unknown) {
      aborted = true;
      reason = why;
      controller?.abort(why);
    },
  };
}

describe('WorkerInstance runs with a stop source', () => {
  let instance: WorkerInstance;
  beforeAll(async () => {
    instance = await createWorkerInstance({ backend: { module: FIXTURE, factory: 'createTestBackend', options: {} }, source: 'stop-model' }, { runTimeoutMs: 60_000 });
  });
  afterAll(async () => {
    await instance?.dispose();
  });

  it('forwards the abort to the worker and rejects with CANCELLED when the stop aborts during the run', async () => {
    const stop = lazyStop();
    const running = instance.run(feeds('wait-abort'), { stop });
    stop.abort();
    const error = await rejectionOf(running);
    expect(error.code).toBe('CANCELLED');
    expect(stop.reads).toBeGreaterThan(0);
    expect((await instance.run(feeds('echo'), { stop: lazyStop() })).x!.toArray()).toEqual([1, 2, 3]);
  });

  it('rejects with CANCELLED and disposes the outputs when the stop aborted while the model went on', async () => {
    const stop = lazyStop();
    const dispose = Tensor.prototype.dispose;
    const disposed: Tensor[] = [];
    Tensor.prototype.dispose = function (this: Tensor) {
      disposed.push(this);
      dispose.call(this);
    };
    try {
      const input = feeds('busy', { busyMs: Tensor.from('int32', [1000], [1]) });
      const running = instance.run(input, { stop });
      stop.abort(new Error('caller left'));
      const error = await rejectionOf(running);
      expect(error.code).toBe('CANCELLED');
      expect((error.cause as Error).message).toBe('caller left');
      expect(disposed.filter((t) => !Object.values(input).includes(t)).map((t) => t.disposed)).toEqual([true, true, true]);
    } finally {
      Tensor.prototype.dispose = dispose;
    }
  });

  it('rejects at once with CANCELLED when the stop aborted before the run was sent to a replacement worker', async () => {
    const stop = lazyStop();
    expect((await rejectionOf(instance.run(feeds('exit'), { stop: lazyStop() }))).code).toBe('BACKEND_ERROR');
    stop.abort();
    const error = await rejectionOf(instance.run(feeds('echo'), { stop }));
    expect([error.code, error.message]).toEqual(['CANCELLED', 'run of model stop-model was cancelled by its signal']);
    expect(instance.restarts).toBe(1);
  });
});
