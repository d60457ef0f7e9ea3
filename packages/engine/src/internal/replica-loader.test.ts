import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Backend, type BackendInfo, type LogFields, type Logger, type ModelHandle, type ModelSource, Tensor, type TensorMap } from '@inferox/core';
import { rejectionOf } from '@inferox/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { ControlledBackend, type ControlledLoadOptions } from '../controlled-backend.fixture';
import { untilTurns } from '../controlled-engine.fixture';
import { type Engine, createEngine } from '../engine';
import { createTestBackend } from '../workers/test-backend.fixture';

const FIXTURE = pathToFileURL(resolve(import.meta.dirname, '../workers/test-backend.fixture.ts')).href;
const MODE_FEED = pathToFileURL(resolve(import.meta.dirname, './mode-feed-backend.fixture.ts')).href;

/** A test backend that worker instances can recreate from `module`'s `factory`. */
async function workerBackend(module: string, factory: string): Promise<Backend> {
  return { ...(await createTestBackend()), factorySpec: { module, factory, options: {}, interruptible: true } };
}

/** A backend whose init throws a plain Error, not an InferoxError. */
class PlainFailure extends ControlledBackend {
  override init(): Promise<BackendInfo> {
    return Promise.reject(new Error('no driver'));
  }

  override async isAvailable(): Promise<boolean> {
    return false;
  }
}

/** Feeds of the workers' test model: `x` and the string `mode` it obeys. */
function feeds(mode: string, x: readonly number[] = [1, 2, 3]): TensorMap {
  return { mode: Tensor.from('string', [mode], [1]), x: Tensor.from('float32', x, [x.length]) };
}

/** A logger that keeps every line it is given, in order. */
function recordingLogger(): Logger & { lines: { level: string; message: string; fields?: LogFields }[] } {
  const lines: { level: string; message: string; fields?: LogFields }[] = [];
  const at = (level: string) => (message: string, fields?: LogFields) => void lines.push(fields === undefined ? { level, message } : { level, message, fields });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** A backend whose models fail to free. */
class BrokenDispose extends ControlledBackend {
  override async loadModel(source: ModelSource, options?: ControlledLoadOptions): Promise<ModelHandle> {
    const handle = await super.loadModel(source, options);
    return Object.assign(Object.create(handle) as ModelHandle, { dispose: () => Promise.reject(new Error('native free failed')) });
  }
}

/** A backend whose init waits until the test makes it fail. */
class HeldInit extends ControlledBackend {
  fail: (error: Error) => void = () => undefined;

  override init(): Promise<BackendInfo> {
    this.initCalls += 1;
    return new Promise((_resolve, reject) => (this.fail = reject));
  }
}

describe('loadVersion', () => {
  let engine: Engine<ControlledLoadOptions> | undefined;
  afterEach(async () => {
    await engine?.close();
    engine = undefined;
  });

  it('names every backend that failed to initialise, separated, with the first as cause, when no replica loads', async () => {
    engine = createEngine({ backends: [new ControlledBackend({ name: 'a', failInit: 'a is down' }), new PlainFailure({ name: 'b' })] });
    const error = await rejectionOf(engine.load('m', { source: 'm', backends: ['a', 'b'] }));
    expect([error.code, error.message, error.details]).toEqual([
      'BACKEND_UNAVAILABLE',
      'no replica of m@1 could load: backend "a" failed to initialise: a is down; backend "b" failed to initialise: no driver',
      { model: 'm', backends: ['a', 'b'] },
    ]);
    expect((error.cause as Error).message).toBe('backend "a" failed to initialise: a is down');
  });

  it('releases the memory of the replicas already loaded when a later one fails', async () => {
    engine = createEngine({ backends: [new ControlledBackend()] });
    const error = await rejectionOf(engine.load('m', { source: 'm', replicas: [{ backend: 'ctl' }, { backend: 'ctl', options: { fail: true } }] }));
    expect(error.code).toBe('PACKAGE_INVALID');
    expect([engine.list(), engine.stats().memory.heldBytes]).toEqual([[], 0]);
  });

  it('shows an unavailable replica of a worker-mode version with the mode of the spec', async () => {
    const worker: Backend = { ...(await createTestBackend()), factorySpec: { module: FIXTURE, factory: 'createTestBackend', options: {}, interruptible: true } };
    const e = createEngine({ backends: [worker, new ControlledBackend({ name: 'down', failInit: 'down' })] });
    try {
      const info = await e.load('w', { source: 'test-model', backends: ['test', 'down'], instances: { count: 1, mode: 'worker' } });
      expect(info.replicas.map((r) => [r.backend, r.instances])).toEqual([
        ['test', { count: 1, mode: 'worker' }],
        ['down', { count: 0, mode: 'worker' }],
      ]);
    } finally {
      await e.close();
    }
  });
});

describe('loadVersion and its replicas', () => {
  let engine: Engine<ControlledLoadOptions> | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await engine?.close();
    engine = undefined;
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  /** A model file of `bytes` bytes: the engine estimates it at bytes × 1.2 until the backend reports its memory. */
  function modelFile(bytes: number): string {
    dir ??= mkdtempSync(join(tmpdir(), 'inferox-replica-loader-'));
    const file = join(dir, `model-${bytes}.onnx`);
    writeFileSync(file, new Uint8Array(bytes));
    return file;
  }

  it('warns naming the failure when the model of a replica the scheduler refused fails to free', async () => {
    const logger = recordingLogger();
    engine = createEngine({ backends: [new BrokenDispose()], logger });
    const error = await rejectionOf(engine.load('m', { source: 'm', batching: { maxBatchSize: 4, maxQueueDelayMs: 1, preferredBatchSizes: [8] } }));
    expect(error.code).toBe('INVALID_INPUT');
    await engine.close();
    expect(logger.lines.filter((l) => l.level === 'warn')).toEqual([{ level: 'warn', message: 'replica dispose failed', fields: { error: 'Error: native free failed' } }]);
  });

  it('tries no further backend for its default once the load was cancelled while the first one initialised', async () => {
    const first = new HeldInit({ name: 'first' });
    const second = new ControlledBackend({ name: 'second' });
    engine = createEngine({ backends: [first, second] });
    const caller = new AbortController();
    const loading = rejectionOf(engine.load('m', { source: 'm' }, { signal: caller.signal }));
    await untilTurns(() => first.initCalls === 1);
    caller.abort();
    expect((await loading).code).toBe('CANCELLED');
    first.fail(new Error('no device'));
    await engine.close();
    expect([first.initCalls, second.initCalls]).toEqual([1, 0]);
  });

  it('lets an unload end at once when the hot swap it cancels waits for its backend to initialise', async () => {
    const slow = new HeldInit({ name: 'slow' });
    engine = createEngine({ backends: [new ControlledBackend(), slow] });
    await engine.load('m', { source: 'm', backends: ['ctl'] });
    const swap = rejectionOf(engine.load('m', { source: 'm', backends: ['slow'] }));
    await untilTurns(() => slow.initCalls === 1);
    let unloaded = false;
    const unloading = engine.unload('m').then(() => (unloaded = true));
    // No timer and no I/O is left to wait for: one turn of the event loop ends the unload.
    await new Promise((resolve) => setImmediate(resolve));
    const done = unloaded;
    slow.fail(new Error('no device'));
    await unloading;
    expect([done, (await swap).code]).toEqual([true, 'CANCELLED']);
  });

  it('reserves the estimate once for inline instances, which share one loaded model', async () => {
    engine = createEngine({ backends: [new ControlledBackend()], config: { maxMemoryBytes: 1500 } });
    const info = await engine.load('m', { source: modelFile(1000), instances: { count: 2, mode: 'inline' } });
    expect([info.memoryBytes, info.replicas[0]!.instances]).toEqual([1000, { count: 2, mode: 'inline' }]);
  });

  it('reserves the estimate once per worker instance, and refuses a load whose workers would not fit', async () => {
    const e = createEngine({ backends: [await workerBackend(FIXTURE, 'createTestBackend')], config: { maxMemoryBytes: 2500 } });
    try {
      const error = await rejectionOf(e.load('w', { source: modelFile(2000), instances: { count: 2, mode: 'worker' } }));
      expect([error.code, error.message]).toEqual([
        'OUT_OF_MEMORY',
        'loading w@1 on test needs 4800 bytes; the budget is 2500 bytes and 0 are held by nothing; nothing idle can be evicted',
      ]);
    } finally {
      await e.close();
    }
  });

  it("logs through the engine's logger when a worker instance dies and is replaced", async () => {
    const logger = recordingLogger();
    const e = createEngine({ backends: [await workerBackend(MODE_FEED, 'createModeFeedBackend')], logger });
    try {
      await e.load('w', { source: 'test-model', instances: { count: 1, mode: 'worker' } });
      expect((await rejectionOf(e.infer('w', feeds('exit')))).code).toBe('BACKEND_ERROR');
      expect(Array.from((await e.infer('w', feeds('echo', [5]))).outputs.x!.data as Float32Array)).toEqual([5]);
      expect(logger.lines.filter((l) => l.message.startsWith('model worker')).map((l) => [l.level, l.message, l.fields?.restarts])).toEqual([
        ['warn', 'model worker died; replacing it', 1],
        ['info', 'model worker replaced', 1],
      ]);
    } finally {
      await e.close();
    }
  });

  it('gives back the estimate it reserved when the load fails', async () => {
    engine = createEngine({ backends: [new ControlledBackend()] });
    const error = await rejectionOf(engine.load('m', { source: modelFile(1000), options: { fail: true } }));
    expect([error.code, engine.stats().memory.heldBytes]).toEqual(['PACKAGE_INVALID', 0]);
  });
});
