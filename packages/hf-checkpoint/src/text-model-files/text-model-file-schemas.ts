import { z } from 'zod';

/** Names of the files a text model folder may hold, owned here once. */
export const TEXT_MODEL_FILES = {
  config: 'config.json',
  tokenizer: 'tokenizer.json',
  tokenizerConfig: 'tokenizer_config.json',
  modules: 'modules.json',
  sentenceBertConfig: 'sentence_bert_config.json',
  sentenceTransformersConfig: 'config_sentence_transformers.json',
  poolingConfig: 'config.json',
} as const;

/** Largest `tokenizer.json` read (multilingual vocabularies reach ~20 MB). */
export const MAX_TOKENIZER_JSON_BYTES = 64 * 1024 * 1024;
/** Largest small JSON config read (every other text model file). */
export const MAX_TEXT_CONFIG_BYTES = 4 * 1024 * 1024;

/** `config.json`: only the fields a text model needs; the rest passes through untouched. */
export const textConfigSchema = z.looseObject({
  model_type: z.string().min(1),
  architectures: z.array(z.string()).optional(),
  id2label: z.record(z.string().regex(/^\d+$/), z.string()).optional(),
  problem_type: z.string().optional(),
  hidden_size: z.number().int().positive().optional(),
  max_position_embeddings: z.number().int().positive().optional(),
  pad_token_id: z.number().int().nonnegative().nullable().optional(),
});

const addedToken = z.union([z.string(), z.looseObject({ content: z.string() })]);

/** `tokenizer_config.json` (fields read by text; unknown fields pass through for the tokenizer library). */
export const tokenizerConfigSchema = z.looseObject({
  model_max_length: z.number().positive().optional(),
  padding_side: z.enum(['left', 'right']).optional(),
  truncation_side: z.enum(['left', 'right']).optional(),
  cls_token: addedToken.nullable().optional(),
  sep_token: addedToken.nullable().optional(),
  pad_token: addedToken.nullable().optional(),
  unk_token: addedToken.nullable().optional(),
});

/** `tokenizer.json`: checked for its shape only; the tokenizer library interprets it. */
export const tokenizerJsonSchema = z.looseObject({
  model: z.looseObject({ type: z.string().optional() }),
  added_tokens: z.array(z.looseObject({ id: z.number().int().nonnegative(), content: z.string() })).optional(),
});

/** `modules.json`: the sentence-transformers pipeline. */
export const modulesSchema = z
  .array(z.looseObject({ idx: z.number().int().nonnegative().optional(), name: z.string().optional(), path: z.string(), type: z.string().min(1) }))
  .max(64);

/** `1_Pooling/config.json`. */
export const poolingConfigSchema = z.looseObject({
  word_embedding_dimension: z.number().int().positive().optional(),
  pooling_mode_cls_token: z.boolean().optional(),
  pooling_mode_mean_tokens: z.boolean().optional(),
  pooling_mode_max_tokens: z.boolean().optional(),
  pooling_mode_mean_sqrt_len_tokens: z.boolean().optional(),
  pooling_mode_weightedmean_tokens: z.boolean().optional(),
  pooling_mode_lasttoken: z.boolean().optional(),
  include_prompt: z.boolean().optional(),
});

/** `sentence_bert_config.json`. */
export const sentenceBertConfigSchema = z.looseObject({
  max_seq_length: z.number().int().positive().optional(),
  do_lower_case: z.boolean().optional(),
});

/** `config_sentence_transformers.json`. */
export const sentenceTransformersConfigSchema = z.looseObject({
  prompts: z.record(z.string(), z.string()).optional(),
  default_prompt_name: z.string().nullable().optional(),
  similarity_fn_name: z.string().nullable().optional(),
});

export type TextConfigJson = z.infer<typeof textConfigSchema>;
export type TokenizerConfigJson = z.infer<typeof tokenizerConfigSchema>;
export type TokenizerJson = z.infer<typeof tokenizerJsonSchema>;
export type PoolingConfigJson = z.infer<typeof poolingConfigSchema>;
