import type { SignalOptions, Tensor, TensorMap, TensorSpec } from '@inferox/core';

/**
 * The contract between the HTTP server and whatever runs the models. The server only talks to a `ModelService`:
 * `engineModelService()` implements it over a local `Engine` plus text models; the queue adapter in the cli
 * implements it over a queue client. Every method may throw `InferoxError`; the server maps codes to statuses.
 *
 * Versions are strings on the wire (Open Inference Protocol v2); an implementation maps them to its own.
 */
export interface ModelService {
  /** Every served model version (newest version of each name last is not required; order is kept on the wire). */
  list(): Promise<readonly ServedModel[]>;
  /**
   * One model version (the newest when `version` is omitted).
   *
   * @throws InferoxError `MODEL_NOT_FOUND` naming the model (and the version when given).
   */
  model(name: string, version?: string): Promise<ServedModel>;
  /** Whether the service can take requests (false while loading at start-up, and from the start of `close()`). */
  ready(): boolean;
  /**
   * Runs one request on a tensor model.
   *
   * @returns outputs owned by the caller (the server disposes them once written).
   * @throws InferoxError `MODEL_NOT_FOUND`, `INVALID_INPUT`, `QUEUE_FULL`, `TIMEOUT`, `DEADLINE_EXCEEDED`,
   * `CANCELLED` (the signal fired: the client went away), `SHUT_DOWN`, `BACKEND_*`.
   */
  infer(name: string, feeds: TensorMap, options?: ServiceInferOptions): Promise<ServiceInferResult>;
  /**
   * The text model behind `name` (embedding or classification), for the OpenAI, TEI and v2 `BYTES` routes.
   *
   * @throws InferoxError `MODEL_NOT_FOUND` when there is no such model, `INVALID_INPUT` when it is not a text model.
   */
  text(name: string): Promise<ServedTextModel>;
  /** Prometheus text exposition of the service's own metrics (the engine's registry), appended to `/metrics`. */
  metrics(): Promise<string>;
  /** The model repository extension; absent when the service cannot load and unload models. */
  readonly repository?: ModelRepository;
  /**
   * Stops taking work: `ready()` turns false at once, in-flight requests finish within `timeoutMs`, then everything
   * is released. Safe to call twice.
   */
  close(options?: SignalOptions & { readonly timeoutMs?: number }): Promise<void>;
}

/** What the server knows of one served model version. */
export interface ServedModel {
  readonly name: string;
  /** This version, as a string. */
  readonly version: string;
  /** Every version of this name, ascending. */
  readonly versions: readonly string[];
  /** The v2 `platform` (e.g. `onnx`, `tfjs`, `inferox-text`). */
  readonly platform: string;
  /** Whether it answers requests now. */
  readonly ready: boolean;
  /** A free-form state for people (`ready`, `loading`, `lazy`, `evicted`, `unavailable`). */
  readonly state: string;
  /** The backends of its replicas, in preference order. */
  readonly backends: readonly string[];
  /** Declared inputs and outputs (empty before a lazy model is loaded). */
  readonly inputs: readonly TensorSpec[];
  readonly outputs: readonly TensorSpec[];
  /** Replicas with their load, for the dashboard; empty when unknown (e.g. behind a queue). */
  readonly replicas: readonly ServedReplica[];
  /** Set for text models. */
  readonly text?: { readonly task: TextTask; readonly info: TextModelInfo };
}

/** One replica of a served model. */
export interface ServedReplica {
  readonly backend: string;
  readonly device: string;
  readonly instances: number;
  readonly queued: number;
  readonly running: number;
  /** Why it takes no requests, when it does not. */
  readonly unavailable?: string;
}

/** Options of {@link ModelService.infer}. */
export interface ServiceInferOptions extends SignalOptions {
  /** @defaultValue the newest version */
  readonly version?: string;
  /** Only these outputs (default: all); an unknown name is `INVALID_INPUT`. */
  readonly outputs?: readonly string[];
  readonly timeoutMs?: number;
  readonly priority?: 'high' | 'normal' | 'low';
}

/** The answer of {@link ModelService.infer}. */
export interface ServiceInferResult {
  /** New tensors owned by the caller. */
  readonly outputs: Record<string, Tensor>;
  readonly model: string;
  readonly version: string;
  readonly backend?: string;
  readonly device?: string;
  /** Time spent queued and computing, when known. */
  readonly timings?: { readonly queueMs: number; readonly computeMs: number };
  /** Requests run together in its batch (1 when alone). */
  readonly batchSize?: number;
}

/** Model repository extension: what can be loaded, and loading/unloading by name. */
export interface ModelRepository {
  index(): Promise<readonly { readonly name: string; readonly version?: string; readonly state: string; readonly reason?: string }[]>;
  /** @throws InferoxError `MODEL_NOT_FOUND` when the repository has no such model. */
  load(name: string, options?: SignalOptions): Promise<void>;
  /** @throws InferoxError `MODEL_NOT_FOUND`. */
  unload(name: string, options?: SignalOptions): Promise<void>;
}

/** A text model's task; a cross-encoder reranker is a classification model. */
export type TextTask = 'embedding' | 'classification';

/** Facts about a text model (the shape of `@inferox/text`'s `TextModel.info`). */
export interface TextModelInfo {
  readonly maxSequenceLength: number;
  readonly dimensions?: number;
  readonly labels?: readonly string[];
  readonly prompts: Readonly<Record<string, string>>;
  readonly pooling?: string;
  readonly normalize?: boolean;
  readonly backends: readonly string[];
  readonly modelType: string;
}

/** Per-request options shared by the text calls. */
export interface TextCallOptions extends SignalOptions {
  readonly truncate?: boolean;
  readonly truncationDirection?: 'left' | 'right';
  readonly priority?: 'high' | 'normal' | 'low';
  readonly timeoutMs?: number;
}

/**
 * The part of `@inferox/text`'s `TextModel` the server uses (a `TextModel` is assignable to it). A queue-backed
 * service implements it by sending the call to the workers.
 */
export interface ServedTextModel {
  readonly name: string;
  readonly task: TextTask;
  readonly info: TextModelInfo;
  embed(
    inputs: readonly string[] | readonly (readonly number[])[],
    options?: TextCallOptions & { readonly promptName?: string; readonly normalize?: boolean; readonly dimensions?: number },
  ): Promise<{ readonly embeddings: Float32Array[]; readonly tokens: number }>;
  classify(
    inputs: readonly (string | readonly [string, string])[],
    options?: TextCallOptions & { readonly topK?: number; readonly rawScores?: boolean },
  ): Promise<{ readonly label: string; readonly score: number }[][]>;
  rerank(
    query: string,
    passages: readonly string[],
    options?: TextCallOptions & { readonly topN?: number; readonly returnText?: boolean; readonly rawScores?: boolean },
  ): Promise<{ readonly index: number; readonly score: number; readonly text?: string }[]>;
  tokenize(
    inputs: readonly string[],
    options?: { readonly addSpecialTokens?: boolean; readonly promptName?: string },
  ): Promise<{ readonly id: number; readonly text: string; readonly special: boolean; readonly start: number | null; readonly stop: number | null }[][]>;
}
