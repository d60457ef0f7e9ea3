import type { Backend, LoadModelOptions, ModelSource } from '../backend';
import type { ModelHandle } from '../model-handle';
import type { TensorMap } from '../tensor';

/** An expected output: its shape and, optionally, its values (compared within `tolerance`). */
export interface ExpectedOutput {
  readonly shape: readonly number[];
  readonly values?: ArrayLike<number>;
  /** Max absolute difference allowed. @defaultValue 1e-4 */
  readonly tolerance?: number;
}

/** What the suite needs to exercise a backend. */
export interface ConformanceOptions {
  /** Shown in the describe block, e.g. `onnx (cpu)`. */
  readonly name: string;
  /** A fresh backend; the suite disposes it at the end. */
  createBackend(): Backend | Promise<Backend>;
  /** A small model the backend loads. */
  readonly source: ModelSource;
  readonly loadOptions?: LoadModelOptions;
  /** Valid feeds for the model (a new map each call; the suite may dispose them). */
  feeds(): TensorMap;
  /** Outputs to check by name (at least one). */
  readonly expected: Readonly<Record<string, ExpectedOutput>>;
  /**
   * The limits the model must declare (from its config): value ranges by input name (`input_ids` in
   * `[0, vocab_size)`) and the largest size of symbolic dims (`sequence` up to `max_position_embeddings`). Absent:
   * the model must declare none.
   */
  readonly limits?: ConformanceLimits;
}

/** What {@link ConformanceOptions.limits} states. */
export interface ConformanceLimits {
  readonly valueRanges?: Readonly<Record<string, { readonly min: number; readonly maxExclusive: number }>>;
  readonly maxDims?: Readonly<Record<string, number>>;
}

/** What each conformance check works on: the options, a backend and a model loaded on it. */
export interface ConformanceContext {
  readonly options: ConformanceOptions;
  readonly backend: Backend;
  /** A model loaded from `options.source`; the checks never dispose it. */
  readonly handle: ModelHandle;
}
