import { describe, expect, it } from 'vitest';
import { BackgroundTasks } from './background-tasks';

function gate<T>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void } {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('BackgroundTasks', () => {
  it('returns a tracked promise unchanged and counts it until it settles, either way', async () => {
    const tasks = new BackgroundTasks();
    const ok = gate<number>();
    const bad = gate<number>();
    expect(tasks.track(ok.promise)).toBe(ok.promise);
    const failing = tasks.track(bad.promise);
    failing.catch(() => undefined);
    expect(tasks.size).toBe(2);
    ok.resolve(1);
    await turn();
    expect(tasks.size).toBe(1);
    bad.reject(new Error('x'));
    await turn();
    expect(tasks.size).toBe(0);
  });

  it('all() waits for every task tracked at the call, and resolves even when one rejects', async () => {
    const tasks = new BackgroundTasks();
    const a = gate<void>();
    const b = gate<void>();
    void tasks.track(a.promise);
    tasks.track(b.promise).catch(() => undefined);
    let done = false;
    void tasks.all().then(() => (done = true));
    a.resolve();
    await turn();
    expect(done).toBe(false);
    b.reject(new Error('x'));
    await turn();
    expect(done).toBe(true);
    expect(await tasks.all()).toBeUndefined();
  });
});
