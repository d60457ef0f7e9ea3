import type { Tensor } from '@inferox/core';
import type { OnnxGraphBuilder } from './onnx-graph-builder';

/** A checkpoint's weights, by Hugging Face parameter name, as float32 (F16, BF16 and F64 are converted). */
export interface CheckpointWeights {
  /** Where the weights came from, for messages. */
  readonly source: string;
  /** Whether a tensor of that name exists (also under the `<model_type>.` prefix of task-head checkpoints). */
  has(name: string): boolean;
  /**
   * The tensor, checked against `shape`.
   *
   * @returns a new float32 tensor owned by the caller.
   * @throws InferoxError `PACKAGE_INVALID` naming the tensor when it is missing, not floating point, or of another shape.
   */
  get(name: string, shape: readonly number[]): Tensor<'float32'>;
}

/** What an architecture reads: `config.json` and the weights. */
export interface ArchitectureInput {
  /** `config.json`, parsed. */
  readonly config: Readonly<Record<string, unknown>>;
  /** Where `config.json` came from, for messages. */
  readonly configPath: string;
  readonly weights: CheckpointWeights;
}

/**
 * A model architecture the ONNX backend builds from a Hugging Face checkpoint: it writes the graph with
 * {@link OnnxGraphBuilder}, weights as initializers.
 */
export interface Architecture {
  /** The `config.json` `model_type` it serves (`bert`, `inferox-mlp`). */
  readonly modelType: string;
  /** One line for docs and errors. */
  readonly description: string;
  /**
   * Writes the graph.
   *
   * @throws InferoxError `PACKAGE_INVALID` naming the config field or the tensor the architecture cannot serve.
   */
  build(input: ArchitectureInput, graph: OnnxGraphBuilder): void;
}
