import { getEventListeners } from 'node:events';
import { isInferoxError } from '@inferox/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAdmissionPool } from './admission-pool';
import { ControllableExecutors, flushMicrotasks, tagged, track } from './controllable-executor.fixture';
import { type SchedulerOptions, createScheduler } from './scheduler';

function setup(options: Partial<SchedulerOptions> = {}) {
  const held = new ControllableExecutors();
  const scheduler = createScheduler({ name: 'm', executors: held.create(1), ...options });
  return { held, scheduler };
}

const codeOf = (error: unknown): string | undefined => (isInferoxError(error) ? error.code : undefined);

describe('Scheduler close', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('arms no drain timer without drain, so running work finishes however long it takes', async () => {
    const { held, scheduler } = setup();
    const running = track(scheduler.submit(tagged('running')));
    const closed = track(scheduler.close({ drain: false, timeoutMs: 1000 }));
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(5000);
    expect([running.state, closed.state, held.runs[0]!.signal.aborted]).toEqual(['pending', 'pending', false]);
    held.open('running').resolve();
    await flushMicrotasks();
    expect([running.state, closed.state]).toEqual(['fulfilled', 'fulfilled']);
  });

  it('arms no drain timer for an Infinity timeout and waits for the drain', async () => {
    const { held, scheduler } = setup();
    const running = track(scheduler.submit(tagged('running')));
    const closed = track(scheduler.close({ timeoutMs: Number.POSITIVE_INFINITY }));
    expect(vi.getTimerCount()).toBe(0);
    held.open('running').resolve();
    await flushMicrotasks();
    expect([running.state, closed.state]).toEqual(['fulfilled', 'fulfilled']);
  });

  it('ends the drain at once for a timeout of 0, answering running work with SHUT_DOWN', async () => {
    const { held, scheduler } = setup();
    const running = track(scheduler.submit(tagged('running')));
    const queued = track(scheduler.submit(tagged('queued')));
    const closed = track(scheduler.close({ timeoutMs: 0 }));
    await vi.advanceTimersByTimeAsync(0);
    expect([codeOf(running.error), codeOf(queued.error)]).toEqual(['SHUT_DOWN', 'SHUT_DOWN']);
    expect((running.error as Error).message).toBe('scheduler "m" closed: the drain did not finish within 0 ms');
    expect(held.runs[0]!.signal.aborted).toBe(true);
    held.open('running').reject(new Error('aborted'));
    await flushMicrotasks();
    expect(closed.state).toBe('fulfilled');
    expect(held.runs).toHaveLength(1);
  });

  it('caps a drain timeout beyond the longest setTimeout delay instead of firing at once', async () => {
    const { held, scheduler } = setup();
    const running = track(scheduler.submit(tagged('running')));
    const closed = track(scheduler.close({ timeoutMs: 2 ** 32 }));
    await vi.advanceTimersByTimeAsync(1000);
    expect([running.state, closed.state]).toEqual(['pending', 'pending']);
    await vi.advanceTimersByTimeAsync(2 ** 31 - 1 - 1000);
    expect(codeOf(running.error)).toBe('SHUT_DOWN');
    expect((running.error as Error).message).toBe(`scheduler "m" closed: the drain did not finish within ${2 ** 32} ms`);
    held.open('running').resolve();
    await flushMicrotasks();
    expect(closed.state).toBe('fulfilled');
  });

  it('removes its listener from the close signal once closed, and each request\'s listener once settled', async () => {
    const { held, scheduler } = setup({ maxConcurrent: 2 });
    const done = new AbortController();
    const cancelledWhileQueued = new AbortController();
    const stop = new AbortController();
    const a = track(scheduler.submit(tagged('a'), { signal: done.signal }));
    const b = track(scheduler.submit(tagged('b'), { signal: done.signal }));
    const c = track(scheduler.submit(tagged('c'), { signal: cancelledWhileQueued.signal }));
    expect(getEventListeners(done.signal, 'abort')).toHaveLength(2);
    held.open('a').resolve();
    held.open('b').reject(new Error('model broke'));
    await flushMicrotasks();
    expect([a.state, b.state]).toEqual(['fulfilled', 'rejected']);
    expect(getEventListeners(done.signal, 'abort')).toHaveLength(0);
    const closed = track(scheduler.close({ signal: stop.signal }));
    expect(getEventListeners(stop.signal, 'abort')).toHaveLength(1);
    held.open('c').resolve();
    await flushMicrotasks();
    expect([c.state, closed.state]).toEqual(['fulfilled', 'fulfilled']);
    expect(getEventListeners(cancelledWhileQueued.signal, 'abort')).toHaveLength(0);
    expect(getEventListeners(stop.signal, 'abort')).toHaveLength(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('resolves a drain as soon as the last queued request is cancelled, while another scheduler holds the pool', async () => {
    const pool = createAdmissionPool({ capacity: 1 });
    const other = setup({ name: 'other', pool });
    const { held, scheduler } = setup({ pool });
    track(other.scheduler.submit(tagged('holder')));
    const controller = new AbortController();
    const parked = track(scheduler.submit(tagged('parked'), { signal: controller.signal }));
    const closed = track(scheduler.close({ timeoutMs: 60_000 }));
    await flushMicrotasks();
    expect([parked.state, closed.state]).toEqual(['pending', 'pending']);
    controller.abort();
    await flushMicrotasks();
    expect([codeOf(parked.error), closed.state]).toEqual(['CANCELLED', 'fulfilled']);
    expect(vi.getTimerCount()).toBe(0);
    expect(held.runs).toHaveLength(0);
    other.held.open('holder').resolve();
    await other.scheduler.close();
  });
});
