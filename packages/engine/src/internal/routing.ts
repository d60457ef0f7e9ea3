import { ErrorCode, InferoxError } from '@inferox/core';
import type { InferOptions } from '../infer-options';
import type { EngineState } from './engine-state';
import type { Replica } from './replica';
import { type VersionEntry, label } from './version-entry';

/** The replicas to try for one request, the chosen one first; `refused` when the requested backend is unavailable. */
export interface Route {
  readonly order: Replica[];
  readonly refused?: { readonly backend: string; readonly error: InferoxError };
}

/** `entry`'s live replicas by backend priority. */
export function byPriority(state: EngineState, replicas: readonly Replica[]): Replica[] {
  return replicas.filter((r) => r.state === 'live').sort((a, b) => state.registry.rank(a.backend) - state.registry.rank(b.backend));
}

/** The replica of the requested backend, or why there is none. */
function requestedReplica(state: EngineState, entry: VersionEntry, ranked: Replica[], requested: string): Route {
  const chosen = ranked.find((r) => r.backend === requested);
  if (chosen) return { order: [chosen, ...ranked.filter((r) => r !== chosen)] };
  const down = entry.unavailable?.find((u) => u.backend === requested);
  if (down) {
    const error = new InferoxError(ErrorCode.BACKEND_UNAVAILABLE, `the ${requested} replica of ${label(entry)} is unavailable: ${down.error.message}`, {
      cause: down.error,
      details: { backend: requested, model: entry.name },
    });
    return { order: ranked, refused: { backend: requested, error } };
  }
  if (!state.registry.has(requested)) throw state.registry.unknown(requested);
  throw new InferoxError(ErrorCode.BACKEND_UNAVAILABLE, `${label(entry)} has no replica on backend ${JSON.stringify(requested)}; it runs on ${ranked.map((r) => r.backend).join(', ')}`, {
    details: { backend: requested, replicas: ranked.map((r) => r.backend) },
  });
}

/** The replica the routing policy picks among the usable ones (undefined: the most preferred). */
function policyChoice(state: EngineState, entry: VersionEntry, ranked: Replica[], options: InferOptions): Replica | undefined {
  const policy = state.config.routing;
  if (policy === 'priority') return undefined;
  const usable = ranked.filter((r) => r.usable);
  if (policy === 'least-loaded') {
    return [...usable].sort((a, b) => a.scheduler.queued + a.scheduler.running - (b.scheduler.queued + b.scheduler.running))[0];
  }
  if (usable.length === 0) return undefined;
  const views = usable.map((r) => ({ backend: r.backend, queued: r.scheduler.queued, running: r.scheduler.running, priority: state.registry.rank(r.backend) }));
  const pick = policy(views, { model: entry.name, version: entry.version, metadata: options.metadata ?? {} });
  return usable.find((r) => r.backend === pick);
}

/**
 * Routes a request: the replica of `options.backend` (or `metadata.backend`; `'auto'` lets the policy pick), else
 * the routing policy's choice, then the others by backend priority (the fallback order).
 *
 * @throws InferoxError `BACKEND_UNAVAILABLE` when the version has no live replica, the backend is unknown or the
 * version has no replica on it.
 */
export function route(state: EngineState, entry: VersionEntry, options: InferOptions): Route {
  const { replicas } = entry;
  // The common case, one replica and no choice to make: no filtering, sorting or copying per request.
  if (replicas.length === 1 && replicas[0]!.state === 'live' && options.backend === undefined && options.metadata === undefined && state.config.routing === 'priority') {
    return { order: [replicas[0]!] };
  }
  const ranked = byPriority(state, replicas);
  if (ranked.length === 0) throw new InferoxError(ErrorCode.BACKEND_UNAVAILABLE, `${label(entry)} has no live replica`, { details: { model: entry.name } });
  const requested = options.backend ?? options.metadata?.backend;
  if (requested !== undefined && requested !== 'auto') return requestedReplica(state, entry, ranked, requested);
  const chosen = policyChoice(state, entry, ranked, options) ?? ranked[0]!;
  return { order: [chosen, ...ranked.filter((r) => r !== chosen)] };
}
