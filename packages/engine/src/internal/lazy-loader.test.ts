import { rejectionOf } from '@inferox/core/testing';
import { describe, expect, it, vi } from 'vitest';
import { type ControlledLoadOptions, feedsOf } from '../controlled-backend.fixture';
import { controlledEngines, untilTurns } from '../controlled-engine.fixture';
import type { Engine } from '../engine';

describe('awaitLazyLoad', () => {
  const engines = controlledEngines();

  async function lazyHeld(): Promise<Engine<ControlledLoadOptions>> {
    const engine = engines.start();
    await engine.load('m', { source: 'm', lazy: true });
    engines.ctl.holdLoads();
    return engine;
  }

  it("ends a request's wait for the load when its signal aborts, naming the request", async () => {
    const e = await lazyHeld();
    const caller = new AbortController();
    const request = rejectionOf(e.infer('m', feedsOf(1), { signal: caller.signal }));
    await untilTurns(() => engines.ctl.loadsHeld === 1);
    caller.abort();
    const error = await request;
    expect([error.code, error.message]).toEqual(['CANCELLED', 'request to m@1 was cancelled by its signal']);
  });

  it("ends a request's wait with a timeout when its signal aborts first, naming the request", async () => {
    const e = await lazyHeld();
    const caller = new AbortController();
    const request = rejectionOf(e.infer('m', feedsOf(1), { signal: caller.signal, timeoutMs: 60_000 }));
    await untilTurns(() => engines.ctl.loadsHeld === 1);
    caller.abort();
    const error = await request;
    expect([error.code, error.message]).toEqual(['CANCELLED', 'request to m@1 was cancelled by its signal']);
  });

  it('gives TIMEOUT once timeoutMs passed while the model loads, before a farther deadline', async () => {
    const e = await lazyHeld();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const request = rejectionOf(e.infer('m', feedsOf(1), { timeoutMs: 50, deadline: Date.now() + 3_600_000 }));
    await untilTurns(() => engines.ctl.loadsHeld === 1);
    await vi.advanceTimersByTimeAsync(50);
    const error = await request;
    expect(error.code).toBe('TIMEOUT');
    // The timeout the caller gave, not what was left of it when the wait began (49.99... ms).
    expect(error.message).toBe('request to m@1 timed out after 50 ms waiting for the model to load');
  });
});
