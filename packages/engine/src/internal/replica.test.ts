import { ErrorCode, type LogFields, type Logger, type ModelSignature, type Tensor, Tensor as T, type TensorMap } from '@inferox/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createAdmissionPool } from '../scheduler/admission-pool';
import type { AdmissionPool } from '../scheduler';
import type { InferOptions } from '../infer-options';
import { deferred } from '../scheduler/internal/scheduler-entry';
import { Replica, type ReplicaInit, type ReplicaResult, type Run } from './replica';

const SIGNATURE: ModelSignature = { inputs: [], outputs: [] };

/** A run held until the test lets it return; records the `validated` flag each call saw. */
function gatedRun(): { run: Run; calls: boolean[]; open: () => void } {
  const calls: boolean[] = [];
  const waiting: (() => void)[] = [];
  const run: Run = async (feeds, _context, validated) => {
    calls.push(validated);
    await new Promise<void>((resolve) => waiting.push(resolve));
    return feeds as Record<string, Tensor>;
  };
  return { run, calls, open: () => waiting.shift()?.() };
}

function recordingLogger(): { logger: Logger; warnings: [string, LogFields | undefined][] } {
  const warnings: [string, LogFields | undefined][] = [];
  const noop = (): void => {};
  return { logger: { debug: noop, info: noop, error: noop, warn: (m, f) => warnings.push([m, f]) }, warnings };
}

function replica(runs: Run[], extra: Partial<ReplicaInit> = {}): Replica {
  return new Replica({
    model: 'm',
    version: 1,
    backend: 'b',
    device: 'cpu',
    signature: SIGNATURE,
    metadata: {},
    memoryBytes: 1,
    mode: 'inline',
    runs,
    lost: () => false,
    release: async () => {},
    logger: recordingLogger().logger,
    ...extra,
  });
}

/** A request to `r`, answered through a promise (the engine's dispatch is its own sink). */
function submit(r: Replica, feeds: TensorMap, options: InferOptions, validated = false): Promise<ReplicaResult> {
  const answer = deferred();
  r.submitTo(feeds, options, validated, answer);
  return answer.promise;
}

const feeds = (): TensorMap => ({ x: T.from('float32', [1], [1]) });
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('Replica', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('is usable only while live, and idle only with nothing submitted or running', async () => {
    const g = gatedRun();
    const r = replica([g.run]);
    expect([r.usable, r.idle]).toEqual([true, true]);
    const done = submit(r, feeds(), {});
    expect(r.idle).toBe(false);
    g.open();
    await done;
    expect(r.idle).toBe(true);
    const retired = r.retire({ drain: true });
    expect(r.usable).toBe(false);
    await retired;
  });

  it('tells the run the feeds were validated only when the caller said so, for the feeds of that very call', async () => {
    const seen: boolean[] = [];
    const r = replica([async (f, _context, validated) => (seen.push(validated), f as Record<string, Tensor>)]);
    await submit(r, feeds(), {}, true);
    await submit(r, feeds(), {}, false);
    await submit(r, feeds(), {});
    // Queued behind a running request, the run starts later: the feeds are checked again.
    const g = gatedRun();
    const busy = replica([g.run]);
    const first = submit(busy, feeds(), {}, true);
    const second = submit(busy, feeds(), {}, true);
    await turn();
    g.open();
    await first;
    await turn();
    g.open();
    await second;
    expect([seen, g.calls]).toEqual([
      [true, false, false],
      [true, false],
    ]);
  });

  it('is not idle while a request waits in its queue for room in the shared pool', async () => {
    const pool: AdmissionPool = createAdmissionPool({ capacity: 1 });
    const g = gatedRun();
    const holder = replica([g.run], { pool });
    const waiter = replica([g.run], { pool });
    const held = submit(holder, feeds(), {});
    const queued = submit(waiter, feeds(), {});
    await turn();
    expect([g.calls.length, waiter.idle]).toEqual([1, false]);
    g.open();
    await held;
    await turn();
    g.open();
    await queued;
    expect(waiter.idle).toBe(true);
  });

  it('answers BACKEND_UNAVAILABLE naming the backend and model, without running, once its backend disposed the model', async () => {
    let ran = false;
    const r = replica([async () => ((ran = true), {})], { lost: () => true });
    const error = await submit(r, feeds(), {}).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: ErrorCode.BACKEND_UNAVAILABLE, message: 'the b model of m@1 was disposed by its backend', details: { backend: 'b', model: 'm' } });
    expect(ran).toBe(false);
  });

  it('names the backend and model in the error of a run that threw a plain error', async () => {
    const r = replica([() => Promise.reject(new Error('boom'))]);
    await expect(submit(r, feeds(), {})).rejects.toMatchObject({ code: ErrorCode.BACKEND_ERROR, message: 'b run of m: boom' });
  });

  it('applies a deadline already past and an aborted signal even when idle, instead of starting the run', async () => {
    let ran = 0;
    const r = replica([async () => (ran++, {})]);
    await expect(submit(r, feeds(), { deadline: Date.now() - 1000 })).rejects.toHaveProperty('code', ErrorCode.DEADLINE_EXCEEDED);
    await expect(submit(r, feeds(), { signal: AbortSignal.abort() })).rejects.toHaveProperty('code', ErrorCode.CANCELLED);
    expect(ran).toBe(0);
  });

  it('reserves the request cost in its pool when it starts an idle request at once', async () => {
    const pool: AdmissionPool = createAdmissionPool({ capacity: 2 });
    const g = gatedRun();
    const r = replica([g.run, g.run], { pool });
    const first = submit(r, feeds(), { cost: 2 });
    const second = submit(r, feeds(), { cost: 1 });
    await turn();
    expect(g.calls.length).toBe(1);
    g.open();
    await first;
    await turn();
    expect(g.calls.length).toBe(2);
    g.open();
    await second;
  });

  it('frees an inline handle only after its last run returned, when the drain ended with runs in progress', async () => {
    const g = gatedRun();
    let released = 0;
    const { logger, warnings } = recordingLogger();
    const r = replica([g.run, g.run], { release: async () => void released++, logger });
    const runs = [submit(r, feeds(), {}).catch(() => undefined), submit(r, feeds(), {}).catch(() => undefined)];
    await turn();
    expect(g.calls.length).toBe(2);
    const retired = r.retire({ drain: true });
    r.endDrainNow();
    await retired;
    expect(warnings.map(([m]) => m)).toEqual(['a run did not return in time; its handle is disposed when it does']);
    g.open();
    await turn();
    expect([released, r.isReleased]).toEqual([0, false]);
    g.open();
    await r.released;
    await Promise.all(runs);
    expect([released, r.isReleased, r.state]).toEqual([1, true, 'disposed']);
  });

  it('frees workers at once when the drain ended with a run in progress', async () => {
    const g = gatedRun();
    let released = 0;
    const r = replica([g.run], { mode: 'worker', release: async () => void released++ });
    const run = submit(r, feeds(), {}).catch(() => undefined);
    await turn();
    const retired = r.retire({ drain: true });
    r.endDrainNow();
    await retired;
    expect([released, r.isReleased]).toEqual([1, true]);
    g.open();
    await run;
  });

  it('warns naming the model and backend when freeing its resources fails', async () => {
    const { logger, warnings } = recordingLogger();
    const r = replica([async () => ({})], { release: () => Promise.reject(new Error('gone')), logger });
    await r.retire({ drain: true });
    expect(warnings).toEqual([['replica dispose failed', { model: 'm', backend: 'b', error: 'Error: gone' }]]);
  });
  it('is not idle while the run of a request that was cancelled is still in progress', async () => {
    const g = gatedRun();
    const r = replica([g.run]);
    const caller = new AbortController();
    const cancelled = submit(r, feeds(), { signal: caller.signal }).catch((e: unknown) => e);
    await turn();
    caller.abort();
    expect(await cancelled).toHaveProperty('code', ErrorCode.CANCELLED);
    expect(r.idle).toBe(false);
    g.open();
    await turn();
    expect(r.idle).toBe(true);
  });

  it('lets a drain without a time limit run to its end, however long the queued requests wait', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const g = gatedRun();
    const r = replica([g.run]);
    const running = submit(r, feeds(), {});
    const queued = submit(r, feeds(), {});
    await turn();
    const retired = r.retire({ drain: true });
    await vi.advanceTimersByTimeAsync(1000);
    g.open();
    await turn();
    g.open();
    await Promise.all([running, queued, retired]);
    expect([g.calls.length, r.isReleased]).toEqual([2, true]);
  });

  it('leaves no timer behind once a drain with a time limit ended in time', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const r = replica([async () => ({})]);
    await submit(r, feeds(), {});
    await r.retire({ drain: true, timeoutMs: 60_000 });
    expect([r.isReleased, vi.getTimerCount()]).toEqual([true, 0]);
  });

  it('frees its workers once, also when the run in progress returns after the drain ended', async () => {
    const g = gatedRun();
    let released = 0;
    const r = replica([g.run], { mode: 'worker', release: async () => void released++ });
    const run = submit(r, feeds(), {}).catch(() => undefined);
    await turn();
    const retired = r.retire({ drain: true });
    r.endDrainNow();
    await retired;
    g.open();
    await run;
    await turn();
    expect(released).toBe(1);
  });
});
