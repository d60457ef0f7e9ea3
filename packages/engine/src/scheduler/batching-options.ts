/**
 * Why a request ran in a batch of one:
 * - `batching-off`: the scheduler has no batching (or `maxBatchSize` is 1);
 * - `queue-empty`: nothing else was queued and the scheduler did not wait (`maxQueueDelayMs` 0, or closing);
 * - `delay-expired`: it waited `maxQueueDelayMs` and no compatible request came;
 * - `shape-mismatch`: other requests were queued but none agreed on input names, dtypes and shapes (or its own
 *   inputs cannot be batched: a scalar, or inputs disagreeing on dim 0);
 * - `no-capacity`: a compatible request was queued but the admission pool had no room for both.
 */
export type AloneReason = 'queue-empty' | 'shape-mismatch' | 'delay-expired' | 'batching-off' | 'no-capacity';

/** Every {@link AloneReason}, e.g. to initialise metrics. */
export const ALONE_REASONS: readonly AloneReason[] = Object.freeze(['queue-empty', 'shape-mismatch', 'delay-expired', 'batching-off', 'no-capacity']);

/** Padding of sequence inputs so requests of different lengths can share a batch. */
export interface PaddingOptions {
  /**
   * Inputs padded on dim 1 to the longest in the batch (only where their rank is ≥ 2), e.g.
   * `['input_ids', 'attention_mask', 'token_type_ids']`: the attention mask padded with 0 masks the padding out.
   */
  readonly inputs: readonly string[];
  /** The value padded in. @defaultValue 0 (`''` for string inputs) */
  readonly value?: number;
  /**
   * Outputs cut back on dim 1 to each request's length. By default every output of rank ≥ 2 whose dim 1 equals the
   * padded length, which also catches an output whose dim 1 only happens to equal it (BERT's `pooler_output`
   * `[batch, hidden]` when the padded length equals the hidden size): name the sequence outputs to rule that out,
   * e.g. `['last_hidden_state']`.
   */
  readonly outputs?: readonly string[];
}

/**
 * Dynamic batching of one scheduler. Queued requests whose feeds have the same input names and agree on dtype and
 * every dim but dim 0 (dim 1 of the `padding` inputs excepted) are concatenated on dim 0, run once, and the outputs
 * split back on dim 0 in order. Outputs of rank ≥ 2 whose dim 1 equals the padded length are cut back to each
 * request's own length (the dim 1 of the first `padding` input it has).
 *
 * A batch is led by the highest-priority queued request that fits the admission pool; compatible requests join it in
 * queue order (priority, then arrival), lower priorities included, while their summed cost still fits; only the
 * first `max(64, 4 × maxBatchSize)` queued requests are examined, so a dispatch stays cheap behind a long queue.
 */
export interface BatchingOptions {
  /** Most requests (not rows) in one run; a request of several rows counts once. */
  readonly maxBatchSize: number;
  /**
   * How long the oldest request of a would-be batch may wait, from its arrival, for the batch to fill while an
   * executor is free. 0 dispatches at once with whatever compatible requests are queued. The wait is not shortened
   * for a request whose deadline or timeout falls inside it: keep it well below the deadlines callers use.
   */
  readonly maxQueueDelayMs: number;
  /**
   * Sizes worth dispatching early, each in [2, maxBatchSize]: while waiting, a batch that reaches one of them (the
   * largest reached) goes at once without waiting for `maxBatchSize` or the delay.
   */
  readonly preferredBatchSizes?: readonly number[];
  /** Pads sequence inputs of different lengths (opt-in per model). */
  readonly padding?: PaddingOptions;
}
