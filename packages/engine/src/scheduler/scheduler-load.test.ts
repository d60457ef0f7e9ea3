import { Tensor, type TensorMap } from '@inferox/core';
import { describe, expect, it } from 'vitest';
import { createAdmissionPool } from './admission-pool';
import { PRIORITIES } from './priority';
import { createScheduler } from './scheduler';

describe('Scheduler under load', () => {
  it('settles 10,000 concurrent requests exactly once with none lost when some are cancelled and some time out', async () => {
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
    const settled = new Array<number>(count).fill(0);
    const results = Array.from({ length: count }, (_, i) => {
      const controller = new AbortController();
      controllers.push(controller);
      return scheduler
        .submit({ id: Tensor.from('int32', [i], [1]) }, { priority: PRIORITIES[i % 4]!, cost: 1 + (i % 3), signal: controller.signal, ...(i % 97 === 0 ? { timeoutMs: 1 } : {}) })
        .then(
          (r) => {
            settled[i]!++;
            return r.outputs['id']!.toArray()[0] === i ? 'ok' : 'wrong';
          },
          () => {
            settled[i]!++;
            return 'failed';
          },
        );
    });
    for (let i = 0; i < count; i += 50) controllers[i]!.abort();
    const outcomes = await Promise.all(results);
    await scheduler.close();
    expect(settled.every((n) => n === 1)).toBe(true);
    expect(outcomes.filter((o) => o === 'wrong')).toEqual([]);
    expect(outcomes.filter((o) => o === 'ok').length).toBeGreaterThan(count * 0.9);
    const stats = scheduler.stats();
    const failed = Object.values(stats.failed).reduce((a, b) => a + (b ?? 0), 0);
    expect(stats.completed + failed).toBe(count);
    expect(peak).toBeLessThanOrEqual(8);
    expect(pool.used).toBe(0);
    expect(Object.keys(stats.batches).some((size) => Number(size) > 1)).toBe(true);
  });
});
