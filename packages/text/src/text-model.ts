import type { LoadModelOptions, SignalOptions } from '@inferox/core';
import type { BatchingSpec, InstancesSpec, Priority, SharedLoadModelOptions } from '@inferox/engine';

/** What a text model does: `embedding` (a pooled encoder) or `classification` (a head; a cross-encoder reranker is one). */
export type TextTask = 'embedding' | 'classification';

/** How token vectors become one vector (sentence-transformers' `1_Pooling/config.json` modes). */
export type PoolingMode = 'mean' | 'cls' | 'max' | 'last-token' | 'weighted-mean' | 'mean-sqrt-len';

/** Which end of a too-long text is cut. */
export type TruncationDirection = 'left' | 'right';

/**
 * Options of {@link loadTextModel}.
 *
 * @typeParam TLoadOptions - the load options of the engine's backends (the engine's own type parameter).
 */
export interface LoadTextModelOptions<TLoadOptions extends LoadModelOptions = LoadModelOptions> extends SignalOptions {
  /** The engine model name. @defaultValue the folder's (or repo's, or package's) name */
  readonly name?: string;
  /** One replica on each of these engine backends (preference order). @defaultValue the engine's first backend */
  readonly backends?: readonly string[];
  /** Force a task instead of reading it from the folder (`architectures` / sentence-transformers modules). */
  readonly task?: TextTask;
  /** The engine's dynamic batching of formed batches (rarely needed: text forms its own batches by token budget). */
  readonly batching?: BatchingSpec;
  /** Engine instances per replica (`worker` mode loads the model in worker threads). */
  readonly instances?: InstancesSpec;
  /** Padded token budget of one batch (longest sequence × count). @defaultValue 8192 */
  readonly maxBatchTokens?: number;
  /** Most sequences in one batch. @defaultValue 64 */
  readonly maxBatchSize?: number;
  /** Formed batches in flight at once per backend. @defaultValue `instances.count` in worker mode, else 1 */
  readonly maxConcurrentBatches?: number;
  /**
   * How long one batch should run, ms: from the measured time per padded token, the token budget shrinks so that a
   * batch takes about this long (the oldest sequence always runs). Bounds how long an inline run holds the event
   * loop. `Infinity`: the token budget alone. @defaultValue 50 with inline instances; none in worker mode
   */
  readonly targetBatchMs?: number;
  /**
   * Most padding one batch may hold, as a fraction of its padded tokens: a sequence that would pad the batch past it
   * waits for another batch (padding is computed work on CPU). `1` batches by the token budget alone. @defaultValue 0.15
   */
  readonly maxPaddingWaste?: number;
  /** Prefer `onnx/model.onnx` (the torch export) over building from safetensors on the onnx backend. @defaultValue true */
  readonly preferOnnxFile?: boolean;
  /** Hub cache directory and endpoint for `hf://` sources (passed to `@inferox/hub-cache`). */
  readonly hub?: { readonly cacheDir?: string; readonly endpoint?: string; readonly token?: string };
  /**
   * Backend load options, passed to the engine as the spec's `options` (so to every replica): only those every
   * backend of the engine accepts; `name` is replaced by the model name. An unknown key does not compile, and the
   * backend refuses it with `INVALID_INPUT` naming it.
   */
  readonly loadOptions?: SharedLoadModelOptions<TLoadOptions>;
}

/** Request options shared by every task. */
export interface TextRequestOptions extends SignalOptions {
  /** Fail with `INVALID_INPUT` instead of cutting a too-long text. @defaultValue true (cut) */
  readonly truncate?: boolean;
  /** @defaultValue the tokenizer's `truncation_side` */
  readonly truncationDirection?: TruncationDirection;
  /** @defaultValue `'normal'` */
  readonly priority?: Priority;
  /** Covers queueing and compute of every batch the request is split into; `TIMEOUT` when it elapses. */
  readonly timeoutMs?: number;
  /** Run on this engine backend's replica (falls back as the engine does). @defaultValue the engine's choice */
  readonly backend?: string;
}

/** Options of {@link TextModel.embed}. */
export interface EmbedOptions extends TextRequestOptions {
  /** A named prompt from `config_sentence_transformers.json` (e.g. `query`), prepended to each text. */
  readonly promptName?: string;
  /** A literal prompt prepended to each text (instead of `promptName`). */
  readonly prompt?: string;
  /** @defaultValue whether the folder has a Normalize module */
  readonly normalize?: boolean;
  /** Keep the first N dimensions (Matryoshka) and re-normalize when normalizing. */
  readonly dimensions?: number;
}

/** What {@link TextModel.embed} returns. */
export interface EmbedResult {
  /** One vector per input, in input order; owned by the caller. */
  readonly embeddings: Float32Array[];
  /** Tokens counted over every input (special tokens included), for usage accounting. */
  readonly tokens: number;
}

/** Options of {@link TextModel.classify}. */
export interface ClassifyOptions extends TextRequestOptions {
  /** Keep the best K labels per input. @defaultValue every label */
  readonly topK?: number;
  /** Return the logits instead of softmax/sigmoid scores. @defaultValue false */
  readonly rawScores?: boolean;
}

/** One label and its score. */
export interface LabelScore {
  readonly label: string;
  readonly score: number;
}

/** Options of {@link TextModel.rerank}. */
export interface RerankOptions extends TextRequestOptions {
  /** Keep the best N passages. @defaultValue all */
  readonly topN?: number;
  /** Include each passage's text in its result. @defaultValue false */
  readonly returnText?: boolean;
  /** Return the logit instead of the sigmoid (one label) or softmax (last label) score. @defaultValue false */
  readonly rawScores?: boolean;
}

/** One passage's rerank result. */
export interface RerankResult {
  /** The passage's index in the input. */
  readonly index: number;
  readonly score: number;
  readonly text?: string;
}

/** Options of {@link TextModel.tokenize}. */
export interface TokenizeOptions extends SignalOptions {
  /** @defaultValue true */
  readonly addSpecialTokens?: boolean;
  readonly promptName?: string;
  /** Cut at the model's limit as the model would see it (`false`: every token). @defaultValue true */
  readonly truncate?: boolean;
  /** @defaultValue the tokenizer's `truncation_side` */
  readonly truncationDirection?: TruncationDirection;
}

/** One token of {@link TextModel.tokenize}. */
export interface TokenInfo {
  readonly id: number;
  readonly text: string;
  readonly special: boolean;
  /** Character offsets into the input (`null` for special tokens). */
  readonly start: number | null;
  readonly stop: number | null;
}

/** What a loaded text model is. */
export interface TextModelInfo {
  /** Most tokens per sequence, special tokens included (`max_seq_length` wins over `model_max_length`). */
  readonly maxSequenceLength: number;
  /** Embedding width (embedding models). */
  readonly dimensions?: number;
  /** Labels by id (classification models). */
  readonly labels?: readonly string[];
  /** Named prompts from `config_sentence_transformers.json`. */
  readonly prompts: Readonly<Record<string, string>>;
  readonly pooling?: PoolingMode;
  readonly normalize?: boolean;
  readonly backends: readonly string[];
  /** `config.json`'s `model_type` (e.g. `bert`). */
  readonly modelType: string;
  /** `single_label_classification` or `multi_label_classification` (classification models). */
  readonly problemType?: string;
}

/** Batching counters of a text model (cheap snapshot). */
export interface TextModelStats {
  readonly requests: number;
  readonly sequences: number;
  readonly batches: number;
  /** Tokens of the sequences themselves. */
  readonly realTokens: number;
  /** Tokens computed: longest × count per batch. */
  readonly paddedTokens: number;
  /** `(paddedTokens - realTokens) / paddedTokens`, 0 when nothing ran. */
  readonly paddingWaste: number;
}

/**
 * A text model served by an engine: tokenization, batching by token budget, pooling and heads around one engine
 * model. `dispose()` unloads the engine model (the engine itself stays the caller's).
 */
export interface TextModel extends AsyncDisposable {
  readonly name: string;
  readonly task: TextTask;
  readonly info: TextModelInfo;
  /**
   * Embeds texts (or pre-tokenized id lists).
   *
   * @throws InferoxError `INVALID_INPUT` (empty list, too long with `truncate: false`, unknown prompt, bad
   * `dimensions`, a classification model), `CANCELLED`, `TIMEOUT`, `DISPOSED` and the engine's codes.
   */
  embed(inputs: readonly string[] | readonly (readonly number[])[], options?: EmbedOptions): Promise<EmbedResult>;
  /**
   * Classifies texts or text pairs; each input's labels sorted by score, best first.
   *
   * @throws InferoxError `INVALID_INPUT` (empty list, too long, an embedding model), and the engine's codes.
   */
  classify(inputs: readonly (string | readonly [string, string])[], options?: ClassifyOptions): Promise<LabelScore[][]>;
  /**
   * Scores `(query, passage)` pairs with a cross-encoder, best first.
   *
   * @throws InferoxError `INVALID_INPUT` (no passages, too long, an embedding model), and the engine's codes.
   */
  rerank(query: string, passages: readonly string[], options?: RerankOptions): Promise<RerankResult[]>;
  /** Tokenizes texts without running the model. @throws InferoxError `INVALID_INPUT`, `DISPOSED`. */
  tokenize(inputs: readonly string[], options?: TokenizeOptions): Promise<TokenInfo[][]>;
  /** Batching counters, padding waste included. */
  stats(): TextModelStats;
  /** Unloads the engine model; idempotent. Calls after it throw `DISPOSED`. */
  dispose(): Promise<void>;
}
