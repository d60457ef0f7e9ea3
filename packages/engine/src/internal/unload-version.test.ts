import { getEventListeners } from 'node:events';
import { rejectionOf } from '@inferox/core/testing';
import { describe, expect, it, vi } from 'vitest';
import { feedsOf } from '../controlled-backend.fixture';
import { controlledEngines, untilTurns } from '../controlled-engine.fixture';

describe('unloadModel', () => {
  const engines = controlledEngines();
  const start = engines.start;

  it('cancels a load in flight with a cause naming the unloaded version', async () => {
    const e = start();
    await e.load('m@2', { source: 'm' });
    engines.ctl.holdLoads();
    const loading = rejectionOf(e.load('m@2', { source: 'm' }));
    await untilTurns(() => engines.ctl.loadsHeld === 1);
    const unloading = e.unload('m@2');
    const error = await loading;
    expect(error.code).toBe('CANCELLED');
    expect((error.cause as Error).message).toBe('m@2 was unloaded while it loaded');
    engines.ctl.releaseLoads();
    await unloading;
  });

  it("leaves no listener on the caller's signal once the load in flight it waited for settled", async () => {
    const e = start();
    await e.load('m', { source: 'm' });
    engines.ctl.holdLoads();
    const loading = rejectionOf(e.load('m', { source: 'm' }));
    await untilTurns(() => engines.ctl.loadsHeld === 1);
    const caller = new AbortController();
    const unloading = e.unload('m', { signal: caller.signal });
    await loading;
    engines.ctl.releaseLoads();
    await unloading;
    expect(getEventListeners(caller.signal, 'abort')).toEqual([]);
  });

  it("leaves no listener on the caller's signal once the lazy load it waited for settled", async () => {
    const e = start();
    await e.load('m', { source: 'm', lazy: true });
    engines.ctl.holdLoads();
    const request = rejectionOf(e.infer('m', feedsOf(1)));
    await untilTurns(() => engines.ctl.loadsHeld === 1);
    const caller = new AbortController();
    const unloading = e.unload('m', { signal: caller.signal });
    engines.ctl.releaseLoads();
    await unloading;
    await request;
    expect(getEventListeners(caller.signal, 'abort')).toEqual([]);
  });

  it('lets the queued requests of the unloaded version run (it drains)', async () => {
    const e = start();
    await e.load('m', { source: 'm', maxConcurrent: 1 });
    engines.ctl.hold();
    const running = e.infer('m', feedsOf(3));
    await engines.ctl.whenWaiting(1);
    const queued = e.infer('m', feedsOf(5));
    const unloading = e.unload('m');
    engines.ctl.release();
    await unloading;
    expect(Array.from((await running).outputs.y!.data as Float32Array)).toEqual([3, 4]);
    expect(Array.from((await queued).outputs.y!.data as Float32Array)).toEqual([5, 6]);
  });

  it('gives the drain the whole timeoutMs however long the process has run', async () => {
    const e = start();
    await e.load('m', { source: 'm', maxConcurrent: 1 });
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    vi.advanceTimersByTime(600);
    engines.ctl.hold();
    const running = e.infer('m', feedsOf(3));
    await engines.ctl.whenWaiting(1);
    const queued = e.infer('m', feedsOf(5));
    const unloading = e.unload('m', { timeoutMs: 1000 });
    await vi.advanceTimersByTimeAsync(999);
    engines.ctl.release();
    await unloading;
    expect(Array.from((await running).outputs.y!.data as Float32Array)).toEqual([3, 4]);
    expect(Array.from((await queued).outputs.y!.data as Float32Array)).toEqual([5, 6]);
  });
});
