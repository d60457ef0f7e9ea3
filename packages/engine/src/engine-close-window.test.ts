import { getEventListeners } from 'node:events';
import type { ModelHandle, ModelSource, SignalOptions } from '@inferox/core';
import { rejectionOf } from '@inferox/core/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ControlledBackend, type ControlledLoadOptions, feedsOf } from './controlled-backend.fixture';
import { untilTurns } from './controlled-engine.fixture';
import { createEngine } from './engine';

/** A controlled backend that keeps the signal of every load the engine started. */
class SignalRecordingBackend extends ControlledBackend {
  readonly loadSignals: (AbortSignal | undefined)[] = [];
  override loadModel(source: ModelSource, given?: ControlledLoadOptions, extra?: SignalOptions): Promise<ModelHandle> {
    this.loadSignals.push(extra?.signal);
    return super.loadModel(source, given);
  }
}

describe('Engine close', () => {
  afterEach(() => void vi.useRealTimers());

  it('lets a running request finish within timeoutMs when not draining, however long the process has run', async () => {
    const ctl = new ControlledBackend();
    const engine = createEngine({ backends: [ctl], config: { maxConcurrent: 1 } });
    await engine.load('m', { source: 'm' });
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    vi.advanceTimersByTime(600);
    ctl.hold();
    const running = engine.infer('m', feedsOf(3));
    await ctl.whenWaiting(1);
    const closing = engine.close({ drain: false, timeoutMs: 1000 });
    await vi.advanceTimersByTimeAsync(999);
    ctl.release();
    await closing;
    expect(Array.from((await running).outputs.y!.data as Float32Array)).toEqual([3, 4]);
  });

  it("leaves no timer running and no listener on the caller's signal once closed", async () => {
    const ctl = new ControlledBackend();
    const engine = createEngine({ backends: [ctl] });
    await engine.load('m', { source: 'm' });
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const stop = new AbortController();
    await engine.close({ timeoutMs: 600_000, signal: stop.signal });
    expect([vi.getTimerCount(), getEventListeners(stop.signal, 'abort').length, ctl.disposed]).toEqual([0, 0, true]);
  });

  it('cancels a load in flight when close() is called, draining or not, beside a loaded model, before it returns', async () => {
    for (const drain of [true, false]) {
      const ctl = new SignalRecordingBackend();
      const engine = createEngine({ backends: [ctl] });
      await engine.load('other', { source: 'other' });
      ctl.holdLoads();
      const loading = rejectionOf(engine.load('m', { source: 'm' }));
      await untilTurns(() => ctl.loadsHeld === 1);
      const closing = engine.close({ drain, timeoutMs: 600_000 });
      // The backend is told at once, so nothing it finishes from now on is installed.
      expect(ctl.loadSignals.map((s) => s?.aborted)).toEqual([true, true]);
      ctl.releaseLoads();
      const error = await loading;
      expect([error.code, error.message, (error.cause as Error).message]).toEqual(['SHUT_DOWN', 'the engine closed while m@1 was loading', 'the engine is closing']);
      await closing;
      expect(ctl.live.size).toBe(0);
    }
  });

  // Whichever microtask close() lands on while a lazy load completes, the request that waited for it is answered
  // (it ran first) or gets SHUT_DOWN: never an error of the model table close has just emptied.
  it('answers a request whose lazy load completes as close() is called with its result or SHUT_DOWN, never another error', async () => {
    const outcomes = new Set<string>();
    for (let turns = 0; turns <= 40; turns++) {
      const ctl = new ControlledBackend();
      const engine = createEngine({ backends: [ctl] });
      await engine.load('m', { source: 'm', lazy: true });
      ctl.holdLoads();
      const request = engine.infer('m', feedsOf(1)).then(
        () => 'answered',
        (error: { code: string; message: string }) => `${error.code}: ${error.message}`,
      );
      await untilTurns(() => ctl.loadsHeld === 1);
      ctl.releaseLoads();
      for (let i = 0; i < turns; i++) await Promise.resolve();
      const closing = engine.close({ drain: false });
      outcomes.add(await request);
      await closing;
    }
    expect([...outcomes].filter((o) => o !== 'answered' && !o.startsWith('SHUT_DOWN: '))).toEqual([]);
    expect([...outcomes].sort()).toEqual(['SHUT_DOWN: request to m@1: the engine is closed', 'SHUT_DOWN: the engine is closing', 'answered']);
  });
});
