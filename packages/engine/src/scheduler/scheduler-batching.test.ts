import { Tensor, isInferoxError } from '@inferox/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAdmissionPool } from './admission-pool';
import type { BatchInfo, SchedulerOptions } from './scheduler';
import type { BatchingOptions } from './batching-options';
import { ControllableExecutors, flushMicrotasks, tagged, track } from './controllable-executor.fixture';
import { createScheduler } from './scheduler';

function setup(batching: BatchingOptions, options: Partial<SchedulerOptions> = {}) {
  const held = new ControllableExecutors();
  const batches: BatchInfo[] = [];
  const scheduler = createScheduler({ name: 'bert', executors: held.create(1), batching, onBatch: (info) => batches.push(info), ...options });
  return { held, scheduler, batches };
}

/** Feeds tagged `tag` with a float32 [1, 2] input `x` = [v, v + 0.5]. */
const row = (tag: string, v: number) => tagged(tag, { x: Tensor.from('float32', [v, v + 0.5], [1, 2]) });

async function finish(scheduler: { close(): Promise<void> }, held: ControllableExecutors): Promise<void> {
  const closed = scheduler.close();
  while (held.runs.some((r) => !r.done)) {
    for (const run of held.runs.filter((r) => !r.done)) run.resolve();
    await flushMicrotasks();
  }
  await closed;
  expect(vi.getTimerCount()).toBe(0);
}

describe('Scheduler batching', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('concatenates compatible queued requests on dim 0 and splits the outputs back in order', async () => {
    const { held, scheduler, batches } = setup({ maxBatchSize: 8, maxQueueDelayMs: 0 });
    const first = track(scheduler.submit(row('a', 1)));
    const rest = [row('b', 2), row('c', 3), row('d', 4)].map((f) => track(scheduler.submit(f)));
    expect(held.order).toEqual([['a']]);
    held.open('a').resolve();
    await flushMicrotasks();
    expect(held.order).toEqual([['a'], ['b', 'c', 'd']]);
    const run = held.runs[1]!;
    expect(run.feeds['x']!.shape).toEqual([3, 2]);
    expect(Array.from(run.feeds['x']!.data as Float32Array)).toEqual([2, 2.5, 3, 3.5, 4, 4.5]);
    run.resolve({ y: Tensor.from('float32', [20, 30, 40], [3]), tag: run.feeds['tag']! });
    await flushMicrotasks();
    expect(first.value).toMatchObject({ batchSize: 1, alone: 'queue-empty' });
    expect(rest.map((o) => o.value!.outputs['y']!.toArray())).toEqual([[20], [30], [40]]);
    expect(rest.map((o) => o.value!.outputs['tag']!.toArray())).toEqual([['b'], ['c'], ['d']]);
    expect(rest.map((o) => o.value!.batchSize)).toEqual([3, 3, 3]);
    // A batched request's result has no alone field at all (not one set to undefined).
    expect(Object.keys(rest[0]!.value!).sort()).toEqual(['batchSize', 'computeMs', 'executor', 'outputs', 'queueMs']);
    // The batched feeds were the scheduler's own: disposed after the run; the callers' feeds are untouched.
    expect(run.feeds['x']!.disposed).toBe(true);
    expect(batches).toEqual([
      { size: 1, alone: 'queue-empty', executor: 0 },
      { size: 3, executor: 0 },
    ]);
    expect(scheduler.stats()).toMatchObject({ batches: { 1: 1, 3: 1 }, alone: { 'queue-empty': 1 }, completed: 4 });
    await finish(scheduler, held);
  });

  it('waits up to maxQueueDelayMs for a batch to fill, then runs what came', async () => {
    const { held, scheduler } = setup({ maxBatchSize: 4, maxQueueDelayMs: 10 });
    track(scheduler.submit(row('a', 1)));
    await vi.advanceTimersByTimeAsync(6);
    track(scheduler.submit(row('b', 2)));
    await vi.advanceTimersByTimeAsync(3);
    expect(held.runs).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(held.order).toEqual([['a', 'b']]);
    await finish(scheduler, held);
  });

  it('dispatches at the oldest member\'s arrival plus maxQueueDelayMs when a later high-priority request leads the batch', async () => {
    const { held, scheduler } = setup({ maxBatchSize: 4, maxQueueDelayMs: 100 });
    const normal = track(scheduler.submit(row('normal', 1)));
    await vi.advanceTimersByTimeAsync(90);
    const high = track(scheduler.submit(row('high', 2), { priority: 'high' }));
    await vi.advanceTimersByTimeAsync(9);
    expect(held.order).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(held.order).toEqual([['high', 'normal']]);
    await finish(scheduler, held);
    expect(normal.value!.queueMs).toBe(100);
    expect(high.value!.queueMs).toBe(10);
  });

  it('dispatches at once when maxBatchSize requests are queued, leaving the rest for the next run', async () => {
    const { held, scheduler } = setup({ maxBatchSize: 2, maxQueueDelayMs: 1000 });
    for (const [i, t] of ['a', 'b', 'c', 'd', 'e'].entries()) track(scheduler.submit(row(t, i)));
    expect(held.order).toEqual([['a', 'b']]);
    held.open('a').resolve();
    await flushMicrotasks();
    expect(held.order).toEqual([['a', 'b'], ['c', 'd']]);
    held.open('c').resolve();
    await flushMicrotasks();
    // e has waited no time yet: it waits for its delay.
    expect(held.runs).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1000);
    expect(held.order).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
    expect(held.runs[2]!.feeds['x']!.disposed).toBe(false);
    const stats = scheduler.stats();
    expect(stats.batches).toEqual({ 2: 2, 1: 1 });
    expect(stats.alone).toEqual({ 'delay-expired': 1 });
    await finish(scheduler, held);
  });

  it('dispatches early when a preferred batch size is reached', async () => {
    const { held, scheduler } = setup({ maxBatchSize: 8, maxQueueDelayMs: 1000, preferredBatchSizes: [3, 2] });
    track(scheduler.submit(row('a', 1)));
    expect(held.runs).toHaveLength(0);
    track(scheduler.submit(row('b', 2)));
    expect(held.order).toEqual([['a', 'b']]);
    for (const [i, t] of ['c', 'd', 'e', 'f'].entries()) track(scheduler.submit(row(t, i)));
    held.open('a').resolve();
    await flushMicrotasks();
    // Four were queued: the largest preferred size reached, 3, goes at once.
    expect(held.order).toEqual([['a', 'b'], ['c', 'd', 'e']]);
    await finish(scheduler, held);
    expect(held.order.at(-1)).toEqual(['f']);
  });

  it('reserves in the pool the summed cost of the members a preferred size keeps, not of every compatible one queued', async () => {
    const pool = createAdmissionPool({ capacity: 100 });
    const { held, scheduler } = setup({ maxBatchSize: 8, maxQueueDelayMs: 1000, preferredBatchSizes: [3, 2] }, { pool });
    track(scheduler.submit(row('a', 1)));
    track(scheduler.submit(row('b', 2)));
    expect(held.order).toEqual([['a', 'b']]);
    for (const [i, t] of ['c', 'd', 'e', 'f'].entries()) track(scheduler.submit(row(t, i), { cost: 2 ** i }));
    held.open('a').resolve();
    await flushMicrotasks();
    expect(held.order).toEqual([['a', 'b'], ['c', 'd', 'e']]);
    // c, d and e cost 1 + 2 + 4; f (8) stays queued and holds nothing.
    expect(pool.used).toBe(7);
    await finish(scheduler, held);
  });

  it('runs a request alone with shape-mismatch when nothing queued agrees with it', async () => {
    const { held, scheduler, batches } = setup({ maxBatchSize: 4, maxQueueDelayMs: 0 });
    track(scheduler.submit(row('busy', 0)));
    const wide = track(scheduler.submit(tagged('wide', { x: Tensor.from('float32', [1, 2, 3], [1, 3]) })));
    const typed = track(scheduler.submit(tagged('typed', { x: Tensor.from('float64', [1, 2], [1, 2]) })));
    const scalar = track(scheduler.submit({ s: Tensor.from('float32', [1], []) }));
    const ragged = track(scheduler.submit({ a: Tensor.from('float32', [1, 2], [2]), b: Tensor.from('float32', [1], [1]) }));
    held.open('busy').resolve();
    for (let i = 0; i < 4; i++) {
      await flushMicrotasks();
      held.runs.at(-1)!.resolve();
    }
    await flushMicrotasks();
    expect([wide, typed, scalar, ragged].map((o) => o.value!.alone)).toEqual(['shape-mismatch', 'shape-mismatch', 'shape-mismatch', 'shape-mismatch']);
    expect(batches.map((b) => b.size)).toEqual([1, 1, 1, 1, 1]);
    await finish(scheduler, held);
  });

  it('runs a request alone with no-capacity when a compatible one does not fit the pool beside it', async () => {
    const pool = createAdmissionPool({ capacity: 3 });
    const { held, scheduler } = setup({ maxBatchSize: 4, maxQueueDelayMs: 0 }, { pool, maxConcurrent: 2 });
    track(scheduler.submit(row('busy', 0), { cost: 3 }));
    const a = track(scheduler.submit(row('a', 1), { cost: 2 }));
    const b = track(scheduler.submit(row('b', 2), { cost: 2 }));
    held.open('busy').resolve();
    await flushMicrotasks();
    expect(held.order).toEqual([['busy'], ['a']]);
    held.open('a').resolve();
    await flushMicrotasks();
    held.open('b').resolve();
    await flushMicrotasks();
    expect(a.value!.alone).toBe('no-capacity');
    expect(b.value!.alone).toBe('queue-empty');
    await finish(scheduler, held);
  });

  it('leaves out a batch mate whose fractional cost would round the batch above the free capacity', async () => {
    const pool = createAdmissionPool({ capacity: 0.6 });
    const { held, scheduler } = setup({ maxBatchSize: 3, maxQueueDelayMs: 10 }, { pool });
    // 0.1 + 0.2 + 0.3 is 0.6000000000000001 in floating point: more than the pool holds.
    const outcomes = [track(scheduler.submit(row('a', 1), { cost: 0.1 })), track(scheduler.submit(row('b', 2), { cost: 0.2 }))];
    outcomes.push(track(scheduler.submit(row('c', 3), { cost: 0.3 })));
    await vi.advanceTimersByTimeAsync(10);
    expect(held.order).toEqual([['a', 'b']]);
    expect(pool.used).toBeLessThanOrEqual(pool.capacity);
    held.open('a').resolve();
    await vi.advanceTimersByTimeAsync(10);
    expect(held.order).toEqual([['a', 'b'], ['c']]);
    await finish(scheduler, held);
    expect(outcomes.map((o) => o.state)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
  });

  it('reports batching-off when maxBatchSize is 1', async () => {
    const { held, scheduler } = setup({ maxBatchSize: 1, maxQueueDelayMs: 50 });
    const a = track(scheduler.submit(row('a', 1)));
    track(scheduler.submit(row('b', 2)));
    held.open('a').resolve();
    await flushMicrotasks();
    expect(a.value!.alone).toBe('batching-off');
    expect(held.order).toEqual([['a'], ['b']]);
    await finish(scheduler, held);
  });

  it('pads the listed inputs on dim 1 to the longest and cuts outputs back to each request', async () => {
    const { held, scheduler } = setup({ maxBatchSize: 4, maxQueueDelayMs: 5, padding: { inputs: ['input_ids', 'attention_mask', 'absent'] } });
    const ids = (values: number[]) => Tensor.from('int64', values, [1, values.length]);
    const mask = (n: number) => Tensor.from('int64', Array.from({ length: n }, () => 1), [1, n]);
    const short = track(scheduler.submit(tagged('short', { input_ids: ids([101, 7, 102]), attention_mask: mask(3), scale: Tensor.from('float32', [2], [1, 1]) })));
    const long = track(scheduler.submit(tagged('long', { input_ids: ids([101, 8, 9, 10, 102]), attention_mask: mask(5), scale: Tensor.from('float32', [3], [1, 1]) })));
    await vi.advanceTimersByTimeAsync(5);
    expect(held.order).toEqual([['short', 'long']]);
    const run = held.runs[0]!;
    expect(run.feeds['input_ids']!.shape).toEqual([2, 5]);
    expect(run.feeds['input_ids']!.toArray()).toEqual([101n, 7n, 102n, 0n, 0n, 101n, 8n, 9n, 10n, 102n]);
    expect(run.feeds['attention_mask']!.toArray()).toEqual([1n, 1n, 1n, 0n, 0n, 1n, 1n, 1n, 1n, 1n]);
    expect(run.feeds['scale']!.shape).toEqual([2, 1]);
    // Outputs: hidden [2, 5, 2] (token i of row r = [10r + i, -(10r + i)]), pooled [2, 2], and one whose dim 1 is not the padded length.
    const hidden = Tensor.from('float32', Array.from({ length: 20 }, (_, k) => (k % 2 === 0 ? 1 : -1) * (10 * Math.floor(k / 10) + Math.floor((k % 10) / 2))), [2, 5, 2]);
    run.resolve({
      last_hidden_state: hidden,
      pooler_output: Tensor.from('float32', [1, 2, 3, 4], [2, 2]),
      logits: Tensor.from('float32', [1, 2, 3, 4, 5, 6], [2, 3]),
      ids: run.feeds['input_ids']!.slice(0),
    });
    await flushMicrotasks();
    const s = short.value!.outputs;
    const l = long.value!.outputs;
    expect(s['last_hidden_state']!.shape).toEqual([1, 3, 2]);
    expect(s['last_hidden_state']!.toArray()).toEqual([0, -0, 1, -1, 2, -2]);
    expect(l['last_hidden_state']!.shape).toEqual([1, 5, 2]);
    expect(l['last_hidden_state']!.toArray()).toEqual([10, -10, 11, -11, 12, -12, 13, -13, 14, -14]);
    expect(s['pooler_output']!.toArray()).toEqual([1, 2]);
    expect(s['logits']!.shape).toEqual([1, 3]);
    expect(s['ids']!.toArray()).toEqual([101n, 7n, 102n]);
    expect(l['ids']!.toArray()).toEqual([101n, 8n, 9n, 10n, 102n]);
    await finish(scheduler, held);
  });

  it('pads with the configured value and with empty strings for string inputs', async () => {
    const { held, scheduler } = setup({ maxBatchSize: 2, maxQueueDelayMs: 0, padding: { inputs: ['ids', 'words'], value: -1 } }, { maxConcurrent: 1 });
    track(scheduler.submit(row('busy', 0)));
    const a = track(scheduler.submit({ ids: Tensor.from('int32', [5], [1, 1]), words: Tensor.from('string', ['x'], [1, 1]) }));
    track(scheduler.submit({ ids: Tensor.from('int32', [6, 7], [1, 2]), words: Tensor.from('string', ['y', 'z'], [1, 2]) }));
    held.open('busy').resolve();
    await flushMicrotasks();
    const run = held.runs[1]!;
    expect(run.feeds['ids']!.toArray()).toEqual([5, -1, 6, 7]);
    expect(run.feeds['words']!.toArray()).toEqual(['x', '', 'y', 'z']);
    run.resolve();
    await flushMicrotasks();
    expect(a.value!.outputs['words']!.toArray()).toEqual(['x']);
    expect(a.value!.outputs['ids']!.toArray()).toEqual([5]);
    await finish(scheduler, held);
  });

  it('fails each request of the batch once with INVALID_INPUT when the padding value does not fit the dtype', async () => {
    const { held, scheduler } = setup({ maxBatchSize: 2, maxQueueDelayMs: 0, padding: { inputs: ['ids'], value: 1.5 } });
    track(scheduler.submit(row('busy', 0)));
    const a = track(scheduler.submit({ ids: Tensor.from('int32', [5], [1, 1]) }));
    const b = track(scheduler.submit({ ids: Tensor.from('int32', [6, 7], [1, 2]) }));
    held.open('busy').resolve();
    await flushMicrotasks();
    expect(held.runs).toHaveLength(1);
    for (const o of [a, b]) {
      expect(isInferoxError(o.error, 'INVALID_INPUT')).toBe(true);
      expect((o.error as Error).message).toContain('padding value 1.5 cannot pad input "ids" (int32)');
    }
    expect(scheduler.stats()).toMatchObject({ failed: { INVALID_INPUT: 2 }, completed: 1, running: 0 });
    await finish(scheduler, held);
  });

  it('fails every request of a failing batch exactly once with the error', async () => {
    const { held, scheduler } = setup({ maxBatchSize: 4, maxQueueDelayMs: 0 });
    track(scheduler.submit(row('busy', 0)));
    const members = ['a', 'b', 'c'].map((t, i) => track(scheduler.submit(row(t, i))));
    held.open('busy').resolve();
    await flushMicrotasks();
    held.open('a').reject(new Error('out of device memory'));
    await flushMicrotasks();
    for (const o of members) {
      expect(isInferoxError(o.error, 'BACKEND_ERROR')).toBe(true);
      expect((o.error as Error).message).toContain('out of device memory');
    }
    expect(scheduler.stats()).toMatchObject({ failed: { BACKEND_ERROR: 3 }, completed: 1 });
    await finish(scheduler, held);
  });

  it('fails the batch with BACKEND_ERROR naming an output whose dim 0 is not the batch rows', async () => {
    const { held, scheduler } = setup({ maxBatchSize: 4, maxQueueDelayMs: 0 });
    track(scheduler.submit(row('busy', 0)));
    const members = ['a', 'b'].map((t, i) => track(scheduler.submit(row(t, i))));
    held.open('busy').resolve();
    await flushMicrotasks();
    const good = Tensor.from('float32', [1, 2], [2]);
    held.open('a').resolve({ good, bad: Tensor.from('float32', [1, 2, 3], [3]) });
    await flushMicrotasks();
    for (const o of members) {
      expect(isInferoxError(o.error, 'BACKEND_ERROR')).toBe(true);
      expect((o.error as Error).message).toContain('run of "bert": output "bad" is float32[3]; a batch of 2 requests needs dim 0 = 2');
    }
    expect(good.disposed).toBe(true);
    await finish(scheduler, held);
  });

  it('cancels only the aborted member and runs its batch mate once when a signal aborts inside onBatch', async () => {
    const controller = new AbortController();
    const { held, scheduler, batches } = setup(
      { maxBatchSize: 4, maxQueueDelayMs: 10 },
      {
        onBatch: (info) => {
          batches.push(info);
          controller.abort(new Error('caller gave up'));
        },
      },
    );
    const a = track(scheduler.submit(row('a', 1), { signal: controller.signal }));
    const b = track(scheduler.submit(row('b', 2)));
    await vi.advanceTimersByTimeAsync(10);
    expect(held.order).toEqual([['a', 'b']]);
    await flushMicrotasks();
    expect(isInferoxError(a.error, 'CANCELLED')).toBe(true);
    expect(held.runs[0]!.signal.aborted).toBe(false);
    held.open('b').resolve();
    await flushMicrotasks();
    expect(b.state).toBe('fulfilled');
    expect(b.value!.outputs['tag']!.toArray()).toEqual(['b']);
    expect(held.runs).toHaveLength(1);
    await finish(scheduler, held);
  });

  it('cancels only the aborted member and runs its batch mate once when a signal aborts inside the executor call', async () => {
    const controller = new AbortController();
    const held = new ControllableExecutors();
    const [inner] = held.create(1);
    const scheduler = createScheduler({
      name: 'bert',
      batching: { maxBatchSize: 4, maxQueueDelayMs: 10 },
      executors: [
        (feeds, context) => {
          controller.abort(new Error('caller gave up'));
          return inner!(feeds, context);
        },
      ],
    });
    const a = track(scheduler.submit(row('a', 1), { signal: controller.signal }));
    const b = track(scheduler.submit(row('b', 2)));
    await vi.advanceTimersByTimeAsync(10);
    await flushMicrotasks();
    expect(isInferoxError(a.error, 'CANCELLED')).toBe(true);
    expect(held.order).toEqual([['a', 'b']]);
    expect(held.runs[0]!.signal.aborted).toBe(false);
    held.open('b').resolve();
    await flushMicrotasks();
    expect(b.value!.outputs['tag']!.toArray()).toEqual(['b']);
    expect(held.runs).toHaveLength(1);
    expect(scheduler.stats()).toMatchObject({ completed: 1, failed: { CANCELLED: 1 } });
    await finish(scheduler, held);
  });

  it('leaves a member\'s feeds undisposed when a failed batch returned them among its outputs', async () => {
    const { held, scheduler } = setup({ maxBatchSize: 4, maxQueueDelayMs: 0 });
    track(scheduler.submit(row('busy', 0)));
    const feeds = ['a', 'b'].map((t, i) => row(t, i));
    const members = feeds.map((f) => track(scheduler.submit(f)));
    held.open('busy').resolve();
    await flushMicrotasks();
    const bad = Tensor.from('float32', [1, 2, 3], [3]);
    // An executor handing back an input it was not given as a batch (dim 0 = 1, not 2): the split fails.
    held.open('a').resolve({ x: feeds[0]!['x']!, bad });
    await flushMicrotasks();
    expect(members.map((m) => isInferoxError(m.error, 'BACKEND_ERROR'))).toEqual([true, true]);
    expect(feeds[0]!['x']!.disposed).toBe(false);
    expect(bad.disposed).toBe(true);
    await finish(scheduler, held);
  });

  it('tells the executor it owns the feeds only when they were built for a batch, and lets it consume them', async () => {
    const seen: { rows: number; ownsFeeds: boolean }[] = [];
    const scheduler = createScheduler({
      name: 'bert',
      batching: { maxBatchSize: 4, maxQueueDelayMs: 10 },
      executors: [
        async (feeds, context) => {
          const x = feeds['x']!;
          seen.push({ rows: x.shape[0]!, ownsFeeds: context.ownsFeeds });
          const y = Tensor.from('float32', Array.from(x.data as Float32Array, (v) => v * 10), x.shape);
          // What a worker instance does with transferFeeds: the buffers move away and the feeds are disposed.
          if (context.ownsFeeds) for (const t of Object.values(feeds)) t.dispose();
          return { y };
        },
      ],
    });
    const alone = row('alone', 1);
    const first = track(scheduler.submit(alone));
    await vi.advanceTimersByTimeAsync(10);
    const mates = [row('a', 2), row('b', 3)];
    const batched = mates.map((f) => track(scheduler.submit(f)));
    await vi.advanceTimersByTimeAsync(10);
    expect(seen).toEqual([
      { rows: 1, ownsFeeds: false },
      { rows: 2, ownsFeeds: true },
    ]);
    expect(first.value!.outputs['y']!.toArray()).toEqual([10, 15]);
    expect(batched.map((o) => o.value!.outputs['y']!.toArray())).toEqual([
      [20, 25],
      [30, 35],
    ]);
    expect([alone, ...mates].map((f) => f['x']!.disposed)).toEqual([false, false, false]);
    await scheduler.close();
  });

  it('keeps a batch running for its other requests when one is cancelled, and aborts it when all are', async () => {
    const { held, scheduler } = setup({ maxBatchSize: 4, maxQueueDelayMs: 0 });
    track(scheduler.submit(row('busy', 0)));
    const controllers = [new AbortController(), new AbortController()];
    const members = ['a', 'b'].map((t, i) => track(scheduler.submit(row(t, i), { signal: controllers[i]!.signal })));
    held.open('busy').resolve();
    await flushMicrotasks();
    const run = held.open('a');
    controllers[0]!.abort();
    await flushMicrotasks();
    expect(isInferoxError(members[0]!.error, 'CANCELLED')).toBe(true);
    expect(run.signal.aborted).toBe(false);
    expect(scheduler.running).toBe(2);
    controllers[1]!.abort();
    await flushMicrotasks();
    expect(isInferoxError(members[1]!.error, 'CANCELLED')).toBe(true);
    expect(run.signal.aborted).toBe(true);
    run.resolve();
    await flushMicrotasks();
    expect(scheduler.running).toBe(0);

    await finish(scheduler, held);
  });

  it('dispatches a waiting batch at once when the scheduler closes', async () => {
    const { held, scheduler } = setup({ maxBatchSize: 4, maxQueueDelayMs: 10_000 });
    track(scheduler.submit(row('a', 1)));
    track(scheduler.submit(row('b', 2)));
    expect(held.runs).toHaveLength(0);
    const closed = track(scheduler.close());
    expect(held.order).toEqual([['a', 'b']]);
    held.open('a').resolve();
    await flushMicrotasks();
    expect(closed.state).toBe('fulfilled');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('puts the highest-priority request first in a batch and rides lower ones along', async () => {
    const { held, scheduler } = setup({ maxBatchSize: 3, maxQueueDelayMs: 0 });
    track(scheduler.submit(row('busy', 0)));
    track(scheduler.submit(row('low', 1), { priority: 'low' }));
    track(scheduler.submit(tagged('odd', { x: Tensor.from('float32', [1], [1, 1]) }), { priority: 'critical' }));
    track(scheduler.submit(row('normal', 2)));
    track(scheduler.submit(row('high', 3), { priority: 'high' }));
    held.open('busy').resolve();
    await flushMicrotasks();
    held.open('odd').resolve();
    await flushMicrotasks();
    expect(held.order).toEqual([['busy'], ['odd'], ['high', 'normal', 'low']]);
    await finish(scheduler, held);
  });
  it('leaves inputs of equal length unpadded and outputs uncut', async () => {
    const { held, scheduler } = setup({ maxBatchSize: 2, maxQueueDelayMs: 0, padding: { inputs: ['ids'] } }, { maxConcurrent: 1 });
    track(scheduler.submit(row('busy', 0)));
    const a = track(scheduler.submit({ ids: Tensor.from('int32', [1, 2], [1, 2]) }));
    track(scheduler.submit({ ids: Tensor.from('int32', [3, 4], [1, 2]) }));
    held.open('busy').resolve();
    await flushMicrotasks();
    expect(held.runs[1]!.feeds['ids']!.toArray()).toEqual([1, 2, 3, 4]);
    held.runs[1]!.resolve({ h: Tensor.from('float32', [1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2]) });
    await flushMicrotasks();
    expect(a.value!.outputs['h']!.toArray()).toEqual([1, 2, 3, 4]);
    await finish(scheduler, held);
  });

  it('fails the batch with BACKEND_ERROR when an output is not a tensor', async () => {
    const { held, scheduler } = setup({ maxBatchSize: 4, maxQueueDelayMs: 0 });
    track(scheduler.submit(row('busy', 0)));
    const members = ['a', 'b'].map((t, i) => track(scheduler.submit(row(t, i))));
    held.open('busy').resolve();
    await flushMicrotasks();
    held.open('a').resolve({ weird: 'text' as unknown as Tensor });
    await flushMicrotasks();
    for (const o of members) expect((o.error as Error).message).toContain('output "weird" is string');
    await finish(scheduler, held);
  });

  it('answers the remaining requests of a running batch with SHUT_DOWN when the drain times out', async () => {
    const { held, scheduler } = setup({ maxBatchSize: 4, maxQueueDelayMs: 0 });
    track(scheduler.submit(row('busy', 0)));
    const controller = new AbortController();
    const cancelled = track(scheduler.submit(row('a', 1), { signal: controller.signal }));
    const kept = track(scheduler.submit(row('b', 2)));
    held.open('busy').resolve();
    await flushMicrotasks();
    controller.abort();
    const closed = track(scheduler.close({ timeoutMs: 50 }));
    await vi.advanceTimersByTimeAsync(50);
    expect(isInferoxError(cancelled.error, 'CANCELLED')).toBe(true);
    expect(isInferoxError(kept.error, 'SHUT_DOWN')).toBe(true);
    expect(held.open('a').signal.aborted).toBe(true);
    held.open('a').resolve();
    await flushMicrotasks();
    expect(closed.state).toBe('fulfilled');
    expect(scheduler.stats()).toMatchObject({ failed: { CANCELLED: 1, SHUT_DOWN: 1 }, completed: 1 });
  });
  it('looks for batch mates only among the first max(64, 4 × maxBatchSize) queued requests', async () => {
    const { held, scheduler } = setup({ maxBatchSize: 2, maxQueueDelayMs: 0 }, { maxQueueSize: 100 });
    track(scheduler.submit(row('busy', 0)));
    track(scheduler.submit(row('leader', 1)));
    for (let i = 0; i < 64; i++) track(scheduler.submit(tagged(`odd-${i}`, { x: Tensor.from('float32', [i], [1, 1]) })));
    track(scheduler.submit(row('far', 2)));
    held.open('busy').resolve();
    await flushMicrotasks();
    expect(held.order[1]).toEqual(['leader']);
    expect(scheduler.stats().alone['shape-mismatch']).toBe(1);
    await finish(scheduler, held);
  });
  it('cuts back only the named outputs when padding.outputs is given', async () => {
    const padding = { inputs: ['ids'], outputs: ['hidden'] };
    const { held, scheduler } = setup({ maxBatchSize: 2, maxQueueDelayMs: 0, padding }, { maxConcurrent: 1 });
    track(scheduler.submit(row('busy', 0)));
    const short = track(scheduler.submit({ ids: Tensor.from('int32', [1], [1, 1]) }));
    track(scheduler.submit({ ids: Tensor.from('int32', [2, 3], [1, 2]) }));
    held.open('busy').resolve();
    await flushMicrotasks();
    // pooled's dim 1 (2) equals the padded length only by coincidence.
    held.runs[1]!.resolve({ hidden: Tensor.from('float32', [1, 0, 2, 3], [2, 2]), pooled: Tensor.from('float32', [7, 8, 9, 10], [2, 2]) });
    await flushMicrotasks();
    expect(short.value!.outputs['hidden']!.toArray()).toEqual([1]);
    expect(short.value!.outputs['pooled']!.toArray()).toEqual([7, 8]);
    await finish(scheduler, held);
  });
});
