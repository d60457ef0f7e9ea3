import { abortError } from '@inferox/core';

interface Entry<T, P> {
  readonly promise: Promise<T>;
  readonly controller: AbortController;
  readonly listeners: Set<(progress: P) => void>;
  waiters: number;
}

/**
 * Shares one run of an operation between concurrent callers with the same key: the operation starts once, every
 * caller gets its result and progress, each caller's signal cancels only its own wait, and the operation itself
 * is aborted when every caller has left (a caller arriving after that starts a new run).
 */
export class InFlight<T, P> {
  private readonly entries = new Map<string, Entry<T, P>>();

  run(
    key: string,
    signal: AbortSignal | undefined,
    onProgress: ((progress: P) => void) | undefined,
    start: (signal: AbortSignal, progress: (progress: P) => void) => Promise<T>,
  ): Promise<T> {
    if (signal?.aborted) return Promise.reject(abortError(signal, 'hub download'));
    let entry = this.entries.get(key);
    if (!entry) {
      const controller = new AbortController();
      const listeners = new Set<(progress: P) => void>();
      const promise = start(controller.signal, (progress) => {
        for (const listener of listeners) listener(progress);
      });
      const created: Entry<T, P> = { promise, controller, listeners, waiters: 0 };
      // Only this run's own entry may be dropped: a newer run for the same key may have replaced it meanwhile.
      const forget = (): void => {
        if (this.entries.get(key) === created) this.entries.delete(key);
      };
      promise.then(forget, forget);
      this.entries.set(key, created);
      entry = created;
    }
    const current = entry;
    current.waiters += 1;
    if (onProgress) current.listeners.add(onProgress);
    return new Promise<T>((resolve, reject) => {
      let left = false;
      const leave = (): void => {
        if (left) return;
        left = true;
        signal?.removeEventListener('abort', onAbort);
        if (onProgress) current.listeners.delete(onProgress);
        current.waiters -= 1;
      };
      const onAbort = (): void => {
        leave();
        if (current.waiters === 0) {
          // The run is doomed from now on: a caller arriving before it settles must start a fresh one, not join it
          // and inherit a cancellation it never asked for.
          if (this.entries.get(key) === current) this.entries.delete(key);
          current.controller.abort(signal?.reason);
        }
        reject(abortError(signal as AbortSignal, 'hub download'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      current.promise.then(
        (value) => {
          leave();
          resolve(value);
        },
        (error: unknown) => {
          leave();
          reject(error);
        },
      );
    });
  }
}
