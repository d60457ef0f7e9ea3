import { ErrorCode, InferoxError, throwIfAborted, toInferoxError } from '@inferox/core';
import type { ModelSpec } from '../model-spec';
import type { BatchingOptions } from '../scheduler';
import type { EngineState } from './engine-state';
import { estimateSourceBytes } from './estimate-memory';
import { reserveMemory } from './evictor';
import { Replica, type ReplicaInit } from './replica';
import { type ReplicaParts, type ReplicaTarget, loadInline, loadWorkers } from './replica-parts';
import { retireReplica } from './retire';
import { type VersionEntry, label } from './version-entry';

/**
 * Runs in flight per worker instance when nothing sets `maxConcurrent` and the model does not batch: the next run
 * waits in the worker's port, so the worker starts it the moment the one before ends instead of idling for a round
 * trip through the main thread (issue 19: 0.42 → 0.52× the two-core limit on the tiny BERT, 0.89 → 0.92× on the small
 * one). With batching it stays one, so batches form from everything queued while a worker is busy.
 */
export const WORKER_RUNS_IN_FLIGHT = 2;

/**
 * The batching of a model whose spec says nothing and whose handle is `batchable` (onnx: a batch dimension): up to 16
 * requests, no wait, so one client is never delayed and whatever queued while the instance was busy runs as one
 * (issue 19, benches scenario 13, sequence 128, 32 clients: 1.13× the requests/s of four runs in flight without
 * batching on the tiny BERT, 1.04× on the small one, at 1.01× and 1.0× their one-client p50; 1.10× and 1.02× those
 * of 16 runs in flight, the onnx default since, at 1.01× their p50).
 */
export const DEFAULT_BATCHING: BatchingOptions = Object.freeze({ maxBatchSize: 16, maxQueueDelayMs: 0 });

/**
 * The scheduling of a replica of `model` on `backend`: the spec's settings over the engine's defaults. Batching: the
 * spec's; none for `false`; {@link DEFAULT_BATCHING} when it says nothing and the handle is `batchable`. Runs in
 * flight per instance, when nothing sets `maxConcurrent` and the model does not batch: {@link WORKER_RUNS_IN_FLIGHT}
 * for a worker, what the handle asks for inline (`ModelHandle.runsInFlight`: 16 for an onnx model under 16 MiB), else 1.
 */
function scheduling(
  state: EngineState,
  model: string,
  backend: string,
  spec: ModelSpec | undefined,
  parts: Pick<ReplicaParts, 'mode' | 'runsInFlight' | 'batchable'>,
): Pick<ReplicaInit, 'batching' | 'maxQueueSize' | 'maxConcurrent' | 'pool' | 'onBatch'> {
  const maxQueueSize = spec?.maxQueueSize ?? state.config.maxQueueSize;
  const batching = spec?.batching === false ? undefined : (spec?.batching ?? (parts.batchable ? DEFAULT_BATCHING : undefined));
  const runsInFlight = batching ? undefined : parts.mode === 'worker' ? WORKER_RUNS_IN_FLIGHT : parts.runsInFlight;
  const maxConcurrent = spec?.maxConcurrent ?? state.config.maxConcurrent ?? runsInFlight;
  const batches = state.counters.batchRecorder(model, backend);
  return {
    ...(batching ? { batching } : {}),
    ...(maxQueueSize === undefined ? {} : { maxQueueSize }),
    ...(maxConcurrent === undefined ? {} : { maxConcurrent }),
    ...(state.pool ? { pool: state.pool } : {}),
    onBatch: ({ size, alone }) => batches.record(size, alone),
  };
}

/**
 * Builds a replica of `entry` on `backend` over loaded resources and adopts it (it is then retired with the engine);
 * when the scheduler refuses the options, the resources are freed and the error thrown.
 */
export function buildReplica(state: EngineState, entry: VersionEntry, backend: string, parts: ReplicaParts): Replica {
  let replica: Replica;
  try {
    replica = new Replica({ ...parts, model: entry.name, version: entry.version, backend, logger: state.logger, ...scheduling(state, entry.name, backend, entry.spec, parts) });
  } catch (error) {
    state.background.track(parts.release()).catch((e: unknown) => state.logger.warn('replica dispose failed', { error: String(e) }));
    throw error;
  }
  state.replicas.add(replica);
  return replica;
}

/** Where each replica of `spec` loads (the default backend when the spec names none). */
async function targetsOf(state: EngineState, spec: ModelSpec, signal: AbortSignal): Promise<ReplicaTarget[]> {
  if (spec.replicas) {
    for (const r of spec.replicas) state.registry.get(r.backend);
    return spec.replicas.map((r) => ({ backend: r.backend, source: (r.source ?? spec.source)!, options: { ...spec.options, ...r.options } }));
  }
  for (const b of spec.backends ?? []) state.registry.get(b);
  const names = spec.backends ?? [await state.registry.pickDefault({ signal })];
  return names.map((backend) => ({ backend, source: spec.source!, options: { ...spec.options } }));
}

/** Loads one replica: backend init, a memory reservation for the estimate, the load, then the real charge. */
async function loadReplica(state: EngineState, entry: VersionEntry, target: ReplicaTarget, signal: AbortSignal): Promise<Replica> {
  const spec = entry.spec!;
  const backend = state.registry.get(target.backend);
  await state.registry.init(target.backend, { signal });
  const instances = spec.instances ?? { count: 1, mode: 'inline' as const };
  const estimate = await estimateSourceBytes(target.source);
  const what = `loading ${label(entry)} on ${target.backend}`;
  // A token holds the estimate while the load runs, so concurrent loads see it.
  const token = {};
  try {
    await Promise.all(reserveMemory(state, token, estimate * (instances.mode === 'worker' ? instances.count : 1), what, entry, what));
    throwIfAborted(signal, what);
    const parts =
      instances.mode === 'worker'
        ? await loadWorkers(backend, target, instances.count, estimate, signal, { runTimeoutMs: state.config.workerRunTimeoutMs, logger: state.logger })
        : await loadInline(backend, target, instances.count, estimate, signal);
    const replica = buildReplica(state, entry, target.backend, parts);
    state.ledger.release(token);
    try {
      await Promise.all(reserveMemory(state, replica, replica.memoryBytes, `${label(entry)} on ${target.backend}`, entry, what));
    } catch (error) {
      await retireReplica(state, replica, { drain: false });
      throw error;
    }
    return replica;
  } finally {
    state.ledger.release(token);
  }
}

/**
 * Loads every replica of `entry` and marks it ready. A replica whose backend failed to initialise is kept as
 * unavailable (with the cause) as long as another replica loads; any other failure fails the whole load and frees
 * what was loaded.
 */
export async function loadVersion(state: EngineState, entry: VersionEntry, signal: AbortSignal): Promise<void> {
  const targets = await targetsOf(state, entry.spec!, signal);
  const loaded: Replica[] = [];
  const unavailable: { backend: string; error: InferoxError }[] = [];
  try {
    for (const target of targets) {
      try {
        loaded.push(await loadReplica(state, entry, target, signal));
      } catch (error) {
        if (signal.aborted || state.registry.usable(target.backend)) throw error;
        const e = toInferoxError(error, ErrorCode.BACKEND_UNAVAILABLE, `init of backend ${target.backend}`);
        state.logger.warn('replica unavailable: its backend failed to initialise', { model: label(entry), backend: target.backend, error: e.message });
        unavailable.push({ backend: target.backend, error: e });
      }
    }
    if (loaded.length === 0) {
      throw new InferoxError(ErrorCode.BACKEND_UNAVAILABLE, `no replica of ${label(entry)} could load: ${unavailable.map((u) => u.error.message).join('; ')}`, {
        cause: unavailable[0]?.error,
        details: { model: entry.name, backends: unavailable.map((u) => u.backend) },
      });
    }
    if (state.phase === 'stopped') throw new InferoxError(ErrorCode.SHUT_DOWN, `the engine closed while ${label(entry)} was loading`);
  } catch (error) {
    await Promise.all(loaded.map((r) => retireReplica(state, r, { drain: false }).then(() => state.ledger.release(r))));
    throw error;
  }
  entry.replicas = loaded;
  entry.unavailable = unavailable;
  entry.state = 'ready';
  state.table.touch(entry);
}
