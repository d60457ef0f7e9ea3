/**
 * @packageDocumentation
 * Text in, vectors, labels and rankings out: Hugging Face tokenizers, embeddings (pooling, normalize, prompts,
 * Matryoshka dimensions), classification and cross-encoder reranking over any Inferox engine, with batches formed
 * by a padded token budget.
 */
export { loadTextModel } from './load-text-model';
export type {
  ClassifyOptions,
  EmbedOptions,
  EmbedResult,
  LabelScore,
  LoadTextModelOptions,
  PoolingMode,
  RerankOptions,
  RerankResult,
  TextModel,
  TextModelInfo,
  TextModelStats,
  TextRequestOptions,
  TextTask,
  TokenInfo,
  TokenizeOptions,
  TruncationDirection,
} from './text-model';
