import { ErrorCode, InferoxError, type LoadModelOptions, type ModelSource } from '@inferox/core';
import { z } from 'zod';
import { parseWith } from './internal/parse-with';
import type { BatchingOptions } from './scheduler';

/**
 * The load options every member of `TOptions` accepts: for an engine over onnx and tfjs backends, the common ones
 * (`name`, `device`); over onnx backends only, onnx's. A model's `options` go to every replica, so they take these.
 */
export type SharedLoadModelOptions<TOptions extends LoadModelOptions> = Pick<TOptions, keyof TOptions>;

/**
 * One replica of a model: the backend it runs on and, optionally, its own source and load options.
 *
 * @typeParam TOptions - the load options of the engine's backends (see `createEngine`): a key none of them knows
 * is a compile error, and the backend refuses it at load time with `INVALID_INPUT`.
 */
export interface ReplicaSpec<TOptions extends LoadModelOptions = LoadModelOptions> {
  readonly backend: string;
  /** @defaultValue the model's `source` */
  readonly source?: ModelSource;
  /** Merged over the model's `options`; a backend's own options (onnx `sessionOptions`) go here. */
  readonly options?: TOptions;
}

/** How many copies of a replica serve requests, and where they run. */
export interface InstancesSpec {
  /** @defaultValue 1 */
  readonly count: number;
  /**
   * `inline`: `count` executors share one handle on the main thread. `worker`: each instance is a worker thread
   * that loads the model itself (the backend needs a `factorySpec`). @defaultValue `'inline'`
   */
  readonly mode: 'inline' | 'worker';
}

/**
 * Dynamic batching of queued requests: the scheduler's {@link BatchingOptions}, or `false` for none. When the spec says
 * nothing, a model whose handle is `batchable` (onnx: every input and output has the same symbolic dim 0) batches
 * up to 16 requests with no wait, and any other model does not batch.
 */
export type BatchingSpec = BatchingOptions | false;

/**
 * What `engine.load` loads: the source, the backends to place replicas on, and how to serve them.
 *
 * @typeParam TOptions - the load options of the engine's backends (`LoadModelOptionsOf` its backends).
 */
export interface ModelSpec<TOptions extends LoadModelOptions = LoadModelOptions> {
  /** The default source of every replica. */
  readonly source?: ModelSource;
  /** One replica on each of these backends (preference order). @defaultValue the highest-priority available backend */
  readonly backends?: readonly string[];
  /** Explicit replicas (instead of `backends`). */
  readonly replicas?: readonly ReplicaSpec<TOptions>[];
  /**
   * Load options for every replica, so only those every backend accepts; each backend refuses a key it does not
   * know with `INVALID_INPUT` naming it (put one backend's own options in its replica's `options`).
   */
  readonly options?: SharedLoadModelOptions<TOptions>;
  /** The version slot to load into. @defaultValue the newest version (replaced), or 1 */
  readonly version?: number;
  /** Register now, load on the first request. @defaultValue false */
  readonly lazy?: boolean;
  readonly instances?: InstancesSpec;
  readonly batching?: BatchingSpec;
  /** Per-replica queue bound; a request that finds it full gets `QUEUE_FULL`. */
  readonly maxQueueSize?: number;
  /** Runs in flight per instance. @defaultValue the engine's `maxConcurrent`, else 1 when the model batches; without batching 2 per worker instance, and inline the handle's `runsInFlight` (onnx: 4 under 16 MiB), else 1 */
  readonly maxConcurrent?: number;
}

const source = z.union([
  z.string().min(1),
  z.strictObject({ path: z.string().min(1), format: z.string().optional() }),
  z.strictObject({ bytes: z.instanceof(Uint8Array), format: z.string().optional(), name: z.string().optional() }),
]);
const options = z.record(z.string(), z.unknown());
const count = z.number().int().positive();

const schema = z.strictObject({
  source: source.optional(),
  backends: z.array(z.string().min(1)).min(1).optional(),
  replicas: z.array(z.strictObject({ backend: z.string().min(1), source: source.optional(), options: options.optional() })).min(1).optional(),
  options: options.optional(),
  version: count.optional(),
  lazy: z.boolean().optional(),
  instances: z.strictObject({ count: count.max(64).default(1), mode: z.enum(['inline', 'worker']).default('inline') }).optional(),
  batching: z
    .union([
      z.literal(false),
      z.strictObject({
        maxBatchSize: count,
        maxQueueDelayMs: z.number().finite().nonnegative(),
        preferredBatchSizes: z.array(count).optional(),
        padding: z.strictObject({ inputs: z.array(z.string().min(1)).min(1), value: z.number().finite().optional(), outputs: z.array(z.string().min(1)).optional() }).optional(),
      }),
    ])
    .optional(),
  maxQueueSize: count.optional(),
  maxConcurrent: count.optional(),
});

/**
 * Validates a model spec.
 *
 * @throws InferoxError `INVALID_INPUT` naming the bad field (`spec.instances.count`), or when neither a source nor
 * a source for every replica is given, or when both `backends` and `replicas` are.
 */
export function parseModelSpec(spec: unknown): ModelSpec {
  const parsed = parseWith(schema, spec, 'spec') as ModelSpec;
  if (parsed.backends && parsed.replicas) {
    throw new InferoxError(ErrorCode.INVALID_INPUT, 'spec.replicas: give spec.backends or spec.replicas, not both', { details: { field: 'spec.replicas' } });
  }
  const missing = parsed.source === undefined ? (parsed.replicas ?? [undefined]).findIndex((r) => r?.source === undefined) : -1;
  if (missing >= 0) {
    const field = parsed.replicas ? `spec.replicas[${missing}].source` : 'spec.source';
    throw new InferoxError(ErrorCode.INVALID_INPUT, `${field}: a source is required (give spec.source or one per replica)`, { details: { field } });
  }
  return parsed;
}
