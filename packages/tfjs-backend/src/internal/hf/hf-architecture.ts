import type { ModelSignature } from '@inferox/core';
import type { TfjsExecutor } from '../tfjs-executor';
import type { Tf } from '../tf-module';
import type { Checkpoint } from './read-checkpoint';

/** A model built from a checkpoint: what the handle needs. */
export interface BuiltModel {
  readonly signature: ModelSignature;
  readonly executor: TfjsExecutor;
  /** Bytes of the weights held as tfjs tensors. */
  readonly memoryBytes: number;
  readonly metadata: Readonly<Record<string, string>>;
}

/** An architecture built from tfjs ops, keyed by `config.json`'s `model_type`. */
export interface HfArchitecture {
  readonly modelType: string;
  /**
   * Reads the config and weights and creates the weight tensors (freed by the executor's `dispose`).
   *
   * @throws InferoxError `PACKAGE_INVALID` naming the config field or tensor that is wrong.
   */
  build(tf: Tf, checkpoint: Checkpoint): BuiltModel;
}
