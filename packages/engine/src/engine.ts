import {
  type Backend,
  ErrorCode,
  InferoxError,
  type LoadModelOptions,
  type Logger,
  type ModelHandle,
  type ModelSource,
  type SignalOptions,
  type TensorMap,
  abortError,
  formatDevice,
  noopLogger,
  throwIfAborted,
  toInferoxError,
  validateFeeds,
} from '@inferox/core';
import type { Registry } from 'prom-client';
import { type EngineConfig, type ResolvedEngineConfig, parseEngineConfig } from './engine-config';
import type { EngineSession } from './engine-session';
import type { EngineStats } from './engine-stats';
import type { InferOptions } from './infer-options';
import type { FallbackReport, InferResult, StreamItem } from './infer-result';
import type { ModelInfo, ModelState } from './model-info';
import { type ModelSpec, parseModelSpec } from './model-spec';
import { BackendRegistry } from './internal/backend-registry';
import { createEngineSession } from './internal/create-engine-session';
import { EngineMetrics } from './internal/engine-metrics';
import { estimateSourceBytes } from './internal/estimate-memory';
import { streamResults } from './internal/infer-stream';
import { splitSignal } from './internal/split-signal';
import { parseModelName } from './internal/model-name';
import { raceSignal } from './internal/race-signal';
import { Replica, type ReplicaInit, type Run } from './internal/replica';
import { type AdmissionPool, type BatchInfo, createAdmissionPool } from './scheduler';
import { type WorkerInstance, createWorkerInstance } from './workers/create-worker-instance';

/** Options of {@link createEngine}. */
export interface EngineOptions {
  /** The backends the engine may use. The engine owns them: `close()` disposes them. */
  readonly backends: readonly Backend[];
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

/** Options of `engine.register()`. */
export interface RegisterOptions extends SignalOptions {
  /** @defaultValue the newest version (replaced), or 1 */
  readonly version?: number;
}

/**
 * Serves models from several backends: a registry of models and their replicas, routing with fallback, one
 * scheduler per replica, a memory budget with LRU eviction, hot swap, sessions, metrics and a clean shutdown.
 * Names may carry a version: `bert@2` (default: the newest).
 */
export interface Engine extends AsyncDisposable {
  /**
   * Loads a model (one replica per backend) and returns its info; loading an existing name (or `name@version`)
   * hot-swaps it: requests in flight finish on the old replicas, new ones go to the new, and the old ones are
   * disposed when their last request settles.
   *
   * @throws InferoxError `INVALID_INPUT` (naming the spec field), `BACKEND_UNAVAILABLE`, `OUT_OF_MEMORY`,
   * `PACKAGE_INVALID`, `BACKEND_ERROR`, `CANCELLED`, `SHUT_DOWN`.
   */
  load(name: string, spec: ModelSpec, options?: SignalOptions): Promise<ModelInfo>;
  /**
   * Serves a handle built by the caller; the engine takes ownership (disposes it on unload, swap or close).
   *
   * @throws InferoxError `INVALID_INPUT`, `OUT_OF_MEMORY` (the caller keeps ownership then), `SHUT_DOWN`.
   */
  register(name: string, handle: ModelHandle, options?: RegisterOptions): Promise<ModelInfo>;
  /**
   * Stops routing to `name` (every version) or `name@version`, lets its requests finish, then disposes it. A lazy
   * load under way is waited for and disposed; a load of the name still in flight (a hot swap) is cancelled (it
   * rejects with `CANCELLED`), so the name is not brought back by it.
   *
   * @throws InferoxError `MODEL_NOT_FOUND`, `SHUT_DOWN`.
   */
  unload(name: string, options?: SignalOptions): Promise<void>;
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
   * as if the time were up; close still disposes everything and resolves. Safe to call twice (same promise).
   */
  close(options?: CloseOptions): Promise<void>;
}

interface VersionEntry {
  readonly name: string;
  readonly version: number;
  readonly spec?: ModelSpec;
  state: ModelState;
  replicas: Replica[];
  lastUsed: number;
  /** A strictly increasing use stamp: LRU order without clock ties. */
  used: number;
  loading?: Promise<void>;
  removed: boolean;
  /** Requests between routing and their answer (pins the version against eviction, fallbacks included). */
  inflight: number;
  /** Replicas that could not load because their backend failed to initialise, with the cause. */
  unavailable?: readonly { readonly backend: string; readonly error: InferoxError }[];
}

/** Cached metric series of one replica's requests. */
interface ReplicaSeries {
  readonly success: { inc(value?: number): void };
  readonly queue: { observe(value: number): void };
  readonly compute: { observe(value: number): void };
}

interface Target {
  readonly backend: string;
  readonly source: ModelSource;
  readonly options: LoadModelOptions;
}

const label = (entry: { name: string; version: number }): string => `${entry.name}@${entry.version}`;

/** What a caller passed, for messages: `null`, `an object`, `a string`, .... */
const describe = (value: unknown): string => (value === null ? 'null' : typeof value === 'object' ? 'an object' : `a ${typeof value}`);

/** The `model` label of requests whose name does not resolve to a loaded model. */
const UNKNOWN_MODEL = '(unknown)';

/** What each pending-load token stands for (in `OUT_OF_MEMORY` messages). */
const pendingLoads = new WeakMap<object, string>();

class EngineImpl implements Engine {
  readonly #config: ResolvedEngineConfig;
  readonly #logger: Logger;
  readonly #registry: BackendRegistry;
  readonly #pool?: AdmissionPool;
  readonly #metrics: EngineMetrics;
  readonly #models = new Map<string, Map<number, VersionEntry>>();
  /** Memory charged per replica (or per pending load token). */
  readonly #charges = new Map<object, number>();
  readonly #background = new Set<Promise<unknown>>();
  /** Every replica created and not yet disposed (including those draining after a swap, unload or eviction). */
  readonly #replicas = new Set<Replica>();
  readonly #lifetime = new AbortController();
  readonly #seriesOf = new WeakMap<Replica, ReplicaSeries>();
  /** Explicit loads in progress (not installed yet), so unload can cancel them. */
  readonly #pending = new Set<{ readonly entry: VersionEntry; readonly cancel: AbortController; readonly settled: Promise<void> }>();
  #closing?: Promise<void>;
  #shut = false;
  #sessions = 0;
  #uses = 0;
  readonly #counts = { succeeded: 0, failed: {} as Record<string, number>, fallbacks: 0, evictions: 0, sizes: {} as Record<string, number>, alone: {} as Record<string, number> };

  constructor(options: EngineOptions) {
    if (typeof options !== 'object' || options === null || !Array.isArray(options.backends)) {
      throw new InferoxError(ErrorCode.INVALID_INPUT, 'createEngine needs { backends: Backend[] }', { details: { field: 'backends' } });
    }
    options.backends.forEach((b, i) => {
      if (typeof b?.name !== 'string' || typeof b.loadModel !== 'function') {
        throw new InferoxError(ErrorCode.INVALID_INPUT, `backends[${i}] is not a Backend (needs name and loadModel)`, { details: { field: `backends[${i}]` } });
      }
    });
    this.#config = parseEngineConfig(options.config);
    this.#logger = options.logger ?? noopLogger;
    this.#registry = new BackendRegistry(options.backends, this.#config.backendPriority);
    if (this.#config.admissionCapacity !== undefined) this.#pool = createAdmissionPool({ capacity: this.#config.admissionCapacity });
    this.#metrics = new EngineMetrics({
      replicas: () => this.#liveReplicas().map((r) => ({ model: r.model, version: r.version, backend: r.backend, queued: r.scheduler.queued, running: r.scheduler.running, memoryBytes: r.memoryBytes })),
      heldBytes: () => this.#held(),
      budgetBytes: () => this.#config.maxMemoryBytes ?? null,
    });
  }

  get metrics(): Registry {
    return this.#metrics.registry;
  }

  get closed(): boolean {
    return this.#closing !== undefined;
  }

  // ---------------------------------------------------------------- registry

  /**
   * `SHUT_DOWN` naming the model and operation (`what`). Callers test `#shut` (requests admitted before close may
   * still proceed while the engine drains) or `#closing` (nothing new once close() was called) first, so the hot
   * path builds no message.
   */
  #shutDown(what: string): InferoxError {
    return new InferoxError(ErrorCode.SHUT_DOWN, `${what}: the engine is closed`);
  }

  #names(): string[] {
    return [...this.#models.entries()].flatMap(([name, versions]) => (versions.size > 1 ? [...versions.keys()].map((v) => `${name}@${v}`) : [name]));
  }

  #notFound(text: string, known?: Map<number, VersionEntry>): InferoxError {
    const message = known
      ? `model ${JSON.stringify(text)} is not loaded; it has versions ${[...known.keys()].sort((a, b) => a - b).join(', ')}`
      : `model ${JSON.stringify(text)} is not loaded; the engine has ${this.#names().map((n) => JSON.stringify(n)).join(', ') || 'no models'}`;
    return new InferoxError(ErrorCode.MODEL_NOT_FOUND, message, { details: { model: text, models: this.#names() } });
  }

  #resolve(name: string, version?: number): VersionEntry {
    const versions = this.#models.get(name);
    if (!versions || versions.size === 0) throw this.#notFound(name);
    const wanted = version ?? Math.max(...versions.keys());
    const entry = versions.get(wanted);
    if (!entry) throw this.#notFound(`${name}@${wanted}`, versions);
    return entry;
  }

  #newest(name: string): number | undefined {
    const versions = this.#models.get(name);
    return versions && versions.size > 0 ? Math.max(...versions.keys()) : undefined;
  }

  #liveReplicas(): Replica[] {
    return [...this.#models.values()].flatMap((versions) => [...versions.values()].flatMap((e) => e.replicas));
  }

  #stamp(): number {
    this.#uses += 1;
    return this.#uses;
  }

  #touch(entry: VersionEntry): void {
    entry.lastUsed = Date.now();
    entry.used = this.#stamp();
  }

  #track<T>(promise: Promise<T>): Promise<T> {
    const settled = promise.then(
      () => undefined,
      () => undefined,
    );
    this.#background.add(settled);
    void settled.then(() => this.#background.delete(settled));
    return promise;
  }

  #install(entry: VersionEntry): void {
    let versions = this.#models.get(entry.name);
    if (!versions) {
      versions = new Map();
      this.#models.set(entry.name, versions);
    }
    const old = versions.get(entry.version);
    versions.set(entry.version, entry);
    if (old) {
      this.#logger.info('model swapped', { model: label(entry) });
      void this.#retireEntry(old, { drain: true });
    }
  }

  #retireEntry(entry: VersionEntry, options: { drain: boolean; timeoutMs?: number }): Promise<void> {
    entry.removed = true;
    return this.#track(
      Promise.all(
        entry.replicas.map(async (r) => {
          await this.#retire(r, options);
          this.#charges.delete(r);
        }),
      ).then(() => undefined),
    );
  }

  async #retire(replica: Replica, options: { drain: boolean; timeoutMs?: number }): Promise<void> {
    await replica.retire(options);
    this.#replicas.delete(replica);
  }

  #adopt(replica: Replica): Replica {
    this.#replicas.add(replica);
    return replica;
  }

  // ---------------------------------------------------------------- memory

  #held(): number {
    let sum = 0;
    for (const bytes of this.#charges.values()) sum += bytes;
    return sum;
  }

  /** Who holds the charged memory: current versions, loads in progress and replicas still draining. */
  #holders(): string {
    const counted = new Set<object>();
    const rows = [...this.#models.values()].flatMap((versions) =>
      [...versions.values()]
        .filter((e) => e.replicas.length > 0)
        .map((e) => {
          for (const r of e.replicas) counted.add(r);
          return `${label(e)} ${e.replicas.reduce((n, r) => n + (this.#charges.get(r) ?? 0), 0)} B${e.replicas.every((r) => r.idle) ? '' : ' (busy)'}`;
        }),
    );
    for (const [owner, bytes] of this.#charges) {
      if (counted.has(owner)) continue;
      if (owner instanceof Replica) rows.push(`${owner.model}@${owner.version} on ${owner.backend} ${bytes} B (${owner.state === 'live' ? 'loading' : 'draining'})`);
      else if (pendingLoads.has(owner)) rows.push(`${pendingLoads.get(owner)!} ${bytes} B`);
    }
    return rows.join(', ') || 'nothing';
  }

  /**
   * Charges `bytes` to `owner`, evicting idle models least-recently-used first to make room (never `forEntry` nor the
   * version it replaces in a hot swap, never one with requests). Synchronous, so two loads cannot both take the same
   * room.
   *
   * @returns the evictions under way (await them before loading, so the memory is really freed).
   * @throws InferoxError `OUT_OF_MEMORY` saying what is needed and what is held.
   */
  #reserve(owner: object, bytes: number, forEntry: VersionEntry, what: string): Promise<void>[] {
    const limit = this.#config.maxMemoryBytes;
    const evictions: Promise<void>[] = [];
    if (limit !== undefined) {
      while (this.#held() + bytes > limit) {
        const victim = [...this.#models.values()]
          .flatMap((versions) => [...versions.values()])
          .filter((e) => !(e.name === forEntry.name && e.version === forEntry.version) && e.state === 'ready' && e.inflight === 0 && e.replicas.length > 0 && e.replicas.every((r) => r.idle))
          .sort((a, b) => a.used - b.used)[0];
        if (!victim) {
          throw new InferoxError(
            ErrorCode.OUT_OF_MEMORY,
            `${what} needs ${bytes} bytes; the budget is ${limit} bytes and ${this.#held()} are held by ${this.#holders()}; nothing idle can be evicted`,
            { details: { needed: bytes, budget: limit, held: this.#held() } },
          );
        }
        evictions.push(this.#evict(victim));
      }
    }
    this.#charges.set(owner, bytes);
    return evictions;
  }

  #evict(entry: VersionEntry): Promise<void> {
    this.#logger.info('model evicted', { model: label(entry) });
    this.#metrics.evictions.inc({ model: entry.name });
    this.#counts.evictions += 1;
    const replicas = entry.replicas;
    for (const r of replicas) this.#charges.delete(r);
    entry.replicas = [];
    if (entry.spec) {
      entry.state = 'evicted';
    } else {
      // A registered handle cannot be reloaded: eviction removes it.
      entry.removed = true;
      const versions = this.#models.get(entry.name)!;
      versions.delete(entry.version);
      if (versions.size === 0) this.#models.delete(entry.name);
    }
    return this.#track(Promise.all(replicas.map((r) => this.#retire(r, { drain: true }))).then(() => undefined));
  }

  // ---------------------------------------------------------------- loading

  async load(nameText: string, specInput: ModelSpec, options: SignalOptions = {}): Promise<ModelInfo> {
    if (this.#closing) throw this.#shutDown(`load of ${JSON.stringify(nameText)}`);
    const { name, version: named } = parseModelName(nameText);
    const spec = parseModelSpec(specInput);
    if (named !== undefined && spec.version !== undefined && named !== spec.version) {
      throw new InferoxError(ErrorCode.INVALID_INPUT, `spec.version ${spec.version} contradicts the name ${JSON.stringify(nameText)}`, { details: { field: 'spec.version' } });
    }
    throwIfAborted(options.signal, `load of ${name}`);
    const version = named ?? spec.version ?? this.#newest(name) ?? 1;
    const entry: VersionEntry = { name, version, spec, state: spec.lazy ? 'lazy' : 'loading', replicas: [], lastUsed: Date.now(), used: this.#stamp(), removed: false, inflight: 0 };
    if (!spec.lazy) {
      // unload() of this name aborts `cancel`: the backend may stop early (unload still waits for it to settle).
      const cancel = new AbortController();
      const signal = AbortSignal.any(options.signal ? [options.signal, this.#lifetime.signal, cancel.signal] : [this.#lifetime.signal, cancel.signal]);
      const materializing = this.#track(this.#materialize(entry, signal));
      const pending = { entry, cancel, settled: materializing.then(() => undefined, () => undefined) };
      this.#pending.add(pending);
      try {
        await materializing;
      } catch (error) {
        if (this.#closing) throw new InferoxError(ErrorCode.SHUT_DOWN, `the engine closed while ${label(entry)} was loading`, { cause: error });
        if (entry.removed) throw this.#unloadedWhileLoading(entry, error);
        throw error;
      } finally {
        this.#pending.delete(pending);
      }
      if (entry.removed) {
        // unload() was called while this load ran: an unloaded name is not brought back by a load that was in flight.
        await this.#retireEntry(entry, { drain: false });
        throw this.#unloadedWhileLoading(entry);
      }
    } else {
      // Fail fast on backends the engine does not have.
      for (const t of spec.replicas?.map((r) => r.backend) ?? spec.backends ?? []) this.#registry.get(t);
    }
    if (this.#closing) {
      await this.#retireEntry(entry, { drain: false });
      throw new InferoxError(ErrorCode.SHUT_DOWN, `the engine closed while ${label(entry)} was loading`);
    }
    this.#install(entry);
    this.#logger.info('model loaded', { model: label(entry), state: entry.state, backends: entry.replicas.map((r) => r.backend) });
    return this.#info(entry);
  }

  #unloadedWhileLoading(entry: VersionEntry, cause?: unknown): InferoxError {
    return new InferoxError(ErrorCode.CANCELLED, `load of ${label(entry)} was cancelled: the model was unloaded while it loaded`, { cause, details: { model: entry.name } });
  }

  async #targets(spec: ModelSpec, signal: AbortSignal): Promise<Target[]> {
    if (spec.replicas) {
      for (const r of spec.replicas) this.#registry.get(r.backend);
      return spec.replicas.map((r) => ({ backend: r.backend, source: (r.source ?? spec.source)!, options: { ...spec.options, ...r.options } }));
    }
    for (const b of spec.backends ?? []) this.#registry.get(b);
    const names = spec.backends ?? [await this.#registry.pickDefault({ signal })];
    return names.map((backend) => ({ backend, source: spec.source!, options: { ...spec.options } }));
  }

  /**
   * Loads every replica of `entry` and marks it ready. A replica whose backend failed to initialise is kept as
   * unavailable (with the cause) as long as another replica loads; any other failure fails the whole load.
   */
  async #materialize(entry: VersionEntry, signal: AbortSignal): Promise<void> {
    const targets = await this.#targets(entry.spec!, signal);
    const loaded: Replica[] = [];
    const unavailable: { backend: string; error: InferoxError }[] = [];
    try {
      for (const target of targets) {
        try {
          loaded.push(await this.#loadReplica(entry, target, signal));
        } catch (error) {
          if (signal.aborted || this.#registry.usable(target.backend)) throw error;
          const e = toInferoxError(error, ErrorCode.BACKEND_UNAVAILABLE, `init of backend ${target.backend}`);
          this.#logger.warn('replica unavailable: its backend failed to initialise', { model: label(entry), backend: target.backend, error: e.message });
          unavailable.push({ backend: target.backend, error: e });
        }
      }
      if (loaded.length === 0) {
        throw new InferoxError(ErrorCode.BACKEND_UNAVAILABLE, `no replica of ${label(entry)} could load: ${unavailable.map((u) => u.error.message).join('; ')}`, {
          cause: unavailable[0]?.error,
          details: { model: entry.name, backends: unavailable.map((u) => u.backend) },
        });
      }
      if (this.#shut) throw new InferoxError(ErrorCode.SHUT_DOWN, `the engine closed while ${label(entry)} was loading`);
    } catch (error) {
      await Promise.all(loaded.map((r) => this.#retire(r, { drain: false }).then(() => this.#charges.delete(r))));
      throw error;
    }
    entry.replicas = loaded;
    entry.unavailable = unavailable;
    entry.state = 'ready';
    this.#touch(entry);
  }

  async #loadReplica(entry: VersionEntry, target: Target, signal: AbortSignal): Promise<Replica> {
    const spec = entry.spec!;
    const backend = this.#registry.get(target.backend);
    await this.#registry.init(target.backend, { signal });
    const instances = spec.instances ?? { count: 1, mode: 'inline' as const };
    const estimate = await estimateSourceBytes(target.source);
    const what = `loading ${label(entry)} on ${target.backend}`;
    const token = {};
    pendingLoads.set(token, `loading ${label(entry)} on ${target.backend}`);
    try {
      await Promise.all(this.#reserve(token, estimate * (instances.mode === 'worker' ? instances.count : 1), entry, what));
      throwIfAborted(signal, what);
      const parts = instances.mode === 'worker' ? await this.#loadWorkers(backend, target, instances.count, estimate, signal) : await this.#loadInline(backend, target, instances.count, estimate, signal);
      const replica = this.#adopt(this.#replica(parts, () => new Replica({
        ...parts,
        model: entry.name,
        version: entry.version,
        backend: target.backend,
        logger: this.#logger,
        ...(spec.batching ? { batching: spec.batching } : {}),
        ...((spec.maxQueueSize ?? this.#config.maxQueueSize) === undefined ? {} : { maxQueueSize: spec.maxQueueSize ?? this.#config.maxQueueSize }),
        ...((spec.maxConcurrent ?? this.#config.maxConcurrent) === undefined ? {} : { maxConcurrent: spec.maxConcurrent ?? this.#config.maxConcurrent }),
        ...(this.#pool ? { pool: this.#pool } : {}),
        onBatch: this.#onBatch(entry.name, target.backend),
      })));
      this.#charges.delete(token);
      try {
        await Promise.all(this.#reserve(replica, replica.memoryBytes, entry, what));
      } catch (error) {
        await this.#retire(replica, { drain: false });
        throw error;
      }
      return replica;
    } finally {
      this.#charges.delete(token);
    }
  }

  /** Builds a replica over loaded resources, freeing them when the scheduler refuses its options. */
  #replica(parts: { release: () => Promise<void> }, build: () => Replica): Replica {
    try {
      return build();
    } catch (error) {
      this.#track(parts.release()).catch((e: unknown) => this.#logger.warn('replica dispose failed', { error: String(e) }));
      throw error;
    }
  }

  async #loadInline(backend: Backend, target: Target, count: number, estimate: number, signal: AbortSignal): Promise<Omit<ReplicaInit, 'model' | 'version' | 'backend' | 'logger'>> {
    const handle = await backend.loadModel(target.source, target.options, { signal });
    const run: Run = (feeds, context) => handle.run(feeds, { signal: context.signal });
    return {
      device: formatDevice(handle.device),
      signature: handle.signature,
      metadata: handle.metadata,
      memoryBytes: handle.memoryBytes > 0 ? handle.memoryBytes : estimate,
      mode: 'inline',
      runs: Array.from({ length: count }, () => run),
      lost: () => handle.disposed,
      release: () => handle.dispose(),
    };
  }

  async #loadWorkers(backend: Backend, target: Target, count: number, estimate: number, signal: AbortSignal): Promise<Omit<ReplicaInit, 'model' | 'version' | 'backend' | 'logger'>> {
    const factory = backend.factorySpec;
    if (!factory) {
      throw new InferoxError(ErrorCode.INVALID_INPUT, `spec.instances.mode: backend ${JSON.stringify(backend.name)} cannot run worker instances (it has no factorySpec)`, {
        details: { field: 'spec.instances.mode', backend: backend.name },
      });
    }
    const workers: WorkerInstance[] = [];
    try {
      for (let i = 0; i < count; i++) {
        throwIfAborted(signal, `loading worker instance ${i} on ${backend.name}`);
        workers.push(await createWorkerInstance({ backend: factory, source: target.source, options: target.options }, { runTimeoutMs: this.#config.workerRunTimeoutMs, logger: this.#logger, signal }));
      }
    } catch (error) {
      await Promise.allSettled(workers.map((w) => w.dispose()));
      throw error;
    }
    const first = workers[0]!;
    return {
      device: formatDevice(first.device),
      signature: first.signature,
      metadata: first.metadata,
      memoryBytes: workers.reduce((n, w) => n + (w.memoryBytes > 0 ? w.memoryBytes : estimate), 0),
      mode: 'worker',
      // Feeds the scheduler built for a batch cross to the worker by transfer; a caller's own feeds are copied.
      runs: workers.map((w): Run => (feeds, context) => w.run(feeds, { signal: context.signal, transferFeeds: context.ownsFeeds })),
      lost: () => false,
      release: async () => {
        await Promise.all(workers.map((w) => w.dispose()));
      },
    };
  }

  #onBatch(model: string, backend: string): (event: BatchInfo) => void {
    return ({ size, alone }) => {
      this.#metrics.batchSize.observe({ model, backend }, size);
      this.#counts.sizes[size] = (this.#counts.sizes[size] ?? 0) + 1;
      if (alone) {
        const reason = alone;
        this.#metrics.alone.inc({ model, backend, reason });
        this.#counts.alone[reason] = (this.#counts.alone[reason] ?? 0) + 1;
      }
    };
  }

  async register(nameText: string, handle: ModelHandle, options: RegisterOptions = {}): Promise<ModelInfo> {
    if (this.#closing) throw this.#shutDown(`register of ${JSON.stringify(nameText)}`);
    const { name, version: named } = parseModelName(nameText);
    if (typeof handle?.run !== 'function' || typeof handle.signature !== 'object' || handle.signature === null) {
      throw new InferoxError(ErrorCode.INVALID_INPUT, `register ${JSON.stringify(nameText)}: handle is not a ModelHandle`, { details: { field: 'handle' } });
    }
    if (handle.disposed) throw new InferoxError(ErrorCode.INVALID_INPUT, `register ${JSON.stringify(nameText)}: the handle was disposed`, { details: { field: 'handle' } });
    throwIfAborted(options.signal, `register of ${name}`);
    const version = named ?? options.version ?? this.#newest(name) ?? 1;
    const entry: VersionEntry = { name, version, state: 'ready', replicas: [], lastUsed: Date.now(), used: this.#stamp(), removed: false, inflight: 0 };
    const memoryBytes = handle.memoryBytes > 0 ? handle.memoryBytes : 0;
    const token = {};
    await Promise.all(this.#reserve(token, memoryBytes, entry, `registering ${label(entry)}`));
    this.#charges.delete(token);
    if (this.#closing) throw this.#shutDown(`register of ${JSON.stringify(nameText)}`);
    const run: Run = (feeds, context) => handle.run(feeds, { signal: context.signal });
    const replica = this.#adopt(new Replica({
      model: name,
      version,
      backend: handle.backend,
      device: formatDevice(handle.device),
      signature: handle.signature,
      metadata: handle.metadata,
      memoryBytes,
      mode: 'inline',
      runs: [run],
      lost: () => handle.disposed,
      release: () => handle.dispose(),
      logger: this.#logger,
      ...(this.#config.maxQueueSize === undefined ? {} : { maxQueueSize: this.#config.maxQueueSize }),
      ...(this.#config.maxConcurrent === undefined ? {} : { maxConcurrent: this.#config.maxConcurrent }),
      ...(this.#pool ? { pool: this.#pool } : {}),
      onBatch: this.#onBatch(name, handle.backend),
    }));
    this.#charges.set(replica, memoryBytes);
    entry.replicas = [replica];
    this.#install(entry);
    return this.#info(entry);
  }

  async unload(nameText: string, options: SignalOptions = {}): Promise<void> {
    if (this.#closing) throw this.#shutDown(`unload of ${JSON.stringify(nameText)}`);
    const { name, version } = parseModelName(nameText);
    const versions = this.#models.get(name);
    if (!versions) throw this.#notFound(name);
    const one = version === undefined ? undefined : versions.get(version);
    if (version !== undefined && !one) throw this.#notFound(nameText, versions);
    const entries = one ? [one] : [...versions.values()];
    for (const e of entries) versions.delete(e.version);
    if (versions.size === 0) this.#models.delete(name);
    // Loads of this name still in flight (a hot swap) are cancelled: they retire what they produce instead of
    // installing it, and the unload waits for them.
    const inFlight = [...this.#pending].filter((p) => p.entry.name === name && (version === undefined || p.entry.version === version));
    for (const e of [...entries, ...inFlight.map((p) => p.entry)]) e.removed = true;
    for (const p of inFlight) p.cancel.abort(new InferoxError(ErrorCode.CANCELLED, `${label(p.entry)} was unloaded while it loaded`));
    const done = Promise.all([
      ...entries.map(async (e) => {
        // A lazy load under way is waited for, then what it produced is retired with the rest.
        if (e.loading) await e.loading.catch(() => undefined);
        await this.#retireEntry(e, { drain: true });
      }),
      ...inFlight.map((p) => p.settled),
    ]);
    await raceSignal(done, options.signal, `unload of ${nameText}`);
    this.#logger.info('model unloaded', { model: nameText });
  }

  /** Loads a lazy or evicted version on demand (one load shared by every request waiting for it). */
  async #ensureReady(entry: VersionEntry, signal: AbortSignal | undefined, timeoutMs: number | undefined, deadline: number | undefined): Promise<void> {
    if (deadline !== undefined && Date.now() >= deadline) throw this.#deadlineError(entry, deadline);
    if (!entry.loading) {
      const prior = entry.state;
      entry.state = 'loading';
      entry.loading = this.#track(
        this.#materialize(entry, this.#lifetime.signal).then(
          () => {
            entry.loading = undefined;
            if (entry.removed) void this.#retireEntry(entry, { drain: true });
          },
          (error: unknown) => {
            entry.loading = undefined;
            entry.state = prior;
            throw error;
          },
        ),
      );
    }
    // Closing the engine ends the wait too (the request gets SHUT_DOWN).
    const lifetime = signal ? AbortSignal.any([signal, this.#lifetime.signal]) : this.#lifetime.signal;
    // The request's timeout and deadline cover the wait for its model too; the nearer one ends it.
    const untilDeadline = deadline === undefined ? undefined : deadline - Date.now();
    const byDeadline = untilDeadline !== undefined && (timeoutMs === undefined || untilDeadline < timeoutMs);
    const limit = byDeadline ? untilDeadline : timeoutMs;
    if (limit === undefined) return raceSignal(entry.loading, lifetime, `request to ${label(entry)}`);
    const timer = new AbortController();
    const expire = (): void =>
      timer.abort(byDeadline ? this.#deadlineError(entry, deadline!) : new InferoxError(ErrorCode.TIMEOUT, `request to ${label(entry)} timed out after ${timeoutMs} ms waiting for the model to load`));
    const timeout = setTimeout(expire, Math.max(0, limit));
    try {
      await raceSignal(entry.loading!, AbortSignal.any([lifetime, timer.signal]), `request to ${label(entry)}`);
    } finally {
      clearTimeout(timeout);
    }
  }

  #deadlineError(entry: VersionEntry, deadline: number): InferoxError {
    return new InferoxError(ErrorCode.DEADLINE_EXCEEDED, `request to ${label(entry)} missed its deadline (${new Date(deadline).toISOString()}) waiting for the model to load`, { details: { deadline } });
  }

  info(nameText: string): ModelInfo {
    const { name, version } = parseModelName(nameText);
    return this.#info(this.#resolve(name, version));
  }

  list(): ModelInfo[] {
    return [...this.#models.keys()]
      .sort()
      .flatMap((name) => [...this.#models.get(name)!.values()].sort((a, b) => a.version - b.version).map((e) => this.#info(e)));
  }

  #info(entry: VersionEntry): ModelInfo {
    const first = entry.replicas[0];
    const versions = this.#models.get(entry.name);
    return {
      name: entry.name,
      version: entry.version,
      versions: versions ? [...versions.keys()].sort((a, b) => a - b) : [entry.version],
      state: entry.state,
      signature: first?.signature ?? null,
      metadata: first?.metadata ?? {},
      replicas: [
        ...entry.replicas.map((r) => r.info()),
        ...(entry.unavailable ?? []).map(({ backend, error }) => ({
          backend,
          device: 'none',
          memoryBytes: 0,
          instances: { count: 0, mode: entry.spec?.instances?.mode ?? ('inline' as const) },
          queued: 0,
          running: 0,
          unavailable: error.message,
        })),
      ],
      memoryBytes: entry.replicas.reduce((n, r) => n + r.memoryBytes, 0),
      lastUsedAt: entry.lastUsed,
    };
  }

  // ---------------------------------------------------------------- inference

  async infer(name: string, feeds: TensorMap, options: InferOptions = {}): Promise<InferResult> {
    const served = { backend: 'none' };
    // Metrics are labelled with the model's name (no version), and with one fixed label for names that do not
    // resolve, so callers cannot grow the series without bound.
    let model = UNKNOWN_MODEL;
    try {
      const parsed = parseModelName(name);
      model = parsed.name;
      const result = await this.#infer(name, parsed, feeds, options, served);
      // (its success is counted in inferox_requests_total by #dispatch, on the replica's cached series)
      this.#counts.succeeded += 1;
      return result;
    } catch (error) {
      const e = toInferoxError(error, ErrorCode.INTERNAL, `request to ${typeof name === 'string' ? name : String(name)}`);
      this.#counts.failed[e.code] = (this.#counts.failed[e.code] ?? 0) + 1;
      this.#metrics.requests.inc({ model: e.code === ErrorCode.MODEL_NOT_FOUND ? UNKNOWN_MODEL : model, backend: served.backend, outcome: e.code });
      throw e;
    }
  }

  async #infer(nameText: string, { name, version }: { name: string; version?: number }, feeds: TensorMap, options: InferOptions, served: { backend: string }): Promise<InferResult> {
    const started = performance.now();
    if (this.#closing) throw this.#shutDown(`request to ${JSON.stringify(nameText)}`);
    if (options.signal?.aborted) throw abortError(options.signal, `request to ${nameText}`);
    let entry = this.#resolve(name, version);
    for (let attempt = 0; entry.state !== 'ready'; attempt++) {
      if (attempt > 8) throw new InferoxError(ErrorCode.INTERNAL, `${label(entry)} kept changing while it loaded`);
      const timeoutMs = options.timeoutMs ?? this.#config.defaultTimeoutMs;
      await this.#ensureReady(entry, options.signal, timeoutMs === undefined ? undefined : timeoutMs - (performance.now() - started), options.deadline);
      if (this.#shut) throw this.#shutDown(`request to ${label(entry)}`);
      entry = this.#resolve(name, version);
    }
    this.#touch(entry);
    entry.inflight += 1;
    try {
      return await this.#dispatch(entry, feeds, options, served, started);
    } finally {
      entry.inflight -= 1;
    }
  }

  async #dispatch(entry: VersionEntry, feeds: TensorMap, options: InferOptions, served: { backend: string }, started: number): Promise<InferResult> {
    const name = entry.name;
    const { order, refused } = this.#route(entry, options);
    validateFeeds((order.find((r) => r.usable) ?? order[0]!).signature, feeds);
    const timeoutMs = options.timeoutMs ?? this.#config.defaultTimeoutMs;
    const fallback = this.#config.fallback;
    let fellBack: FallbackReport | undefined;
    let last: InferoxError | undefined;
    let lastBackend = '';
    if (refused) {
      // The requested backend's replica is unavailable (its init failed): fall back as if it had refused the run.
      if (!fallback || !(this.#config.fallbackOn as readonly string[]).includes(refused.error.code)) throw refused.error;
      fellBack = { from: refused.backend, reason: refused.error.code, message: refused.error.message };
      last = refused.error;
      lastBackend = refused.backend;
    }
    let tried: Set<string> | undefined;
    let swappedIn = false;
    for (let i = 0; i === 0 || (fallback && i <= order.length); i++) {
      if (i === order.length) {
        // Every replica of this version was tried or retired meanwhile: after a hot swap, the version now serving
        // the name may still answer on backends not tried yet.
        if (swappedIn || !last) break;
        swappedIn = true;
        const current = this.#models.get(name)?.get(entry.version);
        if (!current || current === entry || current.state !== 'ready') break;
        order.push(...current.replicas.filter((r) => r.state === 'live' && !tried?.has(r.backend)).sort((a, b) => this.#registry.rank(a.backend) - this.#registry.rank(b.backend)));
        if (i === order.length) break;
      }
      const replica = order[i]!;
      // A replica retired meanwhile (swap or unload) takes no new work; its version's live ones may.
      if (replica.state !== 'live') continue;
      (tried ??= new Set()).add(replica.backend);
      if (last) {
        this.#counts.fallbacks += 1;
        this.#metrics.fallbacks.inc({ model: name, from: lastBackend, to: replica.backend, reason: last.code });
      }
      if (this.#shut) throw this.#shutDown(`request to ${label(entry)}`);
      served.backend = replica.backend;
      try {
        if (!replica.usable) {
          throw new InferoxError(ErrorCode.BACKEND_UNAVAILABLE, `backend ${JSON.stringify(replica.backend)} of ${label(entry)} is unavailable`, { details: { backend: replica.backend } });
        }
        const remaining = timeoutMs === undefined ? undefined : timeoutMs - (performance.now() - started);
        if (remaining !== undefined && remaining <= 0) throw new InferoxError(ErrorCode.TIMEOUT, `request to ${label(entry)} timed out after ${timeoutMs} ms`);
        const r = await replica.submit(feeds, remaining === undefined ? options : { ...options, timeoutMs: remaining });
        this.#touch(entry);
        const series = this.#series(replica);
        series.queue.observe(r.queueMs / 1000);
        series.compute.observe(r.computeMs / 1000);
        series.success.inc();
        const result: InferResult = {
          outputs: r.outputs,
          backend: replica.backend,
          device: replica.device,
          model: name,
          version: entry.version,
          timings: { queueMs: r.queueMs, computeMs: r.computeMs },
          batchSize: r.batchSize,
        };
        return fellBack ? { ...result, fellBack } : result;
      } catch (error) {
        const e = toInferoxError(error, ErrorCode.BACKEND_ERROR, `${replica.backend} run of ${label(entry)}`);
        if (!(this.#config.fallbackOn as readonly string[]).includes(e.code) || options.signal?.aborted) throw e;
        this.#logger.warn('replica failed; trying another', { model: label(entry), backend: replica.backend, code: e.code, error: e.message });
        fellBack ??= { from: replica.backend, reason: e.code, message: e.message };
        last = e;
        lastBackend = replica.backend;
      }
    }
    throw last ?? new InferoxError(ErrorCode.BACKEND_UNAVAILABLE, `${label(entry)} has no live replica`, { details: { model: entry.name } });
  }

  /** The metric series of `replica`'s requests (prom-client children, made once per replica). */
  #series(replica: Replica): ReplicaSeries {
    let series = this.#seriesOf.get(replica);
    if (!series) {
      series = {
        success: this.#metrics.requests.labels(replica.model, replica.backend, 'success'),
        queue: this.#metrics.queueSeconds.labels(replica.model, replica.backend),
        compute: this.#metrics.computeSeconds.labels(replica.model, replica.backend),
      };
      this.#seriesOf.set(replica, series);
    }
    return series;
  }

  /**
   * The replicas to try, the chosen one first, then the others by backend priority; `refused` when the requested
   * backend's replica is unavailable (the others are then tried as a fallback).
   */
  #route(entry: VersionEntry, options: InferOptions): { order: Replica[]; refused?: { backend: string; error: InferoxError } } {
    const live = entry.replicas.filter((r) => r.state === 'live');
    if (live.length === 0) throw new InferoxError(ErrorCode.BACKEND_UNAVAILABLE, `${label(entry)} has no live replica`, { details: { model: entry.name } });
    const byRank = [...live].sort((a, b) => this.#registry.rank(a.backend) - this.#registry.rank(b.backend));
    const requested = options.backend ?? options.metadata?.backend;
    let chosen: Replica | undefined;
    if (requested !== undefined && requested !== 'auto') {
      chosen = byRank.find((r) => r.backend === requested);
      const down = chosen ? undefined : entry.unavailable?.find((u) => u.backend === requested);
      if (down) {
        const error = new InferoxError(ErrorCode.BACKEND_UNAVAILABLE, `the ${requested} replica of ${label(entry)} is unavailable: ${down.error.message}`, {
          cause: down.error,
          details: { backend: requested, model: entry.name },
        });
        return { order: byRank, refused: { backend: requested, error } };
      }
      if (!chosen) {
        if (!this.#registry.has(requested)) throw this.#registry.unknown(requested);
        throw new InferoxError(ErrorCode.BACKEND_UNAVAILABLE, `${label(entry)} has no replica on backend ${JSON.stringify(requested)}; it runs on ${byRank.map((r) => r.backend).join(', ')}`, {
          details: { backend: requested, replicas: byRank.map((r) => r.backend) },
        });
      }
    } else {
      const policy = this.#config.routing;
      const usable = byRank.filter((r) => r.usable);
      if (policy === 'least-loaded') {
        chosen = [...usable].sort((a, b) => a.scheduler.queued + a.scheduler.running - (b.scheduler.queued + b.scheduler.running))[0];
      } else if (typeof policy === 'function' && usable.length > 0) {
        const views = usable.map((r) => ({ backend: r.backend, queued: r.scheduler.queued, running: r.scheduler.running, priority: this.#registry.rank(r.backend) }));
        const pick = policy(views, { model: entry.name, version: entry.version, metadata: options.metadata ?? {} });
        chosen = usable.find((r) => r.backend === pick);
      }
      chosen ??= byRank[0]!;
    }
    return { order: [chosen, ...byRank.filter((r) => r !== chosen)] };
  }

  async inferBatch(name: string, feedsList: readonly TensorMap[], options: InferOptions = {}): Promise<PromiseSettledResult<InferResult>[]> {
    if (!Array.isArray(feedsList)) throw new InferoxError(ErrorCode.INVALID_INPUT, `inferBatch needs an array of feeds, got ${describe(feedsList)}`, { details: { field: 'feedsList' } });
    const split = splitSignal(options.signal, feedsList.length);
    try {
      return await Promise.allSettled(feedsList.map((feeds, i) => this.infer(name, feeds, { ...options, ...(options.signal ? { signal: split.signals[i] } : {}) })));
    } finally {
      split.dispose();
    }
  }

  inferStream(name: string, feedsList: readonly TensorMap[], options: InferOptions = {}): AsyncIterable<StreamItem> {
    if (!Array.isArray(feedsList)) throw new InferoxError(ErrorCode.INVALID_INPUT, `inferStream needs an array of feeds, got ${describe(feedsList)}`, { details: { field: 'feedsList' } });
    return streamResults(feedsList.length, (index, signal) => this.infer(name, feedsList[index]!, { ...options, signal }), options.signal);
  }

  session(nameText: string, defaults: InferOptions = {}): EngineSession {
    if (this.#closing) throw this.#shutDown(`session on ${JSON.stringify(nameText)}`);
    const { name, version } = parseModelName(nameText);
    this.#resolve(name, version);
    this.#sessions += 1;
    return createEngineSession(`session-${this.#sessions}`, nameText, (n, f, o) => this.infer(n, f, o), defaults);
  }

  stats(): EngineStats {
    const replicas = this.#liveReplicas();
    return {
      closed: this.closed,
      models: this.list(),
      backends: this.#registry.statuses(),
      memory: { budgetBytes: this.#config.maxMemoryBytes ?? null, heldBytes: this.#held() },
      requests: {
        succeeded: this.#counts.succeeded,
        failed: { ...this.#counts.failed },
        fallbacks: this.#counts.fallbacks,
        inFlight: replicas.reduce((n, r) => n + r.scheduler.running, 0),
        queued: replicas.reduce((n, r) => n + r.scheduler.queued, 0),
      },
      evictions: this.#counts.evictions,
      batches: { sizes: { ...this.#counts.sizes }, alone: { ...this.#counts.alone } },
    };
  }

  // ---------------------------------------------------------------- shutdown

  close(options: CloseOptions = {}): Promise<void> {
    this.#closing ??= this.#close(options);
    return this.#closing;
  }

  async #close(options: CloseOptions): Promise<void> {
    const drain = options.drain ?? true;
    const timeoutMs = options.timeoutMs ?? this.#config.closeTimeoutMs;
    this.#logger.info('engine closing', { drain, timeoutMs });
    const started = performance.now();
    // `stop` aborts when the time is up or the caller's signal aborts: the drain ends there.
    const stop = new AbortController();
    const end = (): void => stop.abort();
    const deadline = setTimeout(end, timeoutMs);
    options.signal?.addEventListener('abort', end, { once: true });
    if (options.signal?.aborted) end();
    const stopped = new Promise<void>((resolve) => (stop.signal.aborted ? resolve() : stop.signal.addEventListener('abort', () => resolve(), { once: true })));
    try {
      const loads = [...this.#models.values()].flatMap((versions) => [...versions.values()]).flatMap((e) => (e.loading ? [e.loading] : []));
      if (drain && loads.length > 0) {
        // Requests waiting for a lazy model count as queued: let the load finish (within the time) so they can run.
        await Promise.race([Promise.allSettled(loads), stopped]);
        await new Promise((resolve) => setImmediate(resolve));
      }
      this.#lifetime.abort(new InferoxError(ErrorCode.SHUT_DOWN, 'the engine is closing'));
      this.#shut = true;
      const entries = [...this.#models.values()].flatMap((versions) => [...versions.values()]);
      this.#models.clear();
      const remaining = Math.max(0, timeoutMs - (performance.now() - started));
      // Replicas already draining (swapped, unloaded, evicted) get the same time as the rest, then are hurried.
      const current = new Set(entries.flatMap((e) => e.replicas));
      const hurry = (): void => {
        for (const r of this.#replicas) if (drain || !current.has(r)) r.hurry();
      };
      if (!drain || stop.signal.aborted) hurry();
      else stop.signal.addEventListener('abort', hurry, { once: true });
      await Promise.all(entries.map((e) => this.#retireEntry(e, { drain, timeoutMs: remaining })));
      // Loads still running (a backend that does not heed the signal) are waited for only until the drain ends.
      while (!stop.signal.aborted && this.#background.size > 0) await Promise.race([Promise.all([...this.#background]), stopped]);
    } finally {
      clearTimeout(deadline);
      options.signal?.removeEventListener('abort', end);
    }
    await this.#registry.dispose();
    this.#logger.info('engine closed');
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/**
 * Creates an engine over the given backends.
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
export function createEngine(options: EngineOptions): Engine {
  return new EngineImpl(options);
}

