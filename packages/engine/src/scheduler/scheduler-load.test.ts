import { Tensor, type TensorMap } from '@inferox/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createAdmissionPool } from './admission-pool';
import { PRIORITIES } from './priority';
import { createScheduler } from './scheduler';

describe('Scheduler under load', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('settles 10,000 concurrent requests exactly once with none lost when some are cancelled and some time out', async () => {
    // Fake clock (setTimeout and Date only; setImmediate stays real so the executors run): a request times out
    // when the test advances the clock, not when the machine happens to be slow, so every outcome is exact.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const pool = createAdmissionPool({ capacity: 64 });
    let inFlight = 0;
    let peak = 0;
    const executor = async (feeds: TensorMap) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise<void>((resolve) => setImmediate(resolve));
      inFlight--;
      return { id: feeds['id']! };
    };
    const scheduler = createScheduler({
      name: 'load',
      executors: [executor, executor],
      maxConcurrent: 4,
      maxQueueSize: 20_000,
      pool,
      batching: { maxBatchSize: 16, maxQueueDelayMs: 0 },
    });
    const count = 10_000;
    const controllers: AbortController[] = [];
    // Per request: how many times each callback fired, and with what.
    const settlements = Array.from({ length: count }, () => [] as string[]);
    let settledTotal = 0;
    const record = (i: number, outcome: string): void => {
      settlements[i]!.push(outcome);
      settledTotal++;
    };
    for (let i = 0; i < count; i++) {
      const controller = new AbortController();
      controllers.push(controller);
      void scheduler
        .submit({ id: Tensor.from('int32', [i], [1]) }, { priority: PRIORITIES[i % 4]!, cost: 1 + (i % 3), signal: controller.signal, ...(i % 97 === 0 ? { timeoutMs: 1 } : {}) })
        .then(
          (r) => record(i, r.outputs['id']!.toArray()[0] === i ? 'ok' : `wrong:${String(r.outputs['id']!.toArray()[0])}`),
          (error: unknown) => record(i, (error as { code?: string }).code ?? String(error)),
        );
    }
    // Cancel every 50th, then let every 97th time out, before any run has had a turn to finish.
    for (let i = 0; i < count; i += 50) controllers[i]!.abort();
    vi.advanceTimersByTime(1);
    // Bounded wait that names the requests still unsettled (a lost request fails here, not as a test timeout).
    await vi.waitFor(
      () => {
        const unsettled = settlements.flatMap((s, i) => (s.length === 0 ? [i] : []));
        expect(unsettled.length, `unsettled requests (first 10): ${unsettled.slice(0, 10).join(', ')}`).toBe(0);
      },
      { timeout: 15_000, interval: 10 },
    );
    await scheduler.close();
    // Exactly one settlement per request, none twice.
    expect(settledTotal).toBe(count);
    expect(settlements.flatMap((s, i) => (s.length === 1 ? [] : [{ i, s }]))).toEqual([]);
    const expected = Array.from({ length: count }, (_, i) => (i % 50 === 0 ? 'CANCELLED' : i % 97 === 0 ? 'TIMEOUT' : 'ok'));
    const mismatches = settlements.flatMap((s, i) => (s[0] === expected[i] ? [] : [{ i, got: s[0], want: expected[i] }]));
    expect(mismatches.slice(0, 10)).toEqual([]);
    const stats = scheduler.stats();
    expect(stats.completed).toBe(count - 200 - 101);
    expect(stats.failed).toEqual({ CANCELLED: 200, TIMEOUT: 101 });
    expect(peak).toBeLessThanOrEqual(8);
    expect(pool.used).toBe(0);
    expect(Object.keys(stats.batches).some((size) => Number(size) > 1)).toBe(true);
  });
});
