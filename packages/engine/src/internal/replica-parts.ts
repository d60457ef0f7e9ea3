import { availableParallelism } from 'node:os';
import {
  type Backend,
  ErrorCode,
  InferoxError,
  type LoadModelOptions,
  type Logger,
  type ModelSource,
  formatDevice,
  throwIfAborted,
} from '@inferox/core';
import { type WorkerInstance, createWorkerInstance } from '../workers/create-worker-instance';
import { WEIGHTS_OVERHEAD } from './estimate-memory';
import { type HandleHints, handleHints } from './handle-hints';
import { inlineRun } from './inline-run';
import type { ReplicaInit, Run } from './replica';

/** Where one replica loads: its backend, source and merged load options. */
export interface ReplicaTarget {
  readonly backend: string;
  readonly source: ModelSource;
  readonly options: LoadModelOptions;
}

/**
 * What a loaded replica is built from, before the engine adds its name, version and scheduling; `runsInFlight`: what
 * an inline handle asks for (`ModelHandle.runsInFlight`), the default of its `maxConcurrent` when it does not batch;
 * `batchable`: the handle's (every worker's) `ModelHandle.batchable`, whether it batches when its spec says nothing.
 */
export type ReplicaParts = Omit<ReplicaInit, 'model' | 'version' | 'backend' | 'logger'> & { readonly runsInFlight?: number; readonly batchable?: boolean };

/** What the memory figure of a replica rests on when its backend reports none. */
export const ESTIMATE_BASIS = `weights size × ${WEIGHTS_OVERHEAD}`;

/** Loads the model once on the main thread; `count` executors share the handle. */
export async function loadInline(backend: Backend, target: ReplicaTarget, count: number, estimate: number, signal: AbortSignal): Promise<ReplicaParts> {
  const handle = await backend.loadModel(target.source, target.options, { signal });
  let hints: HandleHints;
  try {
    hints = handleHints(handle, backend.name);
  } catch (error) {
    await handle.dispose().catch(() => undefined);
    throw error;
  }
  const { runsInFlight, batchable } = hints;
  const run = inlineRun(handle);
  const reported = handle.memoryBytes > 0;
  return {
    device: formatDevice(handle.device),
    signature: handle.signature,
    metadata: handle.metadata,
    memoryBytes: reported ? handle.memoryBytes : estimate,
    ...(reported ? {} : { memoryBasis: ESTIMATE_BASIS }),
    mode: 'inline',
    ...(runsInFlight === undefined ? {} : { runsInFlight }),
    batchable,
    runs: Array.from({ length: count }, () => run),
    lost: () => handle.disposed,
    release: () => handle.dispose(),
  };
}

/** The CPU threads each of `count` worker instances may compute with: its share of the cores, at least one. */
export function workerCpuThreads(count: number, cores: number = availableParallelism()): number {
  return Math.max(1, Math.floor(cores / count));
}

/**
 * Loads the model in `count` worker threads, each re-creating the backend from its `factorySpec`, with `cpuThreads`
 * in the load options set to its share of the cores ({@link workerCpuThreads}) unless they give one.
 *
 * @throws InferoxError `INVALID_INPUT` when the backend has no `factorySpec`.
 */
export async function loadWorkers(
  backend: Backend,
  target: ReplicaTarget,
  count: number,
  estimate: number,
  signal: AbortSignal,
  settings: { readonly runTimeoutMs: number; readonly logger: Logger },
): Promise<ReplicaParts> {
  const factory = backend.factorySpec;
  if (!factory) {
    throw new InferoxError(ErrorCode.INVALID_INPUT, `spec.instances.mode: backend ${JSON.stringify(backend.name)} cannot run worker instances (it has no factorySpec)`, {
      details: { field: 'spec.instances.mode', backend: backend.name },
    });
  }
  // Each instance computes within its share of the cores, unless the spec's options say otherwise: two instances of
  // the small BERT, each on the onnx backend's default of a thread per core, served 0.82× the requests/s of one
  // thread each.
  const options = { cpuThreads: workerCpuThreads(count), ...target.options };
  const workers: WorkerInstance[] = [];
  try {
    for (let i = 0; i < count; i++) {
      throwIfAborted(signal, `loading worker instance ${i} on ${backend.name}`);
      workers.push(await createWorkerInstance({ backend: factory, source: target.source, options }, { ...settings, signal }));
    }
  } catch (error) {
    await Promise.allSettled(workers.map((w) => w.dispose()));
    throw error;
  }
  const first = workers[0]!;
  const estimated = workers.some((w) => !(w.memoryBytes > 0));
  return {
    device: formatDevice(first.device),
    signature: first.signature,
    metadata: first.metadata,
    memoryBytes: workers.reduce((n, w) => n + (w.memoryBytes > 0 ? w.memoryBytes : estimate), 0),
    ...(estimated ? { memoryBasis: ESTIMATE_BASIS } : {}),
    mode: 'worker',
    // Each worker checked its handle's hints before answering ready.
    batchable: workers.every((w) => w.batchable),
    // Feeds the scheduler built for a batch cross to the worker by transfer; a caller's own feeds are copied. The run
    // context is a stop source read only if the run lasts: a short run costs no AbortController.
    runs: workers.map((w): Run => (feeds, context, validated) => w.run(feeds, { stop: context, transferFeeds: context.ownsFeeds, validated })),
    lost: () => false,
    release: async () => {
      await Promise.all(workers.map((w) => w.dispose()));
    },
  };
}
