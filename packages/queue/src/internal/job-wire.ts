/**
 * What a client puts in a BullMQ job and what a worker returns: the one shared wire contract. Tensors are
 * base64 frames of {@link encodeTensors} (BullMQ stores job data and results as JSON strings).
 */
import { type ErrorCode, InferoxError, isErrorCode } from '@inferox/core';
import type { FallbackReport, Priority } from '@inferox/engine';

/** Bumped when the wire format changes incompatibly; workers refuse other versions. */
export const WIRE_VERSION = 1;

/** Facts common to every job. */
interface JobCommon {
  readonly v: number;
  readonly model: string;
  readonly priority: Priority;
  /** Epoch ms after which the job must not start; `expiryCode` says which limit it is. */
  readonly expiresAt?: number;
  readonly expiryCode?: 'DEADLINE_EXCEEDED' | 'TIMEOUT';
}

/** A tensor inference job. */
export interface InferJobData extends JobCommon {
  readonly kind: 'infer';
  /** base64 tensor frame. */
  readonly feeds: string;
}

/** A text embedding job. */
export interface EmbedJobData extends JobCommon {
  readonly kind: 'embed';
  readonly inputs: readonly string[] | readonly (readonly number[])[];
  readonly options: Readonly<Record<string, unknown>>;
}

/** A text classification job. */
export interface ClassifyJobData extends JobCommon {
  readonly kind: 'classify';
  readonly inputs: readonly (string | readonly [string, string])[];
  readonly options: Readonly<Record<string, unknown>>;
}

/** A rerank job. */
export interface RerankJobData extends JobCommon {
  readonly kind: 'rerank';
  readonly query: string;
  readonly passages: readonly string[];
  readonly options: Readonly<Record<string, unknown>>;
}

/** A tokenize job (no model run: the worker's tokenizer only). */
export interface TokenizeJobData extends JobCommon {
  readonly kind: 'tokenize';
  readonly inputs: readonly string[];
  readonly options: Readonly<Record<string, unknown>>;
}

/** Any job. */
export type QueueJobData = InferJobData | EmbedJobData | ClassifyJobData | RerankJobData | TokenizeJobData;

/** Where and how a job ran (added to every result). */
export interface JobRunFacts {
  /** The worker id that answered. */
  readonly worker: string;
  /** Time from enqueue to the worker picking the job (ms, worker clock minus client clock). */
  readonly waitMs: number;
  /** Time the worker spent on it (ms). */
  readonly runMs: number;
}

/** A worker's answer to an `infer` job. */
export interface InferJobResult extends JobRunFacts {
  readonly kind: 'infer';
  /** base64 tensor frame. */
  readonly outputs: string;
  readonly backend: string;
  readonly device: string;
  readonly model: string;
  readonly version: number;
  readonly fellBack?: FallbackReport;
  readonly timings: { readonly queueMs: number; readonly computeMs: number };
  readonly batchSize: number;
}

/** A worker's answer to an `embed` job. */
export interface EmbedJobResult extends JobRunFacts {
  readonly kind: 'embed';
  /** base64 of the row-major float32 vectors, `count × dimensions`. */
  readonly embeddings: string;
  readonly count: number;
  readonly dimensions: number;
  readonly tokens: number;
}

/** A worker's answer to a `classify`, `rerank` or `tokenize` job (small JSON). */
export interface JsonJobResult extends JobRunFacts {
  readonly kind: 'classify' | 'rerank' | 'tokenize';
  readonly value: unknown;
}

/** Any result. */
export type QueueJobResult = InferJobResult | EmbedJobResult | JsonJobResult;

const FAILURE_PREFIX = 'inferox:';

/** A worker-side failure as BullMQ's `failedReason` string: `inferox:{"code":...,"message":...}`. */
export function encodeFailure(code: ErrorCode, message: string): string {
  return `${FAILURE_PREFIX}${JSON.stringify({ code, message })}`;
}

/** BullMQ's own reason for a job given up after too many stalls. */
const STALLED_REASON = 'job stalled more than allowable limit';

/**
 * Reads a `failedReason`; reasons BullMQ wrote itself (stalls, lock loss) become `BACKEND_ERROR` naming them.
 *
 * @param jobId - put in the error's details.
 */
export function decodeFailure(reason: string | undefined, context: string, jobId: string): InferoxError {
  if (reason?.startsWith(FAILURE_PREFIX)) {
    try {
      const parsed = JSON.parse(reason.slice(FAILURE_PREFIX.length)) as { code?: unknown; message?: unknown };
      if (isErrorCode(parsed.code) && typeof parsed.message === 'string') {
        return new InferoxError(parsed.code, `${context}: ${parsed.message}`, { details: { jobId, remote: true } });
      }
    } catch {
      // falls through: reported as an unreadable reason below
    }
  }
  if (reason === STALLED_REASON) {
    return new InferoxError(
      'BACKEND_ERROR',
      `${context}: given up: every worker that took it stopped before finishing it (the process died or lost its lock), more times than the workers' maxStalledCount allows (BullMQ: ${reason}); the job itself is the likely cause`,
      { details: { jobId, stalled: true } },
    );
  }
  return new InferoxError('BACKEND_ERROR', `${context}: ${reason ?? 'failed without a reason'}`, { details: { jobId } });
}
