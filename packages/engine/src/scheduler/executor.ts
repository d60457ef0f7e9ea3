import type { Tensor, TensorMap } from '@inferox/core';

/** What the scheduler hands an {@link Executor} besides the feeds. */
export interface ExecutorContext {
  /**
   * Aborted when no caller is waiting for the run any more (every request in it was cancelled, timed out or shut
   * down). The executor may honour it; the scheduler releases the run's capacity only when the executor settles.
   */
  readonly signal: AbortSignal;
}

/**
 * Runs one (possibly batched) request on one instance (a model handle, a worker, ...). With batching the feeds are
 * the concatenation of several requests on dim 0 and the outputs must keep that dim 0.
 *
 * Ownership: the scheduler owns batched feeds it built and disposes them after the run; the returned tensors pass to
 * the scheduler, which hands them (or views/copies of them) to the callers.
 */
export type Executor = (feeds: TensorMap, context: ExecutorContext) => Promise<Record<string, Tensor>>;
