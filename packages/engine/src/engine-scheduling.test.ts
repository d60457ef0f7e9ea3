import { isInferoxError } from '@inferox/core';
import { afterEach, describe, expect, it } from 'vitest';
import { type Engine, createEngine } from './engine';
import { ControlledBackend, type ControlledLoadOptions, feedsOf } from './controlled-backend.fixture';

const code = (p: Promise<unknown>): Promise<string> =>
  p.then(
    () => 'ok',
    (e: unknown) => (isInferoxError(e) ? e.code : String(e)),
  );

describe('Engine scheduling', () => {
  let engine: Engine<ControlledLoadOptions>;
  afterEach(async () => {
    await engine.close();
  });

  it('shares one admission pool between every model of the engine', async () => {
    const ctl = new ControlledBackend();
    engine = createEngine({ backends: [ctl], config: { admissionCapacity: 1 } });
    await engine.load('a', { source: 'a' });
    await engine.load('b', { source: 'b' });
    ctl.hold();
    const first = engine.infer('a', feedsOf(1));
    const second = engine.infer('b', feedsOf(2));
    await ctl.whenWaiting(1);
    expect(ctl.runs.map((r) => r.model)).toEqual(['a']);
    expect(engine.stats().requests).toMatchObject({ inFlight: 1, queued: 1 });
    ctl.release(1);
    await first;
    await ctl.whenWaiting(1);
    expect(ctl.runs.map((r) => r.model)).toEqual(['a', 'b']);
    ctl.release();
    await second;
    expect(await code(engine.infer('a', feedsOf(1), { cost: 2 }))).toBe('OUT_OF_MEMORY');
  });

  it('serves queued requests by priority, FIFO within one', async () => {
    const ctl = new ControlledBackend();
    engine = createEngine({ backends: [ctl] });
    await engine.load('m', { source: 'm' });
    ctl.hold();
    const blocker = engine.infer('m', feedsOf(0));
    await ctl.whenWaiting(1);
    const order = [
      engine.infer('m', feedsOf(1), { priority: 'low' }),
      engine.infer('m', feedsOf(2), { priority: 'normal' }),
      engine.infer('m', feedsOf(3), { priority: 'critical' }),
      engine.infer('m', feedsOf(4), { priority: 'normal' }),
      engine.infer('m', feedsOf(5), { priority: 'high' }),
    ];
    ctl.release();
    await Promise.all([blocker, ...order]);
    expect(ctl.runs.map((r) => r.first)).toEqual([0, 3, 5, 2, 4, 1]);
    const values = await Promise.all(order.map(async (p) => ((await p).outputs.y!.data as Float32Array)[0]));
    expect(values).toEqual([1, 2, 3, 4, 5]);
  });

  it('applies timeouts, deadlines, queue bounds and the engine default timeout', async () => {
    const ctl = new ControlledBackend();
    engine = createEngine({ backends: [ctl], config: { defaultTimeoutMs: 5, maxQueueSize: 1 } });
    await engine.load('m', { source: 'm' });
    ctl.hold();
    const running = code(engine.infer('m', feedsOf(1), { timeoutMs: 60_000 }));
    await ctl.whenWaiting(1);
    const timedOut = code(engine.infer('m', feedsOf(2)));
    expect(await code(engine.infer('m', feedsOf(3), { timeoutMs: 60_000 }))).toBe('QUEUE_FULL');
    expect(await timedOut).toBe('TIMEOUT');
    expect(await code(engine.infer('m', feedsOf(4), { deadline: Date.now() - 1 }))).toBe('DEADLINE_EXCEEDED');
    expect(await code(engine.infer('m', feedsOf(5), { priority: 'urgent' as never }))).toBe('INVALID_INPUT');
    ctl.release();
    expect(await running).toBe('ok');
  });

  it('cancels a queued request at once when its signal aborts', async () => {
    const ctl = new ControlledBackend();
    engine = createEngine({ backends: [ctl] });
    await engine.load('m', { source: 'm' });
    ctl.hold();
    const running = engine.infer('m', feedsOf(1));
    await ctl.whenWaiting(1);
    const controller = new AbortController();
    const queued = code(engine.infer('m', feedsOf(2), { signal: controller.signal }));
    controller.abort(new Error('user left'));
    expect(await queued).toBe('CANCELLED');
    ctl.release();
    await running;
    expect(ctl.runs.length).toBe(1);
  });

  it('batches queued requests of one model into one run and splits the outputs back', async () => {
    const ctl = new ControlledBackend();
    engine = createEngine({ backends: [ctl] });
    await engine.load('m', { source: 'm', options: { factor: 3 }, batching: { maxBatchSize: 4, maxQueueDelayMs: 0 } });
    ctl.hold();
    const first = engine.infer('m', feedsOf(0));
    await ctl.whenWaiting(1);
    const rest = [1, 2, 3].map((v) => engine.infer('m', feedsOf(v)));
    ctl.release();
    const results = await Promise.all([first, ...rest]);
    expect(results.map((r) => (r.outputs.y!.data as Float32Array)[0])).toEqual([0, 3, 6, 9]);
    expect(results.map((r) => r.batchSize)).toEqual([1, 3, 3, 3]);
    expect(ctl.runs.map((r) => r.rows)).toEqual([1, 3]);
    expect(engine.stats().batches.sizes).toEqual({ 1: 1, 3: 1 });
  });
});
