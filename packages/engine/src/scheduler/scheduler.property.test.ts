import { Tensor, type TensorMap, isInferoxError } from '@inferox/core';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAdmissionPool } from './admission-pool';
import type { Executor } from './executor';
import { flushMicrotasks } from './controllable-executor.fixture';
import { PRIORITIES } from './priority';
import { type Scheduler, createScheduler } from './scheduler';

/** Winds a run down: answers every run still open (including ones started meanwhile) until `closed` settles. */
async function answerAll(runs: readonly { answered: boolean; resolve: () => void }[], closed: Promise<unknown>): Promise<void> {
  while (runs.some((r) => !r.answered)) {
    for (const run of runs.filter((r) => !r.answered)) {
      run.answered = true;
      run.resolve();
    }
    await flushMicrotasks();
  }
  await closed;
  await flushMicrotasks();
}

type Command =
  | { kind: 'submit'; scheduler: number; rank: number; cost: number; timeoutMs: number | null }
  | { kind: 'cancel'; pick: number }
  | { kind: 'complete'; pick: number }
  | { kind: 'fail'; pick: number }
  | { kind: 'advance'; ms: number };

interface Model {
  id: number;
  scheduler: number;
  rank: number;
  cost: number;
  expiresAt: number;
  status: 'queued' | 'running' | 'gone';
  cancelled: boolean;
  controller: AbortController;
  fulfilled: number;
  rejected: number;
  error?: unknown;
}

interface Run {
  readonly request: Model;
  readonly scheduler: number;
  readonly executor: number;
  answered: boolean;
  /** Set when the run's promise settled, just before the scheduler sees it. */
  freed: boolean;
  resolve(): void;
  reject(): void;
}

/** Whole costs up to just over the capacity, or tenths (which do not add up exactly in floating point). */
const costArb = (capacity: number, whole: number): fc.Arbitrary<number> =>
  fc.oneof(fc.nat(Math.floor(whole)), fc.integer({ min: 1, max: Math.ceil(capacity * 10) + 1 }).map((n) => n / 10));

const commandArb = (schedulers: number, capacity: number): fc.Arbitrary<Command> =>
  fc.oneof(
    { weight: 4, arbitrary: fc.record({ kind: fc.constant('submit' as const), scheduler: fc.nat(schedulers - 1), rank: fc.nat(3), cost: costArb(capacity, capacity + 1), timeoutMs: fc.option(fc.integer({ min: 1, max: 40 })) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat() }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('complete' as const), pick: fc.nat() }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('fail' as const), pick: fc.nat() }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 1, max: 30 }) }) },
  );

const scenarioArb = fc
  .record({
    capacity: fc.oneof(fc.integer({ min: 1, max: 6 }), fc.constantFrom(0.6, 0.7, 1.3)),
    schedulers: fc.array(fc.record({ executors: fc.integer({ min: 1, max: 2 }), maxConcurrent: fc.integer({ min: 1, max: 3 }) }), { minLength: 1, maxLength: 3 }),
  })
  .chain((config) => fc.record({ config: fc.constant(config), commands: fc.array(commandArb(config.schedulers.length, config.capacity), { maxLength: 60 }) }));

describe('Scheduler (property)', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('never exceeds capacity, never passes over a higher-priority request that fits, and settles every request once under random interleavings', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async ({ config, commands }) => {
        vi.clearAllTimers();
        const { capacity } = config;
        const pool = createAdmissionPool({ capacity });
        const requests: Model[] = [];
        const runs: Run[] = [];
        const violations: string[] = [];
        const open = (s: number, e: number) => runs.filter((r) => r.scheduler === s && r.executor === e && !r.freed).length;
        const hasFreeSlot = (s: number) => Array.from({ length: config.schedulers[s]!.executors }, (_, e) => open(s, e)).some((n) => n < config.schedulers[s]!.maxConcurrent);
        const isQueued = (q: Model) => q.status === 'queued' && q.expiresAt > Date.now();

        const schedulers: Scheduler[] = config.schedulers.map((sc, s) =>
          createScheduler({
            name: `m${s}`,
            pool,
            maxConcurrent: sc.maxConcurrent,
            executors: Array.from({ length: sc.executors }, (_, e): Executor => (feeds: TensorMap) => {
              const request = requests[Number(feeds['id']!.data[0])]!;
              if (request.status !== 'queued') violations.push(`request ${request.id} started while ${request.status}`);
              if (pool.used > capacity) violations.push(`pool used ${pool.used} > capacity ${capacity}`);
              const freeBefore = capacity - pool.used + request.cost;
              for (const q of requests) {
                if (q === request || !isQueued(q) || q.cost > freeBefore) continue;
                const before = q.rank < request.rank || (q.rank === request.rank && q.id < request.id);
                if (before && (q.scheduler === s || hasFreeSlot(q.scheduler))) violations.push(`request ${request.id} passed over ${q.id}`);
              }
              request.status = 'running';
              let resolve!: () => void;
              let reject!: () => void;
              const promise = new Promise<Record<string, Tensor>>((res, rej) => {
                resolve = () => res({ out: Tensor.from('float32', [request.id], [1]) });
                reject = () => rej(new Error(`run of ${request.id} failed`));
              });
              const run: Run = { request, scheduler: s, executor: e, answered: false, freed: false, resolve, reject };
              runs.push(run);
              if (open(s, e) > sc.maxConcurrent) violations.push(`executor ${s}/${e} runs ${open(s, e)} > ${sc.maxConcurrent}`);
              const markFreed = () => {
                run.freed = true;
              };
              promise.then(markFreed, markFreed);
              return promise;
            }),
          }),
        );

        const checkQuiescent = () => {
          const held = runs.filter((r) => !r.freed).reduce((sum, r) => sum + r.request.cost, 0);
          expect(pool.used).toBe(held);
          expect(pool.used).toBeLessThanOrEqual(capacity);
          schedulers.forEach((scheduler, s) => {
            expect(scheduler.queued).toBe(requests.filter((q) => q.scheduler === s && q.status === 'queued').length);
            if (hasFreeSlot(s)) {
              const startable = requests.find((q) => q.scheduler === s && q.status === 'queued' && q.cost <= pool.free);
              expect(startable, `scheduler ${s} left request ${startable?.id} waiting with a free slot and room`).toBeUndefined();
            }
          });
          // At rest, exactly the requests the model says are over have settled: too big, cancelled, expired, or their
          // run answered; every other one (queued, or running unanswered) has not.
          const over = (q: Model) => q.cost > capacity || q.cancelled || q.expiresAt <= Date.now() || runs.some((r) => r.request === q && r.answered);
          const settledIds = requests.filter((q) => q.fulfilled + q.rejected > 0).map((q) => q.id);
          expect(settledIds, `settled requests at ${Date.now()} ms`).toEqual(requests.filter(over).map((q) => q.id));
          expect(violations).toEqual([]);
        };

        for (const command of commands) {
          switch (command.kind) {
            case 'submit': {
              const id = requests.length;
              const controller = new AbortController();
              const model: Model = {
                id,
                scheduler: command.scheduler,
                rank: command.rank,
                cost: command.cost,
                expiresAt: command.timeoutMs === null ? Number.POSITIVE_INFINITY : Date.now() + command.timeoutMs,
                status: command.cost > capacity ? 'gone' : 'queued',
                cancelled: false,
                controller,
                fulfilled: 0,
                rejected: 0,
              };
              requests.push(model);
              schedulers[command.scheduler]!.submit(
                { id: Tensor.from('int32', [id], [1]) },
                { priority: PRIORITIES[command.rank]!, cost: command.cost, signal: controller.signal, ...(command.timeoutMs === null ? {} : { timeoutMs: command.timeoutMs }) },
              ).then(
                () => {
                  model.fulfilled++;
                },
                (error: unknown) => {
                  model.rejected++;
                  model.error = error;
                  if (model.status === 'queued') model.status = 'gone';
                },
              );
              break;
            }
            case 'cancel': {
              const live = requests.filter((q) => q.fulfilled + q.rejected === 0 && q.status !== 'gone' && !q.cancelled);
              const q = live[command.pick % Math.max(1, live.length)];
              if (!q) break;
              q.cancelled = true;
              if (q.status === 'queued') q.status = 'gone';
              q.controller.abort(new Error(`cancel ${q.id}`));
              break;
            }
            case 'complete':
            case 'fail': {
              const pending = runs.filter((r) => !r.answered);
              const run = pending[command.pick % Math.max(1, pending.length)];
              if (!run) break;
              run.answered = true;
              if (command.kind === 'complete') run.resolve();
              else run.reject();
              break;
            }
            case 'advance':
              await vi.advanceTimersByTimeAsync(command.ms);
              break;
          }
          await flushMicrotasks();
          checkQuiescent();
        }

        // Wind down: answer everything, close, and check every request settled exactly once with a coherent code.
        const closed = Promise.all(schedulers.map((s) => s.close()));
        await answerAll(runs, closed);
        expect(violations).toEqual([]);
        expect(pool.used).toBe(0);
        expect(vi.getTimerCount()).toBe(0);
        for (const q of requests) {
          expect(q.fulfilled + q.rejected, `request ${q.id} settled ${q.fulfilled + q.rejected} times`).toBe(1);
          if (q.cost > capacity) expect(isInferoxError(q.error, 'OUT_OF_MEMORY')).toBe(true);
          if (q.fulfilled === 1) expect(q.cancelled).toBe(false);
          if (q.rejected === 1) expect(isInferoxError(q.error)).toBe(true);
        }
        let settled = 0;
        for (const s of schedulers) {
          const stats = s.stats();
          const failed = Object.values(stats.failed).reduce((a, b) => a + (b ?? 0), 0);
          expect(stats.completed + failed).toBe(stats.submitted);
          settled += stats.submitted;
        }
        expect(settled).toBe(requests.length);
      }),
      { numRuns: 200 },
    );
  });
  it('batches only compatible requests, splits every output back to its own request and settles each once', async () => {
    const batchCommand = fc.oneof(
      { weight: 4, arbitrary: fc.record({ kind: fc.constant('submit' as const), width: fc.integer({ min: 1, max: 2 }), rank: fc.nat(3), cost: costArb(3, 3) }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat() }) },
      { weight: 3, arbitrary: fc.record({ kind: fc.constant('complete' as const), pick: fc.nat() }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('fail' as const), pick: fc.nat() }) },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 1, max: 6 }) }) },
    );
    const arb = fc.record({
      capacity: fc.oneof(fc.integer({ min: 3, max: 8 }), fc.constantFrom(0.6, 1.3)),
      maxBatchSize: fc.integer({ min: 1, max: 4 }),
      maxQueueDelayMs: fc.integer({ min: 0, max: 5 }),
      preferred: fc.boolean(),
      maxConcurrent: fc.integer({ min: 1, max: 2 }),
      commands: fc.array(batchCommand, { maxLength: 50 }),
    });
    await fc.assert(
      fc.asyncProperty(arb, async ({ capacity, maxBatchSize, maxQueueDelayMs, preferred, maxConcurrent, commands }) => {
        vi.clearAllTimers();
        const pool = createAdmissionPool({ capacity });
        const violations: string[] = [];
        const costs: number[] = [];
        const widths: number[] = [];
        const outcomes: { fulfilled: number; rejected: number; controller: AbortController; id?: unknown[] }[] = [];
        const runs: { answered: boolean; freed: boolean; cost: number; resolve(): void; reject(): void }[] = [];
        const scheduler = createScheduler({
          name: 'batched',
          pool,
          maxConcurrent,
          batching: { maxBatchSize, maxQueueDelayMs, ...(preferred && maxBatchSize >= 2 ? { preferredBatchSizes: [2] } : {}) },
          executors: [
            (feeds: TensorMap) => {
              const ids = feeds['id']!;
              const members = ids.shape[0]!;
              const memberIds = Array.from({ length: members }, (_, r) => Number(ids.data[r * ids.shape[1]!]));
              if (members > maxBatchSize) violations.push(`batch of ${members} > ${maxBatchSize}`);
              if (memberIds.some((m) => widths[m] !== ids.shape[1])) violations.push(`batch mixes widths: ${memberIds.join(',')}`);
              if (pool.used > capacity) violations.push(`pool used ${pool.used} > ${capacity}`);
              const cost = memberIds.reduce((sum, m) => sum + costs[m]!, 0);
              let resolve!: () => void;
              let reject!: () => void;
              const promise = new Promise<Record<string, Tensor>>((res, rej) => {
                resolve = () => res({ id: Tensor.from('int32', Array.from(ids.data as Int32Array), ids.shape) });
                reject = () => rej(new Error('batch failed'));
              });
              const run = { answered: false, freed: false, cost, resolve, reject };
              runs.push(run);
              const markFreed = () => {
                run.freed = true;
              };
              promise.then(markFreed, markFreed);
              return promise;
            },
          ],
        });
        for (const command of commands) {
          if (command.kind === 'submit') {
            const id = outcomes.length;
            costs.push(command.cost);
            widths.push(command.width);
            const outcome: (typeof outcomes)[number] = { fulfilled: 0, rejected: 0, controller: new AbortController() };
            outcomes.push(outcome);
            scheduler
              .submit({ id: Tensor.from('int32', Array.from({ length: command.width }, () => id), [1, command.width]) }, { cost: command.cost, priority: PRIORITIES[command.rank]!, signal: outcome.controller.signal })
              .then(
                (result) => {
                  outcome.fulfilled++;
                  outcome.id = result.outputs['id']!.toArray();
                  if (result.outputs['id']!.shape[1] !== command.width || outcome.id.some((v) => v !== id)) violations.push(`request ${id} got ${String(outcome.id)}`);
                },
                () => {
                  outcome.rejected++;
                },
              );
          } else if (command.kind === 'cancel') {
            const live = outcomes.filter((o) => o.fulfilled + o.rejected === 0 && !o.controller.signal.aborted);
            live[command.pick % Math.max(1, live.length)]?.controller.abort();
          } else if (command.kind === 'advance') {
            await vi.advanceTimersByTimeAsync(command.ms);
          } else {
            const pending = runs.filter((r) => !r.answered);
            const run = pending[command.pick % Math.max(1, pending.length)];
            if (run) {
              run.answered = true;
              if (command.kind === 'complete') run.resolve();
              else run.reject();
            }
          }
          await flushMicrotasks();
          expect(pool.used).toBe(runs.filter((r) => !r.freed).reduce((sum, r) => sum + r.cost, 0));
          expect(violations).toEqual([]);
        }
        const closed = scheduler.close();
        await answerAll(runs, closed);
        expect(violations).toEqual([]);
        expect(outcomes.map((o) => o.fulfilled + o.rejected)).toEqual(outcomes.map(() => 1));
        expect(pool.used).toBe(0);
        expect(vi.getTimerCount()).toBe(0);
      }),
      { numRuns: 150 },
    );
  });
});
