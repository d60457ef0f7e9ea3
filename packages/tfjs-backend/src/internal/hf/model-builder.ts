import type { ModelSignature } from '@inferox/core';
import type { Checkpoint } from '@inferox/hf-checkpoint';
import type { TfjsExecutor } from '../tfjs-executor';
import type { Tf } from '../tf-module';

/** A model built from a checkpoint: what the handle needs. */
export interface BuiltModel {
  readonly signature: ModelSignature;
  readonly executor: TfjsExecutor;
  /** Bytes of the weights held as tfjs tensors. */
  readonly memoryBytes: number;
  readonly metadata: Readonly<Record<string, string>>;
}

/**
 * Builds one `model_type` from tfjs ops: reads the config and weights and creates the weight tensors (freed by the
 * executor's `dispose`).
 *
 * @throws InferoxError `PACKAGE_INVALID` naming the config field or tensor that is wrong.
 */
export type ModelBuilder = (tf: Tf, checkpoint: Checkpoint) => BuiltModel;
