import { describe, expect, it } from 'vitest';
import { InFlight } from './in-flight';

interface Run {
  readonly signal: AbortSignal;
  resolve(value: string): void;
  reject(error: unknown): void;
}

/** An InFlight whose runs the test settles by hand, recording every start. */
function manual(): { inFlight: InFlight<string, number>; runs: Run[]; start: (signal: AbortSignal) => Promise<string> } {
  const runs: Run[] = [];
  const start = (signal: AbortSignal): Promise<string> =>
    new Promise<string>((resolve, reject) => {
      runs.push({ signal, resolve, reject });
    });
  return { inFlight: new InFlight<string, number>(), runs, start };
}

async function outcome(promise: Promise<unknown>): Promise<{ value?: unknown; code?: unknown }> {
  return promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ code: (error as { code?: unknown }).code }),
  );
}

describe('InFlight', () => {
  it('shares one run between callers with the same key when they overlap', async () => {
    const { inFlight, runs, start } = manual();
    const a = inFlight.run('k', undefined, undefined, start);
    const b = inFlight.run('k', undefined, undefined, start);
    expect(runs).toHaveLength(1);
    runs[0]?.resolve('done');
    expect(await Promise.all([a, b])).toEqual(['done', 'done']);
  });

  it('starts a fresh run for a caller without a signal when the only other caller has just aborted', async () => {
    const { inFlight, runs, start } = manual();
    const controller = new AbortController();
    const a = outcome(inFlight.run('k', controller.signal, undefined, start));
    controller.abort(new Error('A gave up'));
    // B arrives while A's run is aborted but has not settled yet: it must not inherit A's cancellation.
    const b = outcome(inFlight.run('k', undefined, undefined, start));
    expect(runs).toHaveLength(2);
    expect(runs[0]?.signal.aborted).toBe(true);
    expect(runs[1]?.signal.aborted).toBe(false);
    runs[0]?.reject(new Error('aborted fetch'));
    runs[1]?.resolve('fresh');
    expect(await a).toEqual({ code: 'CANCELLED' });
    expect(await b).toEqual({ value: 'fresh' });
  });

  it('keeps the newer run shared when an older run for the same key settles after it started', async () => {
    const { inFlight, runs, start } = manual();
    const controller = new AbortController();
    const a = inFlight.run('k', controller.signal, undefined, start);
    controller.abort();
    const b = inFlight.run('k', undefined, undefined, start);
    runs[0]?.reject(new Error('aborted fetch'));
    await outcome(a);
    await Promise.resolve();
    // The old run's settling must not drop the entry of B's run: C joins it instead of starting a third.
    const c = inFlight.run('k', undefined, undefined, start);
    expect(runs).toHaveLength(2);
    runs[1]?.resolve('shared');
    expect(await Promise.all([b, c])).toEqual(['shared', 'shared']);
  });

  it('aborts the run only when every caller has left and forwards progress to those still waiting', async () => {
    const { inFlight, runs } = manual();
    const first = new AbortController();
    const second = new AbortController();
    const seen: number[] = [];
    let report: (progress: number) => void = () => undefined;
    const start = (signal: AbortSignal, progress: (progress: number) => void): Promise<string> => {
      report = progress;
      return new Promise<string>((resolve, reject) => void runs.push({ signal, resolve, reject }));
    };
    const a = inFlight.run('k', first.signal, (p) => seen.push(-p), start);
    const b = inFlight.run('k', second.signal, (p) => seen.push(p), start);
    first.abort();
    expect(runs[0]?.signal.aborted).toBe(false);
    report(5);
    second.abort();
    expect(runs[0]?.signal.aborted).toBe(true);
    expect(seen).toEqual([5]);
    runs[0]?.reject(new Error('aborted fetch'));
    expect(await outcome(a)).toEqual({ code: 'CANCELLED' });
    expect(await outcome(b)).toEqual({ code: 'CANCELLED' });
  });
});
