import { ErrorCode, InferoxError, type TensorMap, toInferoxError, validateFeeds } from '@inferox/core';
import type { InferOptions } from '../infer-options';
import type { FallbackReport, InferResult } from '../infer-result';
import type { EngineState } from './engine-state';
import type { Replica, ReplicaResult } from './replica';
import { byPriority, route } from './routing';
import { type VersionEntry, label } from './version-entry';

/** The `model` label of requests whose name does not resolve to a loaded model. */
export const UNKNOWN_MODEL = '(unknown)';

/**
 * A request's failure as the caller gets it (an {@link InferoxError}; anything else becomes `INTERNAL`), counted in the
 * requests metric under the model's name and the backend it last reached (`none` before a replica). Names that do not
 * resolve share one label, so callers cannot grow the series without bound.
 */
export function requestFailed(state: EngineState, error: unknown, nameText: unknown, model: string, backend: string): InferoxError {
  const e = toInferoxError(error, ErrorCode.INTERNAL, `request to ${typeof nameText === 'string' ? nameText.slice(0, 200) : String(nameText)}`);
  state.counters.requests.add({ model: e.code === ErrorCode.MODEL_NOT_FOUND ? UNKNOWN_MODEL : model, backend, outcome: e.code });
  return e;
}

function shutDown(entry: VersionEntry): InferoxError {
  return new InferoxError(ErrorCode.SHUT_DOWN, `request to ${label(entry)}: the engine is closed`);
}

/**
 * After a hot swap, the replicas of the version now serving `entry`'s slot on backends not tried yet: a request whose
 * replicas were all used up or retired meanwhile may still be answered there.
 */
function swappedInReplicas(state: EngineState, entry: VersionEntry, tried: ReadonlySet<string> | undefined): Replica[] {
  const current = state.table.current(entry.name, entry.version);
  if (!current || current === entry || current.state !== 'ready') return [];
  return byPriority(state, current.replicas).filter((r) => !tried?.has(r.backend));
}

/** The result of a run on `replica`, counting its success (the cached metric series of the replica). */
function resultOf(state: EngineState, entry: VersionEntry, replica: Replica, r: ReplicaResult): InferResult {
  state.table.touch(entry);
  const series = state.seriesOf(replica);
  series.queue.observe(r.queueMs / 1000);
  series.compute.observe(r.computeMs / 1000);
  series.success.count += 1;
  return {
    outputs: r.outputs,
    backend: replica.backend,
    device: replica.device,
    model: entry.name,
    version: entry.version,
    timings: { queueMs: r.queueMs, computeMs: r.computeMs },
    batchSize: r.batchSize,
  };
}

/**
 * Runs a request on `entry`: routes it, validates the feeds against the signature, submits it to the chosen replica
 * and, on a fallback code (`config.fallbackOn`), retries on the other replicas by backend priority — and, once those
 * are used up during a hot swap, on the new version's replicas of backends not tried yet.
 *
 * @param started - `performance.now()` when the request arrived: its timeout covers every attempt.
 * @throws InferoxError the last replica's error; caller errors (`INVALID_INPUT`, `CANCELLED`, `TIMEOUT`, ...) at once.
 */
export async function dispatch(state: EngineState, nameText: string, entry: VersionEntry, feeds: TensorMap, options: InferOptions, started: number): Promise<InferResult> {
  // Counted while the request is dispatched (eviction waits for it), here rather than in a caller's async layer.
  entry.inflight += 1;
  let served = 'none';
  try {
    const { order, refused } = route(state, entry, options);
    const { signature } = order.find((r) => r.usable) ?? order[0]!;
    validateFeeds(signature, feeds);
    const timeoutMs = options.timeoutMs ?? state.config.defaultTimeoutMs;
    const { fallback } = state.config;
    const fallbackOn = state.config.fallbackOn as readonly string[];
    let fellBack: FallbackReport | undefined;
    let last: InferoxError | undefined;
    let lastBackend = '';
    if (refused) {
      // The requested backend's replica is unavailable (its init failed): fall back as if it had refused the run.
      if (!fallback || !fallbackOn.includes(refused.error.code)) throw refused.error;
      fellBack = { from: refused.backend, reason: refused.error.code, message: refused.error.message };
      last = refused.error;
      lastBackend = refused.backend;
    }
    let tried: Set<string> | undefined;
    let swappedIn = false;
    // Until the first attempt awaits, the feeds are as validated: a replica of that same signature need not recheck them.
    let fresh = true;
    for (let i = 0; i === 0 || (fallback && i <= order.length); i++) {
      if (i === order.length) {
        if (swappedIn || !last) break;
        swappedIn = true;
        order.push(...swappedInReplicas(state, entry, tried));
        if (i === order.length) break;
      }
      const replica = order[i]!;
      // A replica retired meanwhile (swap or unload) takes no new work; its version's live ones may.
      if (replica.state !== 'live') continue;
      if (last) state.counters.fallbacks.add({ model: entry.name, from: lastBackend, to: replica.backend, reason: last.code });
      if (state.phase === 'stopped') throw shutDown(entry);
      served = replica.backend;
      try {
        if (!replica.usable) {
          throw new InferoxError(ErrorCode.BACKEND_UNAVAILABLE, `backend ${JSON.stringify(replica.backend)} of ${label(entry)} is unavailable`, { details: { backend: replica.backend } });
        }
        const remaining = timeoutMs === undefined ? undefined : timeoutMs - (performance.now() - started);
        if (remaining !== undefined && remaining <= 0) throw new InferoxError(ErrorCode.TIMEOUT, `request to ${label(entry)} timed out after ${timeoutMs} ms`);
        // Awaited here, not in a helper: one async layer less per request on the hot path, and one suspended frame less
        // per queued request for the garbage collector to copy (issue 19, bursts).
        const result = resultOf(state, entry, replica, await replica.submit(feeds, remaining === undefined ? options : { ...options, timeoutMs: remaining }, fresh && replica.signature === signature));
        return fellBack ? { ...result, fellBack } : result;
      } catch (error) {
        fresh = false;
        (tried ??= new Set()).add(replica.backend);
        const e = toInferoxError(error, ErrorCode.BACKEND_ERROR, `${replica.backend} run of ${label(entry)}`);
        if (!fallbackOn.includes(e.code) || options.signal?.aborted) throw e;
        state.logger.warn('replica failed; trying another', { model: label(entry), backend: replica.backend, code: e.code, error: e.message });
        fellBack ??= { from: replica.backend, reason: e.code, message: e.message };
        last = e;
        lastBackend = replica.backend;
      }
    }
    throw last ?? new InferoxError(ErrorCode.BACKEND_UNAVAILABLE, `${label(entry)} has no live replica`, { details: { model: entry.name } });
  } catch (error) {
    throw requestFailed(state, error, nameText, entry.name, served);
  } finally {
    entry.inflight -= 1;
  }
}
