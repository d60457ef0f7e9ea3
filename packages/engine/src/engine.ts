import { type Backend, ErrorCode, InferoxError, type LoadModelOptionsOf, type ModelHandle, type SignalOptions, type TensorMap, abortError, noopLogger } from '@inferox/core';
import type { Registry } from 'prom-client';
import type { CloseOptions, Engine, EngineOptions, RegisterOptions, UnloadOptions } from './engine-contract';
import { parseEngineConfig } from './engine-config';
import type { EngineSession } from './engine-session';
import type { EngineStats } from './engine-stats';
import type { InferOptions } from './infer-options';
import type { InferResult, StreamItem } from './infer-result';
import type { ModelInfo } from './model-info';
import type { ModelSpec } from './model-spec';
import { BackendRegistry } from './internal/backend-registry';
import { checkDuration, checkInferOptions, checkOptionsObject, kindOf, shown } from './internal/check-options';
import { closeEngine } from './internal/close-engine';
import { createEngineSession } from './internal/create-engine-session';
import { UNKNOWN_MODEL, dispatch, requestFailed } from './internal/dispatch';
import { EngineState } from './internal/engine-state';
import { streamResults } from './internal/infer-stream';
import { awaitLazyLoad } from './internal/lazy-loader';
import { loadModel, registerHandle } from './internal/load-version';
import { modelInfoOf } from './internal/model-info-of';
import { parseModelName } from './internal/model-name';
import { splitSignal } from './internal/split-signal';
import { unloadModel } from './internal/unload-version';
import { type VersionEntry, label } from './internal/version-entry';
import { createAdmissionPool } from './scheduler/admission-pool';

export type { CloseOptions, Engine, EngineOptions, RegisterOptions, UnloadOptions } from './engine-contract';

const LOAD_KEYS: ReadonlySet<string> = new Set(['signal']);
const REGISTER_KEYS: ReadonlySet<string> = new Set(['signal', 'version']);
const UNLOAD_KEYS: ReadonlySet<string> = new Set(['signal', 'timeoutMs']);
const CLOSE_KEYS: ReadonlySet<string> = new Set(['signal', 'drain', 'timeoutMs']);

/**
 * The engine's façade: it checks arguments, refuses work once closing, and hands each operation to the internal
 * module that owns it (see the README's map). The state lives in {@link EngineState}.
 */
class EngineImpl implements Engine {
  readonly #state: EngineState;
  #closing?: Promise<void>;

  constructor(options: EngineOptions) {
    if (typeof options !== 'object' || options === null || !Array.isArray(options.backends)) {
      throw new InferoxError(ErrorCode.INVALID_INPUT, 'createEngine needs { backends: Backend[] }', { details: { field: 'backends' } });
    }
    checkOptionsObject(options, 'createEngine options', new Set(['backends', 'config', 'logger']));
    options.backends.forEach((b, i) => {
      if (typeof b?.name !== 'string' || typeof b.loadModel !== 'function') {
        throw new InferoxError(ErrorCode.INVALID_INPUT, `backends[${i}] is not a Backend (needs name and loadModel)`, { details: { field: `backends[${i}]` } });
      }
    });
    const config = parseEngineConfig(options.config);
    const pool = config.admissionCapacity === undefined ? undefined : createAdmissionPool({ capacity: config.admissionCapacity });
    this.#state = new EngineState(config, options.logger ?? noopLogger, new BackendRegistry(options.backends, config.backendPriority), pool);
  }

  get metrics(): Registry {
    return this.#state.counters.registry;
  }

  get closed(): boolean {
    return this.#state.phase !== 'open';
  }

  /** Throws `SHUT_DOWN` for `what` once close() was called. */
  #refuseWhenClosed(what: string): void {
    if (this.#state.phase !== 'open') throw new InferoxError(ErrorCode.SHUT_DOWN, `${what}: the engine is closed`);
  }

  async load(nameText: string, spec: ModelSpec, options?: SignalOptions): Promise<ModelInfo> {
    this.#refuseWhenClosed(`load of ${shown(nameText)}`);
    const { signal } = checkOptionsObject(options, 'options', LOAD_KEYS) as SignalOptions;
    return loadModel(this.#state, nameText, spec, signal);
  }

  async register(nameText: string, handle: ModelHandle, options?: RegisterOptions): Promise<ModelInfo> {
    this.#refuseWhenClosed(`register of ${shown(nameText)}`);
    const o = checkOptionsObject(options, 'options', REGISTER_KEYS) as RegisterOptions;
    if (o.version !== undefined && !(Number.isSafeInteger(o.version) && o.version >= 1)) {
      throw new InferoxError(ErrorCode.INVALID_INPUT, `options.version: must be a positive integer, got ${shown(o.version)}`, { details: { field: 'options.version' } });
    }
    return registerHandle(this.#state, nameText, handle, o.version, o.signal);
  }

  async unload(nameText: string, options?: UnloadOptions): Promise<void> {
    this.#refuseWhenClosed(`unload of ${shown(nameText)}`);
    const o = checkOptionsObject(options, 'options', UNLOAD_KEYS) as UnloadOptions;
    checkDuration(o.timeoutMs, 'options.timeoutMs', { zero: true });
    return unloadModel(this.#state, nameText, o.timeoutMs ?? this.#state.config.closeTimeoutMs, o.signal);
  }

  list(): ModelInfo[] {
    return this.#state.table.entries().map((e) => modelInfoOf(this.#state.table, e));
  }

  info(nameText: string): ModelInfo {
    const { name, version } = parseModelName(nameText);
    return modelInfoOf(this.#state.table, this.#state.table.resolve(name, version));
  }

  /** Not async itself: dispatch counts the failures it answers, so a request waits in one async frame, not two. */
  infer(name: string, feeds: TensorMap, options?: InferOptions): Promise<InferResult> {
    let model = UNKNOWN_MODEL;
    try {
      const parsed = parseModelName(name);
      model = parsed.name;
      return this.#infer(name, parsed, feeds, checkInferOptions(options));
    } catch (error) {
      return Promise.reject(requestFailed(this.#state, error, name, model, 'none'));
    }
  }

  /**
   * The request's checks, then dispatch. A request to a ready model goes straight to dispatch; only one whose model is
   * still loading waits in {@link EngineImpl.#inferOnceLoaded}.
   */
  #infer(nameText: string, { name, version }: { name: string; version?: number }, feeds: TensorMap, options: InferOptions): Promise<InferResult> {
    const started = performance.now();
    const state = this.#state;
    if (state.phase !== 'open') throw new InferoxError(ErrorCode.SHUT_DOWN, `request to ${JSON.stringify(nameText)}: the engine is closed`);
    if (typeof feeds !== 'object' || feeds === null || Array.isArray(feeds)) {
      throw new InferoxError(ErrorCode.INVALID_INPUT, `feeds must be an object of tensors by input name, got ${kindOf(feeds)}`, { details: { field: 'feeds' } });
    }
    if (options.signal?.aborted) throw abortError(options.signal, `request to ${nameText}`);
    const entry = state.table.resolve(name, version);
    if (entry.state !== 'ready') return this.#inferOnceLoaded(nameText, name, version, entry, feeds, options, started);
    state.table.touch(entry);
    return dispatch(state, nameText, entry, feeds, options, started);
  }

  /** Waits for `first` (and whatever replaces it meanwhile) to load, then dispatches. */
  async #inferOnceLoaded(nameText: string, name: string, version: number | undefined, first: VersionEntry, feeds: TensorMap, options: InferOptions, started: number): Promise<InferResult> {
    const state = this.#state;
    let entry = first;
    try {
      for (let attempt = 0; entry.state !== 'ready'; attempt++) {
        if (attempt > 8) throw new InferoxError(ErrorCode.INTERNAL, `${label(entry)} kept changing while it loaded`);
        const timeoutMs = options.timeoutMs ?? state.config.defaultTimeoutMs;
        await awaitLazyLoad(state, entry, options.signal, timeoutMs === undefined ? undefined : timeoutMs - (performance.now() - started), options.deadline, timeoutMs);
        if (state.stopped) throw new InferoxError(ErrorCode.SHUT_DOWN, `request to ${label(entry)}: the engine is closed`);
        entry = state.table.resolve(name, version);
      }
    } catch (error) {
      throw requestFailed(state, error, nameText, name, 'none');
    }
    state.table.touch(entry);
    return dispatch(state, nameText, entry, feeds, options, started);
  }

  async inferBatch(name: string, feedsList: readonly TensorMap[], options?: InferOptions): Promise<PromiseSettledResult<InferResult>[]> {
    if (!Array.isArray(feedsList)) throw new InferoxError(ErrorCode.INVALID_INPUT, `inferBatch needs an array of feeds, got ${kindOf(feedsList)}`, { details: { field: 'feedsList' } });
    const checked = checkInferOptions(options);
    const split = splitSignal(checked.signal, feedsList.length);
    try {
      return await Promise.allSettled(feedsList.map((feeds, i) => this.infer(name, feeds, { ...checked, ...(checked.signal ? { signal: split.signals[i] } : {}) })));
    } finally {
      split.dispose();
    }
  }

  inferStream(name: string, feedsList: readonly TensorMap[], options?: InferOptions): AsyncIterable<StreamItem> {
    if (!Array.isArray(feedsList)) throw new InferoxError(ErrorCode.INVALID_INPUT, `inferStream needs an array of feeds, got ${kindOf(feedsList)}`, { details: { field: 'feedsList' } });
    const checked = checkInferOptions(options);
    return streamResults(feedsList.length, (index, signal) => this.infer(name, feedsList[index]!, { ...checked, signal }), checked.signal);
  }

  session(nameText: string, defaults?: InferOptions): EngineSession {
    this.#refuseWhenClosed(`session on ${shown(nameText)}`);
    const checked = checkInferOptions(defaults, 'defaults');
    const { name, version } = parseModelName(nameText);
    this.#state.table.resolve(name, version);
    return createEngineSession(`session-${this.#state.nextSessionId()}`, nameText, (n, f, o) => this.infer(n, f, o), checked);
  }

  stats(): EngineStats {
    const { table, registry, ledger, config, counters } = this.#state;
    const replicas = table.liveReplicas();
    const counted = counters.snapshot();
    return {
      closed: this.closed,
      models: this.list(),
      backends: registry.statuses(),
      memory: { budgetBytes: config.maxMemoryBytes ?? null, heldBytes: ledger.held() },
      requests: {
        ...counted.requests,
        inFlight: replicas.reduce((n, r) => n + r.scheduler.running, 0),
        queued: replicas.reduce((n, r) => n + r.scheduler.queued, 0),
      },
      evictions: counted.evictions,
      batches: counted.batches,
    };
  }

  close(options?: CloseOptions): Promise<void> {
    if (this.#closing) return this.#closing;
    let o: CloseOptions;
    try {
      o = checkOptionsObject(options, 'options', CLOSE_KEYS) as CloseOptions;
      checkDuration(o.timeoutMs, 'options.timeoutMs', { zero: true });
      if (o.drain !== undefined && typeof o.drain !== 'boolean') {
        throw new InferoxError(ErrorCode.INVALID_INPUT, `options.drain: must be a boolean, got ${shown(o.drain)}`, { details: { field: 'options.drain' } });
      }
    } catch (error) {
      return Promise.reject(error as Error);
    }
    this.#state.phase = 'draining';
    this.#closing = closeEngine(this.#state, o.drain ?? true, o.timeoutMs ?? this.#state.config.closeTimeoutMs, o.signal);
    return this.#closing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/**
 * Creates an engine over the given backends. Its `load` takes their load options and no other: with an onnx and a
 * tfjs backend, `replicas[].options` may hold onnx's `sessionOptions`, the model-wide `options` only `name` and
 * `device` (what both accept); a mistyped key does not compile.
 *
 * @throws InferoxError `INVALID_INPUT` naming the bad config field or backend.
 * @example
 * ```ts
 * const engine = createEngine({ backends: [createOnnxBackend(), createTfjsBackend({ runtime: 'wasm' })] });
 * await engine.load('bert', { source: 'models/bert', backends: ['onnx', 'tfjs'] });
 * const { outputs, backend } = await engine.infer('bert', feeds, { backend: 'tfjs' });
 * await engine.close();
 * ```
 */
export function createEngine<TBackend extends Backend = Backend>(options: EngineOptions<TBackend>): Engine<LoadModelOptionsOf<TBackend>> {
  return new EngineImpl(options);
}
