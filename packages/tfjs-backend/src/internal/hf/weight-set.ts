import type { CheckpointWeights } from '@inferox/hf-checkpoint';
import type { Tf, TfTensor } from '../tf-module';

/** The weight tensors of one model: created from a checkpoint, freed together. */
export class WeightSet {
  readonly #tf: Tf;
  readonly #weights: CheckpointWeights;
  readonly #tensors: TfTensor[] = [];
  #bytes = 0;

  constructor(tf: Tf, weights: CheckpointWeights) {
    this.#tf = tf;
    this.#weights = weights;
  }

  /** Bytes held by the tensors created so far. */
  get bytes(): number {
    return this.#bytes;
  }

  /**
   * A float32 tfjs tensor of checkpoint tensor `name`, checked against `shape`.
   *
   * @throws InferoxError `PACKAGE_INVALID` naming the tensor.
   */
  get(name: string, shape: readonly number[]): TfTensor {
    const values = this.#weights.float32(name, shape);
    const tensor = this.#tf.tensor(values, [...shape], 'float32');
    this.#tensors.push(tensor);
    this.#bytes += values.byteLength;
    return tensor;
  }

  /**
   * Runs `build`; if it throws, frees the tensors created so far and rethrows.
   */
  build<T>(build: (set: WeightSet) => T): T {
    try {
      return build(this);
    } catch (error) {
      this.dispose();
      throw error;
    }
  }

  /** Frees every tensor. */
  dispose(): void {
    this.#tf.dispose(this.#tensors);
    this.#tensors.length = 0;
  }
}
