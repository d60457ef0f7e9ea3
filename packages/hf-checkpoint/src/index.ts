/**
 * @packageDocumentation
 * Hugging Face checkpoints read once for every package: what a model path holds ({@link resolveModelSource}),
 * `config.json` with one set of defaults ({@link readCheckpointConfig}, {@link parseBertConfig}), safetensors
 * weights single or sharded ({@link readCheckpoint}, {@link readWeightInventory}, {@link readSafetensorsHeader}) as
 * float32/float16, and the architecture table ({@link CHECKPOINT_ARCHITECTURES}) the backends, mlpkg and the cli
 * read. Depends on `@inferox/core` and `zod`; uses `node:fs`.
 */
export {
  CONFIG_FILE,
  MAX_CONFIG_BYTES,
  MAX_HEADER_LENGTH,
  MAX_INDEX_BYTES,
  MAX_SHARD_NAME_LENGTH,
  MAX_WEIGHT_MAP_ENTRIES,
  ONNX_FILE,
  PACKAGE_METADATA_FILE,
  SAFETENSORS_FILE,
  SAFETENSORS_INDEX_FILE,
  TFJS_MODEL_FILE,
  WEIGHT_DTYPES,
} from './constants';
export type { WeightDtype } from './constants';
export { readCheckpointFile, readCheckpointJson } from './read-checkpoint-file';
export type { ReadCheckpointFileOptions } from './read-checkpoint-file';
export { MODEL_SOURCE_FORMATS, MODEL_SOURCE_KINDS, expectModelSourceKind, resolveModelSource } from './resolve-model-source';
export type { ModelPathSource, ModelSourceKind, ResolveModelSourceOptions, ResolvedModelSource } from './resolve-model-source';
export { parseCheckpointConfig, readCheckpointConfig } from './checkpoint-config';
export type { CheckpointConfig } from './checkpoint-config';
export { BERT_ACTIVATIONS, parseBertConfig } from './bert-config';
export type { BertActivation, BertConfig } from './bert-config';
export { MLP_ACTIVATIONS, parseMlpConfig } from './mlp-config';
export type { MlpActivation, MlpConfig } from './mlp-config';
export { parseSafetensorsIndex, readSafetensorsIndex } from './safetensors-index';
export type { SafetensorsIndex } from './safetensors-index';
export { readSafetensorsHeader } from './read-safetensors-header';
export { CheckpointWeights } from './checkpoint-weights';
export type { LocatedEntry } from './checkpoint-weights';
export { tensorLookup, tensorPrefix } from './tensor-lookup';
export type { TensorLookup } from './tensor-lookup';
export { readCheckpoint } from './read-checkpoint';
export type { Checkpoint } from './read-checkpoint';
export { readWeightInventory } from './read-weight-inventory';
export type { InventoryTensor, WeightInventory } from './read-weight-inventory';
export {
  BERT_ARCHITECTURE,
  CHECKPOINT_ARCHITECTURES,
  CHECKPOINT_BACKENDS,
  MLP_ARCHITECTURE,
  architectureFor,
  backendsBuilding,
  modelTypesBuiltBy,
} from './architectures';
export type { CheckpointArchitecture, CheckpointBackend } from './architectures';
export { MAX_TEXT_CONFIG_BYTES, MAX_TOKENIZER_JSON_BYTES, TEXT_MODEL_FILES, readClassifierHead, readTextModelFiles, type ClassifierHead, type ReadTextModelFilesOptions, type SentencePoolingMode, type SentenceTransformersFiles, type TextConfigJson, type TextModelFiles, type TokenizerConfigJson } from './text-model-files/index';
