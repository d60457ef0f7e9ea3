export { readTextModelFiles } from './read-text-model-files';
export type { ReadTextModelFilesOptions, SentencePoolingMode, SentenceTransformersFiles, TextModelFiles } from './read-text-model-files';
export { MAX_TEXT_CONFIG_BYTES, MAX_TOKENIZER_JSON_BYTES, TEXT_MODEL_FILES } from './text-model-file-schemas';
export type { TextConfigJson, TokenizerConfigJson } from './text-model-file-schemas';
export { readClassifierHead } from './read-classifier-head';
export type { ClassifierHead } from './read-classifier-head';
