import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { DTYPES, type DType, type InferoxError, type Logger, Tensor, allocData } from '@inferox/core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type WorkerInstance, type WorkerInstanceOptions, type WorkerModelSpec, createWorkerInstance } from './create-worker-instance';
import { feeds, recordingLogger, spec } from './worker-instance.fixture';
import { rejectionOf } from '@inferox/core/testing';

/** Sample values every dtype can hold exactly. */
function sample(dtype: DType): Tensor {
  const shape = [2, 3];
  switch (dtype) {
    case 'string':
      return Tensor.from('string', ['a', 'bé', '', 'ü', 'longer text', '∑'], shape);
    case 'bool':
      return Tensor.from('bool', [true, false, true, true, false, false], shape);
    case 'int64':
      return Tensor.from('int64', [-(2n ** 63n), -1n, 0n, 1n, 2n ** 53n + 1n, 2n ** 63n - 1n], shape);
    case 'uint64':
      return Tensor.from('uint64', [0n, 1n, 2n, 2n ** 53n + 1n, 2n ** 63n, 2n ** 64n - 1n], shape);
    case 'float16':
    case 'bfloat16': {
      const data = allocData(dtype, 6) as Uint16Array;
      data.set([0x3c00, 0xc000, 0x7c00, 0x0001, 0x7e00, 0x8000]);
      return Tensor.from(dtype, data, shape);
    }
    default: {
      const data = allocData(dtype, 6) as Exclude<ReturnType<typeof allocData>, string[] | BigInt64Array | BigUint64Array>;
      data.set([0, 1, 2, 3, 100, 127]);
      return Tensor.from(dtype, data, shape);
    }
  }
}

describe('createWorkerInstance', () => {
  let instance: WorkerInstance;
  beforeAll(async () => {
    instance = await createWorkerInstance(spec());
  });
  afterAll(async () => {
    await instance?.dispose();
  });

  it('loads the model in another thread and reports its facts when the worker is ready', () => {
    expect(instance.signature.inputs.map((i) => i.name)).toEqual(['x']);
    expect(instance.memoryBytes).toBe(1234);
    expect(instance.device).toEqual({ kind: 'cpu' });
    expect(instance.metadata.thread).not.toBe(String(threadId));
    expect(instance.restarts).toBe(0);
    expect(instance.disposed).toBe(false);
  });

  it('runs in the worker and returns core tensors when given feeds', async () => {
    const out = await instance.run(feeds('echo', [1.5, -2, 3]));
    expect(out.x).toBeInstanceOf(Tensor);
    expect(out.x!.dtype).toBe('float32');
    expect(out.x!.toArray()).toEqual([1.5, -2, 3]);
    expect(out.thread!.toArray()).toEqual([Number(instance.metadata.thread)]);
  });

  it('carries every dtype exactly and leaves the feeds usable when feeds are copied', async () => {
    const given = Object.fromEntries(DTYPES.map((d) => [`t_${d}`, sample(d)]));
    const out = await instance.run(given);
    for (const d of DTYPES) {
      const got = out[`t_${d}`]!;
      expect(got.dtype, d).toBe(d);
      expect(got.shape, d).toEqual([2, 3]);
      expect(got.data, d).toEqual(sample(d).data);
      expect(given[`t_${d}`]!.toArray(), d).toEqual(sample(d).toArray());
    }
  });

  it('moves the feed buffers and disposes the feeds when transferFeeds is set', async () => {
    const x = Tensor.from('int64', [5n, 6n], [2]);
    const buffer = x.data.buffer;
    const out = await instance.run({ x }, { transferFeeds: true });
    expect(out.x!.toArray()).toEqual([5n, 6n]);
    expect(buffer.byteLength).toBe(0);
    expect(x.disposed).toBe(true);
  });

  it('copies a feed that is a view into a larger buffer even when transferFeeds is set', async () => {
    const whole = Tensor.from('float32', [1, 2, 3, 4], [4, 1]);
    const part = whole.slice(1, 3);
    const out = await instance.run({ x: part }, { transferFeeds: true });
    expect(out.x!.toArray()).toEqual([2, 3]);
    expect(whole.toArray()).toEqual([1, 2, 3, 4]);
  });

  it('rejects with DISPOSED naming the tensor when a feed was disposed', async () => {
    const x = Tensor.from('float32', [1], [1]);
    x.dispose();
    const error = await rejectionOf(instance.run({ x }));
    expect(error.code).toBe('DISPOSED');
    expect(error.message).toContain('float32[1]');
    expect((await instance.run(feeds('echo', [7]))).x!.toArray()).toEqual([7]);
  });

  it('rejects with the worker error code, message and details when the model throws an InferoxError', async () => {
    const error = await rejectionOf(instance.run(feeds('throw')));
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toContain('input "x" is not acceptable');
    expect(error.details).toEqual({ input: 'x', reason: 'told to' });
    expect((error.cause as Error).stack).toContain('test-backend.fixture');
  });

  it('rejects with BACKEND_ERROR naming the failure when the model throws a plain Error', async () => {
    const error = await rejectionOf(instance.run(feeds('throw-plain')));
    expect(error.code).toBe('BACKEND_ERROR');
    expect(error.message).toContain('plain failure in the test model');
    expect(instance.restarts).toBe(0);
  });

  it('rejects with CANCELLED without reaching the worker when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const error = await rejectionOf(instance.run(feeds('exit'), { signal: controller.signal }));
    expect(error.code).toBe('CANCELLED');
    expect(instance.restarts).toBe(0);
    expect((await instance.run(feeds('echo'))).x!.toArray()).toEqual([1, 2, 3]);
  });

  it('forwards the cancellation and rejects with CANCELLED when the signal aborts during the run', async () => {
    const controller = new AbortController();
    const running = instance.run(feeds('wait-abort'), { signal: controller.signal });
    controller.abort();
    expect((await rejectionOf(running)).code).toBe('CANCELLED');
  });

  it('disposes the discarded outputs and rejects with CANCELLED when the signal aborts after the worker finished', async () => {
    const controller = new AbortController();
    const input = feeds('echo');
    // Which tensors get disposed on the main thread: the outputs decoded from the worker's answer are not reachable
    // from outside, so the dispose calls are observed (a spy that still disposes).
    const dispose = vi.spyOn(Tensor.prototype, 'dispose');
    try {
      const running = instance.run(input, { signal: controller.signal });
      controller.abort();
      expect((await rejectionOf(running)).code).toBe('CANCELLED');
      const disposed = dispose.mock.contexts as Tensor[];
      // The echo model answers x and thread; both were decoded here and discarded.
      expect(disposed).toHaveLength(2);
      expect(disposed.every((t) => t.disposed && !Object.values(input).includes(t))).toBe(true);
      expect(Object.values(input).some((t) => t.disposed)).toBe(false);
    } finally {
      dispose.mockRestore();
    }
  });
});

describe('createWorkerInstance crash recovery', () => {
  it('fails only the in-flight runs with BACKEND_ERROR and serves from a replacement when the worker exits', async () => {
    const logger = recordingLogger();
    const crashing = await createWorkerInstance(spec(), { logger });
    const bystander = await createWorkerInstance(spec());
    try {
      const before = crashing.metadata.thread;
      const waiting = crashing.run(feeds('wait-abort'));
      const error = await rejectionOf(crashing.run(feeds('exit')));
      expect(error.code).toBe('BACKEND_ERROR');
      expect(error.message).toContain('exited with code 7');
      expect((error.cause as Error).message).toContain('exited with code 7');
      const other = await rejectionOf(waiting);
      expect(other.code).toBe('BACKEND_ERROR');
      expect((await bystander.run(feeds('echo'))).x!.toArray()).toEqual([1, 2, 3]);
      expect(bystander.restarts).toBe(0);

      const out = await crashing.run(feeds('echo', [4]));
      expect(out.x!.toArray()).toEqual([4]);
      expect(crashing.restarts).toBe(1);
      expect(crashing.metadata.thread).not.toBe(before);
      expect(out.thread!.toArray()).toEqual([Number(crashing.metadata.thread)]);
      expect(logger.lines.map((l) => l.level)).toEqual(['warn', 'info']);
    } finally {
      await Promise.all([crashing.dispose(), bystander.dispose()]);
    }
  });

  it('fails the run with the thrown error as cause and recovers when the worker throws an uncaught exception', async () => {
    const crashing = await createWorkerInstance(spec());
    try {
      const error = await rejectionOf(crashing.run(feeds('uncaught')));
      expect(error.code).toBe('BACKEND_ERROR');
      expect((error.cause as Error).message).toContain('uncaught boom in the test model');
      expect((await crashing.run(feeds('echo', [9]))).x!.toArray()).toEqual([9]);
      expect(crashing.restarts).toBe(1);
    } finally {
      await crashing.dispose();
    }
  });

  it('answers TIMEOUT and replaces the worker, terminating it at once, when an interruptible backend hangs past runTimeoutMs', async () => {
    const interruptible = spec();
    const hanging = await createWorkerInstance({ ...interruptible, backend: { ...interruptible.backend, interruptible: true } }, { runTimeoutMs: 300 });
    try {
      const error = await rejectionOf(hanging.run(feeds('hang')));
      expect(error.code).toBe('TIMEOUT');
      expect(error.message).toContain('runTimeoutMs (300 ms)');
      expect((await hanging.run(feeds('echo', [8]))).x!.toArray()).toEqual([8]);
      expect(hanging.restarts).toBe(1);
    } finally {
      await hanging.dispose();
    }
  });

  it('answers TIMEOUT and serves on a replacement while the old worker of a native backend finishes its run and exits by itself', async () => {
    const logs: string[] = [];
    const logger: Logger = { debug: () => undefined, info: (m) => logs.push(m), warn: (m) => logs.push(m), error: (m) => logs.push(m) };
    const slow = await createWorkerInstance(spec(), { runTimeoutMs: 300, logger });
    try {
      const first = await slow.run(feeds('echo', [1]));
      const error = await rejectionOf(slow.run({ ...feeds('busy', [2]), busyMs: Tensor.from('int32', [1500], [1]) }));
      expect([error.code, error.message.includes('runTimeoutMs (300 ms)')]).toEqual(['TIMEOUT', true]);
      const second = await slow.run(feeds('echo', [3]));
      expect(second.x!.toArray()).toEqual([3]);
      // Another thread answered: the old one was not terminated under its run (a native runtime would abort the
      // process); it closes once the run returned.
      expect(second.thread!.toArray()).not.toEqual(first.thread!.toArray());
      expect(slow.restarts).toBe(1);
      expect(logs).toContain('model worker replaced');
    } finally {
      await slow.dispose();
    }
  });

  it('counts runTimeoutMs from when the worker starts each run when several runs queue on one busy worker', async () => {
    // Three runs each blocking the worker for 400 ms: the third is answered ~1200 ms after it was sent but only
    // ~400 ms after the worker started it, well inside runTimeoutMs.
    const busy = await createWorkerInstance(spec(), { runTimeoutMs: 1000 });
    try {
      const runs = [1, 2, 3].map((v) => busy.run({ ...feeds('busy', [v]), busyMs: Tensor.from('int32', [400], [1]) }));
      const outputs = await Promise.all(runs);
      expect(outputs.map((o) => o.x!.toArray())).toEqual([[1], [2], [3]]);
      expect(busy.restarts).toBe(0);
    } finally {
      await busy.dispose();
    }
  });

  it('rejects runs while the replacement cannot load and serves again once it can', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'inferox-worker-'));
    const marker = join(dir, 'fail-load');
    const logger = recordingLogger();
    const flaky = await createWorkerInstance(spec({ failLoadIfExists: marker }), { logger });
    try {
      writeFileSync(marker, '');
      expect((await rejectionOf(flaky.run(feeds('exit')))).code).toBe('BACKEND_ERROR');
      const error = await rejectionOf(flaky.run(feeds('echo')));
      expect(error.code).toBe('BACKEND_ERROR');
      expect(error.message).toContain('could not be replaced');
      expect((error.cause as InferoxError).code).toBe('PACKAGE_INVALID');
      expect(logger.lines.some((l) => l.level === 'error' && l.message.includes('failed to load'))).toBe(true);
      rmSync(marker);
      expect((await flaky.run(feeds('echo', [2]))).x!.toArray()).toEqual([2]);
      expect(flaky.restarts).toBe(2);
    } finally {
      await flaky.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('createWorkerInstance dispose', () => {
  it('fails in-flight runs with DISPOSED, refuses later runs and is idempotent when disposed', async () => {
    const disposable = await createWorkerInstance(spec());
    const running = rejectionOf(disposable.run(feeds('wait-abort')));
    const first = disposable.dispose();
    expect(disposable.dispose()).toBe(first);
    await first;
    expect((await running).code).toBe('DISPOSED');
    expect((await running).message).toContain('while this run was in its worker');
    expect(disposable.disposed).toBe(true);
    const later = await rejectionOf(disposable.run(feeds('echo')));
    expect(later.code).toBe('DISPOSED');
    expect(later.message).toContain('test-model');
  });

  it('rejects a run waiting for a replacement with DISPOSED when disposed during the reload', async () => {
    const disposable = await createWorkerInstance(spec());
    await rejectionOf(disposable.run(feeds('exit')));
    const waiting = rejectionOf(disposable.run(feeds('echo')));
    await disposable[Symbol.asyncDispose]();
    expect((await waiting).code).toBe('DISPOSED');
  });
});

describe('createWorkerInstance loading', () => {
  // Every load failure is answered by the worker side (see serve-model.test.ts); these check that the answers and
  // a death during the load reach the caller.
  it.each<[string, Partial<WorkerModelSpec>, string, string[]]>([
    ['the module cannot be imported', { backend: { module: '/nonexistent/backend.mjs', factory: 'f', options: {} } }, 'BACKEND_UNAVAILABLE', ['/nonexistent/backend.mjs']],
    ['the worker exits while loading', spec({ exitOnLoad: 5 }, { options: { name: 'named' } }), 'BACKEND_ERROR', ['named', 'exited with code 5']],
  ])('rejects with the load error when %s', async (_what, override, code, facts) => {
    const error = await rejectionOf(createWorkerInstance({ ...spec(), ...override }));
    expect(error.code).toBe(code);
    for (const fact of facts) expect(error.message).toContain(fact);
  });

  it('rejects with the backend error code and details when loadModel refuses the source', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'inferox-worker-'));
    const marker = join(dir, 'fail-load');
    writeFileSync(marker, '');
    try {
      const error = await rejectionOf(createWorkerInstance(spec({ failLoadIfExists: marker })));
      expect(error.code).toBe('PACKAGE_INVALID');
      expect(error.message).toContain(marker);
      expect(error.details).toEqual({ file: marker });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each<[string, WorkerModelSpec, WorkerInstanceOptions, string]>([
    ['backend.module is empty', { backend: { module: '', factory: 'f', options: {} }, source: 'm' }, {}, 'backend.module'],
    ['backend.factory is missing', { backend: { module: 'm', options: {} } as never, source: 'm' }, {}, 'backend.factory'],
    ['the options hold a function', { backend: { module: 'm', factory: 'f', options: { f: () => 1 } }, source: 'm' }, {}, 'cannot be sent to a worker'],
    ['runTimeoutMs is negative', spec(), { runTimeoutMs: -1 }, 'runTimeoutMs'],
    ['runTimeoutMs is not finite', spec(), { runTimeoutMs: Number.POSITIVE_INFINITY }, 'runTimeoutMs'],
  ])('rejects with INVALID_INPUT when %s', async (_what, given, options, fact) => {
    const error = await rejectionOf(createWorkerInstance(given, options));
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toContain(fact);
  });

  it('rejects with CANCELLED without starting a worker when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    expect((await rejectionOf(createWorkerInstance(spec(), { signal: controller.signal }))).code).toBe('CANCELLED');
  });

  it('terminates the loading worker and rejects with CANCELLED when the signal aborts during the load', async () => {
    const controller = new AbortController();
    const loading = createWorkerInstance(spec(), { signal: controller.signal });
    setImmediate(() => controller.abort());
    const error = await rejectionOf(loading);
    expect(error.code).toBe('CANCELLED');
  });
});
