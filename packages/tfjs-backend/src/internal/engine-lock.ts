const KEY = Symbol.for('@inferox/tfjs-backend/engine-lock');

interface LockState {
  tail: Promise<void>;
  /** Computations holding or waiting for the lock (absent on a state made by an older copy of this package). */
  holders?: number;
}

function state(): LockState {
  const holder = globalThis as unknown as Record<symbol, LockState | undefined>;
  return (holder[KEY] ??= { tail: Promise.resolve() });
}

/**
 * Runs `fn` when no other Inferox tfjs computation holds tfjs' engine, in arrival order.
 *
 * tfjs tracks new tensors in the innermost open scope. A synchronous run (inside `tf.tidy`) opens and closes its
 * scope without yielding, but an asynchronous graph run keeps a scope open across awaits so that it can free what
 * tfjs leaves behind when such a run fails; while it is open, no other run may create tensors, or they would be
 * tracked (and freed) with it. The lock lives on `globalThis`, like tfjs' engine.
 */
export function withEngineLock<T>(fn: () => T | Promise<T>): Promise<T> {
  const s = state();
  s.holders = (s.holders ?? 0) + 1;
  const result = s.tail.then(fn);
  const release = (): void => {
    s.holders = (s.holders ?? 1) - 1;
  };
  s.tail = result.then(release, release);
  return result;
}

/** How many computations hold or wait for the engine lock; lets tests see a computation queue behind a run. */
export function engineLockHolders(): number {
  return state().holders ?? 0;
}
