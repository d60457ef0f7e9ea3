import type { DType } from './dtype';
import type { Device } from './device';
import type { Tensor, TensorMap } from './tensor';

/**
 * One dimension of a declared shape: a fixed size, a symbolic name (`"batch"`, `"sequence"`), or `null` when the
 * model says nothing about it.
 */
export type Dim = number | string | null;

/** Bounds on the size of one dim of an input, beyond what `shape` says. */
export interface DimLimit {
  /** Smallest size accepted. @defaultValue 1 for a symbolic or unknown dim (no empty batch or sequence) */
  readonly min?: number;
  /** Largest size accepted (e.g. `max_position_embeddings` for a sequence dim). */
  readonly max?: number;
  /** Where the bound comes from, for messages (`max_position_embeddings`). */
  readonly source?: string;
}

/** The element values a numeric input accepts: `min <= v < maxExclusive` (NaN is outside). */
export interface ValueRange {
  readonly min: number;
  readonly maxExclusive: number;
  /** Where the bound comes from, for messages (`vocab_size`). */
  readonly source?: string;
}

/** A declared model input or output. */
export interface TensorSpec {
  readonly name: string;
  readonly dtype: DType;
  /** The dims; `null` when even the rank is unknown. */
  readonly shape: readonly Dim[] | null;
  /**
   * Inputs only: per-dim size bounds, index for index with `shape` (`null` or absent: the default). Whatever this
   * says, a symbolic or unknown dim of size 0 is refused unless its `min` is 0.
   */
  readonly dimLimits?: readonly (DimLimit | null)[];
  /** Inputs only: the values every element must lie in (token ids within the vocabulary, ...). */
  readonly valueRange?: ValueRange;
}

/** A model's declared inputs and outputs, in the model's order. */
export interface ModelSignature {
  readonly inputs: readonly TensorSpec[];
  readonly outputs: readonly TensorSpec[];
}

/** Options for {@link ModelHandle.run}. */
export interface RunOptions {
  /** Aborting before the run starts rejects with `CANCELLED` (even when the feeds are also bad). */
  readonly signal?: AbortSignal;
  /**
   * Only these outputs (default: all), each returned once even when named twice. An unknown name or an empty list
   * is `INVALID_INPUT`.
   */
  readonly outputs?: readonly string[];
}

/**
 * A model loaded on a backend. Holds native memory: call `dispose()` when done (idempotent); any use afterwards
 * throws `DISPOSED`.
 */
export interface ModelHandle extends AsyncDisposable {
  /** The model's name (from the source, or given at load). */
  readonly name: string;
  /** The backend's name (`onnx`, `tfjs`). */
  readonly backend: string;
  /** Where it runs. */
  readonly device: Device;
  readonly signature: ModelSignature;
  /** Free-form facts: producer, opset, runtime, architecture, ... */
  readonly metadata: Readonly<Record<string, string>>;
  /** Estimated bytes held (weights and session), for memory budgets. */
  readonly memoryBytes: number;
  /** Whether `dispose()` was called. */
  readonly disposed: boolean;
  /**
   * How many runs a caller that queues requests (the engine) may hand this handle at once, an integer from 1 to 64.
   * More than one where a run handed over early costs nothing and saves time: onnxruntime-node runs each call in an
   * event-loop turn of its own, so two calls in flight run in one turn instead of two. A run handed over cannot be
   * overtaken by a later, more urgent request. @defaultValue 1
   */
  readonly runsInFlight?: number;
  /**
   * Whether requests to this model can be stacked on dim 0 and run as one (a batch dimension: see `batchDimOf`), and
   * gain from it. A caller that queues requests (the engine) then batches them by default. @defaultValue false
   */
  readonly batchable?: boolean;

  /**
   * Runs the model. Feeds are validated against `signature` first, limits and value ranges included (bad feeds
   * never reach native code). Checked in this order: `DISPOSED`, malformed options, an aborted signal
   * (`CANCELLED`), feeds and output names (`INVALID_INPUT`).
   *
   * @returns new tensors, owned by the caller; the feeds stay owned by the caller too.
   * @throws InferoxError `INVALID_INPUT`, `CANCELLED`, `BACKEND_ERROR` (native cause attached), `DISPOSED`.
   */
  run(feeds: TensorMap, options?: RunOptions): Promise<Record<string, Tensor>>;

  /**
   * Frees the native resources once the runs in flight are done. Idempotent: every call returns the same promise,
   * so a second call made while the first is under way waits for it.
   */
  dispose(): Promise<void>;
}
