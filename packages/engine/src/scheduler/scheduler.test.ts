import { InferoxError, Tensor, isInferoxError, type Logger } from '@inferox/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAdmissionPool } from './admission-pool';
import { ControllableExecutors, flushMicrotasks, tagged, track } from './controllable-executor.fixture';
import { arbiterOf } from './internal/pool-arbiter';
import { type SchedulerOptions, createScheduler } from './scheduler';

function setup(options: Partial<SchedulerOptions> & { executorCount?: number } = {}) {
  const held = new ControllableExecutors();
  const { executorCount = 1, ...rest } = options;
  const scheduler = createScheduler({ name: 'bert', executors: held.create(executorCount), ...rest });
  return { held, scheduler };
}

function codeOf(error: unknown): string | undefined {
  return isInferoxError(error) ? error.code : undefined;
}

describe('Scheduler', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  describe('queueing', () => {
    it('runs requests by priority, FIFO within a priority, when the executor is busy', async () => {
      const { held, scheduler } = setup();
      const first = track(scheduler.submit(tagged('first')));
      const queued = [
        ['low-1', 'low'],
        ['normal-1', 'normal'],
        ['critical-1', 'critical'],
        ['high-1', 'high'],
        ['normal-2', 'normal'],
        ['critical-2', 'critical'],
        ['low-2', 'low'],
      ] as const;
      const outcomes = queued.map(([tag, priority]) => track(scheduler.submit(tagged(tag), { priority })));
      expect(held.order).toEqual([['first']]);
      expect(scheduler.queued).toBe(7);
      for (let i = 0; i < 8; i++) {
        held.runs[i]!.resolve();
        await flushMicrotasks();
      }
      expect(held.order.flat()).toEqual(['first', 'critical-1', 'critical-2', 'high-1', 'normal-1', 'normal-2', 'low-1', 'low-2']);
      expect(first.state).toBe('fulfilled');
      expect(outcomes.every((o) => o.state === 'fulfilled')).toBe(true);
      expect((outcomes[2]!.value!.outputs['tag']!.toArray() as string[])[0]).toBe('critical-1');
      await scheduler.close();
    });

    it('runs maxConcurrent requests per executor, spreading them over the executors', async () => {
      const { held, scheduler } = setup({ executorCount: 2, maxConcurrent: 2 });
      const outcomes = ['a', 'b', 'c', 'd', 'e'].map((t) => track(scheduler.submit(tagged(t))));
      expect(held.runs.map((r) => [r.tags[0], r.executor])).toEqual([
        ['a', 0],
        ['b', 1],
        ['c', 0],
        ['d', 1],
      ]);
      expect(scheduler.running).toBe(4);
      expect(scheduler.queued).toBe(1);
      held.open('b').resolve();
      await flushMicrotasks();
      expect(held.runs[4]).toMatchObject({ tags: ['e'], executor: 1 });
      expect(held.runningTags).toEqual(['a', 'c', 'd', 'e']);
      for (const tag of ['a', 'c', 'd', 'e']) held.open(tag).resolve();
      await flushMicrotasks();
      expect(outcomes.map((o) => o.value?.executor)).toEqual([0, 1, 0, 1, 1]);
      await scheduler.close();
    });

    it('rejects with QUEUE_FULL naming the limit when maxQueueSize requests wait', async () => {
      const { held, scheduler } = setup({ maxQueueSize: 2 });
      const outcomes = ['a', 'b', 'c', 'd'].map((t) => track(scheduler.submit(tagged(t))));
      await flushMicrotasks();
      expect(outcomes.map((o) => o.state)).toEqual(['pending', 'pending', 'pending', 'rejected']);
      expect(codeOf(outcomes[3]!.error)).toBe('QUEUE_FULL');
      expect((outcomes[3]!.error as Error).message).toContain('maxQueueSize 2');
      expect(scheduler.stats()).toMatchObject({ submitted: 4, rejected: 1, failed: { QUEUE_FULL: 1 }, queued: 2, running: 1 });
      held.open('a').resolve();
      await flushMicrotasks();
      const late = track(scheduler.submit(tagged('e')));
      await flushMicrotasks();
      expect(late.state).toBe('pending');
      expect(scheduler.queued).toBe(2);
      await close(scheduler, held);
    });
  });

  describe('admission', () => {
    it('starts what fits and parks the rest, with the exact running set at each step', async () => {
      const pool = createAdmissionPool({ capacity: 10 });
      const { held, scheduler } = setup({ pool, maxConcurrent: 10 });
      const submit = (tag: string, cost: number) => track(scheduler.submit(tagged(tag), { cost }));
      submit('a4', 4);
      expect(held.runningTags).toEqual(['a4']);
      submit('b4', 4);
      expect(held.runningTags).toEqual(['a4', 'b4']);
      submit('c4', 4);
      expect(held.runningTags).toEqual(['a4', 'b4']);
      submit('d2', 2);
      expect(held.runningTags).toEqual(['a4', 'b4', 'd2']);
      expect(pool.used).toBe(10);
      expect(scheduler.queued).toBe(1);
      // Parked work waits on the release event, not on a poll timer.
      expect(vi.getTimerCount()).toBe(0);
      held.open('d2').resolve();
      await flushMicrotasks();
      expect(held.runningTags).toEqual(['a4', 'b4']);
      expect(pool.used).toBe(8);
      held.open('a4').resolve();
      await flushMicrotasks();
      expect(held.runningTags).toEqual(['b4', 'c4']);
      expect(pool.used).toBe(8);
      expect(scheduler.queued).toBe(0);
      await close(scheduler, held);
      expect(pool.used).toBe(0);
    });

    it('wakes the highest-priority parked request that fits when capacity is released', async () => {
      const pool = createAdmissionPool({ capacity: 4 });
      const { held, scheduler } = setup({ pool, maxConcurrent: 10 });
      track(scheduler.submit(tagged('big'), { cost: 4 }));
      track(scheduler.submit(tagged('low-1'), { cost: 1, priority: 'low' }));
      track(scheduler.submit(tagged('normal-2'), { cost: 2, priority: 'normal' }));
      track(scheduler.submit(tagged('high-3'), { cost: 3, priority: 'high' }));
      expect(held.runningTags).toEqual(['big']);
      held.open('big').resolve();
      await flushMicrotasks();
      // high-3 first; normal-2 does not fit in the 1 left, low-1 does.
      expect(held.order.slice(1)).toEqual([['high-3'], ['low-1']]);
      expect(held.runningTags).toEqual(['high-3', 'low-1']);
      held.open('high-3').resolve();
      await flushMicrotasks();
      expect(held.runningTags).toEqual(['low-1', 'normal-2']);
      await close(scheduler, held);
    });

    it('arbitrates a shared pool across schedulers by priority, then arrival', async () => {
      const pool = createAdmissionPool({ capacity: 2 });
      const held = new ControllableExecutors();
      const a = createScheduler({ name: 'a', executors: held.create(1), pool, maxConcurrent: 4 });
      const b = createScheduler({ name: 'b', executors: held.create(1), pool, maxConcurrent: 4 });
      track(a.submit(tagged('a-blocker'), { cost: 2 }));
      track(a.submit(tagged('a-normal-1'), { cost: 1 }));
      track(b.submit(tagged('b-normal-2'), { cost: 1 }));
      track(a.submit(tagged('a-low'), { cost: 1, priority: 'low' }));
      track(b.submit(tagged('b-high'), { cost: 2, priority: 'high' }));
      expect(held.runningTags).toEqual(['a-blocker']);
      held.open('a-blocker').resolve();
      await flushMicrotasks();
      expect(held.runningTags).toEqual(['b-high']);
      held.open('b-high').resolve();
      await flushMicrotasks();
      expect(held.order.slice(2)).toEqual([['a-normal-1'], ['b-normal-2']]);
      held.open('a-normal-1').resolve();
      await flushMicrotasks();
      expect(held.runningTags).toEqual(['a-low', 'b-normal-2']);
      await close(a, held);
      await close(b, held);
    });

    it('removes a parked request at once when its signal aborts, so the release wakes the next one', async () => {
      const pool = createAdmissionPool({ capacity: 2 });
      const { held, scheduler } = setup({ pool, maxConcurrent: 4 });
      track(scheduler.submit(tagged('holder'), { cost: 2 }));
      const controller = new AbortController();
      const parked = track(scheduler.submit(tagged('parked'), { cost: 2, priority: 'critical', signal: controller.signal }));
      track(scheduler.submit(tagged('next'), { cost: 2, priority: 'low' }));
      controller.abort(new Error('changed my mind'));
      await flushMicrotasks();
      expect(codeOf(parked.error)).toBe('CANCELLED');
      expect(scheduler.queued).toBe(1);
      held.open('holder').resolve();
      await flushMicrotasks();
      expect(held.order).toEqual([['holder'], ['next']]);
      await close(scheduler, held);
    });

    it('rejects at once with OUT_OF_MEMORY a request costing more than the whole pool, without blocking others', async () => {
      const pool = createAdmissionPool({ capacity: 8 });
      const { held, scheduler } = setup({ pool });
      const huge = track(scheduler.submit(tagged('huge'), { cost: 9 }));
      const small = track(scheduler.submit(tagged('small'), { cost: 8 }));
      await flushMicrotasks();
      expect(huge.state).toBe('rejected');
      expect(codeOf(huge.error)).toBe('OUT_OF_MEMORY');
      expect((huge.error as Error).message).toMatch(/costs 9.*capacity of 8/);
      expect(held.runningTags).toEqual(['small']);
      held.open('small').resolve();
      await flushMicrotasks();
      expect(small.state).toBe('fulfilled');
      await scheduler.close();
    });

    it('holds the capacity of a cancelled running request until its executor returns', async () => {
      const pool = createAdmissionPool({ capacity: 1 });
      const { held, scheduler } = setup({ pool, maxConcurrent: 2 });
      const controller = new AbortController();
      const first = track(scheduler.submit(tagged('first'), { signal: controller.signal }));
      const second = track(scheduler.submit(tagged('second')));
      controller.abort(new Error('user left'));
      await flushMicrotasks();
      expect(first.state).toBe('rejected');
      expect(codeOf(first.error)).toBe('CANCELLED');
      expect(((first.error as Error).cause as Error).message).toBe('user left');
      expect(held.runs[0]!.signal.aborted).toBe(true);
      expect(pool.used).toBe(1);
      expect(scheduler.running).toBe(1);
      expect(held.runningTags).toEqual(['first']);
      held.open('first').resolve();
      await flushMicrotasks();
      expect(held.runningTags).toEqual(['second']);
      held.open('second').resolve();
      await flushMicrotasks();
      expect(second.state).toBe('fulfilled');
      await scheduler.close();
    });

    it('rejects an admission pool without a positive capacity and a pool it did not make', () => {
      for (const capacity of [0, -1, Number.NaN, '3' as unknown as number]) {
        expect(() => createAdmissionPool({ capacity })).toThrow(/capacity must be a positive number/);
      }
      const fake = { capacity: 1, used: 0, free: 1 };
      expect(() => createScheduler({ name: 'x', executors: [async () => ({})], pool: fake })).toThrow(
        /pool must come from createAdmissionPool\(\), got an object with keys \[capacity, used, free\]/,
      );
      expect(() => createScheduler({ name: 'x', executors: [async () => ({})], pool: new Map() as never })).toThrow(/got an instance of Map/);
    });
  });

  describe('deadlines and timeouts', () => {
    it('rejects with DEADLINE_EXCEEDED a request whose deadline has passed when it arrives', async () => {
      const { held, scheduler } = setup();
      const late = track(scheduler.submit(tagged('late'), { deadline: Date.now() }));
      const never = track(scheduler.submit(tagged('never'), { deadline: Number.NEGATIVE_INFINITY }));
      await flushMicrotasks();
      expect(codeOf(late.error)).toBe('DEADLINE_EXCEEDED');
      expect((late.error as Error).message).toContain(new Date().toISOString());
      expect(codeOf(never.error)).toBe('DEADLINE_EXCEEDED');
      expect((never.error as Error).message).toContain('(-Infinity)');
      expect(held.runs).toHaveLength(0);
      await scheduler.close();
    });

    it('rejects a queued request at the moment its deadline passes', async () => {
      const { held, scheduler } = setup();
      track(scheduler.submit(tagged('busy')));
      const deadline = Date.now() + 500;
      const waiting = track(scheduler.submit(tagged('waiting'), { deadline }));
      await vi.advanceTimersByTimeAsync(499);
      expect(waiting.state).toBe('pending');
      expect(scheduler.queued).toBe(1);
      await vi.advanceTimersByTimeAsync(1);
      expect(Date.now()).toBe(deadline);
      expect(waiting.state).toBe('rejected');
      expect(codeOf(waiting.error)).toBe('DEADLINE_EXCEEDED');
      expect((waiting.error as Error).message).toContain('while queued');
      expect(scheduler.queued).toBe(0);
      held.open('busy').resolve();
      await flushMicrotasks();
      expect(held.runs).toHaveLength(1);
      await scheduler.close();
      expect(vi.getTimerCount()).toBe(0);
    });

    it('answers a running request at its deadline and aborts its executor', async () => {
      const { held, scheduler } = setup();
      const running = track(scheduler.submit(tagged('r'), { deadline: Date.now() + 100, timeoutMs: 1000 }));
      await vi.advanceTimersByTimeAsync(100);
      expect(codeOf(running.error)).toBe('DEADLINE_EXCEEDED');
      expect((running.error as Error).message).toContain('while running');
      expect(held.runs[0]!.signal.aborted).toBe(true);
      expect(scheduler.running).toBe(1);
      held.runs[0]!.reject(new Error('aborted'));
      await flushMicrotasks();
      expect(scheduler.running).toBe(0);
      expect(scheduler.stats().failed).toEqual({ DEADLINE_EXCEEDED: 1 });
      await scheduler.close();
    });

    it('times out after timeoutMs counting the time queued and the time running', async () => {
      const { held, scheduler } = setup();
      track(scheduler.submit(tagged('busy')));
      const timed = track(scheduler.submit(tagged('timed'), { timeoutMs: 100, deadline: Date.now() + 10_000 }));
      await vi.advanceTimersByTimeAsync(60);
      held.open('busy').resolve();
      await flushMicrotasks();
      expect(held.runningTags).toEqual(['timed']);
      await vi.advanceTimersByTimeAsync(39);
      expect(timed.state).toBe('pending');
      await vi.advanceTimersByTimeAsync(1);
      expect(codeOf(timed.error)).toBe('TIMEOUT');
      expect((timed.error as Error).message).toContain('100 ms');
      held.open('timed').resolve({ out: Tensor.from('float32', [1], [1]) });
      await flushMicrotasks();
      expect(scheduler.stats()).toMatchObject({ completed: 1, failed: { TIMEOUT: 1 } });
      await scheduler.close();
    });

    it('re-arms a timer for a deadline beyond the longest setTimeout delay', async () => {
      const { held, scheduler } = setup();
      track(scheduler.submit(tagged('busy')));
      const far = track(scheduler.submit(tagged('far'), { deadline: Date.now() + 2 ** 31 + 5 }));
      await vi.advanceTimersByTimeAsync(2 ** 31 - 1);
      expect(far.state).toBe('pending');
      await vi.advanceTimersByTimeAsync(6);
      expect(codeOf(far.error)).toBe('DEADLINE_EXCEEDED');
      await close(scheduler, held);
    });
  });

  describe('cancellation', () => {
    it('rejects with CANCELLED a request whose signal aborted before submit', async () => {
      const { held, scheduler } = setup();
      const reason = new Error('gone');
      const outcome = track(scheduler.submit(tagged('x'), { signal: AbortSignal.abort(reason) }));
      await flushMicrotasks();
      expect(codeOf(outcome.error)).toBe('CANCELLED');
      expect((outcome.error as Error).cause).toBe(reason);
      expect(held.runs).toHaveLength(0);
      expect(scheduler.stats()).toMatchObject({ rejected: 1, failed: { CANCELLED: 1 } });
      await scheduler.close();
    });

    it('removes a queued request at once when its signal aborts', async () => {
      const { held, scheduler } = setup();
      track(scheduler.submit(tagged('busy')));
      const controller = new AbortController();
      const queued = track(scheduler.submit(tagged('queued'), { signal: controller.signal }));
      const after = track(scheduler.submit(tagged('after')));
      controller.abort('stop');
      await flushMicrotasks();
      expect(codeOf(queued.error)).toBe('CANCELLED');
      expect((queued.error as Error).cause).toBe('stop');
      expect(scheduler.queued).toBe(1);
      held.open('busy').resolve();
      await flushMicrotasks();
      expect(held.order).toEqual([['busy'], ['after']]);
      held.open('after').resolve();
      await flushMicrotasks();
      expect(after.state).toBe('fulfilled');
      await scheduler.close();
    });

    it('discards the result of a cancelled running request and answers its caller at once', async () => {
      const { held, scheduler } = setup();
      const controller = new AbortController();
      const running = track(scheduler.submit(tagged('r'), { signal: controller.signal }));
      controller.abort();
      await flushMicrotasks();
      expect(codeOf(running.error)).toBe('CANCELLED');
      const output = Tensor.from('float32', [1, 2], [2]);
      held.open('r').resolve({ out: output });
      await flushMicrotasks();
      expect(output.disposed).toBe(true);
      expect(scheduler.stats()).toMatchObject({ completed: 0, failed: { CANCELLED: 1 }, running: 0 });
      await scheduler.close();
    });
  });

  describe('results and failures', () => {
    it('leaves the caller\'s feeds undisposed when a cancelled request\'s outputs are its own feeds', async () => {
      const { held, scheduler } = setup();
      const controller = new AbortController();
      const feeds = tagged('a', { x: Tensor.from('float32', [1, 2], [1, 2]) });
      const outcome = track(scheduler.submit(feeds, { signal: controller.signal }));
      controller.abort();
      const extra = Tensor.from('float32', [3], [1]);
      held.open('a').resolve({ ...feeds, extra });
      await flushMicrotasks();
      expect(codeOf(outcome.error)).toBe('CANCELLED');
      expect([feeds['x']!.disposed, feeds['tag']!.disposed]).toEqual([false, false]);
      expect(extra.disposed).toBe(true);
      await scheduler.close();
    });

    it('reports queue and compute time, batch size and executor', async () => {
      const { held, scheduler } = setup();
      track(scheduler.submit(tagged('busy')));
      const outcome = track(scheduler.submit(tagged('x')));
      await vi.advanceTimersByTimeAsync(30);
      held.open('busy').resolve();
      await flushMicrotasks();
      await vi.advanceTimersByTimeAsync(20);
      held.open('x').resolve();
      await flushMicrotasks();
      expect(outcome.value).toMatchObject({ queueMs: 30, computeMs: 20, batchSize: 1, executor: 0, alone: 'batching-off' });
      await scheduler.close();
    });

    it('fails the request with BACKEND_ERROR carrying the cause when the executor throws or rejects', async () => {
      const held = new ControllableExecutors();
      const [controlled] = held.create(1);
      const cause = new Error('native crash');
      let calls = 0;
      const scheduler = createScheduler({
        name: 'bert',
        executors: [
          (feeds, context) => {
            calls++;
            if (calls === 1) throw cause;
            if (calls === 2) return Promise.reject(new InferoxError('INVALID_INPUT', 'input "x" has the wrong shape'));
            if (calls === 3) return Promise.resolve('nonsense' as unknown as Record<string, Tensor>);
            if (calls === 4) return Promise.reject(undefined as unknown as Error);
            return controlled!(feeds, context);
          },
        ],
      });
      const thrown = track(scheduler.submit(tagged('a')));
      await flushMicrotasks();
      const coded = track(scheduler.submit(tagged('b')));
      await flushMicrotasks();
      const garbage = track(scheduler.submit(tagged('c')));
      await flushMicrotasks();
      const empty = track(scheduler.submit(tagged('d')));
      await flushMicrotasks();
      expect(codeOf(thrown.error)).toBe('BACKEND_ERROR');
      expect((thrown.error as Error).cause).toBe(cause);
      expect((thrown.error as Error).message).toContain('native crash');
      expect(codeOf(coded.error)).toBe('INVALID_INPUT');
      expect(codeOf(garbage.error)).toBe('BACKEND_ERROR');
      expect((garbage.error as Error).message).toContain('instead of named tensors');
      expect(codeOf(empty.error)).toBe('BACKEND_ERROR');
      expect(scheduler.stats().failed).toEqual({ BACKEND_ERROR: 3, INVALID_INPUT: 1 });
      const fine = track(scheduler.submit(tagged('e')));
      held.open('e').resolve();
      await flushMicrotasks();
      expect(fine.state).toBe('fulfilled');
      await scheduler.close();
    });

    it('logs and ignores an onBatch callback that throws', async () => {
      const warnings: string[] = [];
      const fields: unknown[] = [];
      const logger: Logger = { debug: () => {}, info: () => {}, warn: (m, f) => (warnings.push(m), fields.push(f)), error: () => {} };
      const sizes: number[] = [];
      const { held, scheduler } = setup({
        logger,
        onBatch: (info) => {
          sizes.push(info.size);
          throw new Error('metrics broke');
        },
      });
      const outcome = track(scheduler.submit(tagged('a')));
      held.open('a').resolve();
      await flushMicrotasks();
      expect(outcome.state).toBe('fulfilled');
      expect(sizes).toEqual([1]);
      expect(warnings).toEqual(['scheduler onBatch callback threw']);
      expect(fields).toEqual([{ scheduler: 'bert', error: new Error('metrics broke') }]);
      await scheduler.close();
    });

    it('settles every request once and releases its capacity when every logger method throws', async () => {
      const boom = (): never => {
        throw new Error('log sink down');
      };
      const logger: Logger = { debug: boom, info: boom, warn: boom, error: boom };
      const pool = createAdmissionPool({ capacity: 1 });
      const { held, scheduler } = setup({ logger, pool, onBatch: boom });
      let ok!: ReturnType<typeof track>;
      expect(() => {
        ok = track(scheduler.submit(tagged('ok')));
      }).not.toThrow();
      expect([scheduler.running, pool.used]).toEqual([1, 1]);
      held.open('ok').resolve();
      await flushMicrotasks();
      expect(ok.state).toBe('fulfilled');
      expect([scheduler.running, pool.used]).toEqual([0, 0]);
      const failed = track(scheduler.submit(tagged('bad')));
      held.open('bad').reject(new Error('model broke'));
      await flushMicrotasks();
      expect(failed.state).toBe('rejected');
      expect((failed.error as Error).message).toContain('model broke');
      expect([scheduler.running, scheduler.queued, pool.used]).toEqual([0, 0, 0]);
      expect(scheduler.stats()).toMatchObject({ submitted: 2, completed: 1, failed: { BACKEND_ERROR: 1 } });
      await scheduler.close();
    });

    it('rejects the request with INTERNAL instead of throwing from submit when the pool dispatch throws', async () => {
      const pool = createAdmissionPool({ capacity: 1 });
      const { held, scheduler } = setup({ pool });
      // A fault no caller can produce: another client of the pool that throws while proposing work.
      const faulty = {
        candidate: (): never => {
          throw new Error('client bug');
        },
        start: () => {},
      };
      arbiterOf(pool).attach(faulty);
      const outcome = track(scheduler.submit(tagged('a')));
      await flushMicrotasks();
      expect(codeOf(outcome.error)).toBe('INTERNAL');
      expect((outcome.error as Error).message).toContain('client bug');
      expect([scheduler.queued, scheduler.running, held.runs.length]).toEqual([0, 0, 0]);
      arbiterOf(pool).detach(faulty);
      await scheduler.close();
    });
  });

  describe('validation', () => {
    it('rejects bad scheduler options naming the option', () => {
      const run = async () => ({});
      const bad: [Partial<SchedulerOptions>, RegExp][] = [
        [{ name: '' }, /name must be a non-empty string/],
        [{ executors: [] }, /executors must be a non-empty array/],
        [{ maxConcurrent: 0 }, /maxConcurrent must be a positive integer or Infinity, got 0/],
        [{ maxQueueSize: 1.5 }, /maxQueueSize must be a positive integer/],
        [{ batching: { maxBatchSize: 0, maxQueueDelayMs: 0 } }, /maxBatchSize must be a positive integer/],
        [{ batching: { maxBatchSize: 4, maxQueueDelayMs: -1 } }, /maxQueueDelayMs must be a finite number/],
        [{ batching: { maxBatchSize: 4, maxQueueDelayMs: 1, preferredBatchSizes: [5] } }, /preferredBatchSizes holds 5/],
        [{ batching: { maxBatchSize: 4, maxQueueDelayMs: 1, preferredBatchSizes: [1] } }, /preferredBatchSizes holds 1; each must be an integer in \[2, 4\]/],
        [{ batching: { maxBatchSize: 4, maxQueueDelayMs: 1, padding: { inputs: 'ids' as unknown as string[] } } }, /padding.inputs must be an array/],
        [{ batching: { maxBatchSize: 4, maxQueueDelayMs: 1, padding: { inputs: ['ids'], value: Number.NaN } } }, /padding.value must be a number/],
        [{ batching: { maxBatchSize: 4, maxQueueDelayMs: 1, padding: { inputs: ['ids'], outputs: [3] as unknown as string[] } } }, /padding.outputs must be an array of output names/],
      ];
      for (const [options, message] of bad) {
        expect(() => createScheduler({ name: 'm', executors: [run], ...options })).toThrow(message);
      }
      expect(() => createScheduler(null as unknown as SchedulerOptions)).toThrow(/options must be an object/);
    });

    it('rejects bad submit options and feeds with INVALID_INPUT naming the value', async () => {
      const { held, scheduler } = setup();
      const cases: [unknown, unknown, RegExp][] = [
        [tagged('a'), { priority: 'urgent' }, /unknown priority "urgent"/],
        [tagged('a'), { cost: -1 }, /cost must be a finite number ≥ 0, got -1/],
        [tagged('a'), { cost: Number.POSITIVE_INFINITY }, /cost must be/],
        [tagged('a'), { deadline: 'soon' }, /deadline must be epoch milliseconds, got "soon"/],
        [tagged('a'), { timeoutMs: 0 }, /timeoutMs must be a number > 0, got 0/],
        [tagged('a'), { timeoutMs: '100' }, /timeoutMs must be a number > 0, got "100"/],
        [tagged('a'), { signal: {} }, /signal must be an AbortSignal, got an object with keys \[\]/],
        [tagged('a'), null, /submit options must be an object, got null/],
        [tagged('a'), 'high', /submit options must be an object, got "high"/],
        [null, {}, /feeds must be an object of tensors/],
        [{ ids: [1, 2] }, {}, /feed "ids" is not a Tensor/],
      ];
      for (const [feeds, options, message] of cases) {
        const outcome = track(scheduler.submit(feeds as never, options as never));
        await flushMicrotasks();
        expect(codeOf(outcome.error)).toBe('INVALID_INPUT');
        expect((outcome.error as Error).message).toMatch(message);
      }
      expect(held.runs).toHaveLength(0);
      expect(scheduler.stats()).toMatchObject({ submitted: 11, rejected: 11, failed: { INVALID_INPUT: 11 } });
      await expect(scheduler.close({ timeoutMs: -1 })).rejects.toThrow(/close timeoutMs must be a number ≥ 0/);
      await scheduler.close();
    });
  });

  describe('close', () => {
    it('drains queued and parked work, refuses new work with SHUT_DOWN and leaves no timer', async () => {
      const pool = createAdmissionPool({ capacity: 2 });
      const { held, scheduler } = setup({ pool, maxConcurrent: 4 });
      const a = track(scheduler.submit(tagged('a'), { cost: 2, timeoutMs: 60_000 }));
      const parked = track(scheduler.submit(tagged('parked'), { cost: 2, timeoutMs: 60_000 }));
      const closed = track(scheduler.close());
      const refused = track(scheduler.submit(tagged('late')));
      await flushMicrotasks();
      expect(codeOf(refused.error)).toBe('SHUT_DOWN');
      expect(closed.state).toBe('pending');
      expect(scheduler.close()).toBe(scheduler.close());
      held.open('a').resolve();
      await flushMicrotasks();
      expect(held.runningTags).toEqual(['parked']);
      expect(closed.state).toBe('pending');
      held.open('parked').resolve();
      await flushMicrotasks();
      expect([a.state, parked.state, closed.state]).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
      expect(scheduler.stats().closed).toBe(true);
      expect(vi.getTimerCount()).toBe(0);
    });

    it('rejects queued and parked work at once with SHUT_DOWN without drain, letting running work finish', async () => {
      const pool = createAdmissionPool({ capacity: 1 });
      const { held, scheduler } = setup({ pool, maxConcurrent: 4 });
      const running = track(scheduler.submit(tagged('running')));
      const parked = track(scheduler.submit(tagged('parked'), { priority: 'critical' }));
      const closed = track(scheduler.close({ drain: false }));
      await flushMicrotasks();
      expect(codeOf(parked.error)).toBe('SHUT_DOWN');
      expect(scheduler.queued).toBe(0);
      expect(closed.state).toBe('pending');
      held.open('running').resolve();
      await flushMicrotasks();
      expect(running.state).toBe('fulfilled');
      expect(closed.state).toBe('fulfilled');
      expect(held.runs).toHaveLength(1);
      expect(pool.used).toBe(0);
      expect(vi.getTimerCount()).toBe(0);
    });

    it('answers running work with SHUT_DOWN when the close signal aborts without drain', async () => {
      const { held, scheduler } = setup();
      const running = track(scheduler.submit(tagged('running')));
      const stop = new AbortController();
      const closed = track(scheduler.close({ drain: false, signal: stop.signal }));
      await flushMicrotasks();
      expect(running.state).toBe('pending');
      stop.abort();
      await flushMicrotasks();
      expect(codeOf(running.error)).toBe('SHUT_DOWN');
      // The executor has not returned: close still waits for it (the engine stops waiting by its own timeout).
      expect(closed.state).toBe('pending');
      held.open('running').resolve();
      await flushMicrotasks();
      expect(closed.state).toBe('fulfilled');
    });

    it('rejects what is left with SHUT_DOWN when the drain times out, resolving once the executors return', async () => {
      const pool = createAdmissionPool({ capacity: 1 });
      const { held, scheduler } = setup({ pool, maxConcurrent: 4 });
      const running = track(scheduler.submit(tagged('running')));
      const parked = track(scheduler.submit(tagged('parked')));
      const closed = track(scheduler.close({ drain: true, timeoutMs: 1000 }));
      await vi.advanceTimersByTimeAsync(999);
      expect([running.state, parked.state]).toEqual(['pending', 'pending']);
      await vi.advanceTimersByTimeAsync(1);
      expect(codeOf(running.error)).toBe('SHUT_DOWN');
      expect((running.error as Error).message).toContain('within 1000 ms');
      expect(codeOf(parked.error)).toBe('SHUT_DOWN');
      expect(held.runs[0]!.signal.aborted).toBe(true);
      expect(closed.state).toBe('pending');
      held.open('running').reject(new Error('aborted'));
      await flushMicrotasks();
      expect(closed.state).toBe('fulfilled');
      expect(held.runs).toHaveLength(1);
      expect(vi.getTimerCount()).toBe(0);
    });

    it('ends the drain when the close signal aborts, before or during the drain', async () => {
      const { held, scheduler } = setup();
      const controller = new AbortController();
      const queued = track(scheduler.submit(tagged('a')));
      const closed = track(scheduler.close({ signal: controller.signal, timeoutMs: Number.POSITIVE_INFINITY }));
      await flushMicrotasks();
      expect(queued.state).toBe('pending');
      controller.abort();
      await flushMicrotasks();
      expect(codeOf(queued.error)).toBe('SHUT_DOWN');
      held.open('a').resolve();
      await flushMicrotasks();
      expect(closed.state).toBe('fulfilled');

      const second = setup();
      const waiting = track(second.scheduler.submit(tagged('b')));
      const closedAtOnce = track(second.scheduler.close({ signal: AbortSignal.abort() }));
      await flushMicrotasks();
      expect(codeOf(waiting.error)).toBe('SHUT_DOWN');
      second.held.open('b').resolve();
      await flushMicrotasks();
      expect(closedAtOnce.state).toBe('fulfilled');
      expect(vi.getTimerCount()).toBe(0);
    });
  });
});

/** Answers every open run until the scheduler is idle, then closes it. */
async function close(scheduler: { close(): Promise<void>; running: number; queued: number }, held: ControllableExecutors): Promise<void> {
  const closed = scheduler.close();
  while (held.runs.some((r) => !r.done)) {
    for (const run of held.runs.filter((r) => !r.done)) run.resolve();
    await flushMicrotasks();
  }
  await closed;
}
