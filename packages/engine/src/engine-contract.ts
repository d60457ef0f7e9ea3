import type { Backend, LoadModelOptions, Logger, ModelHandle, SignalOptions, TensorMap } from '@inferox/core';
import type { Registry } from 'prom-client';
import type { EngineConfig } from './engine-config';
import type { EngineSession } from './engine-session';
import type { EngineStats } from './engine-stats';
import type { InferOptions } from './infer-options';
import type { InferResult, StreamItem } from './infer-result';
import type { ModelInfo } from './model-info';
import type { ModelSpec } from './model-spec';

/**
 * Options of {@link createEngine}.
 *
 * @typeParam TBackend - the backends' type (a union for several kinds); the engine's `load` takes their load options.
 */
export interface EngineOptions<TBackend extends Backend = Backend> {
  /** The backends the engine may use. The engine owns them: `close()` disposes them. */
  readonly backends: readonly TBackend[];
  readonly config?: EngineConfig;
  /** @defaultValue `noopLogger` */
  readonly logger?: Logger;
}

/** Options of `engine.close()`; aborting `signal` ends the drain early (what is left gets `SHUT_DOWN`). */
export interface CloseOptions extends SignalOptions {
  /** Let queued and running requests finish (within `timeoutMs`); `false` rejects queued ones at once. @defaultValue true */
  readonly drain?: boolean;
  /** How long draining may take; what is left is rejected with `SHUT_DOWN`. @defaultValue config `closeTimeoutMs` */
  readonly timeoutMs?: number;
}

/** Options of `engine.unload()`; aborting `signal` stops the wait (the model is unloaded all the same). */
export interface UnloadOptions extends SignalOptions {
  /**
   * How long queued and running requests may take to finish; then they get `SHUT_DOWN` and unload resolves (a handle
   * whose run has not returned is disposed when it does). @defaultValue config `closeTimeoutMs`
   */
  readonly timeoutMs?: number;
}

/** Options of `engine.register()`. */
export interface RegisterOptions extends SignalOptions {
  /** @defaultValue the newest version (replaced), or 1 */
  readonly version?: number;
}

/**
 * Serves models from several backends: a registry of models and their replicas, routing with fallback, one
 * scheduler per replica, a memory budget with LRU eviction, hot swap, sessions, metrics and a clean shutdown.
 * Names may carry a version: `bert@2` (default: the newest).
 *
 * @typeParam TLoadOptions - what `load` passes to the backends' `loadModel`: the union of their load options, as
 * `createEngine` infers it from its backends (`Engine` alone: the common options). Every `Engine<T>` is an `Engine`.
 */
export interface Engine<TLoadOptions extends LoadModelOptions = LoadModelOptions> extends AsyncDisposable {
  /**
   * Loads a model (one replica per backend) and returns its info; loading an existing name (or `name@version`)
   * hot-swaps it: requests in flight finish on the old replicas, new ones go to the new, and the old ones are
   * disposed when their last request settles.
   *
   * @throws InferoxError `INVALID_INPUT` (naming the spec field, or a load option the replica's backend does not
   * know, listing the known ones), `BACKEND_UNAVAILABLE`, `OUT_OF_MEMORY`, `PACKAGE_INVALID`, `BACKEND_ERROR`,
   * `CANCELLED`, `SHUT_DOWN`.
   */
  load(name: string, spec: ModelSpec<TLoadOptions>, options?: SignalOptions): Promise<ModelInfo>;
  /**
   * Serves a handle built by the caller; the engine takes ownership (disposes it on unload, swap or close).
   *
   * @throws InferoxError `INVALID_INPUT`, `OUT_OF_MEMORY` (the caller keeps ownership then), `SHUT_DOWN`.
   */
  register(name: string, handle: ModelHandle, options?: RegisterOptions): Promise<ModelInfo>;
  /**
   * Stops routing to `name` (every version) or `name@version`, lets its requests finish, then disposes it. A lazy
   * load under way is waited for and disposed; a load of the name still in flight (a hot swap) is cancelled (it
   * rejects with `CANCELLED`), so the name is not brought back by it. Waits no longer than `options.timeoutMs`: requests
   * still running then get `SHUT_DOWN`, and a handle whose run has not returned is disposed when (if) it does.
   *
   * @throws InferoxError `MODEL_NOT_FOUND`, `INVALID_INPUT` (a bad option, named), `CANCELLED` (the signal aborted
   * the wait), `SHUT_DOWN`.
   */
  unload(name: string, options?: UnloadOptions): Promise<void>;
  /** Every model version, by name then version. */
  list(): ModelInfo[];
  /** @throws InferoxError `MODEL_NOT_FOUND` listing the models that exist. */
  info(name: string): ModelInfo;
  /**
   * Runs one request. Feeds are validated against the signature before anything is queued.
   *
   * @returns outputs owned by the caller, where it ran, and whether it fell back.
   * @throws InferoxError `MODEL_NOT_FOUND`, `INVALID_INPUT`, `BACKEND_UNAVAILABLE`, `BACKEND_ERROR`,
   * `QUEUE_FULL`, `OUT_OF_MEMORY`, `TIMEOUT`, `DEADLINE_EXCEEDED`, `CANCELLED`, `SHUT_DOWN`.
   */
  infer(name: string, feeds: TensorMap, options?: InferOptions): Promise<InferResult>;
  /**
   * Runs each feeds map as its own request; results keep input order and one failure does not fail the rest (each
   * request's error is in its settled result, with the codes of {@link Engine.infer}).
   *
   * @throws InferoxError `INVALID_INPUT` when `feedsList` is not an array.
   */
  inferBatch(name: string, feedsList: readonly TensorMap[], options?: InferOptions): Promise<PromiseSettledResult<InferResult>[]>;
  /**
   * Starts every request on the first iteration and yields each as it settles, with its index. Breaking out of the
   * loop cancels the requests that have not started. Each item carries its request's result or error (the codes of
   * {@link Engine.infer}).
   *
   * @throws InferoxError `INVALID_INPUT` (at once, not on iteration) when `feedsList` is not an array.
   */
  inferStream(name: string, feedsList: readonly TensorMap[], options?: InferOptions): AsyncIterable<StreamItem>;
  /**
   * A session on `name` with typed, isolated state and request defaults.
   *
   * @throws InferoxError `MODEL_NOT_FOUND`, `SHUT_DOWN`.
   */
  session(name: string, defaults?: InferOptions): EngineSession;
  /**
   * A snapshot of the engine: models, backends (with why one is unavailable), memory held against the budget,
   * request outcomes by error code, fallbacks, evictions and batch sizes. Cheap; safe after close.
   */
  stats(): EngineStats;
  /** The engine's own prom-client registry (never the global one). */
  readonly metrics: Registry;
  /** Whether `close()` was called (new work gets `SHUT_DOWN` from then on), even if it has not finished. */
  readonly closed: boolean;
  /**
   * New requests get `SHUT_DOWN` at once; queued and running ones finish within `timeoutMs` (the rest get
   * `SHUT_DOWN`); then every model, worker and backend is disposed. Aborting `options.signal` ends the drain early,
   * as if the time were up; close still disposes everything and resolves. Never waits past `timeoutMs`: a run that
   * has not returned by then is abandoned (its request gets `SHUT_DOWN`; its handle and backend are disposed when it
   * returns). Safe to call twice (same promise).
   *
   * @throws InferoxError `INVALID_INPUT` naming a bad option (checked before anything is closed).
   */
  close(options?: CloseOptions): Promise<void>;
}
