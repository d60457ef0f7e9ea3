import { getEventListeners } from 'node:events';
import { rejectionOf } from '@inferox/core/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ControlledBackend, type ControlledLoadOptions, feedsOf } from '../controlled-backend.fixture';
import { type Engine, createEngine } from '../engine';

/** Real event-loop turns until `ready()` holds. */
async function until(ready: () => boolean): Promise<void> {
  while (!ready()) await new Promise((resolve) => setImmediate(resolve));
}

describe('unloadModel', () => {
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

  it('cancels a load in flight with a cause naming the unloaded version', async () => {
    const e = start();
    await e.load('m@2', { source: 'm' });
    ctl.holdLoads();
    const loading = rejectionOf(e.load('m@2', { source: 'm' }));
    await until(() => ctl.loadsHeld === 1);
    const unloading = e.unload('m@2');
    const error = await loading;
    expect(error.code).toBe('CANCELLED');
    expect((error.cause as Error).message).toBe('m@2 was unloaded while it loaded');
    ctl.releaseLoads();
    await unloading;
  });

  it("leaves no listener on the caller's signal once the load in flight it waited for settled", async () => {
    const e = start();
    await e.load('m', { source: 'm' });
    ctl.holdLoads();
    const loading = rejectionOf(e.load('m', { source: 'm' }));
    await until(() => ctl.loadsHeld === 1);
    const caller = new AbortController();
    const unloading = e.unload('m', { signal: caller.signal });
    await loading;
    ctl.releaseLoads();
    await unloading;
    expect(getEventListeners(caller.signal, 'abort')).toEqual([]);
  });

  it("leaves no listener on the caller's signal once the lazy load it waited for settled", async () => {
    const e = start();
    await e.load('m', { source: 'm', lazy: true });
    ctl.holdLoads();
    const request = rejectionOf(e.infer('m', feedsOf(1)));
    await until(() => ctl.loadsHeld === 1);
    const caller = new AbortController();
    const unloading = e.unload('m', { signal: caller.signal });
    ctl.releaseLoads();
    await unloading;
    await request;
    expect(getEventListeners(caller.signal, 'abort')).toEqual([]);
  });

  it('lets the queued requests of the unloaded version run (it drains)', async () => {
    const e = start();
    await e.load('m', { source: 'm', maxConcurrent: 1 });
    ctl.hold();
    const running = e.infer('m', feedsOf(3));
    await ctl.whenWaiting(1);
    const queued = e.infer('m', feedsOf(5));
    const unloading = e.unload('m');
    ctl.release();
    await unloading;
    expect(Array.from((await running).outputs.y!.data as Float32Array)).toEqual([3, 4]);
    expect(Array.from((await queued).outputs.y!.data as Float32Array)).toEqual([5, 6]);
  });

  it('gives the drain the whole timeoutMs however long the process has run', async () => {
    const e = start();
    await e.load('m', { source: 'm', maxConcurrent: 1 });
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    vi.advanceTimersByTime(600);
    ctl.hold();
    const running = e.infer('m', feedsOf(3));
    await ctl.whenWaiting(1);
    const queued = e.infer('m', feedsOf(5));
    const unloading = e.unload('m', { timeoutMs: 1000 });
    await vi.advanceTimersByTimeAsync(999);
    ctl.release();
    await unloading;
    expect(Array.from((await running).outputs.y!.data as Float32Array)).toEqual([3, 4]);
    expect(Array.from((await queued).outputs.y!.data as Float32Array)).toEqual([5, 6]);
  });
});
