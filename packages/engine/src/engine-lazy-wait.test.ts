import { rejectionOf } from '@inferox/core/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ControlledBackend, type ControlledLoadOptions, feedsOf } from './controlled-backend.fixture';
import { type Engine, createEngine } from './engine';

// A fake clock (timers, Date and performance), so which limit ends a wait for a lazy load is decided by the test,
// never by the machine's speed.
describe('Engine: a request waiting for a lazy load', () => {
  let engine: Engine<ControlledLoadOptions> | undefined;
  let ctl: ControlledBackend;
  afterEach(async () => {
    vi.useRealTimers();
    ctl.releaseLoads();
    await engine?.close();
    engine = undefined;
  });

  /** Waits (by real event-loop turns, not fake time) until the lazy load reached the backend and is held there. */
  async function loadHeld(): Promise<void> {
    while (ctl.loadsHeld < 1) await new Promise((resolve) => setImmediate(resolve));
  }

  async function heldLazyModel(config = {}): Promise<Engine<ControlledLoadOptions>> {
    ctl = new ControlledBackend();
    engine = createEngine({ backends: [ctl], config });
    await engine.load('m', { source: 'm', lazy: true });
    ctl.holdLoads();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'], now: Date.UTC(2026, 0, 2, 3, 4, 5) });
    return engine;
  }

  it('times out with TIMEOUT naming the request and its limit when the timeout comes first, or at the same time as the deadline', async () => {
    const e = await heldLazyModel();
    const waiting = rejectionOf(e.infer('m', feedsOf(1), { timeoutMs: 50, deadline: Date.now() + 50 }));
    await loadHeld();
    await vi.advanceTimersByTimeAsync(49);
    let settled = false;
    void waiting.then(() => (settled = true));
    await Promise.resolve();
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    const error = await waiting;
    expect([error.code, error.message]).toEqual(['TIMEOUT', 'request to m@1 timed out after 50 ms waiting for the model to load']);
  });

  it('misses its deadline with DEADLINE_EXCEEDED naming the deadline when the deadline comes first or there is no timeout', async () => {
    const e = await heldLazyModel();
    const deadline = Date.now() + 20;
    const nearer = rejectionOf(e.infer('m', feedsOf(1), { timeoutMs: 60_000, deadline }));
    const alone = rejectionOf(e.infer('m', feedsOf(2), { deadline }));
    await loadHeld();
    await vi.advanceTimersByTimeAsync(20);
    for (const error of [await nearer, await alone]) {
      expect([error.code, error.message, error.details]).toEqual(['DEADLINE_EXCEEDED', 'request to m@1 missed its deadline (2026-01-02T03:04:05.020Z) waiting for the model to load', { deadline }]);
    }
  });

  it('answers DEADLINE_EXCEEDED at once, without starting the load, when the deadline is now', async () => {
    const e = await heldLazyModel();
    const error = await rejectionOf(e.infer('m', feedsOf(1), { deadline: Date.now() }));
    expect([error.code, error.message]).toEqual(['DEADLINE_EXCEEDED', 'request to m@1 missed its deadline (2026-01-02T03:04:05.000Z) waiting for the model to load']);
    expect([ctl.loadsHeld, e.info('m').state]).toEqual([0, 'lazy']);
  });

  it("spends the engine's default timeout on the wait when the request gives none", async () => {
    const e = await heldLazyModel({ defaultTimeoutMs: 30 });
    const waiting = rejectionOf(e.infer('m', feedsOf(1)));
    await loadHeld();
    await vi.advanceTimersByTimeAsync(30);
    expect((await waiting).message).toBe('request to m@1 timed out after 30 ms waiting for the model to load');
  });

  it('ends the wait with SHUT_DOWN at once when the engine closes without draining, even if the load then finishes, and the model shows as loading meanwhile', async () => {
    const e = await heldLazyModel();
    const waiting = rejectionOf(e.infer('m', feedsOf(1)));
    await loadHeld();
    expect(e.info('m').state).toBe('loading');
    vi.useRealTimers();
    const closing = e.close({ drain: false, timeoutMs: 1000 });
    ctl.releaseLoads();
    const error = await waiting;
    expect([error.code, error.message]).toEqual(['SHUT_DOWN', 'the engine is closing']);
    await closing;
    engine = undefined;
  });

  it('leaves no timer running once the load it waited for finished', async () => {
    const e = await heldLazyModel();
    const waiting = e.infer('m', feedsOf(1), { timeoutMs: 60_000 });
    await loadHeld();
    expect(vi.getTimerCount()).toBe(1);
    ctl.releaseLoads();
    expect(Array.from((await waiting).outputs.y!.data as Float32Array)).toEqual([1, 2]);
    expect(vi.getTimerCount()).toBe(0);
  });
});
