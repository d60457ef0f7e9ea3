import { ErrorCode, InferoxError, type ModelSignature, type TensorSpec } from '@inferox/core';
import { type BertConfig, parseBertConfig } from './bert-config';
import type { CheckpointConfig } from './checkpoint-config';
import { type MlpConfig, parseMlpConfig } from './mlp-config';
import { describeValue } from './internal/describe-value';
import type { TensorLookup } from './tensor-lookup';

/** The backends that build models from checkpoints. */
export const CHECKPOINT_BACKENDS = ['onnx', 'tfjs'] as const;

/** One of {@link CHECKPOINT_BACKENDS}. */
export type CheckpointBackend = (typeof CHECKPOINT_BACKENDS)[number];

/**
 * A `model_type` Inferox builds from `config.json` + safetensors weights: which backends build it, how its config
 * is read, and the signature of the built model. Both backends, mlpkg's `model_info.json` and the cli read this.
 */
export interface CheckpointArchitecture<C = unknown> {
  /** `config.json`'s `model_type`. */
  readonly modelType: string;
  /** One line for docs and messages. */
  readonly description: string;
  /** The backends that build it, in preference order. */
  readonly backends: readonly CheckpointBackend[];
  /** A tensor every checkpoint of it has, by which a task-head prefix is found (`tensorPrefix`). */
  readonly anchorTensor: string;
  /**
   * Parses the architecture's fields of `config.json`, defaults applied.
   *
   * @throws InferoxError `PACKAGE_INVALID` naming the field.
   */
  parseConfig(config: CheckpointConfig): C;
  /** The built model's inputs and outputs, given its config and which tensors the checkpoint holds. */
  signature(config: C, tensors: TensorLookup): ModelSignature;
}

const SEQUENCE = ['batch', 'sequence'] as const;
const spec = (name: string, dtype: TensorSpec['dtype'], shape: TensorSpec['shape']): TensorSpec => ({ name, dtype, shape });

/**
 * Hugging Face `BertModel`. Inputs `input_ids`, `attention_mask`, `token_type_ids` (int64 [batch, sequence], at most
 * `max_position_embeddings` positions; ids in `[0, vocab_size)`, types in `[0, type_vocab_size)`, mask 0 or 1);
 * outputs `last_hidden_state` [batch, sequence, hidden] and `pooler_output` [batch, hidden] only when the checkpoint
 * has pooler tensors (`pooler.dense.weight` or `.bias`).
 */
export const BERT_ARCHITECTURE: CheckpointArchitecture<BertConfig> = {
  modelType: 'bert',
  description: 'Hugging Face BertModel (encoder, tanh pooler when the checkpoint has one)',
  backends: ['onnx', 'tfjs'],
  anchorTensor: 'embeddings.word_embeddings.weight',
  parseConfig: parseBertConfig,
  signature(config, tensors) {
    const hidden = config.hiddenSize;
    const pooler = tensors.has('pooler.dense.weight') || tensors.has('pooler.dense.bias');
    // The limits the config gives, so every backend refuses the same bad ids with INVALID_INPUT before running.
    const sequence = [null, { max: config.maxPositionEmbeddings, source: 'max_position_embeddings' }] as const;
    const ranges = {
      input_ids: { min: 0, maxExclusive: config.vocabSize, source: 'vocab_size' },
      attention_mask: { min: 0, maxExclusive: 2, source: 'a mask of 0 and 1' },
      token_type_ids: { min: 0, maxExclusive: config.typeVocabSize, source: 'type_vocab_size' },
    };
    return {
      inputs: (['input_ids', 'attention_mask', 'token_type_ids'] as const).map((name) => ({
        ...spec(name, 'int64', [...SEQUENCE]),
        dimLimits: sequence,
        valueRange: ranges[name],
      })),
      outputs: [spec('last_hidden_state', 'float32', [...SEQUENCE, hidden]), ...(pooler ? [spec('pooler_output', 'float32', ['batch', hidden])] : [])],
    };
  },
};

/**
 * `inferox-mlp`: torch-style Linear layers (`layers.{i}.weight` [out, in], `layers.{i}.bias` [out]). Input `input`
 * float32 [batch, layer_sizes[0]], output `logits` float32 [batch, layer_sizes[last]].
 */
export const MLP_ARCHITECTURE: CheckpointArchitecture<MlpConfig> = {
  modelType: 'inferox-mlp',
  description: 'Inferox test MLP (Linear layers with relu/gelu/tanh)',
  backends: ['onnx', 'tfjs'],
  anchorTensor: 'layers.0.weight',
  parseConfig: parseMlpConfig,
  signature(config) {
    return {
      inputs: [spec('input', 'float32', ['batch', config.layerSizes[0]!])],
      outputs: [spec('logits', 'float32', ['batch', config.layerSizes.at(-1)!])],
    };
  },
};

/** Every architecture by `model_type`. */
export const CHECKPOINT_ARCHITECTURES: ReadonlyMap<string, CheckpointArchitecture> = new Map<string, CheckpointArchitecture>(
  [BERT_ARCHITECTURE, MLP_ARCHITECTURE].map((a) => [a.modelType, a as CheckpointArchitecture]),
);

/** @returns the backends that build `modelType` from weights (empty for any other type). */
export function backendsBuilding(modelType: string): readonly CheckpointBackend[] {
  return CHECKPOINT_ARCHITECTURES.get(modelType)?.backends ?? [];
}

/** @returns the `model_type`s `backend` builds from weights. */
export function modelTypesBuiltBy(backend: string): string[] {
  return [...CHECKPOINT_ARCHITECTURES.values()].filter((a) => (a.backends as readonly string[]).includes(backend)).map((a) => a.modelType);
}

/**
 * The architecture of a checkpoint, as `backend` builds it.
 *
 * @throws InferoxError `PACKAGE_INVALID` naming `config.json` and `model_type` when `backend` does not build it.
 */
export function architectureFor(config: CheckpointConfig, backend: CheckpointBackend): CheckpointArchitecture {
  const architecture = CHECKPOINT_ARCHITECTURES.get(config.modelType);
  if (!architecture || !architecture.backends.includes(backend)) {
    throw new InferoxError(
      ErrorCode.PACKAGE_INVALID,
      `${config.file}: model_type ${describeValue(config.modelType)} is not built by the ${backend} backend; it builds ${modelTypesBuiltBy(backend).join(', ')}`,
      { details: { file: config.file, field: 'model_type', given: config.modelType } },
    );
  }
  return architecture;
}
