import { getEventListeners } from 'node:events';
import { rejectionOf } from '@inferox/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { raceSignal } from './race-signal';

describe('raceSignal', () => {
  const unhandled: unknown[] = [];
  const record = (reason: unknown): void => void unhandled.push(reason);
  beforeEach(() => {
    unhandled.length = 0;
    process.on('unhandledRejection', record);
  });
  afterEach(() => void process.off('unhandledRejection', record));
  const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

  it('returns the promise itself when there is no signal', () => {
    const promise = Promise.resolve(1);
    expect(raceSignal(promise, undefined, 'x')).toBe(promise);
  });

  it('settles as the promise does while the signal stays quiet, an odd rejection made an Error', async () => {
    const signal = new AbortController().signal;
    expect(await raceSignal(Promise.resolve(7), signal, 'x')).toBe(7);
    const failure = new Error('boom');
    expect(await raceSignal(Promise.reject(failure), signal, 'x').catch((e: unknown) => e)).toBe(failure);
    const odd = await raceSignal(Promise.reject('text'), signal, 'x').catch((e: unknown) => e);
    expect([odd instanceof Error, (odd as Error).message]).toEqual([true, 'text']);
  });

  it('rejects with CANCELLED naming the wait when the signal aborts first, and leaves the promise running', async () => {
    const stop = new AbortController();
    let finish!: (v: number) => void;
    const slow = new Promise<number>((resolve) => (finish = resolve));
    const raced = raceSignal(slow, stop.signal, 'load of m');
    stop.abort(new Error('stop'));
    const error = await rejectionOf(raced);
    expect([error.code, error.message]).toEqual(['CANCELLED', expect.stringContaining('load of m')]);
    finish(3);
    expect(await slow).toBe(3);
  });

  it('leaves no listener on the signal, whether the promise resolves, rejects or the signal aborts first', async () => {
    const signals = [new AbortController(), new AbortController(), new AbortController()];
    await raceSignal(Promise.resolve(1), signals[0]!.signal, 'x');
    await raceSignal(Promise.reject(new Error('no')), signals[1]!.signal, 'x').catch(() => undefined);
    const raced = rejectionOf(raceSignal(new Promise(() => undefined), signals[2]!.signal, 'x'));
    signals[2]!.abort(new Error('stop'));
    expect((await raced).code).toBe('CANCELLED');
    expect(signals.map((c) => getEventListeners(c.signal, 'abort').length)).toEqual([0, 0, 0]);
  });

  it('rejects at once on an already aborted signal, and a later failure of the promise is not left unhandled', async () => {
    const stop = new AbortController();
    stop.abort(new Error('stop'));
    let fail!: (e: Error) => void;
    const doomed = new Promise<never>((_, reject) => (fail = reject));
    const error = await rejectionOf(raceSignal(doomed, stop.signal, 'init of backend a'));
    expect([error.code, error.message]).toEqual(['CANCELLED', expect.stringContaining('init of backend a')]);
    fail(new Error('init failed later'));
    await turn();
    await turn();
    expect(unhandled).toEqual([]);
  });
});
