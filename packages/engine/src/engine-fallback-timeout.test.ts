import { rejectionOf } from '@inferox/core/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ControlledBackend, type ControlledLoadOptions, feedsOf } from './controlled-backend.fixture';
import { type Engine, createEngine } from './engine';

// A fake clock (timers and performance): how much of a request's timeout its first attempt used is set by the test.
describe('Engine fallback within the request timeout', () => {
  let engine: Engine<ControlledLoadOptions> | undefined;
  let a: ControlledBackend;
  let b: ControlledBackend;
  afterEach(async () => {
    vi.useRealTimers();
    a.release();
    b.release();
    await engine?.close();
    engine = undefined;
  });

  async function twoReplicas(config = {}): Promise<Engine<ControlledLoadOptions>> {
    a = new ControlledBackend({ name: 'a' });
    b = new ControlledBackend({ name: 'b' });
    engine = createEngine({ backends: [a, b], config });
    await engine.load('m', { source: 'm', backends: ['a', 'b'] });
    a.hold();
    a.failNext('BACKEND_ERROR');
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    return engine;
  }

  it('answers TIMEOUT instead of trying the next replica when the failed attempt used up the timeout', async () => {
    const e = await twoReplicas();
    const pending = rejectionOf(e.infer('m', feedsOf(1), { timeoutMs: 50 }));
    await a.whenWaiting(1);
    await vi.advanceTimersByTimeAsync(50);
    a.release();
    const error = await pending;
    expect([error.code, error.message]).toEqual(['TIMEOUT', 'request to m@1 timed out after 50 ms']);
    expect(b.runs).toEqual([]);
    const stats = e.stats();
    expect([stats.requests.fallbacks, stats.requests.failed]).toEqual([1, { TIMEOUT: 1 }]);
  });

  it("spends the engine's default timeout the same way when the request gives none", async () => {
    const e = await twoReplicas({ defaultTimeoutMs: 40 });
    const pending = rejectionOf(e.infer('m', feedsOf(1)));
    await a.whenWaiting(1);
    await vi.advanceTimersByTimeAsync(40);
    a.release();
    expect((await pending).message).toBe('request to m@1 timed out after 40 ms');
  });

  it('tries the next replica with the time left when some remains, and reports the fallback', async () => {
    const e = await twoReplicas();
    const pending = e.infer('m', feedsOf(1), { timeoutMs: 50 });
    await a.whenWaiting(1);
    await vi.advanceTimersByTimeAsync(49);
    a.release();
    const result = await pending;
    expect([result.backend, result.fellBack]).toEqual(['b', { from: 'a', reason: 'BACKEND_ERROR', message: 'injected BACKEND_ERROR on a' }]);
    expect(b.runs.map((r) => r.first)).toEqual([1]);
  });
});
