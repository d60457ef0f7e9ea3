import type { BatchingSpec, InstancesSpec } from '@inferox/engine';

/** What a served model does: a text task, plain tensors, or `auto` (text when the folder has a tokenizer). */
export type ServedTask = 'auto' | 'embedding' | 'classification' | 'tensor';

/** One model to serve: where it comes from and how it runs. */
export interface ServedModelConfig {
  /** The name clients use. */
  readonly name: string;
  /** A folder (Hugging Face checkpoint, sentence-transformers model, mlpkg package), an `.onnx` file or `hf://org/repo@rev`. */
  readonly source: string;
  /** Backends to place replicas on, in preference order. @defaultValue the engine's default */
  readonly backends?: readonly string[];
  /** @defaultValue `'auto'` */
  readonly task?: ServedTask;
  readonly batching?: BatchingSpec;
  readonly instances?: InstancesSpec;
  /** Per-replica queue bound; a full queue answers 429. */
  readonly maxQueueSize?: number;
  /** Text models: padded token budget of one batch. */
  readonly maxBatchTokens?: number;
}
