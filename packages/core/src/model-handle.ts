import type { DType } from './dtype';
import type { Device } from './device';
import type { Tensor, TensorMap } from './tensor';

/**
 * One dimension of a declared shape: a fixed size, a symbolic name (`"batch"`, `"sequence"`), or `null` when the
 * model says nothing about it.
 */
export type Dim = number | string | null;

/** A declared model input or output. */
export interface TensorSpec {
  readonly name: string;
  readonly dtype: DType;
  /** The dims; `null` when even the rank is unknown. */
  readonly shape: readonly Dim[] | null;
}

/** A model's declared inputs and outputs, in the model's order. */
export interface ModelSignature {
  readonly inputs: readonly TensorSpec[];
  readonly outputs: readonly TensorSpec[];
}

/** Options for {@link ModelHandle.run}. */
export interface RunOptions {
  /** Aborting before the run starts rejects with `CANCELLED`. */
  readonly signal?: AbortSignal;
  /** Only these outputs (default: all). An unknown name is `INVALID_INPUT`. */
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
   * Runs the model. Feeds are validated against `signature` first (bad feeds never reach native code).
   *
   * @returns new tensors, owned by the caller; the feeds stay owned by the caller too.
   * @throws InferoxError `INVALID_INPUT`, `CANCELLED`, `BACKEND_ERROR` (native cause attached), `DISPOSED`.
   */
  run(feeds: TensorMap, options?: RunOptions): Promise<Record<string, Tensor>>;

  /** Frees the native resources. Idempotent. */
  dispose(): Promise<void>;
}
