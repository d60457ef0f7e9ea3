const KEY = Symbol.for('@inferox/tfjs-backend/engine-lock');

interface LockState {
  tail: Promise<void>;
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
  const result = s.tail.then(fn);
  s.tail = result.then(
    () => undefined,
    () => undefined,
  );
  return result;
}
