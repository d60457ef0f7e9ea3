import { rejectionOf } from '@inferox/core/testing';
import { describe, expect, it, vi } from 'vitest';
import { feedsOf } from './controlled-backend.fixture';
import { controlledEngines, untilTurns } from './controlled-engine.fixture';

describe('Engine unload', () => {
  const engines = controlledEngines();
  const start = engines.start;

  it('cancels only the in-flight loads of the unloaded version, with CANCELLED naming it, and lets the others install', async () => {
    const e = start();
    await e.load('m@1', { source: 'm' });
    await e.load('m@2', { source: 'm' });
    engines.ctl.holdLoads();
    const swapOne = e.load('m@1', { source: 'm', options: { factor: 2 } });
    const swapTwo = rejectionOf(e.load('m@2', { source: 'm', options: { factor: 3 } }));
    const other = e.load('n', { source: 'n' });
    await untilTurns(() => engines.ctl.loadsHeld === 3);
    const unloading = e.unload('m@2');
    const error = await swapTwo;
    expect([error.code, error.message, error.details]).toEqual(['CANCELLED', 'load of m@2 was cancelled: the model was unloaded while it loaded', { model: 'm' }]);
    engines.ctl.releaseLoads();
    await unloading;
    expect([(await swapOne).version, (await other).name]).toEqual([1, 'n']);
    expect(e.list().map((m) => `${m.name}@${m.version}`)).toEqual(['m@1', 'n@1']);
    expect(e.info('m@1').metadata.factor).toBe('2');
  });

  it('cancels every in-flight load of a name unloaded without a version', async () => {
    const e = start();
    await e.load('m@1', { source: 'm' });
    engines.ctl.holdLoads();
    const two = rejectionOf(e.load('m@2', { source: 'm' }));
    const other = e.load('n', { source: 'n' });
    await untilTurns(() => engines.ctl.loadsHeld === 2);
    const unloading = e.unload('m');
    expect((await two).code).toBe('CANCELLED');
    engines.ctl.releaseLoads();
    await unloading;
    expect((await other).name).toBe('n');
    expect(e.list().map((m) => m.name)).toEqual(['n']);
  });

  it('waits for a cancelled load still in its backend no longer than its timeout', async () => {
    const e = start();
    await e.load('m', { source: 'm' });
    engines.ctl.holdLoads();
    const swap = rejectionOf(e.load('m', { source: 'm', options: { factor: 2 } }));
    await untilTurns(() => engines.ctl.loadsHeld === 1);
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    let done = false;
    const unloading = e.unload('m', { timeoutMs: 50 }).then(() => (done = true));
    expect((await swap).code).toBe('CANCELLED');
    await vi.advanceTimersByTimeAsync(49);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await unloading;
    expect([done, engines.ctl.loadsHeld]).toEqual([true, 1]);
  });

  it('waits for a lazy load under way no longer than its timeout, and the load then retires what it loaded', async () => {
    const e = start();
    await e.load('m', { source: 'm', lazy: true });
    engines.ctl.holdLoads();
    const request = rejectionOf(e.infer('m', feedsOf(1)));
    await untilTurns(() => engines.ctl.loadsHeld === 1);
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    let done = false;
    const unloading = e.unload('m', { timeoutMs: 30 }).then(() => (done = true));
    await vi.advanceTimersByTimeAsync(29);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await unloading;
    vi.useRealTimers();
    expect(e.list()).toEqual([]);
    engines.ctl.releaseLoads();
    await request;
    await untilTurns(() => engines.ctl.loads === 1 && engines.ctl.live.size === 0);
    expect([engines.ctl.loads, engines.ctl.live.size]).toEqual([1, 0]);
  });

  it('stops waiting with CANCELLED naming the unload when its signal aborts, and the model is gone at once', async () => {
    const e = start();
    await e.load('m', { source: 'm' });
    engines.ctl.hold();
    const running = e.infer('m', feedsOf(1));
    await engines.ctl.whenWaiting(1);
    const stop = new AbortController();
    const unloading = rejectionOf(e.unload('m', { signal: stop.signal, timeoutMs: 60_000 }));
    expect((await rejectionOf(e.infer('m', feedsOf(2)))).code).toBe('MODEL_NOT_FOUND');
    stop.abort(new Error('enough'));
    const error = await unloading;
    expect([error.code, error.message]).toEqual(['CANCELLED', expect.stringContaining('unload of m')]);
    engines.ctl.release();
    expect((await running).backend).toBe('ctl');
    await untilTurns(() => engines.ctl.live.size === 0);
  });

  it('answers MODEL_NOT_FOUND for a name or version it does not have', async () => {
    const e = start();
    await e.load('m', { source: 'm' });
    expect((await rejectionOf(e.unload('nope'))).code).toBe('MODEL_NOT_FOUND');
    expect((await rejectionOf(e.unload('m@2'))).code).toBe('MODEL_NOT_FOUND');
    expect(e.list().map((m) => m.name)).toEqual(['m']);
  });
});
