import type { ErrorCode, Logger, Tensor, TensorMap } from '@inferox/core';
import type { AdmissionPool } from './admission-pool-contract';
import type { AloneReason, BatchingOptions } from './batching-options';
import type { Executor } from './executor';
import type { Priority } from './priority';

/** One dispatched run, as reported to {@link SchedulerOptions.onBatch}. */
export interface BatchInfo {
  /** Requests in the run. */
  readonly size: number;
  /** Why the request ran alone (size 1 only). */
  readonly alone?: AloneReason;
  /** Index of the executor that runs it. */
  readonly executor: number;
}

/** How a {@link Scheduler} runs requests. */
export interface SchedulerOptions {
  /** Names the scheduler (usually the model) in messages, logs and stats. */
  readonly name: string;
  /** One per instance; a request runs on the executor with the most free slots (lowest index on a tie). */
  readonly executors: readonly Executor[];
  /** Runs in flight per executor (a batch counts once). @defaultValue 1 */
  readonly maxConcurrent?: number;
  /**
   * Requests waiting (not running) beyond which `submit` rejects with `QUEUE_FULL`, whatever the new request's
   * priority (nothing queued is evicted for it). @defaultValue 1024
   */
  readonly maxQueueSize?: number;
  /** Capacity shared with other schedulers; without one the scheduler has an unlimited pool of its own. */
  readonly pool?: AdmissionPool;
  /** Dynamic batching; off when absent. */
  readonly batching?: BatchingOptions;
  /** @defaultValue `noopLogger` */
  readonly logger?: Logger;
  /** Called as each run is dispatched (for metrics); an exception it throws is logged and ignored. */
  readonly onBatch?: (info: BatchInfo) => void;
}

/** Per-request options of {@link Scheduler.submit}. */
export interface SubmitOptions {
  /** @defaultValue `'normal'` */
  readonly priority?: Priority;
  /** Admission units the request holds while it runs (a non-negative number, e.g. bytes). @defaultValue 1 */
  readonly cost?: number;
  /** Epoch milliseconds (`Date.now()` clock) by which the request must complete, or `DEADLINE_EXCEEDED`. */
  readonly deadline?: number;
  /** Milliseconds from submit for queueing plus compute, or `TIMEOUT`. */
  readonly timeoutMs?: number;
  /** Cancels the request (`CANCELLED`, `cause: signal.reason`). */
  readonly signal?: AbortSignal;
}

/** A completed request. */
export interface ScheduledResult {
  /** This request's outputs; the caller owns them (views over a batch output, or copies when un-padded). */
  readonly outputs: Record<string, Tensor>;
  /** Milliseconds from submit to dispatch. */
  readonly queueMs: number;
  /** Milliseconds from dispatch to the executor's answer. */
  readonly computeMs: number;
  /** Requests in the run that served it. */
  readonly batchSize: number;
  /** Why it ran alone (batch size 1 only). */
  readonly alone?: AloneReason;
  /** Index of the executor that ran it. */
  readonly executor: number;
}

/** Counters of one scheduler since it was created. */
export interface SchedulerStats {
  readonly name: string;
  /** Every `submit` call. */
  readonly submitted: number;
  /** Requests answered with outputs. */
  readonly completed: number;
  /** Requests answered with an error, by code (rejections at submit included). */
  readonly failed: Readonly<Partial<Record<ErrorCode, number>>>;
  /** Requests refused at submit (never queued): QUEUE_FULL, OUT_OF_MEMORY, DEADLINE_EXCEEDED, CANCELLED, SHUT_DOWN, INVALID_INPUT. */
  readonly rejected: number;
  /** Requests waiting (including those parked for capacity). */
  readonly queued: number;
  /** Requests on executors (including cancelled ones whose executor has not returned). */
  readonly running: number;
  /** Runs (batches) in flight. */
  readonly executing: number;
  /** Dispatched runs by size: `{ 1: 10, 4: 2 }`. */
  readonly batches: Readonly<Record<number, number>>;
  /** Runs of one request by the reason it ran alone. */
  readonly alone: Readonly<Partial<Record<AloneReason, number>>>;
  /** Whether `close` was called. */
  readonly closed: boolean;
}

/** Options of {@link Scheduler.close}. */
export interface CloseOptions {
  /** Let queued and running requests finish (true) or reject the queued ones at once (false). @defaultValue true */
  readonly drain?: boolean;
  /** How long a drain may take before the rest is rejected with `SHUT_DOWN`. @defaultValue 30000 */
  readonly timeoutMs?: number;
  /**
   * Aborting it ends a drain at once, as if its time were up; without drain it answers the running requests with
   * `SHUT_DOWN` at once (their executors' signals abort). `close` still resolves only when the executors return.
   */
  readonly signal?: AbortSignal;
}

/**
 * Queues requests of one model and runs them on its executors: strict priorities (`critical > high > normal >
 * low`, FIFO within one; no aging, so sustained high-priority load starves lower priorities), a bounded queue,
 * `maxConcurrent` runs per executor, admission against a (shared) capacity pool, deadlines, timeouts,
 * cancellation and dynamic batching. Every request settles exactly once.
 */
export interface Scheduler {
  /**
   * Queues a request and resolves with its outputs.
   *
   * A queued request is removed and rejected the moment its deadline (`DEADLINE_EXCEEDED`) or timeout (`TIMEOUT`)
   * passes or its signal aborts (`CANCELLED`). A running one is answered at once the same way; its result is
   * discarded, the executor's signal aborts when no request of the run is still waiting, and its capacity is released
   * when the executor returns.
   *
   * @throws InferoxError (as a rejection) `SHUT_DOWN` after close; `INVALID_INPUT` for bad feeds or options;
   *   `CANCELLED` for an aborted signal; `DEADLINE_EXCEEDED` for a deadline already past; `OUT_OF_MEMORY` when
   *   `cost` exceeds the pool's whole capacity; `QUEUE_FULL` (naming the limit) when `maxQueueSize` requests wait;
   *   later `DEADLINE_EXCEEDED`, `TIMEOUT`, `CANCELLED`, `SHUT_DOWN`, or the executor's error (`BACKEND_ERROR`
   *   unless it carried a code).
   */
  submit(feeds: TensorMap, options?: SubmitOptions): Promise<ScheduledResult>;
  /** Requests waiting. */
  readonly queued: number;
  /** Requests on executors. */
  readonly running: number;
  /** A snapshot of the counters. */
  stats(): SchedulerStats;
  /**
   * Stops accepting (`SHUT_DOWN`). With `drain` queued and running requests may finish within `timeoutMs`, then the
   * rest is rejected with `SHUT_DOWN` (running ones are answered at once, their executors' signals aborted); without
   * it the queued requests are rejected at once and running ones finish. Resolves when no executor is running; no
   * timer is left behind. Idempotent: later calls return the first call's promise.
   */
  close(options?: CloseOptions): Promise<void>;
}
