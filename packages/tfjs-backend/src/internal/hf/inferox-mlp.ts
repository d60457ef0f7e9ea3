import { type Checkpoint, MLP_ARCHITECTURE, type MlpActivation } from '@inferox/hf-checkpoint';
import type { TfTensorMap, TfjsExecutor } from '../tfjs-executor';
import type { Tf, TfTensor } from '../tf-module';
import { ACTIVATIONS } from './activations';
import type { BuiltModel, ModelBuilder } from './model-builder';
import { WeightSet } from './weight-set';

interface Linear {
  readonly weight: TfTensor;
  readonly bias: TfTensor;
}

class MlpExecutor implements TfjsExecutor {
  readonly #tf: Tf;
  readonly #layers: readonly Linear[];
  readonly #act: MlpActivation;
  readonly #set: WeightSet;

  constructor(tf: Tf, layers: readonly Linear[], act: MlpActivation, set: WeightSet) {
    this.#tf = tf;
    this.#layers = layers;
    this.#act = act;
    this.#set = set;
  }

  execute(inputs: TfTensorMap): TfTensor[] {
    const tf = this.#tf;
    let x = inputs.input!;
    this.#layers.forEach((layer, i) => {
      x = tf.add(tf.matMul(x, layer.weight, false, true), layer.bias);
      if (i < this.#layers.length - 1) x = ACTIVATIONS[this.#act](tf, x);
    });
    return [x];
  }

  dispose(): void {
    this.#set.dispose();
  }
}

/**
 * Builds `inferox-mlp` from tfjs ops: torch-style Linear layers (`layers.{i}.weight` [out, in], `layers.{i}.bias`
 * [out]) with `hidden_act` between them and a linear last layer; input and output as `MLP_ARCHITECTURE.signature`.
 */
export const buildInferoxMlp: ModelBuilder = (tf: Tf, checkpoint: Checkpoint): BuiltModel => {
  const config = MLP_ARCHITECTURE.parseConfig(checkpoint.config);
  const sizes = config.layerSizes;
  const set = new WeightSet(tf, checkpoint.weights);
  const layers = set.build(() => sizes.slice(1).map((out, i) => ({ weight: set.get(`layers.${i}.weight`, [out, sizes[i]!]), bias: set.get(`layers.${i}.bias`, [out]) })));
  return {
    signature: MLP_ARCHITECTURE.signature(config, checkpoint.weights),
    executor: new MlpExecutor(tf, layers, config.hiddenAct, set),
    memoryBytes: set.bytes,
    metadata: { architecture: 'inferox-mlp', model_type: 'inferox-mlp', layer_sizes: sizes.join(','), hidden_act: config.hiddenAct },
  };
};
