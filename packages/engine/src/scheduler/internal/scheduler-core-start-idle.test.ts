import { Tensor, type TensorMap } from '@inferox/core';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAdmissionPool } from '../admission-pool';
import type { Executor } from '../executor';
import { flushMicrotasks } from '../controllable-executor.fixture';
import { PRIORITIES } from '../priority';
import type { ScheduledResult } from '../scheduler-contract';
import { SchedulerCore } from './scheduler-core';
import { deferred } from './scheduler-entry';

type Command =
  | { kind: 'submit'; rank: number; cost: number; timeoutMs: number | null; signal: boolean; scalar: boolean }
  | { kind: 'cancel'; pick: number }
  | { kind: 'complete'; pick: number }
  | { kind: 'fail'; pick: number }
  | { kind: 'advance'; ms: number }
  | { kind: 'close'; drain: boolean; timeoutMs: number };

interface Config {
  readonly executors: number;
  readonly maxConcurrent: number;
  readonly maxQueueSize: number;
  /** A pool of this capacity with this scheduler as its only client, or none (the scheduler's own, unlimited). */
  readonly capacity: number | null;
  /** Batching, or none. */
  readonly batching: { readonly maxBatchSize: number; readonly maxQueueDelayMs: number } | null;
}


/** `scheduler.startIdle` answering through a promise: the promise when it started the request, else undefined. */
function startIdle(scheduler: SchedulerCore, feeds: TensorMap, rank: number, cost: number): Promise<ScheduledResult> | undefined {
  const answer = deferred();
  return scheduler.startIdle(feeds, rank, cost, answer) ? answer.promise : undefined;
}

/** One scheduler driven by the commands; `idle` routes option-less requests through startIdle first, as a replica does. */
class World {
  readonly scheduler: SchedulerCore;
  /** Executor calls in order: the request ids each served and the executor index. */
  readonly calls: string[] = [];
  readonly open: { id: number; resolve: () => void; reject: () => void; signal: AbortSignal }[] = [];
  readonly outcomes: unknown[] = [];
  readonly controllers: AbortController[] = [];
  /** Requests startIdle took. */
  direct = 0;
  closed: Promise<void> | undefined;
  readonly #idle: boolean;

  constructor(config: Config, idle: boolean) {
    this.#idle = idle;
    const executors = Array.from({ length: config.executors }, (_, e): Executor => (feeds: TensorMap, { signal }) => {
      // A batch's ids, one per row (a scalar request runs alone: one id).
      const ids = Array.from(feeds['id']!.data as Int32Array);
      const id = ids[0]!;
      this.calls.push(`${ids.join('+')}@${e}`);
      return new Promise<Record<string, Tensor>>((resolve, reject) => {
        this.open.push({ id, signal, resolve: () => resolve({ out: Tensor.from('float32', ids, [ids.length]) }), reject: () => reject(new Error(`run of ${ids.join('+')} failed`)) });
      });
    });
    this.scheduler = new SchedulerCore({
      name: 'm',
      executors,
      maxConcurrent: config.maxConcurrent,
      maxQueueSize: config.maxQueueSize,
      ...(config.capacity === null ? {} : { pool: createAdmissionPool({ capacity: config.capacity }) }),
      ...(config.batching === null ? {} : { batching: config.batching }),
    });
  }

  apply(command: Command): void {
    switch (command.kind) {
      case 'submit': {
        const id = this.outcomes.length;
        const controller = new AbortController();
        this.controllers.push(controller);
        // A scalar cannot join a batch: a batching scheduler runs it alone (`shape-mismatch`).
        const feeds = { id: Tensor.from('int32', [id], command.scalar ? [] : [1]) };
        const options = {
          priority: PRIORITIES[command.rank]!,
          cost: command.cost,
          ...(command.timeoutMs === null ? {} : { timeoutMs: command.timeoutMs }),
          ...(command.signal ? { signal: controller.signal } : {}),
        };
        this.outcomes.push('pending');
        const direct = this.#idle && command.timeoutMs === null && !command.signal ? startIdle(this.scheduler, feeds, command.rank, command.cost) : undefined;
        if (direct) this.direct++;
        (direct ?? this.scheduler.submit(feeds, options)).then(
          (result: ScheduledResult) => {
            this.outcomes[id] = { out: result.outputs['out']!.data[0], queueMs: result.queueMs, computeMs: result.computeMs, batchSize: result.batchSize, executor: result.executor, alone: result.alone };
          },
          (error: unknown) => {
            this.outcomes[id] = { code: (error as { code?: string }).code, message: (error as Error).message };
          },
        );
        break;
      }
      case 'cancel': {
        const controller = this.controllers[command.pick % Math.max(1, this.controllers.length)];
        controller?.abort(new Error('cancelled by the test'));
        break;
      }
      case 'complete':
      case 'fail': {
        const run = this.open.splice(command.pick % Math.max(1, this.open.length), 1)[0];
        if (command.kind === 'complete') run?.resolve();
        else run?.reject();
        break;
      }
      case 'advance':
        break;
      case 'close':
        this.closed ??= this.scheduler.close({ drain: command.drain, timeoutMs: command.timeoutMs });
        break;
    }
  }

  /** Everything a caller can observe. */
  observed(): unknown {
    return {
      calls: this.calls,
      open: this.open.map((r) => ({ id: r.id, aborted: r.signal.aborted })),
      outcomes: this.outcomes,
      stats: this.scheduler.stats(),
      queued: this.scheduler.queued,
      running: this.scheduler.running,
    };
  }
}

const commandArb: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant('submit' as const),
      rank: fc.nat(3),
      cost: fc.oneof(fc.nat(3), fc.constantFrom(0.1, 0.7, 1.3)),
      timeoutMs: fc.option(fc.integer({ min: 1, max: 30 }), { freq: 2 }),
      signal: fc.constantFrom(false, false, true),
      scalar: fc.constantFrom(false, false, false, true),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat() }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('complete' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('fail' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 1, max: 20 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('close' as const), drain: fc.boolean(), timeoutMs: fc.integer({ min: 1, max: 30 }) }) },
);

const configArb: fc.Arbitrary<Config> = fc.record({
  executors: fc.integer({ min: 1, max: 2 }),
  maxConcurrent: fc.integer({ min: 1, max: 2 }),
  maxQueueSize: fc.integer({ min: 1, max: 3 }),
  capacity: fc.option(fc.constantFrom(1, 2, 2.5), { freq: 2 }),
  batching: fc.option(fc.record({ maxBatchSize: fc.integer({ min: 1, max: 3 }), maxQueueDelayMs: fc.constantFrom(0, 0, 5) }), { freq: 2 }),
});

describe('SchedulerCore.startIdle', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('leaves every observable (executor calls, results, errors, stats, aborts) as submit alone would under random interleavings', async () => {
    let directTotal = 0;
    await fc.assert(
      fc.asyncProperty(configArb, fc.array(commandArb, { maxLength: 50 }), async (config, commands) => {
        vi.clearAllTimers();
        const submitOnly = new World(config, false);
        const withIdle = new World(config, true);
        for (const command of commands) {
          submitOnly.apply(command);
          withIdle.apply(command);
          if (command.kind === 'advance') await vi.advanceTimersByTimeAsync(command.ms);
          await flushMicrotasks();
          expect(withIdle.observed()).toEqual(submitOnly.observed());
        }
        // Wind down both: answer every run, close, and compare the end state too.
        for (const world of [submitOnly, withIdle]) {
          world.closed ??= world.scheduler.close();
          while (world.open.length > 0) {
            for (const run of world.open.splice(0)) run.resolve();
            await flushMicrotasks();
          }
          await world.closed;
        }
        expect(withIdle.observed()).toEqual(submitOnly.observed());
        expect(vi.getTimerCount()).toBe(0);
        directTotal += withIdle.direct;
      }),
      { numRuns: 300 },
    );
    // The comparison proves something only if startIdle did take requests.
    expect(directTotal).toBeGreaterThan(30);
  });

  it('starts a request alone on a batching scheduler that does not wait, saying why as submit would', async () => {
    const executor: Executor = (feeds) => Promise.resolve({ y: feeds['x']! });
    const noWait = new SchedulerCore({ name: 'no-wait', executors: [executor], batching: { maxBatchSize: 4, maxQueueDelayMs: 0 } });
    const row = await startIdle(noWait, { x: Tensor.from('float32', [1], [1]) }, 2, 1);
    const scalar = await startIdle(noWait, { x: Tensor.from('float32', [1], []) }, 2, 1);
    expect([row?.alone, scalar?.alone, noWait.stats().alone]).toEqual(['queue-empty', 'shape-mismatch', { 'queue-empty': 1, 'shape-mismatch': 1 }]);
    await noWait.close();
  });

  it('declines, leaving the request to submit, when a queued request, a busy executor, batching, a shared pool, a full pool, a pass under way or a close stands in the way', async () => {
    const held: (() => void)[] = [];
    const executor: Executor = () => new Promise((resolve) => held.push(() => resolve({})));
    const feeds = (): TensorMap => ({ x: Tensor.from('float32', [1], [1]) });

    const busy = new SchedulerCore({ name: 'busy', executors: [executor] });
    expect(startIdle(busy, feeds(), 2, 1)).toBeInstanceOf(Promise);
    expect(startIdle(busy, feeds(), 2, 1)).toBeUndefined();
    const queued = busy.submit(feeds());
    held.shift()!();
    await flushMicrotasks();
    // The queued request started when the first run returned; the slot is taken again.
    expect(busy.running).toBe(1);
    expect(startIdle(busy, feeds(), 0, 1)).toBeUndefined();
    held.shift()!();
    await queued;

    // A batching scheduler that waits for batches to fill would have queued it.
    const batching = new SchedulerCore({ name: 'batching', executors: [executor], batching: { maxBatchSize: 2, maxQueueDelayMs: 5 } });
    expect(startIdle(batching, feeds(), 2, 1)).toBeUndefined();

    const pool = createAdmissionPool({ capacity: 2 });
    const a = new SchedulerCore({ name: 'a', executors: [executor], pool });
    expect(startIdle(a, feeds(), 2, 3)).toBeUndefined();
    const b = new SchedulerCore({ name: 'b', executors: [executor], pool });
    expect(startIdle(a, feeds(), 2, 1)).toBeUndefined();
    await b.close();
    expect(startIdle(a, feeds(), 2, 1)).toBeInstanceOf(Promise);

    // Re-entrant: an executor that starts another request while its pool's pass is under way.
    let inner: Promise<ScheduledResult> | undefined | 'not called';
    inner = 'not called';
    const reentrant: SchedulerCore = new SchedulerCore({
      name: 'reentrant',
      maxConcurrent: 2,
      executors: [
        () => {
          if (inner === 'not called') inner = startIdle(reentrant, feeds(), 2, 1);
          return Promise.resolve({});
        },
      ],
    });
    await reentrant.submit(feeds());
    expect(inner).toBeUndefined();

    const closing = new SchedulerCore({ name: 'closing', executors: [executor] });
    const closed = closing.close();
    expect(startIdle(closing, feeds(), 2, 1)).toBeUndefined();
    await closed;
    for (const release of held.splice(0)) release();
    await Promise.all([a.close(), batching.close(), busy.close(), reentrant.close()]);
  });
});
