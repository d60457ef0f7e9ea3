import { z } from 'zod';
import type { CheckpointConfig } from './checkpoint-config';
import { fieldError, oneOf, parseFields, positiveInt, positiveNumber } from './internal/config-fields';

/**
 * The `hidden_act` values BERT is built with on every backend, by their Hugging Face names: `gelu` is the exact
 * (erf) form, `gelu_new` and `gelu_pytorch_tanh` the tanh form, `silu` and `swish` the same function.
 */
export const BERT_ACTIVATIONS = ['gelu', 'gelu_new', 'gelu_pytorch_tanh', 'relu', 'tanh', 'silu', 'swish'] as const;

/** One of {@link BERT_ACTIVATIONS}. */
export type BertActivation = (typeof BERT_ACTIVATIONS)[number];

/** A BERT `config.json`, checked, with Hugging Face `BertConfig`'s defaults for the optional fields. */
export interface BertConfig {
  readonly vocabSize: number;
  readonly hiddenSize: number;
  readonly numHiddenLayers: number;
  readonly numAttentionHeads: number;
  /** `hiddenSize / numAttentionHeads`. */
  readonly headSize: number;
  readonly intermediateSize: number;
  /** @defaultValue 512 (as `transformers.BertConfig`) */
  readonly maxPositionEmbeddings: number;
  /** @defaultValue 2 */
  readonly typeVocabSize: number;
  /** @defaultValue 1e-12 */
  readonly layerNormEps: number;
  /** @defaultValue `'gelu'` */
  readonly hiddenAct: BertActivation;
}

const bertSchema = z.looseObject({
  vocab_size: positiveInt(),
  hidden_size: positiveInt(),
  num_hidden_layers: positiveInt(),
  num_attention_heads: positiveInt(),
  intermediate_size: positiveInt(),
  max_position_embeddings: positiveInt(512),
  type_vocab_size: positiveInt(2),
  layer_norm_eps: positiveNumber(1e-12),
  hidden_act: oneOf(BERT_ACTIVATIONS, 'gelu'),
  position_embedding_type: oneOf(['absolute'], 'absolute'),
});

/**
 * Parses a BERT config: the sizes are required positive integers; `max_position_embeddings` (512),
 * `type_vocab_size` (2), `layer_norm_eps` (1e-12) and `hidden_act` (`gelu`) default as in transformers;
 * `position_embedding_type` must be `absolute`.
 *
 * @throws InferoxError `PACKAGE_INVALID` naming `config.json`, the field and its value (also when
 * `num_attention_heads` does not divide `hidden_size`).
 */
export function parseBertConfig(config: CheckpointConfig): BertConfig {
  const c = parseFields(bertSchema, config.raw, config.file);
  if (c.hidden_size % c.num_attention_heads !== 0) {
    throw fieldError(config.file, 'num_attention_heads', `must divide hidden_size (${c.hidden_size})`, c.num_attention_heads);
  }
  return {
    vocabSize: c.vocab_size,
    hiddenSize: c.hidden_size,
    numHiddenLayers: c.num_hidden_layers,
    numAttentionHeads: c.num_attention_heads,
    headSize: c.hidden_size / c.num_attention_heads,
    intermediateSize: c.intermediate_size,
    maxPositionEmbeddings: c.max_position_embeddings,
    typeVocabSize: c.type_vocab_size,
    layerNormEps: c.layer_norm_eps,
    hiddenAct: c.hidden_act,
  };
}
