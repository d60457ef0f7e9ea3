import { type InferoxError, Tensor } from '@inferox/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAdmissionPool } from './admission-pool';
import { ControllableExecutors, flushMicrotasks, tagged, track } from './controllable-executor.fixture';
import { PRIORITIES, priorityRank } from './priority';
import { type SchedulerOptions, createScheduler } from './scheduler';
import { thrownBy } from '@inferox/core/testing';


const run = async () => ({});
const make = (options: Partial<SchedulerOptions>) => createScheduler({ name: 'm', executors: [run], ...options });

describe('Scheduler validation', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('names the scheduler, the option and the value, in the message and the details, when an option is invalid', () => {
    const cases: [Partial<SchedulerOptions>, string, Record<string, unknown>][] = [
      [{ maxConcurrent: 0 }, 'scheduler "m": maxConcurrent must be a positive integer or Infinity, got 0', { maxConcurrent: 0 }],
      [{ maxQueueSize: Number.NaN }, 'scheduler "m": maxQueueSize must be a positive integer or Infinity, got NaN', { maxQueueSize: Number.NaN }],
      [{ maxQueueSize: '4' as unknown as number }, 'scheduler "m": maxQueueSize must be a positive integer or Infinity, got 4', { maxQueueSize: '4' }],
      [
        { batching: { maxBatchSize: Number.POSITIVE_INFINITY, maxQueueDelayMs: 0 } },
        'scheduler "m": batching.maxBatchSize must be a positive integer, got Infinity',
        { 'batching.maxBatchSize': Number.POSITIVE_INFINITY },
      ],
      [{ batching: { maxBatchSize: 4, maxQueueDelayMs: Number.POSITIVE_INFINITY } }, 'scheduler "m": batching.maxQueueDelayMs must be a finite number ≥ 0, got Infinity', { maxQueueDelayMs: Number.POSITIVE_INFINITY }],
      [{ batching: { maxBatchSize: 4, maxQueueDelayMs: '1' as unknown as number } }, 'scheduler "m": batching.maxQueueDelayMs must be a finite number ≥ 0, got 1', { maxQueueDelayMs: '1' }],
      [{ batching: { maxBatchSize: 4, maxQueueDelayMs: 0, preferredBatchSizes: [2.5] } }, 'scheduler "m": batching.preferredBatchSizes holds 2.5; each must be an integer in [2, 4]', { preferredBatchSize: 2.5 }],
      [{ batching: { maxBatchSize: 4, maxQueueDelayMs: 0, padding: { inputs: ['ids', 3 as unknown as string] } } }, 'scheduler "m": batching.padding.inputs must be an array of input names', { inputs: ['ids', 3] }],
      [{ batching: { maxBatchSize: 4, maxQueueDelayMs: 0, padding: { inputs: ['ids'], value: '0' as unknown as number } } }, 'scheduler "m": batching.padding.value must be a number, got 0', { value: '0' }],
      [{ batching: { maxBatchSize: 4, maxQueueDelayMs: 0, padding: { inputs: ['ids'], outputs: 'y' as unknown as string[] } } }, 'scheduler "m": batching.padding.outputs must be an array of output names', { outputs: 'y' }],
      [{ batching: { maxBatchSize: 4, maxQueueDelayMs: 0, padding: { inputs: ['ids'], outputs: ['y', 3 as unknown as string] } } }, 'scheduler "m": batching.padding.outputs must be an array of output names', { outputs: ['y', 3] }],
      [{ batching: { maxBatchSize: 4, maxQueueDelayMs: 0, preferredBatchSizes: [5] } }, 'scheduler "m": batching.preferredBatchSizes holds 5; each must be an integer in [2, 4]', { preferredBatchSize: 5 }],
      [{ executors: [run, 'run' as never] }, 'scheduler "m": executors must be a non-empty array of functions', {}],
      [{ executors: run as never }, 'scheduler "m": executors must be a non-empty array of functions', {}],
      [{ name: 7 as unknown as string }, 'scheduler "7": name must be a non-empty string, got 7', { name: 7 }],
    ];
    for (const [options, message, details] of cases) {
      const error = thrownBy(() => make(options));
      expect([error.code, error.message, error.details]).toEqual(['INVALID_INPUT', message, details]);
    }
    const notAnObject = thrownBy(() => createScheduler('m' as unknown as SchedulerOptions));
    expect([notAnObject.code, notAnObject.message]).toEqual(['INVALID_INPUT', 'scheduler "?": options must be an object']);
  });

  it('accepts Infinity for maxConcurrent and maxQueueSize, a delay of 0 and padding without a value or outputs', async () => {
    const held = new ControllableExecutors();
    const scheduler = createScheduler({
      name: 'm',
      executors: held.create(1),
      maxConcurrent: Number.POSITIVE_INFINITY,
      maxQueueSize: Number.POSITIVE_INFINITY,
      batching: { maxBatchSize: 1, maxQueueDelayMs: 0, padding: { inputs: ['ids'] } },
    });
    // A preferred size equal to maxBatchSize, and an empty list of outputs to cut, are valid too.
    expect(() => make({ batching: { maxBatchSize: 4, maxQueueDelayMs: 0, preferredBatchSizes: [4], padding: { inputs: ['ids'], outputs: [] } } })).not.toThrow();
    const outcomes = ['a', 'b', 'c'].map((t) => track(scheduler.submit(tagged(t))));
    expect(held.runningTags).toEqual(['a', 'b', 'c']);
    for (const r of held.runs) r.resolve();
    await flushMicrotasks();
    expect(outcomes.map((o) => o.state)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
    await scheduler.close();
  });

  it('keeps its own copy of the executors and padding lists, so later edits to the options change nothing', async () => {
    const held = new ControllableExecutors();
    const executors = held.create(1);
    const inputs = ['ids'];
    const outputs = ['y'];
    const scheduler = createScheduler({ name: 'm', executors, batching: { maxBatchSize: 2, maxQueueDelayMs: 0, padding: { inputs, outputs } } });
    executors.length = 0;
    inputs.length = 0;
    outputs.length = 0;
    track(scheduler.submit(tagged('busy')));
    const short = track(scheduler.submit({ ids: Tensor.from('int32', [1], [1, 1]) }));
    track(scheduler.submit({ ids: Tensor.from('int32', [2, 3], [1, 2]) }));
    held.open('busy').resolve();
    await flushMicrotasks();
    // Still padded as configured: both requests share one run, ids padded to length 2.
    expect(held.runs).toHaveLength(2);
    expect(held.runs[1]!.feeds['ids']!.shape).toEqual([2, 2]);
    held.runs[1]!.resolve({ y: Tensor.from('int32', [1, 0, 2, 3], [2, 2]) });
    await flushMicrotasks();
    expect(short.value!.outputs['y']!.shape).toEqual([1, 1]);
    await scheduler.close();
  });

  it('dispatches at the largest preferred batch size reached even when the sizes are given out of order', async () => {
    const held = new ControllableExecutors();
    const scheduler = createScheduler({ name: 'm', executors: held.create(1), batching: { maxBatchSize: 8, maxQueueDelayMs: 100, preferredBatchSizes: [4, 2] } });
    // A lone request of another shape waits out the delay, then runs; five compatible ones queue behind it.
    track(scheduler.submit(tagged('busy', { x: Tensor.from('float32', [1, 2], [1, 2]) })));
    await vi.advanceTimersByTimeAsync(100);
    expect(held.order).toEqual([['busy']]);
    for (const t of ['a', 'b', 'c', 'd', 'e']) track(scheduler.submit(tagged(t)));
    held.open('busy').resolve();
    await flushMicrotasks();
    expect(held.order).toEqual([['busy'], ['a', 'b', 'c', 'd']]);
    for (const r of held.runs) if (!r.done) r.resolve();
    await flushMicrotasks();
    const closed = scheduler.close();
    for (const r of held.runs) if (!r.done) r.resolve();
    await closed;
  });

  it('answers each invalid submit option with INVALID_INPUT naming the scheduler, the option and the value', async () => {
    const held = new ControllableExecutors();
    const scheduler = createScheduler({ name: 'm', executors: held.create(1) });
    const cases: [unknown, unknown, string, Record<string, unknown>][] = [
      [tagged('a'), { cost: Number.NaN }, 'scheduler "m": cost must be a finite number ≥ 0, got NaN', { cost: Number.NaN }],
      [tagged('a'), { cost: '1' }, 'scheduler "m": cost must be a finite number ≥ 0, got "1"', { cost: '1' }],
      [tagged('a'), { deadline: Number.NaN }, 'scheduler "m": deadline must be epoch milliseconds, got NaN', { deadline: Number.NaN }],
      [tagged('a'), { timeoutMs: Number.NaN }, 'scheduler "m": timeoutMs must be a number > 0, got NaN', { timeoutMs: Number.NaN }],
      [tagged('a'), { timeoutMs: -5 }, 'scheduler "m": timeoutMs must be a number > 0, got -5', { timeoutMs: -5 }],
      [tagged('a'), { signal: 'stop' }, 'scheduler "m": signal must be an AbortSignal, got "stop"', { option: 'signal' }],
      [tagged('a'), { signal: null }, 'scheduler "m": signal must be an AbortSignal, got null', { option: 'signal' }],
      [tagged('a'), { signal: { aborted: 'no', addEventListener() {}, removeEventListener() {} } }, 'scheduler "m": signal must be an AbortSignal, got an object with keys [aborted, addEventListener, removeEventListener]', { option: 'signal' }],
      [tagged('a'), { signal: { aborted: false, removeEventListener() {} } }, 'scheduler "m": signal must be an AbortSignal, got an object with keys [aborted, removeEventListener]', { option: 'signal' }],
      [tagged('a'), { signal: Object.assign(() => {}, { aborted: false, addEventListener() {}, removeEventListener() {} }) }, 'scheduler "m": signal must be an AbortSignal, got a function', { option: 'signal' }],
      [tagged('a'), { signal: { aborted: false, addEventListener() {} } }, 'scheduler "m": signal must be an AbortSignal, got an object with keys [aborted, addEventListener]', { option: 'signal' }],
      ['ids', {}, 'scheduler "m": feeds must be an object of tensors, got "ids"', {}],
      [{ ids: null }, {}, 'scheduler "m": feed "ids" is not a Tensor', { input: 'ids' }],
      [tagged('a'), { priority: 'urgent' }, 'unknown priority "urgent"; expected one of critical, high, normal, low', { priority: 'urgent' }],
    ];
    for (const [feeds, options, message, details] of cases) {
      const outcome = track(scheduler.submit(feeds as never, options as never));
      await flushMicrotasks();
      const error = outcome.error as InferoxError;
      expect([error.code, error.message, error.details]).toEqual(['INVALID_INPUT', message, details]);
    }
    expect(held.runs).toHaveLength(0);
    await scheduler.close();
  });

  it('accepts a cost of 0, an AbortSignal-like object from another realm and omitted options', async () => {
    const held = new ControllableExecutors();
    const scheduler = createScheduler({ name: 'm', executors: held.create(1), maxConcurrent: 4 });
    const listeners: string[] = [];
    const foreign = {
      aborted: false,
      addEventListener: (type: string) => listeners.push(`add ${type}`),
      removeEventListener: (type: string) => listeners.push(`remove ${type}`),
    };
    const outcomes = [
      track(scheduler.submit(tagged('free'), { cost: 0 })),
      track(scheduler.submit(tagged('foreign'), { signal: foreign as unknown as AbortSignal })),
      track(scheduler.submit(tagged('bare'))),
    ];
    expect(held.runningTags).toEqual(['bare', 'foreign', 'free']);
    for (const r of held.runs) r.resolve();
    await flushMicrotasks();
    expect(outcomes.map((o) => o.state)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
    expect(listeners).toEqual(['add abort', 'remove abort']);
    await scheduler.close();
  });

  it('rejects the request with the details of the refusal: deadline and now, cost and capacity, queue limit', async () => {
    const held = new ControllableExecutors();
    const pool = createAdmissionPool({ capacity: 4 });
    const scheduler = createScheduler({ name: 'm', executors: held.create(1), pool, maxQueueSize: 1 });
    const now = Date.now();
    const late = track(scheduler.submit(tagged('late'), { deadline: now - 1 }));
    const huge = track(scheduler.submit(tagged('huge'), { cost: 5 }));
    track(scheduler.submit(tagged('running')));
    track(scheduler.submit(tagged('queued')));
    const full = track(scheduler.submit(tagged('full')));
    await flushMicrotasks();
    const details = [late, huge, full].map((o) => [(o.error as InferoxError).code, (o.error as InferoxError).details]);
    expect(details).toEqual([
      ['DEADLINE_EXCEEDED', { deadline: now - 1, now }],
      ['OUT_OF_MEMORY', { cost: 5, capacity: 4 }],
      ['QUEUE_FULL', { maxQueueSize: 1 }],
    ]);
    expect((late.error as Error).message).toBe(`request to "m" arrived after its deadline (${new Date(now - 1).toISOString()})`);
    expect((huge.error as Error).message).toBe('request to "m" costs 5, more than the admission pool\'s whole capacity of 4');
    expect((full.error as Error).message).toBe('queue of "m" is full: 1 requests wait (maxQueueSize 1)');
    held.open('running').resolve();
    await flushMicrotasks();
    held.open('queued').resolve();
    await scheduler.close();
  });

  it('writes the earliest and latest instants Date can show as ISO dates and others as numbers', async () => {
    const held = new ControllableExecutors();
    const scheduler = createScheduler({ name: 'm', executors: held.create(1) });
    const earliest = track(scheduler.submit(tagged('a'), { deadline: -8.64e15 }));
    const before = track(scheduler.submit(tagged('b'), { deadline: -8.64e15 - 1 }));
    await flushMicrotasks();
    expect((earliest.error as Error).message).toBe('request to "m" arrived after its deadline (-271821-04-20T00:00:00.000Z)');
    expect((before.error as Error).message).toBe('request to "m" arrived after its deadline (-8640000000000001)');
    await scheduler.close();
  });

  it('refuses a close timeout that is not a number ≥ 0 with INVALID_INPUT and leaves the scheduler open', async () => {
    const held = new ControllableExecutors();
    const scheduler = createScheduler({ name: 'm', executors: held.create(1) });
    for (const timeoutMs of [Number.NaN, '100', -0.5]) {
      const error = (await scheduler.close({ timeoutMs: timeoutMs as number }).catch((e: unknown) => e)) as InferoxError;
      expect([error.code, error.message, error.details]).toEqual(['INVALID_INPUT', `scheduler "m": close timeoutMs must be a number ≥ 0, got ${String(timeoutMs)}`, { timeoutMs }]);
    }
    expect(scheduler.stats().closed).toBe(false);
    const accepted = track(scheduler.submit(tagged('a')));
    held.open('a').resolve();
    await flushMicrotasks();
    expect(accepted.state).toBe('fulfilled');
    await scheduler.close();
  });

  it('says which scheduler refused or cancelled a request and why, in the messages of SHUT_DOWN and CANCELLED', async () => {
    const held = new ControllableExecutors();
    const scheduler = createScheduler({ name: 'm', executors: held.create(1) });
    const early = track(scheduler.submit(tagged('early'), { signal: AbortSignal.abort() }));
    const controller = new AbortController();
    track(scheduler.submit(tagged('running')));
    const queued = track(scheduler.submit(tagged('queued'), { signal: controller.signal }));
    controller.abort();
    const left = track(scheduler.submit(tagged('left')));
    const closed = scheduler.close({ drain: false });
    const late = track(scheduler.submit(tagged('late')));
    await flushMicrotasks();
    const messages = [early, queued, left, late].map((o) => [(o.error as InferoxError).code, (o.error as Error).message]);
    expect(messages).toEqual([
      ['CANCELLED', 'request to "m" was cancelled by its signal'],
      ['CANCELLED', 'request to "m" was cancelled by its signal'],
      ['SHUT_DOWN', 'scheduler "m" closed without draining; the request was still queued'],
      ['SHUT_DOWN', 'scheduler "m" is closed; no request is accepted'],
    ]);
    held.open('running').resolve();
    await closed;
  });

  it('says the close signal ended the drain, whether it aborted before or during it', async () => {
    const held = new ControllableExecutors();
    const scheduler = createScheduler({ name: 'm', executors: held.create(2) });
    const during = new AbortController();
    const running = track(scheduler.submit(tagged('running')));
    const closed = scheduler.close({ signal: during.signal });
    during.abort();
    await flushMicrotasks();
    expect((running.error as Error).message).toBe('scheduler "m" closed: the close signal aborted the drain');
    held.open('running').resolve();
    await closed;
    const other = createScheduler({ name: 'n', executors: held.create(1) });
    const waiting = track(other.submit(tagged('waiting')));
    const closedAtOnce = other.close({ signal: AbortSignal.abort() });
    await flushMicrotasks();
    expect((waiting.error as Error).message).toBe('scheduler "n" closed: the close signal aborted the drain');
    held.open('waiting').resolve();
    await closedAtOnce;
  });

  it('ranks the priorities critical 0 to low 3 and names the allowed ones for an unknown priority', () => {
    expect(PRIORITIES).toEqual(['critical', 'high', 'normal', 'low']);
    expect(PRIORITIES.map((p) => priorityRank(p))).toEqual([0, 1, 2, 3]);
    const error = thrownBy(() => priorityRank('Normal' as never));
    expect([error.code, error.message, error.details]).toEqual(['INVALID_INPUT', 'unknown priority "Normal"; expected one of critical, high, normal, low', { priority: 'Normal' }]);
  });

  it('names the capacity it refuses for an admission pool, also when no options are given', () => {
    const zero = thrownBy(() => createAdmissionPool({ capacity: 0 }));
    expect([zero.code, zero.message, zero.details]).toEqual(['INVALID_INPUT', 'admission pool capacity must be a positive number, got 0', { capacity: 0 }]);
    const none = thrownBy(() => createAdmissionPool(undefined as never));
    expect([none.code, none.message]).toEqual(['INVALID_INPUT', 'admission pool capacity must be a positive number, got undefined']);
  });
});
