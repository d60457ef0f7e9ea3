import type { ModelSignature } from '@inferox/core';
import type { TfTensorMap, TfjsExecutor } from '../tfjs-executor';
import type { Tf, TfTensor } from '../tf-module';
import { ACTIVATIONS } from './activations';
import { ConfigFields } from './config-fields';
import type { BuiltModel, HfArchitecture } from './hf-architecture';
import type { Checkpoint } from './read-checkpoint';
import { WeightSet } from './weight-set';

const HIDDEN_ACTS = ['relu', 'gelu', 'tanh'] as const;

interface Linear {
  readonly weight: TfTensor;
  readonly bias: TfTensor;
}

class MlpExecutor implements TfjsExecutor {
  readonly #tf: Tf;
  readonly #layers: readonly Linear[];
  readonly #act: (typeof HIDDEN_ACTS)[number];
  readonly #set: WeightSet;

  constructor(tf: Tf, layers: readonly Linear[], act: (typeof HIDDEN_ACTS)[number], set: WeightSet) {
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
 * `inferox-mlp`: a stack of torch-style Linear layers (`layers.{i}.weight` [out, in], `layers.{i}.bias` [out]) with
 * `hidden_act` between them and a linear last layer. Input `input` [batch, layer_sizes[0]], output `logits`.
 */
export const inferoxMlpArchitecture: HfArchitecture = {
  modelType: 'inferox-mlp',
  build(tf: Tf, checkpoint: Checkpoint): BuiltModel {
    const f = new ConfigFields(checkpoint.config, checkpoint.configFile);
    const sizes = f.positiveInts('layer_sizes', 2);
    const act = f.oneOf('hidden_act', HIDDEN_ACTS, 'relu');
    const set = new WeightSet(tf, checkpoint.weights);
    const layers = set.build(() =>
      sizes.slice(1).map((out, i) => ({ weight: set.get(`layers.${i}.weight`, [out, sizes[i]!]), bias: set.get(`layers.${i}.bias`, [out]) })),
    );
    const signature: ModelSignature = {
      inputs: [{ name: 'input', dtype: 'float32', shape: ['batch', sizes[0]!] }],
      outputs: [{ name: 'logits', dtype: 'float32', shape: ['batch', sizes.at(-1)!] }],
    };
    return {
      signature,
      executor: new MlpExecutor(tf, layers, act, set),
      memoryBytes: set.bytes,
      metadata: { architecture: 'inferox-mlp', model_type: 'inferox-mlp', layer_sizes: sizes.join(','), hidden_act: act },
    };
  },
};
