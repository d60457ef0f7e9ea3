import { type InferoxError, isInferoxError } from '@inferox/core';
import { describe, expect, it, vi } from 'vitest';
import { createEngine } from './engine';
import { ControlledBackend, feedsOf } from './controlled-backend.fixture';

async function settle(promise: Promise<unknown>): Promise<{ ok: true } | { ok: false; error: InferoxError }> {
  return promise.then(
    () => ({ ok: true as const }),
    (error: unknown) => {
      expect(isInferoxError(error)).toBe(true);
      return { ok: false as const, error: error as InferoxError };
    },
  );
}

describe('Engine shutdown', () => {
  it('finishes queued and running requests, refuses new ones with SHUT_DOWN, and disposes everything when draining', async () => {
    const ctl = new ControlledBackend();
    const engine = createEngine({ backends: [ctl] });
    await engine.load('m', { source: 'm' });
    ctl.hold();
    const work = Array.from({ length: 5 }, (_, i) => engine.infer('m', feedsOf(i)));
    await ctl.whenWaiting(1);
    expect(engine.stats().requests).toMatchObject({ inFlight: 1, queued: 4 });
    const closing = engine.close({ drain: true, timeoutMs: 60_000 });
    expect(engine.closed).toBe(true);
    const late = await settle(engine.infer('m', feedsOf(1)));
    expect(late.ok === false && late.error.code).toBe('SHUT_DOWN');
    ctl.release();
    expect((await Promise.all(work.map(settle))).every((r) => r.ok)).toBe(true);
    await closing;
    expect(ctl.live.size).toBe(0);
    expect(ctl.disposed).toBe(true);
    expect(engine.close()).toBe(closing);
    expect(engine.stats().closed).toBe(true);
    for (const call of [engine.load('x', { source: 'x' }), engine.unload('m'), engine.register('x', {} as never)]) {
      const r = await settle(call);
      expect(r.ok === false && r.error.code).toBe('SHUT_DOWN');
    }
    expect(() => engine.session('m')).toThrow(/closed/);
  });

  it('rejects what is left with SHUT_DOWN when the drain times out', async () => {
    const ctl = new ControlledBackend();
    const engine = createEngine({ backends: [ctl] });
    await engine.load('m', { source: 'm' });
    ctl.hold();
    const work = Array.from({ length: 3 }, (_, i) => settle(engine.infer('m', feedsOf(i))));
    await ctl.whenWaiting(1);
    const closing = engine.close({ timeoutMs: 0 });
    const results = await Promise.all(work);
    expect(results.map((r) => (r.ok ? 'ok' : r.error.code))).toEqual(['SHUT_DOWN', 'SHUT_DOWN', 'SHUT_DOWN']);
    // The running run was answered at once; close does not wait for it; the handle (and then the backend) is
    // disposed only after the backend returns.
    await closing;
    expect(ctl.live.size).toBe(1);
    expect(ctl.disposed).toBe(false);
    ctl.release();
    await vi.waitFor(() => expect(ctl.live.size).toBe(0));
    await vi.waitFor(() => expect(ctl.disposed).toBe(true));
    expect(ctl.runs.every((r) => !r.disposed)).toBe(true);
  });

  it('resolves close by its timeout and answers SHUT_DOWN when an inline run never returns', async () => {
    const ctl = new ControlledBackend();
    const engine = createEngine({ backends: [ctl] });
    await engine.load('m', { source: 'm' });
    ctl.hold();
    const running = settle(engine.infer('m', feedsOf(1)));
    await ctl.whenWaiting(1);
    // The run is never released before close resolves: close must not wait for it.
    await engine.close({ timeoutMs: 20 });
    const r = await running;
    expect(r.ok === false && r.error.code).toBe('SHUT_DOWN');
    expect([ctl.live.size, ctl.disposed]).toEqual([1, false]);
    ctl.release();
    await vi.waitFor(() => expect([ctl.live.size, ctl.disposed]).toEqual([0, true]));
  });

  it('resolves unload by its timeout and answers SHUT_DOWN when an inline run never returns', async () => {
    const ctl = new ControlledBackend();
    const engine = createEngine({ backends: [ctl] });
    await engine.load('m', { source: 'm' });
    ctl.hold();
    const running = settle(engine.infer('m', feedsOf(1)));
    await ctl.whenWaiting(1);
    await engine.unload('m', { timeoutMs: 20 });
    const r = await running;
    expect(r.ok === false && r.error.code).toBe('SHUT_DOWN');
    expect(ctl.live.size).toBe(1);
    expect((await settle(engine.infer('m', feedsOf(2)))).ok).toBe(false);
    ctl.release();
    await vi.waitFor(() => expect(ctl.live.size).toBe(0));
    await engine.close();
  });

  it('gives models still draining after a swap the same close timeout as the rest', async () => {
    const ctl = new ControlledBackend();
    const engine = createEngine({ backends: [ctl] });
    await engine.load('m', { source: 'm' });
    ctl.hold();
    const old = Array.from({ length: 3 }, (_, i) => settle(engine.infer('m', feedsOf(i))));
    await ctl.whenWaiting(1);
    await engine.load('m', { source: 'm', options: { factor: 2 } });
    const closing = engine.close({ timeoutMs: 0 });
    // Answered before the held run is released: the old replica's drain was cut short.
    expect((await Promise.all(old)).map((r) => (r.ok ? 'ok' : r.error.code))).toEqual(['SHUT_DOWN', 'SHUT_DOWN', 'SHUT_DOWN']);
    ctl.release();
    await closing;
    await vi.waitFor(() => expect(ctl.live.size).toBe(0));
  });

  it('cuts short the drain of swapped models at once when not draining', async () => {
    const ctl = new ControlledBackend();
    const engine = createEngine({ backends: [ctl] });
    await engine.load('m', { source: 'm' });
    ctl.hold();
    const old = Array.from({ length: 2 }, (_, i) => settle(engine.infer('m', feedsOf(i))));
    await ctl.whenWaiting(1);
    await engine.load('m', { source: 'm', options: { factor: 2 } });
    const closing = engine.close({ drain: false });
    expect((await old[1]!).ok).toBe(false);
    ctl.release();
    await closing;
    expect(ctl.live.size).toBe(0);
  });

  it('rejects queued requests at once when not draining', async () => {
    const ctl = new ControlledBackend();
    const engine = createEngine({ backends: [ctl] });
    await engine.load('m', { source: 'm' });
    ctl.hold();
    const running = settle(engine.infer('m', feedsOf(1)));
    await ctl.whenWaiting(1);
    const queued = settle(engine.infer('m', feedsOf(2)));
    const closing = engine.close({ drain: false });
    const q = await queued;
    expect(q.ok === false && q.error.code).toBe('SHUT_DOWN');
    ctl.release();
    expect((await running).ok).toBe(true);
    await closing;
  });

  it('lets requests waiting for a lazy load run when draining, and disposes the model after', async () => {
    const ctl = new ControlledBackend();
    const engine = createEngine({ backends: [ctl] });
    await engine.load('m', { source: 'm', lazy: true });
    const waiting = settle(engine.infer('m', feedsOf(1)));
    await engine[Symbol.asyncDispose]();
    expect((await waiting).ok).toBe(true);
    expect(ctl.live.size).toBe(0);
  });

  it('fails requests waiting for a lazy load with SHUT_DOWN when not draining', async () => {
    const ctl = new ControlledBackend();
    const engine = createEngine({ backends: [ctl] });
    await engine.load('m', { source: 'm', lazy: true });
    const waiting = settle(engine.infer('m', feedsOf(1)));
    await engine.close({ drain: false });
    const r = await waiting;
    expect(r.ok === false && r.error.code).toBe('SHUT_DOWN');
    expect(ctl.live.size).toBe(0);
  });

  it('refuses an explicit load that finishes while close drains lazy loads, and disposes it', async () => {
    const ctl = new ControlledBackend();
    const engine = createEngine({ backends: [ctl] });
    await engine.load('lazy', { source: 'lazy', lazy: true });
    ctl.holdLoads();
    const waiting = settle(engine.infer('lazy', feedsOf(1)));
    const loading = settle(engine.load('eager', { source: 'eager' }));
    await vi.waitFor(() => expect(ctl.loadsHeld).toBe(2));
    const closing = engine.close();
    ctl.releaseLoads();
    expect((await waiting).ok).toBe(true);
    const r = await loading;
    expect(r.ok === false && r.error.code).toBe('SHUT_DOWN');
    await closing;
    expect(ctl.loads).toBe(2);
    expect(ctl.live.size).toBe(0);
  });

  it('disposes a model whose load finishes after close began', async () => {
    const ctl = new ControlledBackend();
    const engine = createEngine({ backends: [ctl] });
    const loading = settle(engine.load('m', { source: 'm' }));
    await engine.close();
    const r = await loading;
    expect(r.ok === false && r.error.code).toBe('SHUT_DOWN');
    expect(ctl.live.size).toBe(0);
  });
});
