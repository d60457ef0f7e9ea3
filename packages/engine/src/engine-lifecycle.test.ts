import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type Engine, createEngine } from './engine';
import { ControlledBackend, type ControlledLoadOptions, feedsOf } from './controlled-backend.fixture';
import { rejectionOf } from '@inferox/core/testing';

const y0 = (r: { outputs: Record<string, { data: unknown }> }): number => (r.outputs.y!.data as Float32Array)[0]!;

describe('Engine lifecycle', () => {
  let engine: Engine<ControlledLoadOptions> | undefined;
  afterEach(async () => {
    await engine?.close();
    engine = undefined;
  });

  it('keeps versions apart and serves the newest by default when name@version is used', async () => {
    const ctl = new ControlledBackend();
    engine = createEngine({ backends: [ctl] });
    await engine.load('m', { source: 'm', options: { factor: 1 } });
    await engine.load('m@2', { source: 'm', options: { factor: 2 } });
    await engine.load('m', { source: 'm', version: 3, options: { factor: 3 } });
    expect(y0(await engine.infer('m', feedsOf(1)))).toBe(3);
    expect(y0(await engine.infer('m@2', feedsOf(1)))).toBe(2);
    const one = await engine.infer('m@1', feedsOf(1));
    expect([y0(one), one.version]).toEqual([1, 1]);
    expect(engine.info('m')).toMatchObject({ name: 'm', version: 3, versions: [1, 2, 3], state: 'ready', memoryBytes: 1000 });
    expect(engine.list().map((i) => `${i.name}@${i.version}`)).toEqual(['m@1', 'm@2', 'm@3']);
    await engine.unload('m@2');
    expect(engine.info('m').versions).toEqual([1, 3]);
    expect((await rejectionOf(engine.infer('m@2', feedsOf(1)))).code).toBe('MODEL_NOT_FOUND');
    await engine.unload('m');
    expect(engine.list()).toEqual([]);
    expect(ctl.live.size).toBe(0);
    expect((await rejectionOf(engine.unload('m'))).code).toBe('MODEL_NOT_FOUND');
    expect((await rejectionOf(engine.load('m@2', { source: 'm', version: 3 }))).code).toBe('INVALID_INPUT');
  });

  it('hot-swaps: in-flight requests finish on the old model, new ones use the new, the old is disposed after', async () => {
    const ctl = new ControlledBackend();
    engine = createEngine({ backends: [ctl] });
    await engine.load('m', { source: 'm', options: { factor: 1 } });
    const [oldHandle] = [...ctl.live];
    ctl.hold();
    const inFlight = [engine.infer('m', feedsOf(1)), engine.infer('m', feedsOf(1))];
    await ctl.whenWaiting(1);
    await engine.load('m', { source: 'm', options: { factor: 10 } });
    expect(oldHandle!.disposed).toBe(false);
    const fresh = engine.infer('m', feedsOf(1));
    await ctl.whenWaiting(2);
    ctl.release();
    expect((await Promise.all(inFlight)).map(y0)).toEqual([1, 1]);
    expect(y0(await fresh)).toBe(10);
    await engine.unload('m');
    expect(oldHandle!.disposed).toBe(true);
    expect(ctl.runs.every((r) => !r.disposed)).toBe(true);
  });

  it('unload lets requests in flight finish before disposing', async () => {
    const ctl = new ControlledBackend();
    engine = createEngine({ backends: [ctl] });
    await engine.load('m', { source: 'm' });
    ctl.hold();
    const running = engine.infer('m', feedsOf(4));
    await ctl.whenWaiting(1);
    const unloading = engine.unload('m');
    expect((await rejectionOf(engine.infer('m', feedsOf(1)))).code).toBe('MODEL_NOT_FOUND');
    ctl.release();
    expect(y0(await running)).toBe(4);
    await unloading;
    expect(ctl.live.size).toBe(0);
  });

  it('evicts idle models least-recently-used first when a load needs room', async () => {
    const ctl = new ControlledBackend({ memoryBytes: 100 });
    engine = createEngine({ backends: [ctl], config: { maxMemoryBytes: 300 } });
    await engine.load('a', { source: 'a' });
    await engine.load('b', { source: 'b' });
    await engine.load('c', { source: 'c' });
    await engine.infer('a', feedsOf(1));
    await engine.load('d', { source: 'd' });
    expect(engine.list().map((i) => `${i.name}:${i.state}`)).toEqual(['a:ready', 'b:evicted', 'c:ready', 'd:ready']);
    await engine.infer('c', feedsOf(1));
    await engine.load('e', { source: 'e' });
    expect(engine.list().filter((i) => i.state === 'evicted').map((i) => i.name)).toEqual(['a', 'b']);
    expect(engine.stats()).toMatchObject({ evictions: 2, memory: { budgetBytes: 300, heldBytes: 300 } });
    // An evicted model reloads on its next request (evicting the least recently used again).
    expect(y0(await engine.infer('b', feedsOf(5)))).toBe(5);
    expect(engine.info('b').state).toBe('ready');
    expect(engine.info('d').state).toBe('evicted');
    expect(await engine.metrics.getSingleMetricAsString('inferox_evictions_total')).toContain('inferox_evictions_total{model="a"} 1');
  });

  it('never evicts a model with requests in flight and fails with OUT_OF_MEMORY saying what is held', async () => {
    const ctl = new ControlledBackend({ memoryBytes: 100 });
    engine = createEngine({ backends: [ctl], config: { maxMemoryBytes: 250 } });
    await engine.load('a', { source: 'a' });
    await engine.load('b', { source: 'b' });
    ctl.hold();
    const busy = [engine.infer('a', feedsOf(1)), engine.infer('b', feedsOf(1))];
    await ctl.whenWaiting(2);
    const error = await rejectionOf(engine.load('c', { source: 'c' }));
    expect(error.code).toBe('OUT_OF_MEMORY');
    expect(error.message).toContain('needs 100 bytes');
    expect(error.message).toContain('budget is 250');
    expect(error.message).toContain('a@1 100 B (busy)');
    expect(ctl.live.size).toBe(2);
    ctl.release();
    await Promise.all(busy);
    await engine.load('c', { source: 'c' });
    expect(engine.info('a').state).toBe('evicted');
    const tooBig = await rejectionOf(engine.load('big', { source: 'big', options: { memoryBytes: 1000 } }));
    expect(tooBig.code).toBe('OUT_OF_MEMORY');
  });

  it('estimates memory from the weights on disk when the backend reports none', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'inferox-engine-'));
    try {
      await writeFile(join(dir, 'weights.bin'), new Uint8Array(1000));
      const ctl = new ControlledBackend({ memoryBytes: 0 });
      engine = createEngine({ backends: [ctl], config: { maxMemoryBytes: 1500 } });
      expect((await engine.load('folder', { source: dir })).memoryBytes).toBe(1200);
      expect((await engine.load('file', { source: { path: join(dir, 'weights.bin') } })).memoryBytes).toBe(1200);
      expect(engine.info('folder').state).toBe('evicted');
      expect((await engine.load('bytes', { source: { bytes: new Uint8Array(10) } })).memoryBytes).toBe(12);
      expect((await engine.load('missing', { source: join(dir, 'nope') })).memoryBytes).toBe(0);
      // A folder with the same weights twice (safetensors and an ONNX export) is charged for one copy.
      const both = join(dir, 'both');
      await mkdir(both);
      await writeFile(join(both, 'model.safetensors'), new Uint8Array(500));
      await writeFile(join(both, 'model.onnx'), new Uint8Array(400));
      await writeFile(join(both, 'config.json'), '{}');
      expect((await engine.load('both', { source: both })).memoryBytes).toBe(600);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('loads a lazy model on its first request, once for concurrent requests', async () => {
    const ctl = new ControlledBackend();
    engine = createEngine({ backends: [ctl] });
    const info = await engine.load('m', { source: 'm', lazy: true, backends: ['ctl'], options: { factor: 7 } });
    expect(info).toMatchObject({ state: 'lazy', signature: null, replicas: [] });
    expect(ctl.loads).toBe(0);
    const results = await Promise.all([engine.infer('m', feedsOf(1)), engine.infer('m', feedsOf(2))]);
    expect(results.map(y0)).toEqual([7, 14]);
    expect(ctl.loads).toBe(1);
    expect(engine.info('m').state).toBe('ready');
    expect((await rejectionOf(engine.load('z', { source: 'z', lazy: true, backends: ['nope'] }))).code).toBe('BACKEND_UNAVAILABLE');
  });

  it('keeps a lazy model lazy when its load fails, and fails the waiting request with the cause', async () => {
    const ctl = new ControlledBackend();
    engine = createEngine({ backends: [ctl] });
    await engine.load('m', { source: 'm', lazy: true, options: { fail: true } });
    const error = await rejectionOf(engine.infer('m', feedsOf(1)));
    expect(error.code).toBe('PACKAGE_INVALID');
    expect(engine.info('m').state).toBe('lazy');
  });

  it('counts the wait for a lazy load in the request timeout', async () => {
    const ctl = new ControlledBackend();
    engine = createEngine({ backends: [ctl] });
    await engine.load('m', { source: 'm', lazy: true });
    ctl.holdLoads();
    const error = await rejectionOf(engine.infer('m', feedsOf(1), { timeoutMs: 10 }));
    expect(error.code).toBe('TIMEOUT');
    expect(error.message).toContain('waiting for the model to load');
    ctl.releaseLoads();
    expect(y0(await engine.infer('m', feedsOf(2), { timeoutMs: 60_000 }))).toBe(2);
    expect(ctl.loads).toBe(1);
  });

  it('cancels the wait for a lazy load when the request signal aborts', async () => {
    const ctl = new ControlledBackend();
    engine = createEngine({ backends: [ctl] });
    await engine.load('m', { source: 'm', lazy: true });
    const controller = new AbortController();
    const pending = engine.infer('m', feedsOf(1), { signal: controller.signal });
    controller.abort(new Error('changed my mind'));
    expect((await rejectionOf(pending)).code).toBe('CANCELLED');
    expect(y0(await engine.infer('m', feedsOf(3)))).toBe(3);
  });

  it('serves a registered handle and disposes it on unload', async () => {
    const ctl = new ControlledBackend({ memoryBytes: 50 });
    const handle = await ctl.loadModel('own', { factor: 4 });
    engine = createEngine({ backends: [] });
    const info = await engine.register('own', handle);
    expect(info).toMatchObject({ name: 'own', version: 1, memoryBytes: 50, replicas: [{ backend: 'ctl', device: 'cpu', instances: { count: 1, mode: 'inline' } }] });
    expect(y0(await engine.infer('own', feedsOf(1)))).toBe(4);
    await engine.unload('own');
    expect(handle.disposed).toBe(true);
    expect((await rejectionOf(engine.register('own', handle))).code).toBe('INVALID_INPUT');
    expect((await rejectionOf(engine.register('own', {} as never))).code).toBe('INVALID_INPUT');
  });

  it('removes an evicted registered handle, since it cannot be reloaded', async () => {
    const ctl = new ControlledBackend({ memoryBytes: 100 });
    engine = createEngine({ backends: [ctl], config: { maxMemoryBytes: 150 } });
    const handle = await ctl.loadModel('own');
    await engine.register('own', handle, { version: 2 });
    expect(engine.info('own@2').version).toBe(2);
    await engine.load('m', { source: 'm' });
    expect(handle.disposed).toBe(true);
    expect((await rejectionOf(engine.infer('own', feedsOf(1)))).code).toBe('MODEL_NOT_FOUND');
    const big = await ctl.loadModel('big', { memoryBytes: 500 });
    expect((await rejectionOf(engine.register('big', big))).code).toBe('OUT_OF_MEMORY');
    expect(big.disposed).toBe(false);
  });

  it('runs worker-mode instances only on backends that can recreate themselves', async () => {
    engine = createEngine({ backends: [new ControlledBackend()] });
    const error = await rejectionOf(engine.load('m', { source: 'm', instances: { count: 2, mode: 'worker' } }));
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toContain('spec.instances.mode');
    expect(engine.list()).toEqual([]);
  });

  it('serves count inline instances on one handle', async () => {
    const ctl = new ControlledBackend();
    engine = createEngine({ backends: [ctl] });
    const info = await engine.load('m', { source: 'm', instances: { count: 2, mode: 'inline' } });
    expect(info.replicas[0]!.instances).toEqual({ count: 2, mode: 'inline' });
    ctl.hold();
    const both = [engine.infer('m', feedsOf(1)), engine.infer('m', feedsOf(2))];
    await ctl.whenWaiting(2);
    expect(engine.stats().requests.inFlight).toBe(2);
    ctl.release();
    await Promise.all(both);
    expect(ctl.loads).toBe(1);
  });

  it('rejects with CANCELLED when the load or unload signal is aborted', async () => {
    const ctl = new ControlledBackend();
    engine = createEngine({ backends: [ctl] });
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    expect((await rejectionOf(engine.load('m', { source: 'm' }, { signal: controller.signal }))).code).toBe('CANCELLED');
    expect((await rejectionOf(engine.register('own', await ctl.loadModel('own'), { signal: controller.signal }))).code).toBe('CANCELLED');
    await engine.load('m', { source: 'm' });
    ctl.hold();
    const running = engine.infer('m', feedsOf(1));
    await ctl.whenWaiting(1);
    const waiting = new AbortController();
    const unloading = engine.unload('m', { signal: waiting.signal });
    waiting.abort(new Error('not waiting any more'));
    expect((await rejectionOf(unloading)).code).toBe('CANCELLED');
    expect(() => engine!.info('m')).toThrow(expect.objectContaining({ code: 'MODEL_NOT_FOUND' }));
    ctl.release();
    await running;
  });

  it('logs and carries on when a handle fails to dispose', async () => {
    const ctl = new ControlledBackend();
    const handle = await ctl.loadModel('own');
    const broken = Object.assign(Object.create(handle) as typeof handle, { dispose: () => Promise.reject(new Error('native free failed')) });
    const warnings: string[] = [];
    const log = (): void => undefined;
    engine = createEngine({ backends: [], logger: { debug: log, info: log, error: log, warn: (message, fields) => warnings.push(`${message} ${String(fields?.error)}`) } });
    await engine.register('own', broken);
    await engine.unload('own');
    expect(warnings).toEqual([expect.stringContaining('native free failed')]);
  });

  it('disposes the loaded model when the scheduler refuses the model options', async () => {
    const ctl = new ControlledBackend();
    engine = createEngine({ backends: [ctl] });
    const error = await rejectionOf(engine.load('m', { source: 'm', batching: { maxBatchSize: 4, maxQueueDelayMs: 1, preferredBatchSizes: [8] } }));
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toContain('preferredBatchSizes');
    await engine.close();
    expect(ctl.loads).toBe(1);
    expect(ctl.live.size).toBe(0);
  });

  it('loads every replica or none when one replica fails', async () => {
    const a = new ControlledBackend({ name: 'a' });
    const b = new ControlledBackend({ name: 'b' });
    engine = createEngine({ backends: [a, b] });
    const error = await rejectionOf(engine.load('m', { source: 'm', replicas: [{ backend: 'a' }, { backend: 'b', options: { fail: true } }] }));
    expect(error.code).toBe('PACKAGE_INVALID');
    expect(a.live.size + b.live.size).toBe(0);
    expect(engine.list()).toEqual([]);
  });
});
