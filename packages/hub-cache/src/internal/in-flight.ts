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
 * is aborted when every caller has left.
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
      }).finally(() => this.entries.delete(key));
      promise.catch(() => undefined);
      entry = { promise, controller, listeners, waiters: 0 };
      this.entries.set(key, entry);
    }
    const current = entry;
    current.waiters += 1;
    if (onProgress) current.listeners.add(onProgress);
    return new Promise<T>((resolve, reject) => {
      const leave = (): void => {
        signal?.removeEventListener('abort', onAbort);
        if (onProgress) current.listeners.delete(onProgress);
        current.waiters -= 1;
      };
      const onAbort = (): void => {
        leave();
        if (current.waiters === 0) current.controller.abort(signal?.reason);
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
