import { abortError } from '@inferox/core';

/** Waits `ms`, or rejects with `CANCELLED` as soon as `signal` aborts; leaves no timer behind. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(abortError(signal, 'hub request'));
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortError(signal as AbortSignal, 'hub request'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
