import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ErrorCode, InferoxError, type SignalOptions, throwIfAborted } from '@inferox/core';
import type { z } from 'zod';
import {
  MAX_TEXT_CONFIG_BYTES,
  MAX_TOKENIZER_JSON_BYTES,
  type PoolingConfigJson,
  TEXT_MODEL_FILES,
  type TextConfigJson,
  type TokenizerConfigJson,
  modulesSchema,
  poolingConfigSchema,
  sentenceBertConfigSchema,
  sentenceTransformersConfigSchema,
  textConfigSchema,
  tokenizerConfigSchema,
  tokenizerJsonSchema,
} from './text-model-file-schemas';

/** A pooling mode of sentence-transformers' `Pooling` module. */
export type SentencePoolingMode = 'mean' | 'cls' | 'max' | 'mean-sqrt-len' | 'weighted-mean' | 'last-token';

/** What the sentence-transformers files say (present when the folder has `modules.json`). */
export interface SentenceTransformersFiles {
  /** Module types in order (`sentence_transformers.models.Transformer`, `...Pooling`, `...Normalize`, ...). */
  readonly modules: readonly string[];
  /** The Pooling module's mode; absent when there is no Pooling module. */
  readonly pooling?: SentencePoolingMode;
  /** Whether prompt tokens count in pooling. @defaultValue true */
  readonly includePrompt: boolean;
  /** Whether a Normalize module follows pooling. */
  readonly normalize: boolean;
  readonly dimensions?: number;
  readonly prompts: Readonly<Record<string, string>>;
  readonly defaultPromptName?: string;
  /** `sentence_bert_config.json`'s `max_seq_length`. */
  readonly maxSeqLength?: number;
}

/** The files of a text model folder, read and validated once. */
export interface TextModelFiles {
  readonly dir: string;
  readonly config: TextConfigJson;
  /** `tokenizer.json` as parsed JSON (shape-checked), for the tokenizer library. */
  readonly tokenizerJson: Readonly<Record<string, unknown>>;
  /** `tokenizer_config.json` (empty when absent). */
  readonly tokenizerConfig: TokenizerConfigJson;
  /** Most tokens per sequence: `max_seq_length`, else `model_max_length`, capped by `max_position_embeddings`. */
  readonly maxSequenceLength: number;
  readonly truncationSide: 'left' | 'right';
  readonly paddingSide: 'left' | 'right';
  readonly sentenceTransformers?: SentenceTransformersFiles;
}

/** Options of {@link readTextModelFiles}. */
export interface ReadTextModelFilesOptions extends SignalOptions {
  /** Where `tokenizer.json` and `tokenizer_config.json` are (an mlpkg package's `tokenizer/`). @defaultValue `dir` */
  readonly tokenizerDir?: string;
}

const invalid = (file: string, why: string, cause?: unknown): InferoxError =>
  new InferoxError(ErrorCode.PACKAGE_INVALID, `${file}: ${why}`, { cause, details: { file } });

async function readJson<S extends z.ZodType>(file: string, schema: S, maxBytes: number, required: boolean): Promise<z.infer<S> | undefined> {
  let size: number;
  try {
    const info = await stat(file);
    if (!info.isFile()) throw invalid(file, 'is not a file');
    size = info.size;
  } catch (error) {
    if (error instanceof InferoxError) throw error;
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && !required) return undefined;
    throw invalid(file, (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing (a text model folder needs it)' : 'cannot be read', error);
  }
  if (size > maxBytes) throw invalid(file, `is ${size} bytes, over the ${maxBytes}-byte limit`);
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw invalid(file, `is not valid JSON (${(error as Error).message.slice(0, 120)})`, error);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw invalid(file, `${issue.path.join('.') || '(root)'}: ${issue.message}`, parsed.error);
  }
  return parsed.data;
}

function poolingModeOf(file: string, config: PoolingConfigJson): SentencePoolingMode {
  const modes: SentencePoolingMode[] = [];
  if (config.pooling_mode_cls_token) modes.push('cls');
  if (config.pooling_mode_mean_tokens) modes.push('mean');
  if (config.pooling_mode_max_tokens) modes.push('max');
  if (config.pooling_mode_mean_sqrt_len_tokens) modes.push('mean-sqrt-len');
  if (config.pooling_mode_weightedmean_tokens) modes.push('weighted-mean');
  if (config.pooling_mode_lasttoken) modes.push('last-token');
  if (modes.length !== 1) throw invalid(file, modes.length === 0 ? 'no pooling mode is set' : `several pooling modes at once (${modes.join(', ')}) are not supported`);
  return modes[0]!;
}

async function readSentenceTransformers(dir: string, signal: AbortSignal | undefined): Promise<SentenceTransformersFiles | undefined> {
  const modules = await readJson(join(dir, TEXT_MODEL_FILES.modules), modulesSchema, MAX_TEXT_CONFIG_BYTES, false);
  if (!modules) return undefined;
  throwIfAborted(signal);
  const poolingModule = modules.find((m) => m.type.endsWith('.Pooling'));
  let pooling: SentencePoolingMode | undefined;
  let includePrompt = true;
  let dimensions: number | undefined;
  if (poolingModule) {
    if (poolingModule.path.split(/[\\/]/).includes('..')) throw invalid(join(dir, TEXT_MODEL_FILES.modules), `module path ${JSON.stringify(poolingModule.path)} leaves the folder`);
    const file = join(dir, poolingModule.path, TEXT_MODEL_FILES.poolingConfig);
    const config = (await readJson(file, poolingConfigSchema, MAX_TEXT_CONFIG_BYTES, true))!;
    pooling = poolingModeOf(file, config);
    includePrompt = config.include_prompt ?? true;
    dimensions = config.word_embedding_dimension;
  }
  const bert = await readJson(join(dir, TEXT_MODEL_FILES.sentenceBertConfig), sentenceBertConfigSchema, MAX_TEXT_CONFIG_BYTES, false);
  const st = await readJson(join(dir, TEXT_MODEL_FILES.sentenceTransformersConfig), sentenceTransformersConfigSchema, MAX_TEXT_CONFIG_BYTES, false);
  return {
    modules: modules.map((m) => m.type),
    ...(pooling ? { pooling } : {}),
    includePrompt,
    normalize: modules.some((m) => m.type.endsWith('.Normalize')),
    ...(dimensions ? { dimensions } : {}),
    prompts: st?.prompts ?? {},
    ...(st?.default_prompt_name ? { defaultPromptName: st.default_prompt_name } : {}),
    ...(bert?.max_seq_length ? { maxSeqLength: bert.max_seq_length } : {}),
  };
}

/**
 * Reads what a text model needs from a Hugging Face folder, each file once: `config.json`, `tokenizer.json`,
 * `tokenizer_config.json` and, when `modules.json` is present, the sentence-transformers files.
 *
 * @param dir - the model folder (`config.json`, and the sentence-transformers files when present).
 * @throws InferoxError `PACKAGE_INVALID` naming the file that is missing (`config.json`, `tokenizer.json`), too
 * large, not JSON or of the wrong shape (with the field); `CANCELLED` on abort.
 * @example
 * ```ts
 * const files = await readTextModelFiles('fixtures/tiny-bert-st');
 * files.maxSequenceLength; // 128
 * ```
 */
export async function readTextModelFiles(dir: string, options: ReadTextModelFilesOptions = {}): Promise<TextModelFiles> {
  const { signal } = options;
  const tokenizerDir = options.tokenizerDir ?? dir;
  throwIfAborted(signal);
  const config = (await readJson(join(dir, TEXT_MODEL_FILES.config), textConfigSchema, MAX_TEXT_CONFIG_BYTES, true))!;
  throwIfAborted(signal);
  const tokenizerJson = (await readJson(join(tokenizerDir, TEXT_MODEL_FILES.tokenizer), tokenizerJsonSchema, MAX_TOKENIZER_JSON_BYTES, true))!;
  throwIfAborted(signal);
  const tokenizerConfig = (await readJson(join(tokenizerDir, TEXT_MODEL_FILES.tokenizerConfig), tokenizerConfigSchema, MAX_TEXT_CONFIG_BYTES, false)) ?? {};
  const sentenceTransformers = await readSentenceTransformers(dir, signal);
  const positions = config.max_position_embeddings ?? Number.POSITIVE_INFINITY;
  // model_max_length is a huge sentinel (1e30) in tokenizers saved without a limit.
  const tokenizerLimit = tokenizerConfig.model_max_length !== undefined && tokenizerConfig.model_max_length < 1e9 ? tokenizerConfig.model_max_length : undefined;
  const wanted = sentenceTransformers?.maxSeqLength ?? tokenizerLimit ?? positions;
  const maxSequenceLength = Math.min(wanted, positions);
  if (!Number.isFinite(maxSequenceLength)) {
    throw invalid(join(dir, TEXT_MODEL_FILES.config), 'no sequence limit: none of max_seq_length, model_max_length or max_position_embeddings is set');
  }
  return {
    dir,
    config,
    tokenizerJson,
    tokenizerConfig,
    maxSequenceLength: Math.floor(maxSequenceLength),
    truncationSide: tokenizerConfig.truncation_side ?? 'right',
    paddingSide: tokenizerConfig.padding_side ?? 'right',
    ...(sentenceTransformers ? { sentenceTransformers } : {}),
  };
}
