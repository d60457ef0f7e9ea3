import { rejectionOf } from '@inferox/core/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ControlledBackend, feedsOf } from './controlled-backend.fixture';
import { untilTurns } from './controlled-engine.fixture';
import { createEngine } from './engine';

// A fake clock (timers and performance): when close gives up on a drain is decided by the test, not the machine.
describe('Engine close timing', () => {
  let ctl: ControlledBackend;
  afterEach(() => {
    vi.useRealTimers();
    ctl.release();
  });

  async function busyEngine(): Promise<{ engine: ReturnType<typeof createEngine>; running: Promise<unknown>; queued: Promise<unknown> }> {
    ctl = new ControlledBackend();
    const engine = createEngine({ backends: [ctl], config: { maxConcurrent: 1 } });
    await engine.load('m', { source: 'm' });
    ctl.hold();
    const running = engine.infer('m', feedsOf(1)).catch((error: unknown) => error);
    await ctl.whenWaiting(1);
    const queued = engine.infer('m', feedsOf(2));
    queued.catch(() => undefined);
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    return { engine, running, queued };
  }

  it('ends the drain at once when the close signal is already aborted: what is queued gets SHUT_DOWN, no time passes', async () => {
    const { engine, running, queued } = await busyEngine();
    const stop = new AbortController();
    stop.abort(new Error('now'));
    let closed = false;
    const closing = engine.close({ signal: stop.signal, timeoutMs: 600_000 }).then(() => (closed = true));
    const error = await rejectionOf(queued);
    expect(error.code).toBe('SHUT_DOWN');
    await untilTurns(() => closed);
    await closing;
    expect([ctl.live.size, ctl.disposed]).toEqual([1, false]);
    vi.useRealTimers();
    ctl.release();
    expect(await running).toMatchObject({ code: 'SHUT_DOWN' });
    await untilTurns(() => ctl.disposed);
    expect(ctl.live.size).toBe(0);
  });

  it('drains for exactly its timeout when a run never returns, then answers SHUT_DOWN to what is left', async () => {
    const { engine, running, queued } = await busyEngine();
    let closed = false;
    const closing = engine.close({ drain: true, timeoutMs: 100 }).then(() => (closed = true));
    await vi.advanceTimersByTimeAsync(99);
    expect(closed).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await closing;
    expect((await rejectionOf(queued)).code).toBe('SHUT_DOWN');
    expect([ctl.live.size, ctl.disposed]).toEqual([1, false]);
    vi.useRealTimers();
    ctl.release();
    expect(await running).toMatchObject({ code: 'SHUT_DOWN' });
    await untilTurns(() => ctl.disposed);
  });

  it('lets queued requests finish when the running one returns within the timeout, and disposes everything', async () => {
    const { engine, running, queued } = await busyEngine();
    let closed = false;
    const closing = engine.close({ drain: true, timeoutMs: 100 }).then(() => (closed = true));
    await vi.advanceTimersByTimeAsync(50);
    expect(closed).toBe(false);
    ctl.release();
    await closing;
    expect([await running, await queued]).toMatchObject([{ backend: 'ctl' }, { backend: 'ctl' }]);
    expect(ctl.runs.map((r) => r.first)).toEqual([1, 2]);
    expect([ctl.live.size, ctl.disposed]).toEqual([0, true]);
  });
});
