import { Tensor } from '@inferox/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAdmissionPool } from './admission-pool';
import { ControllableExecutors, flushMicrotasks, tagged, track } from './controllable-executor.fixture';
import { createScheduler } from './scheduler';

/** Feeds tagged `tag` with a float32 input `x` of shape [1, width]. */
const row = (tag: string, width = 2) => tagged(tag, { x: Tensor.zeros('float32', [1, width]) });

describe('Scheduler batch planning', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('looks for batch mates among 4 × maxBatchSize queued requests (the leader counted) when that is more than 64', async () => {
    const held = new ControllableExecutors();
    const scheduler = createScheduler({ name: 'm', executors: held.create(1), batching: { maxBatchSize: 20, maxQueueDelayMs: 0 } });
    const outcomes = [track(scheduler.submit(row('busy'))), track(scheduler.submit(row('lead')))];
    for (let i = 0; i < 78; i++) outcomes.push(track(scheduler.submit(row(`wide-${i}`, 3))));
    outcomes.push(track(scheduler.submit(row('80th'))), track(scheduler.submit(row('81st'))));
    held.open('busy').resolve();
    await flushMicrotasks();
    expect(held.order[1]).toEqual(['lead', '80th']);
    while (held.runs.some((r) => !r.done)) {
      for (const run of held.runs.filter((r) => !r.done)) run.resolve();
      await flushMicrotasks();
    }
    expect(outcomes.every((o) => o.state === 'fulfilled')).toBe(true);
    await scheduler.close();
  });

  it('looks among 64 queued requests when 4 × maxBatchSize is less', async () => {
    const held = new ControllableExecutors();
    const scheduler = createScheduler({ name: 'm', executors: held.create(1), batching: { maxBatchSize: 2, maxQueueDelayMs: 0 } });
    const outcomes = [track(scheduler.submit(row('busy'))), track(scheduler.submit(row('lead')))];
    for (let i = 0; i < 62; i++) outcomes.push(track(scheduler.submit(row(`wide-${i}`, 3 + (i % 2)))));
    outcomes.push(track(scheduler.submit(row('64th'))));
    held.open('busy').resolve();
    await flushMicrotasks();
    expect(held.order[1]).toEqual(['lead', '64th']);
    const scheduler2 = createScheduler({ name: 'n', executors: held.create(1), batching: { maxBatchSize: 2, maxQueueDelayMs: 0 } });
    outcomes.push(track(scheduler2.submit(row('busy-2'))), track(scheduler2.submit(row('lead-2'))));
    for (let i = 0; i < 63; i++) outcomes.push(track(scheduler2.submit(row(`wide-2-${i}`, 3 + (i % 2)))));
    outcomes.push(track(scheduler2.submit(row('65th'))));
    held.open('busy-2').resolve();
    await flushMicrotasks();
    expect(held.order.find((tags) => tags.includes('lead-2'))).toEqual(['lead-2']);
    while (held.runs.some((r) => !r.done)) {
      for (const run of held.runs.filter((r) => !r.done)) run.resolve();
      await flushMicrotasks();
    }
    expect(outcomes.every((o) => o.state === 'fulfilled')).toBe(true);
    await Promise.all([scheduler.close(), scheduler2.close()]);
  });

  it('takes a batch mate whose cost fills exactly what is free', async () => {
    const pool = createAdmissionPool({ capacity: 2 });
    const held = new ControllableExecutors();
    const scheduler = createScheduler({ name: 'm', executors: held.create(1), pool, batching: { maxBatchSize: 4, maxQueueDelayMs: 0 } });
    const outcomes = [track(scheduler.submit(row('busy'), { cost: 0 })), track(scheduler.submit(row('a'), { cost: 1 })), track(scheduler.submit(row('b'), { cost: 1 }))];
    held.open('busy').resolve();
    await flushMicrotasks();
    expect(held.order[1]).toEqual(['a', 'b']);
    expect(pool.free).toBe(0);
    held.runs[1]!.resolve();
    await flushMicrotasks();
    expect(outcomes.map((o) => o.state)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
    expect(outcomes[1]!.value!.batchSize).toBe(2);
    await scheduler.close();
  });

  it('drops its batch timer once a batch it waited for fills, and once a waiting leader runs alone past its delay', async () => {
    const held = new ControllableExecutors();
    const scheduler = createScheduler({ name: 'm', executors: held.create(1), batching: { maxBatchSize: 2, maxQueueDelayMs: 100 } });
    const outcomes = [track(scheduler.submit(row('a'))), track(scheduler.submit(row('x', 3)))];
    expect(vi.getTimerCount()).toBe(1);
    outcomes.push(track(scheduler.submit(row('b'))));
    expect(held.order).toEqual([['a', 'b']]);
    expect(vi.getTimerCount()).toBe(0);
    // x leads next; its delay is over (the clock moved, no timer fired) when an incompatible request arrives while
    // the executor is free: x runs alone, and its timer goes with it.
    held.runs[0]!.resolve();
    await flushMicrotasks();
    expect(vi.getTimerCount()).toBe(1);
    vi.setSystemTime(Date.now() + 100);
    outcomes.push(track(scheduler.submit(row('c'))));
    expect(held.order).toEqual([['a', 'b'], ['x']]);
    expect(vi.getTimerCount()).toBe(0);
    held.runs[1]!.resolve();
    await flushMicrotasks();
    await vi.advanceTimersByTimeAsync(100);
    held.runs[2]!.resolve();
    await flushMicrotasks();
    expect(outcomes.map((o) => o.state)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled']);
    expect(outcomes[1]!.value!.alone).toBe('shape-mismatch');
    await scheduler.close();
  });

  it('dispatches a waiting batch when its delay is over, at its timer and not before', async () => {
    const held = new ControllableExecutors();
    const scheduler = createScheduler({ name: 'm', executors: held.create(1), batching: { maxBatchSize: 4, maxQueueDelayMs: 100 } });
    const start = Date.now();
    const outcome = track(scheduler.submit(row('a')));
    expect(held.order).toEqual([]);
    vi.advanceTimersToNextTimer();
    expect(Date.now()).toBe(start + 100);
    expect(held.order).toEqual([['a']]);
    held.runs[0]!.resolve();
    await flushMicrotasks();
    expect(outcome.value!.alone).toBe('delay-expired');
    await scheduler.close();
  });

  it('drops the batch timer when the request it waited for leaves the queue', async () => {
    const held = new ControllableExecutors();
    const scheduler = createScheduler({ name: 'm', executors: held.create(1), batching: { maxBatchSize: 4, maxQueueDelayMs: 100 } });
    const controller = new AbortController();
    const outcome = track(scheduler.submit(row('a'), { signal: controller.signal }));
    expect(vi.getTimerCount()).toBe(1);
    controller.abort();
    await flushMicrotasks();
    expect(outcome.state).toBe('rejected');
    expect(vi.getTimerCount()).toBe(0);
    await scheduler.close();
  });
});
