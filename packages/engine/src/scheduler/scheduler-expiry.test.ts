import { type InferoxError, Tensor, type TensorMap } from '@inferox/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAdmissionPool } from './admission-pool';
import { ControllableExecutors, flushMicrotasks, tagged, track } from './controllable-executor.fixture';
import { type SchedulerOptions, createScheduler } from './scheduler';

function setup(options: Partial<SchedulerOptions> = {}) {
  const held = new ControllableExecutors();
  const scheduler = createScheduler({ name: 'm', executors: held.create(1), ...options });
  return { held, scheduler };
}

/** Code, message and details of a rejection. */
const described = (error: unknown): [string, string, unknown] => [(error as InferoxError).code, (error as InferoxError).message, (error as InferoxError).details];

/** Feeds tagged `tag` with a float32 [1, width] input `x`. */
const shaped = (tag: string, width: number): TensorMap => tagged(tag, { x: Tensor.from('float32', new Array<number>(width).fill(1), [1, width]) });

describe('Scheduler expiry and answers', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('answers DEADLINE_EXCEEDED when the deadline and the timeout fall on the same instant', async () => {
    const { held, scheduler } = setup();
    track(scheduler.submit(tagged('busy')));
    const deadline = Date.now() + 100;
    const both = track(scheduler.submit(tagged('both'), { deadline, timeoutMs: 100 }));
    await vi.advanceTimersByTimeAsync(100);
    expect(described(both.error)).toEqual(['DEADLINE_EXCEEDED', `request to "m" missed its deadline (${new Date(deadline).toISOString()}) while queued`, { deadline }]);
    held.open('busy').resolve();
    await scheduler.close();
  });

  it('says how long the timeout was and where the request was when it struck', async () => {
    const { held, scheduler } = setup();
    const running = track(scheduler.submit(tagged('running'), { timeoutMs: 250 }));
    const queued = track(scheduler.submit(tagged('queued'), { timeoutMs: 100, deadline: Date.now() + 101 }));
    await vi.advanceTimersByTimeAsync(100);
    expect(described(queued.error)).toEqual(['TIMEOUT', 'request to "m" timed out after 100 ms while queued', { timeoutMs: 100 }]);
    expect(running.state).toBe('pending');
    await vi.advanceTimersByTimeAsync(150);
    expect(described(running.error)).toEqual(['TIMEOUT', 'request to "m" timed out after 250 ms while running', { timeoutMs: 250 }]);
    held.open('running').resolve();
    await scheduler.close();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('names the executor and what it returned when a run answers null, and says when it rejected without a reason', async () => {
    let calls = 0;
    const scheduler = createScheduler({
      name: 'm',
      executors: [
        () => {
          calls += 1;
          return calls === 1 ? Promise.resolve(null as never) : Promise.reject(undefined as never);
        },
      ],
    });
    const nothing = track(scheduler.submit(tagged('a')));
    await flushMicrotasks();
    const noReason = track(scheduler.submit(tagged('b')));
    await flushMicrotasks();
    expect(described(nothing.error).slice(0, 2)).toEqual(['BACKEND_ERROR', 'executor 0 of "m" returned null instead of named tensors']);
    expect(described(noReason.error).slice(0, 2)).toEqual(['BACKEND_ERROR', 'run of "m" on executor 0: executor rejected without a reason']);
    await scheduler.close();
  });

  it('runs an older request at once when the batch leader that made it wait is cancelled after its delay is over', async () => {
    const { held, scheduler } = setup({ batching: { maxBatchSize: 2, maxQueueDelayMs: 10 } });
    const older = track(scheduler.submit(shaped('older', 1)));
    await vi.advanceTimersByTimeAsync(5);
    const controller = new AbortController();
    track(scheduler.submit(shaped('leader', 2), { priority: 'high', signal: controller.signal }));
    await vi.advanceTimersByTimeAsync(7);
    // At 12 ms the older request's delay is over, but the high-priority leader waits until 15 ms.
    expect(held.runs).toHaveLength(0);
    controller.abort();
    await flushMicrotasks();
    expect(held.order).toEqual([['older']]);
    held.open('older').resolve();
    await flushMicrotasks();
    expect(older.value).toMatchObject({ alone: 'delay-expired', queueMs: 12 });
    await scheduler.close();
  });

  it('drops the batch timer when a batch fills before its delay, even while the rest still waits', async () => {
    const { held, scheduler } = setup({ batching: { maxBatchSize: 2, maxQueueDelayMs: 100 } });
    track(scheduler.submit(tagged('a')));
    expect(vi.getTimerCount()).toBe(1);
    track(scheduler.submit(tagged('b')));
    track(scheduler.submit(tagged('c')));
    expect(held.order).toEqual([['a', 'b']]);
    expect(vi.getTimerCount()).toBe(0);
    held.open('a').resolve();
    await flushMicrotasks();
    // c waits for a mate from its own arrival.
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(100);
    expect(held.order).toEqual([['a', 'b'], ['c']]);
    held.open('c').resolve();
    await scheduler.close();
  });

  it('starts a request costing exactly what is free after an earlier scan found nothing that fits', async () => {
    const pool = createAdmissionPool({ capacity: 3 });
    const { held, scheduler } = setup({ pool, maxConcurrent: 4 });
    track(scheduler.submit(tagged('one'), { cost: 1 }));
    track(scheduler.submit(tagged('three'), { cost: 3 }));
    expect(held.runningTags).toEqual(['one']);
    track(scheduler.submit(tagged('two'), { cost: 2 }));
    expect(held.runningTags).toEqual(['one', 'two']);
    held.open('one').resolve();
    held.open('two').resolve();
    await flushMicrotasks();
    expect(held.runningTags).toEqual(['three']);
    held.open('three').resolve();
    await scheduler.close();
  });
});
