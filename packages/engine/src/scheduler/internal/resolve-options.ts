import { ErrorCode, InferoxError, type Logger, noopLogger } from '@inferox/core';
import type { BatchingOptions } from '../batching-options';
import type { Executor } from '../executor';
import type { SchedulerOptions } from '../scheduler-contract';
import type { PaddingSpec } from './padding-spec';

/** Batching options after validation and defaults. */
export interface ResolvedBatching {
  readonly maxBatchSize: number;
  readonly maxQueueDelayMs: number;
  /** Ascending. */
  readonly preferred: readonly number[];
  readonly padding: PaddingSpec | undefined;
}

/** Scheduler options after validation and defaults. */
export interface ResolvedOptions {
  readonly name: string;
  readonly executors: readonly Executor[];
  readonly maxConcurrent: number;
  readonly maxQueueSize: number;
  readonly batching: ResolvedBatching | undefined;
  readonly logger: Logger;
}

function invalid(name: string, message: string, details: Record<string, unknown>): InferoxError {
  return new InferoxError(ErrorCode.INVALID_INPUT, `scheduler ${JSON.stringify(name)}: ${message}`, { details });
}

function positiveInteger(name: string, option: string, value: unknown, allowInfinity = false): number {
  const ok = typeof value === 'number' && ((Number.isSafeInteger(value) && value >= 1) || (allowInfinity && value === Number.POSITIVE_INFINITY));
  if (!ok) throw invalid(name, `${option} must be a positive integer${allowInfinity ? ' or Infinity' : ''}, got ${String(value)}`, { [option]: value });
  return value;
}

function resolveBatching(name: string, batching: BatchingOptions): ResolvedBatching {
  const maxBatchSize = positiveInteger(name, 'batching.maxBatchSize', batching.maxBatchSize);
  const delay = batching.maxQueueDelayMs;
  if (typeof delay !== 'number' || !Number.isFinite(delay) || delay < 0) {
    throw invalid(name, `batching.maxQueueDelayMs must be a finite number ≥ 0, got ${String(delay)}`, { maxQueueDelayMs: delay });
  }
  const preferred = [...(batching.preferredBatchSizes ?? [])].sort((a, b) => a - b);
  for (const size of preferred) {
    if (!Number.isSafeInteger(size) || size < 2 || size > maxBatchSize) {
      throw invalid(name, `batching.preferredBatchSizes holds ${String(size)}; each must be an integer in [2, ${maxBatchSize}]`, { preferredBatchSize: size });
    }
  }
  let padding: PaddingSpec | undefined;
  if (batching.padding) {
    const { inputs, value = 0, outputs } = batching.padding;
    if (!Array.isArray(inputs) || inputs.some((i) => typeof i !== 'string')) {
      throw invalid(name, 'batching.padding.inputs must be an array of input names', { inputs });
    }
    if (typeof value !== 'number' || Number.isNaN(value)) throw invalid(name, `batching.padding.value must be a number, got ${String(value)}`, { value });
    if (outputs !== undefined && (!Array.isArray(outputs) || outputs.some((o) => typeof o !== 'string'))) {
      throw invalid(name, 'batching.padding.outputs must be an array of output names', { outputs });
    }
    padding = { inputs: [...inputs], value, outputs: outputs === undefined ? undefined : [...outputs] };
  }
  return { maxBatchSize, maxQueueDelayMs: delay, preferred, padding };
}

/**
 * Validates scheduler options and applies defaults.
 *
 * @throws InferoxError `INVALID_INPUT` naming the bad option and value.
 */
export function resolveOptions(options: SchedulerOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) throw invalid('?', 'options must be an object', {});
  const { name } = options;
  if (typeof name !== 'string' || name === '') throw invalid(String(name), `name must be a non-empty string, got ${String(name)}`, { name });
  const { executors } = options;
  if (!Array.isArray(executors) || executors.length === 0 || executors.some((e) => typeof e !== 'function')) {
    throw invalid(name, 'executors must be a non-empty array of functions', {});
  }
  return {
    name,
    executors: [...executors],
    maxConcurrent: positiveInteger(name, 'maxConcurrent', options.maxConcurrent ?? 1, true),
    maxQueueSize: positiveInteger(name, 'maxQueueSize', options.maxQueueSize ?? 1024, true),
    batching: options.batching ? resolveBatching(name, options.batching) : undefined,
    logger: options.logger ?? noopLogger,
  };
}
