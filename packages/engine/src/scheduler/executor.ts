import type { Tensor, TensorMap } from '@inferox/core';

/** What the scheduler hands an {@link Executor} besides the feeds. */
export interface ExecutorContext {
  /**
   * Aborted when no caller is waiting for the run any more (every request in it was cancelled, timed out or shut
   * down). The executor may honour it; the scheduler releases the run's capacity only when the executor settles.
   */
  readonly signal: AbortSignal;
  /**
   * Whether the executor owns the feeds: true when the scheduler built them for this run (several requests
   * concatenated on dim 0, padded where configured), so the executor may consume them, e.g. move their buffers to a
   * worker thread (`transferFeeds`), which disposes them; the scheduler disposes them after the run either way
   * (disposing twice is harmless). False when the feeds are the caller's own tensors (a request run alone): the
   * executor must leave them intact.
   */
  readonly ownsFeeds: boolean;
}

/**
 * Runs one (possibly batched) request on one instance (a model handle, a worker, ...). With batching the feeds are
 * the concatenation of several requests on dim 0 and the outputs must keep that dim 0.
 *
 * Ownership: the scheduler builds batched feeds and disposes them after the run, and tells the executor it may
 * consume them meanwhile ({@link ExecutorContext.ownsFeeds}); the returned tensors pass to the scheduler, which hands
 * them (or views/copies of them) to the callers.
 */
export type Executor = (feeds: TensorMap, context: ExecutorContext) => Promise<Record<string, Tensor>>;
