import { ErrorCode, InferoxError } from '@inferox/core';
import type { EngineState } from './engine-state';
import { retireVersion } from './retire';

/** An abort signal for the end of the drain: `timeoutMs` passed or the caller's signal aborted. */
function drainWindow(timeoutMs: number, signal: AbortSignal | undefined): { over: AbortSignal; ended: Promise<void>; dispose: () => void } {
  const stop = new AbortController();
  const end = (): void => stop.abort();
  const timer = setTimeout(end, timeoutMs);
  signal?.addEventListener('abort', end, { once: true });
  if (signal?.aborted) end();
  const ended = new Promise<void>((resolve) => (stop.signal.aborted ? resolve() : stop.signal.addEventListener('abort', () => resolve(), { once: true })));
  return {
    over: stop.signal,
    ended,
    dispose: () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', end);
    },
  };
}

/**
 * Shuts the engine down (the caller has already set the phase to `draining`, so new work gets `SHUT_DOWN`). With
 * `drain`, lazy loads that requests wait for may finish and queued and running requests may complete within
 * `timeoutMs` (or until `signal` aborts); what is left gets `SHUT_DOWN`. Without it, queued requests are rejected at
 * once and running ones may finish within `timeoutMs`. Never waits past `timeoutMs`: a run that has not returned by
 * then is abandoned (its handle, and its backend, are disposed when it returns). Then every backend is disposed.
 */
export async function closeEngine(state: EngineState, drain: boolean, timeoutMs: number, signal: AbortSignal | undefined): Promise<void> {
  state.logger.info('engine closing', { drain, timeoutMs });
  const started = performance.now();
  const window = drainWindow(timeoutMs, signal);
  try {
    const loads = state.table.entries().flatMap((e) => (e.lazyLoad ? [e.lazyLoad] : []));
    if (drain && loads.length > 0) {
      // Requests waiting for a lazy model count as queued: let the load finish (within the time) so they can run.
      await Promise.race([Promise.allSettled(loads), window.ended]);
      await new Promise((resolve) => setImmediate(resolve));
    }
    state.lifetime.abort(new InferoxError(ErrorCode.SHUT_DOWN, 'the engine is closing'));
    state.phase = 'stopped';
    const entries = state.table.clear();
    const remaining = Math.max(0, timeoutMs - (performance.now() - started));
    // Replicas already draining (swapped, unloaded, evicted) get the same time as the rest, then their drain ends.
    const current = new Set(entries.flatMap((e) => e.replicas));
    const endDrains = (): void => {
      for (const r of state.replicas) if (drain || !current.has(r)) r.endDrainNow();
    };
    if (!drain || window.over.aborted) endDrains();
    else window.over.addEventListener('abort', endDrains, { once: true });
    await Promise.all(entries.map((e) => retireVersion(state, e, { drain, timeoutMs: remaining })));
    // Loads still running (a backend that does not heed the signal) are waited for only until the drain ends.
    while (!window.over.aborted && state.background.size > 0) await Promise.race([state.background.all(), window.ended]);
  } finally {
    window.dispose();
  }
  for (const r of state.replicas) r.endDrainNow();
  // A backend whose run is still in progress is disposed after its handles are.
  const stuck = new Map<string, Promise<void>>();
  for (const r of state.replicas) {
    if (r.isReleased) continue;
    stuck.set(r.backend, Promise.all([stuck.get(r.backend), r.released]).then(() => undefined));
  }
  await state.registry.dispose(stuck);
  state.logger.info('engine closed');
}
