/** Per-request signals that all follow one outer signal through a single listener. */
export interface SplitSignal {
  readonly signals: readonly AbortSignal[];
  /** Aborts every request signal not yet aborted. */
  abort(reason: unknown): void;
  /** Stops following the outer signal. */
  dispose(): void;
}

/**
 * Splits `outer` into `count` signals, so a batch of requests does not pile `count` listeners on the caller's
 * signal (Node warns past 10).
 */
export function splitSignal(outer: AbortSignal | undefined, count: number): SplitSignal {
  const controllers = Array.from({ length: count }, () => new AbortController());
  const abort = (reason: unknown): void => {
    for (const c of controllers) c.abort(reason);
  };
  const onAbort = (): void => abort(outer?.reason);
  outer?.addEventListener('abort', onAbort, { once: true });
  if (outer?.aborted) onAbort();
  return {
    signals: controllers.map((c) => c.signal),
    abort,
    dispose: () => outer?.removeEventListener('abort', onAbort),
  };
}
