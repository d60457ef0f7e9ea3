import { z } from 'zod';
import { parseWith } from './internal/parse-with';
import type { RoutingPolicy } from './routing-policy';

/** Error codes after which a request is retried on another replica of the same model. */
export type FallbackCode = 'BACKEND_UNAVAILABLE' | 'BACKEND_ERROR';

/** Engine-wide settings, parsed with zod when the engine is created. */
export interface EngineConfig {
  /** The memory budget for every loaded replica; loading past it evicts idle models, least recently used first. */
  readonly maxMemoryBytes?: number;
  /** Capacity of the engine-wide admission pool shared by every model (request `cost` units). @defaultValue unlimited */
  readonly admissionCapacity?: number;
  /** Retry on another replica when the chosen one's backend is unavailable or fails. @defaultValue true */
  readonly fallback?: boolean;
  /** Which error codes trigger fallback. @defaultValue `['BACKEND_UNAVAILABLE', 'BACKEND_ERROR']` */
  readonly fallbackOn?: readonly FallbackCode[];
  /** Backend names, most preferred first; unlisted backends follow in the order they were given. */
  readonly backendPriority?: readonly string[];
  /** How a replica is picked when the request names no backend. @defaultValue `'priority'` */
  readonly routing?: 'priority' | 'least-loaded' | RoutingPolicy;
  /** Default `timeoutMs` for requests that give none. @defaultValue none */
  readonly defaultTimeoutMs?: number;
  /** Default per-replica queue bound for models that give none. @defaultValue the scheduler's */
  readonly maxQueueSize?: number;
  /** Default per-replica concurrency for models that give none. @defaultValue one per instance; without batching two per worker instance, and inline the handle's `runsInFlight` (onnx: 4 under 16 MiB) */
  readonly maxConcurrent?: number;
  /** A worker instance whose run takes longer is replaced and its requests fail. @defaultValue 60000 */
  readonly workerRunTimeoutMs?: number;
  /** Default `timeoutMs` of `close()`. @defaultValue 30000 */
  readonly closeTimeoutMs?: number;
}

const positive = z.number().finite().positive();
const count = z.number().int().positive();

const schema = z.strictObject({
  maxMemoryBytes: positive.optional(),
  admissionCapacity: positive.optional(),
  fallback: z.boolean().optional(),
  fallbackOn: z.array(z.enum(['BACKEND_UNAVAILABLE', 'BACKEND_ERROR'])).optional(),
  backendPriority: z.array(z.string().min(1)).optional(),
  routing: z.union([z.enum(['priority', 'least-loaded']), z.custom<RoutingPolicy>((v) => typeof v === 'function', 'expected "priority", "least-loaded" or a function')]).optional(),
  defaultTimeoutMs: positive.optional(),
  maxQueueSize: count.optional(),
  maxConcurrent: count.optional(),
  workerRunTimeoutMs: positive.optional(),
  closeTimeoutMs: z.number().finite().nonnegative().optional(),
});

/** An {@link EngineConfig} with its defaults applied. */
export interface ResolvedEngineConfig extends EngineConfig {
  readonly fallback: boolean;
  readonly fallbackOn: readonly FallbackCode[];
  readonly routing: 'priority' | 'least-loaded' | RoutingPolicy;
  readonly workerRunTimeoutMs: number;
  readonly closeTimeoutMs: number;
}

/**
 * Validates an engine config and applies defaults.
 *
 * @throws InferoxError `INVALID_INPUT` naming the bad field (`config.maxMemoryBytes`).
 */
export function parseEngineConfig(config: unknown = {}): ResolvedEngineConfig {
  const parsed = parseWith(schema, config, 'config');
  return {
    ...parsed,
    fallback: parsed.fallback ?? true,
    fallbackOn: parsed.fallbackOn ?? ['BACKEND_UNAVAILABLE', 'BACKEND_ERROR'],
    routing: parsed.routing ?? 'priority',
    workerRunTimeoutMs: parsed.workerRunTimeoutMs ?? 60_000,
    closeTimeoutMs: parsed.closeTimeoutMs ?? 30_000,
  };
}
