import { rejectionOf } from '@inferox/core/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ControlledBackend, type ControlledLoadOptions, feedsOf } from '../controlled-backend.fixture';
import { type Engine, createEngine } from '../engine';

/** Real event-loop turns until `ready()` holds. */
async function until(ready: () => boolean): Promise<void> {
  while (!ready()) await new Promise((resolve) => setImmediate(resolve));
}

describe('awaitLazyLoad', () => {
  let engine: Engine<ControlledLoadOptions> | undefined;
  let ctl: ControlledBackend;
  afterEach(async () => {
    vi.useRealTimers();
    ctl.releaseLoads();
    ctl.release();
    await engine?.close();
    engine = undefined;
  });

  async function lazyHeld(): Promise<Engine<ControlledLoadOptions>> {
    ctl = new ControlledBackend();
    engine = createEngine({ backends: [ctl] });
    await engine.load('m', { source: 'm', lazy: true });
    ctl.holdLoads();
    return engine;
  }

  it("ends a request's wait for the load when its signal aborts, naming the request", async () => {
    const e = await lazyHeld();
    const caller = new AbortController();
    const request = rejectionOf(e.infer('m', feedsOf(1), { signal: caller.signal }));
    await until(() => ctl.loadsHeld === 1);
    caller.abort();
    const error = await request;
    expect([error.code, error.message]).toEqual(['CANCELLED', 'request to m@1 was cancelled by its signal']);
  });

  it("ends a request's wait with a timeout when its signal aborts first, naming the request", async () => {
    const e = await lazyHeld();
    const caller = new AbortController();
    const request = rejectionOf(e.infer('m', feedsOf(1), { signal: caller.signal, timeoutMs: 60_000 }));
    await until(() => ctl.loadsHeld === 1);
    caller.abort();
    const error = await request;
    expect([error.code, error.message]).toEqual(['CANCELLED', 'request to m@1 was cancelled by its signal']);
  });

  it('gives TIMEOUT once timeoutMs passed while the model loads, before a farther deadline', async () => {
    const e = await lazyHeld();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const request = rejectionOf(e.infer('m', feedsOf(1), { timeoutMs: 50, deadline: Date.now() + 3_600_000 }));
    await until(() => ctl.loadsHeld === 1);
    await vi.advanceTimersByTimeAsync(50);
    const error = await request;
    expect(error.code).toBe('TIMEOUT');
    // The timeout the caller gave, not what was left of it when the wait began (49.99... ms).
    expect(error.message).toBe('request to m@1 timed out after 50 ms waiting for the model to load');
  });
});
