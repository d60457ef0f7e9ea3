import { ErrorCode } from '@inferox/core';
import { rejectionOf } from '@inferox/core/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ControlledBackend, type ControlledLoadOptions, feedsOf } from './controlled-backend.fixture';
import { type Engine, createEngine } from './engine';

describe('Engine dispatch', () => {
  let engine: Engine<ControlledLoadOptions> | undefined;
  afterEach(async () => {
    vi.useRealTimers();
    await engine?.close();
    engine = undefined;
  });

  it('records queue and compute time in seconds', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const ctl = new ControlledBackend({ name: 'ctl' });
    engine = createEngine({ backends: [ctl] });
    await engine.load('m', { source: 'm' });
    ctl.hold();
    const first = engine.infer('m', feedsOf(1));
    await ctl.whenWaiting(1);
    const second = engine.infer('m', feedsOf(2));
    vi.setSystemTime(Date.now() + 3000);
    ctl.release();
    const results = await Promise.all([first, second]);
    expect(results.map((r) => r.timings)).toEqual([
      { queueMs: 0, computeMs: 3000 },
      { queueMs: 3000, computeMs: 0 },
    ]);
    const text = await engine.metrics.metrics();
    expect(text).toContain('inferox_queue_duration_seconds_sum{model="m",backend="ctl"} 3\n');
    expect(text).toContain('inferox_compute_duration_seconds_sum{model="m",backend="ctl"} 3\n');
  });

  it('answers with the first error and tries no other replica when fallback is off', async () => {
    const a = new ControlledBackend({ name: 'a' });
    const b = new ControlledBackend({ name: 'b' });
    engine = createEngine({ backends: [a, b], config: { fallback: false } });
    await engine.load('m', { source: 'm', backends: ['a', 'b'] });
    a.failNext(ErrorCode.BACKEND_ERROR);
    await expect(engine.infer('m', feedsOf(1))).rejects.toHaveProperty('code', ErrorCode.BACKEND_ERROR);
    expect([a.runs.length, b.runs.length]).toEqual([1, 0]);
  });

  it('answers BACKEND_UNAVAILABLE naming the backend when its backend disposed the model behind the engine', async () => {
    const a = new ControlledBackend({ name: 'a' });
    engine = createEngine({ backends: [a] });
    await engine.load('m', { source: 'm' });
    for (const handle of a.live) await handle.dispose();
    await expect(engine.infer('m', feedsOf(1))).rejects.toMatchObject({
      code: ErrorCode.BACKEND_UNAVAILABLE,
      message: 'backend "a" of m@1 is unavailable',
      details: { backend: 'a' },
    });
  });

  it('gives the next replica only the time the failed attempt left of the request timeout', async () => {
    const a = new ControlledBackend({ name: 'a' });
    const b = new ControlledBackend({ name: 'b' });
    engine = createEngine({ backends: [a, b] });
    await engine.load('m', { source: 'm', backends: ['a', 'b'] });
    a.hold();
    b.hold();
    a.failNext(ErrorCode.BACKEND_ERROR);
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance', 'Date'] });
    const pending = rejectionOf(engine.infer('m', feedsOf(1), { timeoutMs: 50 }));
    await a.whenWaiting(1);
    await vi.advanceTimersByTimeAsync(30);
    a.release();
    await b.whenWaiting(1);
    await vi.advanceTimersByTimeAsync(20);
    b.release();
    expect((await pending).code).toBe(ErrorCode.TIMEOUT);
  });
});
