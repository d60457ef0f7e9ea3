import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type InferoxError } from '@inferox/core';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Engine, createEngine } from './engine';
import { ControlledBackend, type ControlledLoadOptions, feedsOf } from './controlled-backend.fixture';
import { rejectionOf } from '@inferox/core/testing';

const y0 = (r: { outputs: Record<string, { data: unknown }> }): number => (r.outputs.y!.data as Float32Array)[0]!;

/**
 * Steps the fake clock 1 ms at a time (with a real event-loop turn after each) until `promise` settles and returns
 * the fake milliseconds it took; fails naming the limit if it has not settled by then.
 */
async function fakeMsUntil(promise: Promise<unknown>, limitMs: number): Promise<number> {
  let done = false;
  void promise.then(
    () => (done = true),
    () => (done = true),
  );
  for (let ms = 0; ms <= limitMs; ms++) {
    await new Promise((resolve) => setImmediate(resolve));
    if (done) return ms;
    await vi.advanceTimersByTimeAsync(1);
  }
  throw new Error(`not settled within ${limitMs} fake ms`);
}

describe('Engine', () => {
  let engine: Engine<ControlledLoadOptions> | undefined;
  let dir: string;
  let file: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'inferox-engine-hardening-'));
    file = join(dir, 'w.bin');
    await writeFile(file, new Uint8Array(100));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  afterEach(async () => {
    vi.useRealTimers();
    await engine?.close();
    engine = undefined;
  });

  it('never evicts the version being replaced when a hot swap does not fit the budget', async () => {
    const ctl = new ControlledBackend({ memoryBytes: 100 });
    engine = createEngine({ backends: [ctl], config: { maxMemoryBytes: 150 } });
    await engine.load('m', { source: file, options: { factor: 1 } });
    const swap = await rejectionOf(engine.load('m', { source: file, options: { factor: 2 } }));
    expect(swap.code).toBe('OUT_OF_MEMORY');
    expect(engine.info('m').state).toBe('ready');
    expect(y0(await engine.infer('m', feedsOf(1)))).toBe(1);
    expect([ctl.loads, engine.stats().evictions]).toEqual([1, 0]);
  });
  it('names in-progress loads and draining replicas as holders when a load runs out of memory', async () => {
    const ctl = new ControlledBackend({ memoryBytes: 100 });
    engine = createEngine({ backends: [ctl], config: { maxMemoryBytes: 150 } });
    await engine.load('a', { source: file });
    ctl.hold();
    const running = engine.infer('a', feedsOf(1));
    await ctl.whenWaiting(1);
    const unloading = engine.unload('a');
    const full = await rejectionOf(engine.load('c', { source: file }));
    expect(full.code).toBe('OUT_OF_MEMORY');
    expect(full.message).toContain('a@1 on ctl 100 B (draining)');
    expect(full.message).not.toContain('held by nothing');
    ctl.release();
    await running;
    await unloading;
    ctl.holdLoads();
    const loadingB = engine.load('b', { source: file });
    await vi.waitFor(() => expect(engine!.stats().memory.heldBytes).toBeGreaterThan(0));
    const pending = await rejectionOf(engine.load('c', { source: file }));
    expect(pending.message).toContain('loading b@1 on ctl 120 B');
    ctl.releaseLoads();
    await loadingB;
  });
  it('settles requests waiting for a lazy load and resolves when close times out while the load hangs', async () => {
    const ctl = new ControlledBackend();
    engine = createEngine({ backends: [ctl] });
    await engine.load('m', { source: 'm', lazy: true });
    ctl.holdLoads();
    const waiting = rejectionOf(engine.infer('m', feedsOf(1)));
    await vi.waitFor(() => expect(ctl.loadsHeld).toBe(1));
    // A fake clock (setImmediate stays real), stepped 1 ms at a time: close resolves exactly at its 20 ms timeout.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    expect(await fakeMsUntil(engine.close({ timeoutMs: 20 }), 100)).toBe(20);
    expect((await waiting).code).toBe('SHUT_DOWN');
    ctl.releaseLoads();
  });

  it('resolves close at its timeout while an explicit load hangs in the backend', async () => {
    const ctl = new ControlledBackend();
    engine = createEngine({ backends: [ctl] });
    ctl.holdLoads();
    const loading = rejectionOf(engine.load('m', { source: 'm' }));
    await vi.waitFor(() => expect(ctl.loadsHeld).toBe(1));
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    expect(await fakeMsUntil(engine.close({ timeoutMs: 20 }), 100)).toBe(20);
    vi.useRealTimers();
    ctl.releaseLoads();
    expect((await loading).code).toBe('SHUT_DOWN');
    expect(ctl.live.size).toBe(0);
  });
  it('answers DEADLINE_EXCEEDED without loading a lazy model when the deadline has already passed', async () => {
    const ctl = new ControlledBackend();
    engine = createEngine({ backends: [ctl] });
    await engine.load('m', { source: 'm', lazy: true });
    expect((await rejectionOf(engine.infer('m', feedsOf(1), { deadline: Date.now() - 1000 }))).code).toBe('DEADLINE_EXCEEDED');
    expect([ctl.loads, engine.info('m').state]).toEqual([0, 'lazy']);
  });

  it('answers DEADLINE_EXCEEDED when the deadline passes while the request waits for a lazy load', async () => {
    const ctl = new ControlledBackend();
    engine = createEngine({ backends: [ctl] });
    await engine.load('m', { source: 'm', lazy: true });
    ctl.holdLoads();
    // A fake clock, so the deadline cannot pass before the lazy load has started, however slow the machine is.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'] });
    const waiting = rejectionOf(engine.infer('m', feedsOf(1), { deadline: Date.now() + 20, timeoutMs: 60_000 }));
    await vi.waitFor(() => expect(ctl.loadsHeld).toBe(1));
    await vi.advanceTimersByTimeAsync(25);
    expect((await waiting).code).toBe('DEADLINE_EXCEEDED');
    expect(ctl.loadsHeld).toBe(1);
    vi.useRealTimers();
    ctl.releaseLoads();
    expect(y0(await engine.infer('m', feedsOf(2)))).toBe(2);
  });
  it('falls back to the swapped-in version when the old version has no other live replica during a hot swap', async () => {
    const a = new ControlledBackend({ name: 'a' });
    const b = new ControlledBackend({ name: 'b' });
    engine = createEngine({ backends: [a, b] });
    await engine.load('m', { source: 'm', backends: ['a', 'b'] });
    a.hold();
    const request = engine.infer('m', feedsOf(1), { backend: 'a' });
    await a.whenWaiting(1);
    await engine.load('m', { source: 'm', backends: ['a', 'b'], options: { factor: 5 } });
    a.failNext('BACKEND_ERROR');
    a.release();
    const r = await request;
    expect([r.backend, y0(r), r.fellBack?.reason]).toEqual(['b', 5, 'BACKEND_ERROR']);
  });
  it('resolves unload only after a lazy load under way has settled and its model is disposed', async () => {
    const ctl = new ControlledBackend();
    engine = createEngine({ backends: [ctl] });
    await engine.load('m', { source: 'm', lazy: true });
    ctl.holdLoads();
    const request = engine.infer('m', feedsOf(1)).catch((e: unknown) => e);
    await vi.waitFor(() => expect(ctl.loadsHeld).toBe(1));
    let unloaded = false;
    const unloading = engine.unload('m').then(() => (unloaded = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(unloaded).toBe(false);
    ctl.releaseLoads();
    await unloading;
    expect([ctl.loads, ctl.live.size, engine.stats().memory.heldBytes]).toEqual([1, 0, 0]);
    await request;
  });

  it('does not bring an unloaded name back when a hot swap was loading at the time', async () => {
    const ctl = new ControlledBackend();
    engine = createEngine({ backends: [ctl] });
    await engine.load('m', { source: 'm' });
    ctl.holdLoads();
    const swap = rejectionOf(engine.load('m', { source: 'm', options: { factor: 2 } }));
    await vi.waitFor(() => expect(ctl.loadsHeld).toBe(1));
    const unloading = engine.unload('m');
    ctl.releaseLoads();
    await unloading;
    expect((await swap).code).toBe('CANCELLED');
    expect(engine.list()).toEqual([]);
    expect([ctl.live.size, engine.stats().memory.heldBytes]).toEqual([0, 0]);
  });
  it('never evicts a model whose only requests are queued or parked in the admission pool', async () => {
    const ctl = new ControlledBackend({ memoryBytes: 100 });
    engine = createEngine({ backends: [ctl], config: { maxMemoryBytes: 300, admissionCapacity: 1 } });
    await engine.load('a', { source: file });
    await engine.load('b', { source: file });
    ctl.hold();
    const running = engine.infer('a', feedsOf(1));
    await ctl.whenWaiting(1);
    const parked = engine.infer('b', feedsOf(2));
    await vi.waitFor(() => expect(engine!.info('b').replicas[0]!.queued).toBe(1));
    const full = await rejectionOf(engine.load('c', { source: file }));
    expect(full.code).toBe('OUT_OF_MEMORY');
    expect([engine.info('a').state, engine.info('b').state, engine.stats().evictions]).toEqual(['ready', 'ready', 0]);
    ctl.release();
    expect([y0(await running), y0(await parked)]).toEqual([1, 2]);
  });

  it('reports queue and compute times and stamps the last use of the model', async () => {
    const ctl = new ControlledBackend();
    engine = createEngine({ backends: [ctl] });
    await engine.load('m', { source: 'm' });
    const before = engine.info('m').lastUsedAt;
    const requested = Date.now();
    const r = await engine.infer('m', feedsOf(1));
    for (const ms of [r.timings.queueMs, r.timings.computeMs]) {
      expect(typeof ms).toBe('number');
      expect(Number.isFinite(ms) && ms >= 0).toBe(true);
    }
    const after = engine.info('m').lastUsedAt;
    expect(after).toBeGreaterThanOrEqual(Math.max(before, requested));
    expect(after).toBeLessThanOrEqual(Date.now());
  });
  it('ends the drain early and answers SHUT_DOWN to what is left when the close signal aborts', async () => {
    const ctl = new ControlledBackend();
    engine = createEngine({ backends: [ctl], config: { closeTimeoutMs: 600_000 } });
    await engine.load('m', { source: 'm' });
    ctl.hold();
    const running = engine.infer('m', feedsOf(1)).then(
      () => 'ok',
      (e: unknown) => (e as InferoxError).code,
    );
    const queued = rejectionOf(engine.infer('m', feedsOf(2)));
    await ctl.whenWaiting(1);
    const controller = new AbortController();
    const closing = engine.close({ signal: controller.signal });
    controller.abort(new Error('enough'));
    expect((await queued).code).toBe('SHUT_DOWN');
    ctl.release();
    await closing;
    // The run in progress was hurried too: it settles either way.
    expect(['ok', 'SHUT_DOWN']).toContain(await running);
    expect(ctl.live.size).toBe(0);
  });

  it('names the model and the operation when it refuses work after close, and what was given to inferBatch', async () => {
    const ctl = new ControlledBackend();
    engine = createEngine({ backends: [ctl] });
    await engine.load('m', { source: 'm' });
    const refusedBatch = await rejectionOf(engine.inferBatch('m', 'nope' as never));
    expect(refusedBatch.message).toContain('got a string');
    expect(() => engine!.inferStream('m', null as never)).toThrow(/got null/);
    await engine.close();
    const refused = await rejectionOf(engine.infer('m', feedsOf(1)));
    expect([refused.code, refused.message]).toEqual(['SHUT_DOWN', 'request to "m": the engine is closed']);
    expect((await rejectionOf(engine.load('n', { source: 'n' }))).message).toContain('load of "n"');
    expect((await rejectionOf(engine.unload('m'))).message).toContain('unload of "m"');
  });
  it('cancels a load in flight through its signal when its name is unloaded, before it reaches the backend', async () => {
    const ctl = new ControlledBackend();
    engine = createEngine({ backends: [ctl] });
    await engine.load('m', { source: file });
    const swap = rejectionOf(engine.load('m', { source: file, options: { factor: 2 } }));
    await engine.unload('m');
    const error = await swap;
    expect(error.code).toBe('CANCELLED');
    expect(error.message).toContain('unloaded while it loaded');
    expect([ctl.loads, ctl.live.size, engine.list()]).toEqual([1, 0, []]);
  });
});
