import { Tensor, isInferoxError } from '@inferox/core';
import { describe, expect, it } from 'vitest';
import { createAdmissionPool } from './admission-pool';
import { ControllableExecutors, flushMicrotasks, tagged, track } from './controllable-executor.fixture';
import { PoolArbiter } from './internal/pool-arbiter';
import { createScheduler } from './scheduler';

describe('AdmissionPool', () => {
  it('reports capacity, used and free as schedulers reserve and release', async () => {
    const pool = createAdmissionPool({ capacity: 5 });
    const held = new ControllableExecutors();
    const scheduler = createScheduler({ name: 'm', executors: held.create(1), pool, maxConcurrent: 3 });
    expect([pool.capacity, pool.used, pool.free]).toEqual([5, 0, 5]);
    track(scheduler.submit(tagged('a'), { cost: 2 }));
    track(scheduler.submit(tagged('b'), { cost: 0 }));
    expect([pool.used, pool.free]).toEqual([2, 3]);
    held.open('a').resolve();
    held.open('b').resolve();
    await flushMicrotasks();
    expect([pool.used, pool.free]).toEqual([0, 5]);
    await scheduler.close();
  });

  it('starts a request costing the whole capacity when fractional costs ran and finished before it', async () => {
    const pool = createAdmissionPool({ capacity: 0.6 });
    const held = new ControllableExecutors();
    const scheduler = createScheduler({ name: 'm', executors: held.create(1), pool, maxConcurrent: 4 });
    const done = [track(scheduler.submit(tagged('a'), { cost: 0.1 })), track(scheduler.submit(tagged('b'), { cost: 0.3 }))];
    held.open('a').resolve();
    await flushMicrotasks();
    held.open('b').resolve();
    await flushMicrotasks();
    expect(done.map((d) => d.state)).toEqual(['fulfilled', 'fulfilled']);
    expect([pool.used, pool.free]).toEqual([0, 0.6]);
    const whole = track(scheduler.submit(tagged('whole'), { cost: 0.6 }));
    expect(held.runningTags).toEqual(['whole']);
    held.open('whole').resolve();
    await flushMicrotasks();
    expect(whole.state).toBe('fulfilled');
    await scheduler.close();
  });

  it('takes Infinity as a capacity without limit', () => {
    const pool = createAdmissionPool({ capacity: Number.POSITIVE_INFINITY });
    expect(pool.free).toBe(Number.POSITIVE_INFINITY);
  });

  it('runs requests of any finite cost side by side when the capacity is Infinity', async () => {
    const pool = createAdmissionPool({ capacity: Number.POSITIVE_INFINITY });
    const held = new ControllableExecutors();
    const scheduler = createScheduler({ name: 'm', executors: held.create(1), pool, maxConcurrent: 3 });
    const outcomes = [track(scheduler.submit(tagged('huge'), { cost: Number.MAX_VALUE })), track(scheduler.submit(tagged('big'), { cost: 1e300 }))];
    outcomes.push(track(scheduler.submit(tagged('small'), { cost: 1 })));
    expect(held.runningTags).toEqual(['big', 'huge', 'small']);
    expect(pool.free).toBe(Number.POSITIVE_INFINITY);
    for (const tag of ['huge', 'big', 'small']) held.open(tag).resolve();
    await flushMicrotasks();
    expect(outcomes.map((o) => o.state)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
    expect([pool.used, pool.free]).toEqual([0, Number.POSITIVE_INFINITY]);
    await scheduler.close();
  });

  it('refuses with INTERNAL a reservation beyond what is free', () => {
    const arbiter = new PoolArbiter(3);
    expect(arbiter.reserve(2)).toBeTypeOf('number');
    let error: unknown;
    try {
      arbiter.reserve(2);
    } catch (e) {
      error = e;
    }
    expect(isInferoxError(error, 'INTERNAL')).toBe(true);
    expect((error as Error).message).toContain('reserving 2 with 1 of 3 free');
  });

  it('starts work submitted from inside an executor in the same dispatch', async () => {
    const pool = createAdmissionPool({ capacity: 2 });
    const held = new ControllableExecutors();
    const inner = createScheduler({ name: 'inner', executors: held.create(1), pool });
    const innerResult: { state?: string }[] = [];
    const startedDuringExecutor: number[] = [];
    const outer = createScheduler({
      name: 'outer',
      pool,
      executors: [
        async (feeds) => {
          // Re-entrant: the pool is dispatching this very run; the inner request starts once this start returns.
          innerResult.push(track(inner.submit(tagged('inner'))));
          startedDuringExecutor.push(held.runningTags.length);
          return { ...feeds, n: Tensor.from('int32', [1], [1]) };
        },
      ],
    });
    const pending = outer.submit(tagged('outer'));
    expect(startedDuringExecutor).toEqual([0]);
    expect(held.runningTags).toEqual(['inner']);
    const result = await pending;
    expect(result.outputs['n']!.toArray()).toEqual([1]);
    held.open('inner').resolve();
    await flushMicrotasks();
    expect(innerResult[0]!.state).toBe('fulfilled');
    await Promise.all([outer.close(), inner.close()]);
  });

  it('serves the pool across schedulers by priority first, then by arrival, whichever scheduler joined it first', async () => {
    const pool = createAdmissionPool({ capacity: 1 });
    const first = new ControllableExecutors();
    const second = new ControllableExecutors();
    const a = createScheduler({ name: 'a', executors: first.create(1), pool });
    const b = createScheduler({ name: 'b', executors: second.create(1), pool });
    const outcomes = [track(a.submit(tagged('a-busy')))];
    outcomes.push(track(a.submit(tagged('a-low'), { priority: 'low' })));
    outcomes.push(track(b.submit(tagged('b-normal'), { priority: 'normal' })));
    outcomes.push(track(a.submit(tagged('a-normal'), { priority: 'normal' })));
    outcomes.push(track(b.submit(tagged('b-high'), { priority: 'high' })));
    outcomes.push(track(a.submit(tagged('a-critical'), { priority: 'critical' })));
    const order: string[] = [];
    for (let i = 0; i < 6; i++) {
      const running = [...first.runningTags, ...second.runningTags];
      expect(running).toHaveLength(1);
      order.push(running[0]!);
      (first.runningTags.length > 0 ? first : second).open(running[0]!).resolve();
      await flushMicrotasks();
    }
    expect(order).toEqual(['a-busy', 'a-critical', 'b-high', 'b-normal', 'a-normal', 'a-low']);
    expect(outcomes.every((o) => o.state === 'fulfilled')).toBe(true);
    await Promise.all([a.close(), b.close()]);
  });
});
