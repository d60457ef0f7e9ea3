import { ErrorCode, InferoxError } from '@inferox/core';
import type { EngineState } from './engine-state';
import { raceSignal } from './race-signal';
import { loadVersion } from './replica-loader';
import { retireVersion } from './retire';
import { type VersionEntry, label } from './version-entry';

function deadlineError(entry: VersionEntry, deadline: number): InferoxError {
  return new InferoxError(ErrorCode.DEADLINE_EXCEEDED, `request to ${label(entry)} missed its deadline (${new Date(deadline).toISOString()}) waiting for the model to load`, {
    details: { deadline },
  });
}

/** Starts the on-demand load of a lazy or evicted version, unless one is under way. */
function startLazyLoad(state: EngineState, entry: VersionEntry): Promise<void> {
  if (entry.lazyLoad) return entry.lazyLoad;
  const prior = entry.state;
  entry.state = 'loading';
  entry.lazyLoad = state.background.track(
    loadVersion(state, entry, state.lifetime.signal).then(
      () => {
        entry.lazyLoad = undefined;
        if (entry.removed) void retireVersion(state, entry, { drain: true });
      },
      (error: unknown) => {
        entry.lazyLoad = undefined;
        entry.state = prior;
        throw error;
      },
    ),
  );
  return entry.lazyLoad;
}

/**
 * Loads a lazy or evicted version on demand (one load shared by every request waiting for it) and waits for it, no
 * longer than the request's timeout or deadline (the nearer one), its signal or the engine's drain.
 *
 * @param timeoutMs - what is left of the request's timeout; `statedMs` is the timeout the caller gave, named in the
 * TIMEOUT message (`timeoutMs` by default).
 * @throws InferoxError the load's error, `TIMEOUT`, `DEADLINE_EXCEEDED`, `CANCELLED`, `SHUT_DOWN`.
 */
export async function awaitLazyLoad(
  state: EngineState,
  entry: VersionEntry,
  signal: AbortSignal | undefined,
  timeoutMs: number | undefined,
  deadline: number | undefined,
  statedMs = timeoutMs,
): Promise<void> {
  if (deadline !== undefined && Date.now() >= deadline) throw deadlineError(entry, deadline);
  const loading = startLazyLoad(state, entry);
  // Closing the engine ends the wait too (the request gets SHUT_DOWN).
  const lifetime = signal ? AbortSignal.any([signal, state.lifetime.signal]) : state.lifetime.signal;
  const untilDeadline = deadline === undefined ? undefined : deadline - Date.now();
  const byDeadline = untilDeadline !== undefined && (timeoutMs === undefined || untilDeadline < timeoutMs);
  const limit = byDeadline ? untilDeadline : timeoutMs;
  if (limit === undefined) return raceSignal(loading, lifetime, `request to ${label(entry)}`);
  const timer = new AbortController();
  const expire = (): void =>
    timer.abort(byDeadline ? deadlineError(entry, deadline!) : new InferoxError(ErrorCode.TIMEOUT, `request to ${label(entry)} timed out after ${statedMs} ms waiting for the model to load`));
  const timeout = setTimeout(expire, Math.max(0, limit));
  try {
    await raceSignal(loading, AbortSignal.any([lifetime, timer.signal]), `request to ${label(entry)}`);
  } finally {
    clearTimeout(timeout);
  }
}
