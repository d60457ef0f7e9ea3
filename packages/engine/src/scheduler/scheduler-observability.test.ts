import { InferoxError, type Logger } from '@inferox/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAdmissionPool } from './admission-pool';
import { ControllableExecutors, flushMicrotasks, tagged, track } from './controllable-executor.fixture';
import { arbiterOf } from './internal/pool-arbiter';
import { type SchedulerOptions, createScheduler } from './scheduler';

type LogCall = [level: string, message: string, fields: Record<string, unknown>];

/** A logger recording every call, in order. */
function recordingLogger(): { logger: Logger; calls: LogCall[] } {
  const calls: LogCall[] = [];
  const at =
    (level: string) =>
    (message: string, fields?: Record<string, unknown>): void => {
      calls.push([level, message, fields ?? {}]);
    };
  return { logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }, calls };
}

function setup(options: Partial<SchedulerOptions> & { executorCount?: number } = {}) {
  const held = new ControllableExecutors();
  const { executorCount = 1, ...rest } = options;
  const { logger, calls } = recordingLogger();
  const scheduler = createScheduler({ name: 'bert', executors: held.create(executorCount), logger, ...rest });
  return { held, scheduler, calls };
}

describe('Scheduler stats and logs', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('reports every figure of stats() exactly as requests queue, run, fail and complete', async () => {
    const { held, scheduler } = setup({ maxQueueSize: 2 });
    expect(scheduler.stats()).toEqual({
      name: 'bert',
      submitted: 0,
      completed: 0,
      failed: {},
      rejected: 0,
      queued: 0,
      running: 0,
      executing: 0,
      batches: {},
      alone: {},
      closed: false,
    });
    const a = track(scheduler.submit(tagged('a')));
    const b = track(scheduler.submit(tagged('b')));
    track(scheduler.submit(tagged('c')));
    const full = track(scheduler.submit(tagged('d')));
    await flushMicrotasks();
    expect(full.state).toBe('rejected');
    expect(scheduler.stats()).toEqual({
      name: 'bert',
      submitted: 4,
      completed: 0,
      failed: { QUEUE_FULL: 1 },
      rejected: 1,
      queued: 2,
      running: 1,
      executing: 1,
      batches: { 1: 1 },
      alone: { 'batching-off': 1 },
      closed: false,
    });
    held.open('a').resolve();
    await flushMicrotasks();
    held.open('b').reject(new Error('model broke'));
    await flushMicrotasks();
    expect([a.state, b.state]).toEqual(['fulfilled', 'rejected']);
    const closed = scheduler.close();
    held.open('c').resolve();
    await closed;
    expect(scheduler.stats()).toEqual({
      name: 'bert',
      submitted: 4,
      completed: 2,
      failed: { QUEUE_FULL: 1, BACKEND_ERROR: 1 },
      rejected: 1,
      queued: 0,
      running: 0,
      executing: 0,
      batches: { 1: 3 },
      alone: { 'batching-off': 3 },
      closed: true,
    });
  });

  it('hands out copies of its counts, so a caller editing a snapshot changes nothing', async () => {
    const { held, scheduler } = setup();
    track(scheduler.submit(tagged('a')));
    held.open('a').reject(new InferoxError('INVALID_INPUT', 'bad row'));
    await flushMicrotasks();
    const snapshot = scheduler.stats();
    // The types say readonly; a JavaScript caller may write anyway.
    (snapshot.failed as Record<string, number>)['INVALID_INPUT'] = 99;
    (snapshot.batches as Record<number, number>)[1] = 99;
    (snapshot.alone as Record<string, number>)['batching-off'] = 99;
    expect(scheduler.stats()).toMatchObject({ failed: { INVALID_INPUT: 1 }, batches: { 1: 1 }, alone: { 'batching-off': 1 } });
    await scheduler.close();
  });

  it('counts the running batch once in executing and each of its requests in running', async () => {
    const held = new ControllableExecutors();
    const scheduler = createScheduler({ name: 'bert', executors: held.create(1), batching: { maxBatchSize: 4, maxQueueDelayMs: 0 } });
    track(scheduler.submit(tagged('busy')));
    track(scheduler.submit(tagged('x')));
    track(scheduler.submit(tagged('y')));
    held.open('busy').resolve();
    await flushMicrotasks();
    expect(held.order).toEqual([['busy'], ['x', 'y']]);
    expect(scheduler.stats()).toMatchObject({ running: 2, executing: 1, queued: 0, batches: { 1: 1, 2: 1 }, alone: { 'queue-empty': 1 } });
    held.open('x').resolve();
    await flushMicrotasks();
    await scheduler.close();
  });

  it('logs each dispatch and each failed run at debug level with the scheduler name, size, executor and code', async () => {
    const { held, scheduler, calls } = setup({ executorCount: 2 });
    track(scheduler.submit(tagged('a')));
    track(scheduler.submit(tagged('b')));
    expect(calls).toEqual([
      ['debug', 'scheduler dispatch', { scheduler: 'bert', size: 1, executor: 0, alone: 'batching-off' }],
      ['debug', 'scheduler dispatch', { scheduler: 'bert', size: 1, executor: 1, alone: 'batching-off' }],
    ]);
    calls.length = 0;
    held.open('a').resolve();
    held.open('b').reject(new InferoxError('INVALID_INPUT', 'bad row'));
    await flushMicrotasks();
    expect(calls).toEqual([['debug', 'scheduler run failed', { scheduler: 'bert', size: 1, code: 'INVALID_INPUT' }]]);
    await scheduler.close();
  });

  it('logs a batched dispatch without a reason to run alone', async () => {
    const held = new ControllableExecutors();
    const { logger, calls } = recordingLogger();
    const scheduler = createScheduler({ name: 'bert', executors: held.create(1), logger, batching: { maxBatchSize: 2, maxQueueDelayMs: 0 } });
    track(scheduler.submit(tagged('busy')));
    track(scheduler.submit(tagged('x')));
    track(scheduler.submit(tagged('y')));
    held.open('busy').resolve();
    await flushMicrotasks();
    expect(calls).toEqual([
      ['debug', 'scheduler dispatch', { scheduler: 'bert', size: 1, executor: 0, alone: 'queue-empty' }],
      ['debug', 'scheduler dispatch', { scheduler: 'bert', size: 2, executor: 0, alone: undefined }],
    ]);
    held.open('x').resolve();
    await flushMicrotasks();
    await scheduler.close();
  });

  it('logs a warning with the error when the pool dispatch throws inside submit', async () => {
    const pool = createAdmissionPool({ capacity: 1 });
    const { scheduler, calls } = setup({ pool });
    const bug = new Error('client bug');
    const faulty = {
      candidate: (): never => {
        throw bug;
      },
      start: () => {},
    };
    arbiterOf(pool).attach(faulty);
    const outcome = track(scheduler.submit(tagged('a')));
    await flushMicrotasks();
    expect(outcome.state).toBe('rejected');
    expect((outcome.error as Error).message).toBe('dispatch of "bert": client bug');
    expect(calls).toEqual([['warn', 'scheduler dispatch threw', { scheduler: 'bert', error: bug }]]);
    arbiterOf(pool).detach(faulty);
    await scheduler.close();
  });

  it('leaves a request the pool dispatch started to its run when the dispatch throws afterwards', async () => {
    const pool = createAdmissionPool({ capacity: 1 });
    const { held, scheduler, calls } = setup({ pool });
    const bug = new Error('client bug');
    let asked = 0;
    // Proposes nothing the first time (so the scheduler's request starts), then throws.
    const faulty = {
      candidate: (): undefined => {
        asked++;
        if (asked > 1) throw bug;
        return undefined;
      },
      start: () => {},
    };
    arbiterOf(pool).attach(faulty);
    const outcome = track(scheduler.submit(tagged('a')));
    await flushMicrotasks();
    expect(calls.filter(([level]) => level === 'warn')).toEqual([['warn', 'scheduler dispatch threw', { scheduler: 'bert', error: bug }]]);
    expect(held.order).toEqual([['a']]);
    expect(outcome.state).toBe('pending');
    arbiterOf(pool).detach(faulty);
    held.open('a').resolve();
    await flushMicrotasks();
    expect(outcome.state).toBe('fulfilled');
    expect(scheduler.stats()).toMatchObject({ completed: 1, failed: {} });
    await scheduler.close();
  });
});
