import { ErrorCode, InferoxError } from '@inferox/core';
import type { Engine } from '@inferox/engine';
import type {
  ClassifyOptions,
  EmbedOptions,
  EmbedResult,
  LabelScore,
  RerankOptions,
  RerankResult,
  TextModel,
  TextModelInfo,
  TextModelStats,
  TextRequestOptions,
  TextTask,
  TokenInfo,
  TokenizeOptions,
} from '../text-model';
import type { BatchItem } from './batch-runner';
import { finishEmbedding, sigmoid, softmax } from './pooling';
import { type TextInput, checkList, encodeInputs } from './text-inputs';
import type { TextTokenizer } from './text-tokenizer';
import type { SubmitOptions, TokenBatcher } from './token-batcher';

/** What {@link TextModelImpl} is built from. */
export interface TextModelParts {
  readonly engine: Engine;
  readonly name: string;
  readonly task: TextTask;
  readonly info: TextModelInfo;
  readonly tokenizer: TextTokenizer;
  readonly batcher: TokenBatcher<BatchItem, Float32Array>;
  /** Prompt tokens left out of pooling (`include_prompt: false`). */
  readonly includePrompt: boolean;
  /** Called once on dispose (removes the model from the engine's metrics). */
  readonly onDispose?: () => void;
  readonly defaultPromptName?: string;
}

const isPositiveInt = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value > 0;

/** The {@link TextModel} over an engine model. */
export class TextModelImpl implements TextModel {
  readonly name: string;
  readonly task: TextTask;
  readonly info: TextModelInfo;
  readonly #parts: TextModelParts;
  #disposing?: Promise<void>;

  constructor(parts: TextModelParts) {
    this.#parts = parts;
    this.name = parts.name;
    this.task = parts.task;
    this.info = parts.info;
  }

  async embed(inputs: readonly string[] | readonly (readonly number[])[], options: EmbedOptions = {}): Promise<EmbedResult> {
    this.#check('embedding', 'embed');
    checkList(inputs, 'inputs');
    const { tokenizer, includePrompt } = this.#parts;
    const prompt = this.#prompt(options);
    const dimensions = options.dimensions;
    const width = this.info.dimensions ?? Number.POSITIVE_INFINITY;
    if (dimensions !== undefined && (!isPositiveInt(dimensions) || dimensions > width)) {
      throw new InferoxError(ErrorCode.INVALID_INPUT, `dimensions must be a whole number from 1 to ${width}, got ${String(dimensions)}`, { details: { dimensions } });
    }
    const skip = prompt && !includePrompt ? tokenizer.promptLength(prompt) : 0;
    const { items, tokens } = await encodeInputs(tokenizer, inputs, { ...this.#truncation(options), ...(prompt ? { prompt } : {}), skip, what: 'inputs', ...(options.signal ? { signal: options.signal } : {}) });
    const vectors = await this.#parts.batcher.submit(items, this.#submitOptions(options));
    const normalize = options.normalize ?? this.info.normalize ?? false;
    return { embeddings: vectors.map((v) => finishEmbedding(v, dimensions, normalize)), tokens };
  }

  async classify(inputs: readonly (string | readonly [string, string])[], options: ClassifyOptions = {}): Promise<LabelScore[][]> {
    this.#check('classification', 'classify');
    checkList(inputs, 'inputs');
    if (options.topK !== undefined && !isPositiveInt(options.topK)) throw new InferoxError(ErrorCode.INVALID_INPUT, `topK must be a whole number ≥ 1, got ${String(options.topK)}`);
    if (inputs.some((input) => typeof input !== 'string' && !Array.isArray(input))) {
      const index = inputs.findIndex((input) => typeof input !== 'string' && !Array.isArray(input));
      throw new InferoxError(ErrorCode.INVALID_INPUT, `inputs[${index}] must be a string or a [text, text] pair, got ${typeof inputs[index]}`);
    }
    const logits = await this.#run(inputs as readonly TextInput[], 'inputs', options);
    const labels = this.info.labels ?? [];
    const multi = this.info.problemType === 'multi_label_classification';
    return logits.map((row) => {
      const scores = options.rawScores ? [...row] : multi ? [...row].map(sigmoid) : softmax(row);
      const ranked = scores.map((score, i) => ({ label: labels[i] ?? `LABEL_${i}`, score })).sort((a, b) => b.score - a.score);
      return options.topK ? ranked.slice(0, options.topK) : ranked;
    });
  }

  async rerank(query: string, passages: readonly string[], options: RerankOptions = {}): Promise<RerankResult[]> {
    this.#check('classification', 'rerank');
    if (typeof query !== 'string') throw new InferoxError(ErrorCode.INVALID_INPUT, `query must be a string, got ${typeof query}`);
    checkList(passages, 'passages');
    if (options.topN !== undefined && !isPositiveInt(options.topN)) throw new InferoxError(ErrorCode.INVALID_INPUT, `topN must be a whole number ≥ 1, got ${String(options.topN)}`);
    const bad = passages.findIndex((p) => typeof p !== 'string');
    if (bad >= 0) throw new InferoxError(ErrorCode.INVALID_INPUT, `passages[${bad}] must be a string, got ${typeof passages[bad]}`);
    const logits = await this.#run(
      passages.map((p) => [query, p] as const),
      'passages',
      options,
    );
    const scored = logits.map((row, index) => {
      // One label: a relevance logit. Several: the last label is "relevant".
      const raw = row[row.length - 1]!;
      const score = options.rawScores ? raw : row.length === 1 ? sigmoid(raw) : softmax(row)[row.length - 1]!;
      return { index, score, ...(options.returnText ? { text: passages[index]! } : {}) };
    });
    scored.sort((a, b) => b.score - a.score);
    return options.topN ? scored.slice(0, options.topN) : scored;
  }

  async tokenize(inputs: readonly string[], options: TokenizeOptions = {}): Promise<TokenInfo[][]> {
    this.#checkOpen();
    checkList(inputs, 'inputs');
    const prompt = this.#prompt(options);
    const { truncate, direction } = this.#truncation(options);
    return inputs.map((text, i) => {
      if (typeof text !== 'string') throw new InferoxError(ErrorCode.INVALID_INPUT, `inputs[${i}] must be a string, got ${typeof text}`);
      return this.#parts.tokenizer.details((prompt ?? '') + text, options.addSpecialTokens ?? true, truncate ? direction : undefined);
    });
  }

  stats(): TextModelStats {
    return this.#parts.batcher.stats();
  }

  dispose(): Promise<void> {
    if (!this.#disposing) this.#parts.onDispose?.();
    this.#disposing ??= this.#parts.engine.unload(this.name).catch((error: unknown) => {
      // Already unloaded, or the engine closed (which disposed the model): nothing left to release.
      if (error instanceof InferoxError && (error.code === ErrorCode.MODEL_NOT_FOUND || error.code === ErrorCode.SHUT_DOWN)) return;
      throw error;
    });
    return this.#disposing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }

  async #run(inputs: readonly TextInput[], what: string, options: TextRequestOptions): Promise<Float32Array[]> {
    const { items } = await encodeInputs(this.#parts.tokenizer, inputs, { ...this.#truncation(options), skip: 0, what, ...(options.signal ? { signal: options.signal } : {}) });
    return this.#parts.batcher.submit(items, this.#submitOptions(options));
  }

  #checkOpen(): void {
    if (this.#disposing) throw new InferoxError(ErrorCode.DISPOSED, `text model ${this.name} was disposed`);
  }

  #check(task: TextTask, method: string): void {
    this.#checkOpen();
    if (this.task !== task) {
      const use = this.task === 'embedding' ? 'embed()' : 'classify() or rerank()';
      const a = (t: TextTask): string => (t === 'embedding' ? 'an embedding' : 'a classification');
      throw new InferoxError(ErrorCode.INVALID_INPUT, `${method}() needs ${a(task)} model, but ${this.name} is ${a(this.task)} model: use ${use}`, {
        details: { model: this.name, task: this.task, method },
      });
    }
  }

  #prompt(options: { promptName?: string; prompt?: string }): string | undefined {
    if (options.prompt !== undefined) {
      if (typeof options.prompt !== 'string') throw new InferoxError(ErrorCode.INVALID_INPUT, `prompt must be a string, got ${typeof options.prompt}`);
      return options.prompt;
    }
    const name = options.promptName ?? this.#parts.defaultPromptName;
    if (name === undefined) return undefined;
    const prompt = this.info.prompts[name];
    if (prompt === undefined) {
      const known = Object.keys(this.info.prompts);
      throw new InferoxError(ErrorCode.INVALID_INPUT, `unknown promptName ${JSON.stringify(String(name).slice(0, 60))}; this model has ${known.length ? known.join(', ') : 'no prompts'}`, { details: { promptName: name } });
    }
    return prompt;
  }

  #truncation(options: Pick<TextRequestOptions, 'truncate' | 'truncationDirection'>): { truncate: boolean; direction: 'left' | 'right' } {
    const direction = options.truncationDirection ?? this.#parts.tokenizer.truncationSide;
    if (direction !== 'left' && direction !== 'right') throw new InferoxError(ErrorCode.INVALID_INPUT, `truncationDirection must be 'left' or 'right', got ${JSON.stringify(direction)}`);
    return { truncate: options.truncate ?? true, direction };
  }

  #submitOptions(options: TextRequestOptions & { backend?: string }): SubmitOptions {
    return {
      ...(options.priority ? { priority: options.priority } : {}),
      ...(options.backend ? { backend: options.backend } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    };
  }
}
