import { rejectionOf } from '@inferox/core/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ControlledBackend, type ControlledLoadOptions, feedsOf } from './controlled-backend.fixture';
import { type Engine, createEngine } from './engine';

/** Real event-loop turns until `ready()` holds (the fake clock, when installed, does not move). */
async function until(ready: () => boolean): Promise<void> {
  while (!ready()) await new Promise((resolve) => setImmediate(resolve));
}

describe('Engine unload', () => {
  let engine: Engine<ControlledLoadOptions> | undefined;
  let ctl: ControlledBackend;
  afterEach(async () => {
    vi.useRealTimers();
    ctl.releaseLoads();
    ctl.release();
    await engine?.close();
    engine = undefined;
  });

  function start(): Engine<ControlledLoadOptions> {
    ctl = new ControlledBackend();
    engine = createEngine({ backends: [ctl] });
    return engine;
  }

  it('cancels only the in-flight loads of the unloaded version, with CANCELLED naming it, and lets the others install', async () => {
    const e = start();
    await e.load('m@1', { source: 'm' });
    await e.load('m@2', { source: 'm' });
    ctl.holdLoads();
    const swapOne = e.load('m@1', { source: 'm', options: { factor: 2 } });
    const swapTwo = rejectionOf(e.load('m@2', { source: 'm', options: { factor: 3 } }));
    const other = e.load('n', { source: 'n' });
    await until(() => ctl.loadsHeld === 3);
    const unloading = e.unload('m@2');
    const error = await swapTwo;
    expect([error.code, error.message, error.details]).toEqual(['CANCELLED', 'load of m@2 was cancelled: the model was unloaded while it loaded', { model: 'm' }]);
    ctl.releaseLoads();
    await unloading;
    expect([(await swapOne).version, (await other).name]).toEqual([1, 'n']);
    expect(e.list().map((m) => `${m.name}@${m.version}`)).toEqual(['m@1', 'n@1']);
    expect(e.info('m@1').metadata.factor).toBe('2');
  });

  it('cancels every in-flight load of a name unloaded without a version', async () => {
    const e = start();
    await e.load('m@1', { source: 'm' });
    ctl.holdLoads();
    const two = rejectionOf(e.load('m@2', { source: 'm' }));
    const other = e.load('n', { source: 'n' });
    await until(() => ctl.loadsHeld === 2);
    const unloading = e.unload('m');
    expect((await two).code).toBe('CANCELLED');
    ctl.releaseLoads();
    await unloading;
    expect((await other).name).toBe('n');
    expect(e.list().map((m) => m.name)).toEqual(['n']);
  });

  it('waits for a cancelled load still in its backend no longer than its timeout', async () => {
    const e = start();
    await e.load('m', { source: 'm' });
    ctl.holdLoads();
    const swap = rejectionOf(e.load('m', { source: 'm', options: { factor: 2 } }));
    await until(() => ctl.loadsHeld === 1);
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    let done = false;
    const unloading = e.unload('m', { timeoutMs: 50 }).then(() => (done = true));
    expect((await swap).code).toBe('CANCELLED');
    await vi.advanceTimersByTimeAsync(49);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await unloading;
    expect([done, ctl.loadsHeld]).toEqual([true, 1]);
  });

  it('waits for a lazy load under way no longer than its timeout, and the load then retires what it loaded', async () => {
    const e = start();
    await e.load('m', { source: 'm', lazy: true });
    ctl.holdLoads();
    const request = rejectionOf(e.infer('m', feedsOf(1)));
    await until(() => ctl.loadsHeld === 1);
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    let done = false;
    const unloading = e.unload('m', { timeoutMs: 30 }).then(() => (done = true));
    await vi.advanceTimersByTimeAsync(29);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await unloading;
    vi.useRealTimers();
    expect(e.list()).toEqual([]);
    ctl.releaseLoads();
    await request;
    await until(() => ctl.loads === 1 && ctl.live.size === 0);
    expect([ctl.loads, ctl.live.size]).toEqual([1, 0]);
  });

  it('stops waiting with CANCELLED naming the unload when its signal aborts, and the model is gone at once', async () => {
    const e = start();
    await e.load('m', { source: 'm' });
    ctl.hold();
    const running = e.infer('m', feedsOf(1));
    await ctl.whenWaiting(1);
    const stop = new AbortController();
    const unloading = rejectionOf(e.unload('m', { signal: stop.signal, timeoutMs: 60_000 }));
    expect((await rejectionOf(e.infer('m', feedsOf(2)))).code).toBe('MODEL_NOT_FOUND');
    stop.abort(new Error('enough'));
    const error = await unloading;
    expect([error.code, error.message]).toEqual(['CANCELLED', expect.stringContaining('unload of m')]);
    ctl.release();
    expect((await running).backend).toBe('ctl');
    await until(() => ctl.live.size === 0);
  });

  it('answers MODEL_NOT_FOUND for a name or version it does not have', async () => {
    const e = start();
    await e.load('m', { source: 'm' });
    expect((await rejectionOf(e.unload('nope'))).code).toBe('MODEL_NOT_FOUND');
    expect((await rejectionOf(e.unload('m@2'))).code).toBe('MODEL_NOT_FOUND');
    expect(e.list().map((m) => m.name)).toEqual(['m']);
  });
});
