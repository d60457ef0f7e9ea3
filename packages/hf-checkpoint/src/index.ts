/**
 * @packageDocumentation
 * @inferox/hf-checkpoint (being built).
 */
export {};
export { MAX_TEXT_CONFIG_BYTES, MAX_TOKENIZER_JSON_BYTES, TEXT_MODEL_FILES, readClassifierHead, readTextModelFiles, type ClassifierHead, type ReadTextModelFilesOptions, type SentencePoolingMode, type SentenceTransformersFiles, type TextConfigJson, type TextModelFiles, type TokenizerConfigJson } from './text-model-files/index';
