import { Tensor } from '@inferox/core';
import { BERT_ARCHITECTURE, type Checkpoint } from '@inferox/hf-checkpoint';
import type { OnnxGraphBuilder } from '../onnx-graph-builder';
import { applyActivation } from './activation';
import { transpose2d } from './transpose';

/** float32's lowest value: what Hugging Face adds to the scores of masked keys. */
const MASK_VALUE = -3.4028234663852886e38;

/**
 * Writes Hugging Face `BertModel` as ONNX: embeddings (word + position + token type, LayerNorm), N encoder layers
 * (multi-head self-attention over `attention_mask`, feed-forward with the configured activation, post-LayerNorms)
 * and the tanh pooler over the first token, with the inputs and outputs `BERT_ARCHITECTURE.signature` gives
 * (`pooler_output` only when the checkpoint has a pooler).
 *
 * @throws InferoxError `PACKAGE_INVALID` naming the config field or the tensor.
 */
export function writeBertGraph({ config: rawConfig, weights }: Checkpoint, g: OnnxGraphBuilder): void {
  const config = BERT_ARCHITECTURE.parseConfig(rawConfig);
  const { vocabSize: vocab, hiddenSize: hidden, numHiddenLayers: layers, numAttentionHeads: heads, headSize, intermediateSize: intermediate } = config;
  const outputs = new Set(BERT_ARCHITECTURE.signature(config, weights).outputs.map((o) => o.name));

  const tensor = (name: string, shape: number[]): Tensor<'float32'> => Tensor.from('float32', weights.float32(name, shape), shape);
  const weight = (name: string, shape: number[]): string => g.addInitializer(name, tensor(name, shape));
  const linear = (x: string, prefix: string, inSize: number, outSize: number): string => {
    const w = g.addInitializer(`${prefix}.weight_t`, transpose2d(tensor(`${prefix}.weight`, [outSize, inSize])));
    return g.op('Add', [g.op('MatMul', [x, w]), weight(`${prefix}.bias`, [outSize])]);
  };
  const layerNorm = (x: string, prefix: string, output?: string): string =>
    g.op('LayerNormalization', [x, weight(`${prefix}.weight`, [hidden]), weight(`${prefix}.bias`, [hidden])], { axis: -1, epsilon: { float: config.layerNormEps } }, output);

  const ids = g.addInput('input_ids', 'int64', ['batch', 'sequence']);
  const mask = g.addInput('attention_mask', 'int64', ['batch', 'sequence']);
  const types = g.addInput('token_type_ids', 'int64', ['batch', 'sequence']);

  const words = g.op('Gather', [weight('embeddings.word_embeddings.weight', [vocab, hidden]), ids], { axis: 0 });
  const seqLen = g.op('Gather', [g.op('Shape', [ids]), g.ints(1)], { axis: 0 });
  const positionIds = g.op('Range', [g.ints(0), seqLen, g.ints(1)]);
  const positions = g.op('Gather', [weight('embeddings.position_embeddings.weight', [config.maxPositionEmbeddings, hidden]), positionIds], { axis: 0 });
  const tokenTypes = g.op('Gather', [weight('embeddings.token_type_embeddings.weight', [config.typeVocabSize, hidden]), types], { axis: 0 });
  let x = layerNorm(g.op('Add', [g.op('Add', [words, tokenTypes]), positions]), 'embeddings.LayerNorm');

  const keep = g.op('Cast', [mask], { to: 1 });
  const additive = g.op('Mul', [g.op('Sub', [g.floats(1), keep]), g.floats(MASK_VALUE)]);
  const maskBias = g.op('Unsqueeze', [additive, g.ints([1, 2])]);
  const splitHeads = g.ints([0, 0, heads, headSize]);
  const mergeHeads = g.ints([0, 0, hidden]);
  const scale = g.floats(1 / Math.sqrt(headSize));

  for (let i = 0; i < layers; i++) {
    const p = `encoder.layer.${i}`;
    const project = (name: string, perm: number[]): string =>
      g.op('Transpose', [g.op('Reshape', [linear(x, `${p}.attention.self.${name}`, hidden, hidden), splitHeads])], { perm });
    const q = project('query', [0, 2, 1, 3]);
    const k = project('key', [0, 2, 3, 1]);
    const v = project('value', [0, 2, 1, 3]);
    const scores = g.op('Add', [g.op('Mul', [g.op('MatMul', [q, k]), scale]), maskBias]);
    const probs = g.op('Softmax', [scores], { axis: -1 });
    const context = g.op('Reshape', [g.op('Transpose', [g.op('MatMul', [probs, v])], { perm: [0, 2, 1, 3] }), mergeHeads]);
    const attended = layerNorm(g.op('Add', [linear(context, `${p}.attention.output.dense`, hidden, hidden), x]), `${p}.attention.output.LayerNorm`);
    const inner = applyActivation(g, linear(attended, `${p}.intermediate.dense`, hidden, intermediate), config.hiddenAct);
    const last = i === layers - 1;
    x = layerNorm(g.op('Add', [linear(inner, `${p}.output.dense`, intermediate, hidden), attended]), `${p}.output.LayerNorm`, last ? 'last_hidden_state' : undefined);
  }
  g.addOutput(x, 'float32', ['batch', 'sequence', hidden]);

  if (outputs.has('pooler_output')) {
    const first = g.op('Gather', [x, g.ints(0)], { axis: 1 });
    g.addOutput(g.op('Tanh', [linear(first, 'pooler.dense', hidden, hidden)], {}, 'pooler_output'), 'float32', ['batch', hidden]);
  }
}
