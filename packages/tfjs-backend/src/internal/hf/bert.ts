import type { TfTensorMap, TfjsExecutor } from '../tfjs-executor';
import type { Tf, TfTensor } from '../tf-module';
import { BERT_ARCHITECTURE, type Checkpoint } from '@inferox/hf-checkpoint';
import { ACTIVATIONS, type ActivationName } from './activations';
import type { BuiltModel, ModelBuilder } from './model-builder';
import { WeightSet } from './weight-set';

/** torch.finfo(float32).min: what Hugging Face adds to the scores of masked positions. */
const MASKED = -3.4028234663852886e38;

interface BertConfig {
  readonly vocab: number;
  readonly hidden: number;
  readonly layers: number;
  readonly heads: number;
  readonly intermediate: number;
  readonly maxPositions: number;
  readonly typeVocab: number;
  readonly eps: number;
  readonly act: ActivationName;
}

interface Dense {
  readonly weight: TfTensor;
  readonly bias: TfTensor;
}

interface Norm {
  readonly gamma: TfTensor;
  readonly beta: TfTensor;
}

interface BertLayer {
  readonly query: Dense;
  readonly key: Dense;
  readonly value: Dense;
  readonly attentionOut: Dense;
  readonly attentionNorm: Norm;
  readonly intermediate: Dense;
  readonly output: Dense;
  readonly outputNorm: Norm;
}

interface BertWeights {
  readonly word: TfTensor;
  readonly position: TfTensor;
  readonly tokenType: TfTensor;
  readonly embeddingNorm: Norm;
  readonly layers: readonly BertLayer[];
  /** Absent when the checkpoint has no pooler (then there is no `pooler_output`). */
  readonly pooler: Dense | undefined;
}

/** The tfjs activation of each BERT `hidden_act` (`@inferox/hf-checkpoint` decides which are supported). */
const ACTIVATION_OF: Readonly<Record<string, ActivationName>> = { gelu_pytorch_tanh: 'gelu_new', swish: 'silu' };

function readConfig(checkpoint: Checkpoint): BertConfig {
  const c = BERT_ARCHITECTURE.parseConfig(checkpoint.config);
  return {
    vocab: c.vocabSize,
    hidden: c.hiddenSize,
    layers: c.numHiddenLayers,
    heads: c.numAttentionHeads,
    intermediate: c.intermediateSize,
    maxPositions: c.maxPositionEmbeddings,
    typeVocab: c.typeVocabSize,
    eps: c.layerNormEps,
    act: ACTIVATION_OF[c.hiddenAct] ?? (c.hiddenAct as ActivationName),
  };
}

function readWeights(set: WeightSet, c: BertConfig, pooler: boolean): BertWeights {
  // Names are looked up under the task-head prefix (`bert.` of BertForSequenceClassification, ...) hf-checkpoint found.
  const t = (name: string, shape: readonly number[]): TfTensor => set.get(name, shape);
  const dense = (name: string, out: number, inp: number): Dense => ({ weight: t(`${name}.weight`, [out, inp]), bias: t(`${name}.bias`, [out]) });
  const norm = (name: string): Norm => ({ gamma: t(`${name}.weight`, [c.hidden]), beta: t(`${name}.bias`, [c.hidden]) });
  const H = c.hidden;
  return {
    word: t('embeddings.word_embeddings.weight', [c.vocab, H]),
    position: t('embeddings.position_embeddings.weight', [c.maxPositions, H]),
    tokenType: t('embeddings.token_type_embeddings.weight', [c.typeVocab, H]),
    embeddingNorm: norm('embeddings.LayerNorm'),
    layers: Array.from({ length: c.layers }, (_, i) => {
      const p = `encoder.layer.${i}`;
      return {
        query: dense(`${p}.attention.self.query`, H, H),
        key: dense(`${p}.attention.self.key`, H, H),
        value: dense(`${p}.attention.self.value`, H, H),
        attentionOut: dense(`${p}.attention.output.dense`, H, H),
        attentionNorm: norm(`${p}.attention.output.LayerNorm`),
        intermediate: dense(`${p}.intermediate.dense`, c.intermediate, H),
        output: dense(`${p}.output.dense`, H, c.intermediate),
        outputNorm: norm(`${p}.output.LayerNorm`),
      };
    }),
    // The architecture table says whether there is a pooler_output; half a pooler is then a missing tensor.
    pooler: pooler ? dense('pooler.dense', H, H) : undefined,
  };
}

class BertExecutor implements TfjsExecutor {
  readonly #tf: Tf;
  readonly #c: BertConfig;
  readonly #w: BertWeights;
  readonly #set: WeightSet;

  constructor(tf: Tf, config: BertConfig, weights: BertWeights, set: WeightSet) {
    this.#tf = tf;
    this.#c = config;
    this.#w = weights;
    this.#set = set;
  }

  execute(inputs: TfTensorMap, outputs: readonly string[]): TfTensor[] {
    const tf = this.#tf;
    const c = this.#c;
    const w = this.#w;
    const ids = inputs.input_ids!;
    const [batch, sequence] = ids.shape as [number, number];
    const H = c.hidden;
    const heads = c.heads;
    const headSize = H / heads;
    const rows = batch * sequence;
    const dense = (x: TfTensor, d: Dense): TfTensor => tf.add(tf.matMul(x, d.weight, false, true), d.bias);
    const norm = (x: TfTensor, n: Norm): TfTensor => {
      const { mean, variance } = tf.moments(x, -1, true);
      return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, c.eps))), n.gamma), n.beta);
    };
    const splitHeads = (x: TfTensor): TfTensor => tf.transpose(tf.reshape(x, [batch, sequence, heads, headSize]), [0, 2, 1, 3]);

    const words = tf.gather(w.word, tf.reshape(ids, [rows]));
    const types = tf.gather(w.tokenType, tf.reshape(inputs.token_type_ids!, [rows]));
    const positions = tf.tile(tf.gather(w.position, tf.range(0, sequence, 1, 'int32')), [batch, 1]);
    let hidden = norm(tf.add(tf.add(words, types), positions), w.embeddingNorm);

    const keep = tf.cast(inputs.attention_mask!, 'float32');
    const maskBias = tf.reshape(tf.mul(tf.sub(1, keep), MASKED), [batch, 1, 1, sequence]);
    const scale = 1 / Math.sqrt(headSize);
    for (const layer of w.layers) {
      const q = splitHeads(dense(hidden, layer.query));
      const k = splitHeads(dense(hidden, layer.key));
      const v = splitHeads(dense(hidden, layer.value));
      const scores = tf.add(tf.mul(tf.matMul(q, k, false, true), scale), maskBias);
      const context = tf.reshape(tf.transpose(tf.matMul(tf.softmax(scores), v), [0, 2, 1, 3]), [rows, H]);
      const attended = norm(tf.add(dense(context, layer.attentionOut), hidden), layer.attentionNorm);
      const inner = ACTIVATIONS[c.act](tf, dense(attended, layer.intermediate));
      hidden = norm(tf.add(dense(inner, layer.output), attended), layer.outputNorm);
    }
    const last = tf.reshape(hidden, [batch, sequence, H]);
    return outputs.map((name) => {
      if (name === 'last_hidden_state') return last;
      const first = tf.reshape(tf.slice(last, [0, 0, 0], [batch, 1, H]), [batch, H]);
      return tf.tanh(dense(first, w.pooler!));
    });
  }

  dispose(): void {
    this.#set.dispose();
  }
}

/**
 * Builds Hugging Face `BertModel` from tfjs ops: embeddings + LayerNorm, encoder layers of masked multi-head
 * self-attention and a feed-forward block, tanh pooler; inputs and outputs as `BERT_ARCHITECTURE.signature` gives
 * them (named as the Hugging Face ONNX export names them).
 */
export const buildBert: ModelBuilder = (tf: Tf, checkpoint: Checkpoint): BuiltModel => {
  const config = readConfig(checkpoint);
  const signature = BERT_ARCHITECTURE.signature(BERT_ARCHITECTURE.parseConfig(checkpoint.config), checkpoint.weights);
  const set = new WeightSet(tf, checkpoint.weights);
  const weights = set.build(() => readWeights(set, config, signature.outputs.some((o) => o.name === 'pooler_output')));
  return {
    signature,
    executor: new BertExecutor(tf, config, weights, set),
    memoryBytes: set.bytes,
    metadata: {
      architecture: 'BertModel',
      model_type: 'bert',
      hidden_size: String(config.hidden),
      num_hidden_layers: String(config.layers),
    },
  };
};
