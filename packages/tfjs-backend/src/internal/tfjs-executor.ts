import type { TfTensor } from './tf-module';

/** Named tfjs tensors. */
export type TfTensorMap = Record<string, TfTensor>;

/**
 * What a loaded model does with tfjs tensors. The handle validates feeds against the signature (its limits and value
 * ranges included), converts them, calls `execute` inside `tf.tidy` (so every intermediate is freed) and disposes
 * what it returns after reading it.
 */
export interface TfjsExecutor {
  /** Computes `outputs` (in that order) synchronously. */
  execute(inputs: TfTensorMap, outputs: readonly string[]): TfTensor[];
  /**
   * Set when the model turned out to need asynchronous execution (dynamic ops); the handle then calls
   * `executeAsync` instead.
   */
  readonly needsAsync?: boolean;
  executeAsync?(inputs: TfTensorMap, outputs: readonly string[]): Promise<TfTensor[]>;
  /** Frees the weights. Called once. */
  dispose(): void;
}
