import {
  type BackendFactorySpec,
  type Device,
  ErrorCode,
  InferoxError,
  type LoadModelOptions,
  type Logger,
  type ModelSignature,
  type ModelSource,
  type Tensor,
  type TensorMap,
  noopLogger,
  throwIfAborted,
} from '@inferox/core';
import { describeSource } from './internal/describe-source';
import { ModelWorker, type ModelWorkerRunOptions } from './internal/model-worker';
import type { LoadedModelInfo } from './internal/protocol';
import type { StopSource } from './internal/run-monitor';
import { type WorkerEntry, resolveWorkerEntry } from './internal/worker-entry';

/**
 * What a worker thread loads, all structured-cloneable: the backend to create there (module, factory, options),
 * the model source and the load options.
 */
export interface WorkerModelSpec {
  /** What the backend's `factorySpec` says: the module the worker imports (a file URL the backend computed), the factory, the options. */
  readonly backend: BackendFactorySpec;
  readonly source: ModelSource;
  readonly options?: LoadModelOptions;
}

/** Options of {@link createWorkerInstance}. */
export interface WorkerInstanceOptions {
  /**
   * A run unanswered this many ms after the worker started it is a hang: it is answered with `TIMEOUT` (the worker's
   * other runs with `BACKEND_ERROR`) and the worker replaced; the old one is terminated at once only when the backend
   * is `interruptible`, else it is let finish its run and exit (terminating it under a native run aborts the
   * process). The time counts from when the worker thread picks the run up, not from when it was sent, so runs
   * queued behind other runs on a busy worker are not cut short by their wait (a run sent to a worker with nothing in
   * flight is picked up at once: it counts from its sending).
   * @defaultValue no limit
   */
  readonly runTimeoutMs?: number;
  /** Receives crash, hang and replacement events. @defaultValue `noopLogger` */
  readonly logger?: Logger;
  /** Aborts the initial load (the worker is terminated). */
  readonly signal?: AbortSignal;
}

/** Options of {@link WorkerInstance.run}. */
export interface WorkerRunContext {
  /**
   * Aborting before the run is sent rejects at once with `CANCELLED`; aborting while the worker runs it forwards
   * the cancellation, and the promise settles when the worker answers (with `CANCELLED`, outputs discarded), so
   * the caller knows when the worker is free.
   */
  readonly signal?: AbortSignal;
  /**
   * Instead of `signal`: a stop source (the scheduler's run context) read only once the run has been in the worker
   * for a while, so a short run costs no AbortController; its abort is forwarded to the worker within
   * 20 ms (`STOP_POLL_MS`). It must not have fired when the run is sent.
   */
  readonly stop?: StopSource;
  /** The caller validated the feeds against this model's signature just now: the worker does not check them again. */
  readonly validated?: boolean;
  /**
   * Move the feeds' buffers to the worker instead of copying them. The feeds are then disposed: only pass feeds
   * you own and no longer need (a batch you concatenated, for instance). @defaultValue false (feeds are copied)
   */
  readonly transferFeeds?: boolean;
}

/** A model loaded in a worker thread, so inference never blocks the main event loop. */
export interface WorkerInstance extends AsyncDisposable {
  readonly signature: ModelSignature;
  readonly metadata: Readonly<Record<string, string>>;
  readonly memoryBytes: number;
  readonly device: Device;
  /** Whether the model's handle in the worker is `batchable` (see `ModelHandle.batchable`). */
  readonly batchable: boolean;
  /** How many times the worker was replaced (after a crash, an exit or a hang). */
  readonly restarts: number;
  /** Whether `dispose()` was called. */
  readonly disposed: boolean;

  /**
   * Runs the model in the worker (same shape as the scheduler's Executor). Outputs are moved from the worker, not
   * copied. While a replacement worker loads, the run waits for it.
   *
   * @returns new tensors owned by the caller.
   * @throws InferoxError with the worker's code and message (`INVALID_INPUT`, `BACKEND_ERROR`, ...); `BACKEND_ERROR`
   * with the cause when the worker crashes or hangs during the run or a replacement fails to load; `CANCELLED`;
   * `DISPOSED` after (or during) `dispose()`.
   */
  run(feeds: TensorMap, context?: WorkerRunContext): Promise<Record<string, Tensor>>;

  /** Fails in-flight runs with `DISPOSED` and terminates the worker; resolves once the thread has exited. Idempotent. */
  dispose(): Promise<void>;
}

class WorkerModelInstance implements WorkerInstance {
  #entry: WorkerEntry;
  #spec: WorkerModelSpec;
  #model: string;
  #runTimeoutMs: number | undefined;
  #logger: Logger;
  #info: LoadedModelInfo;
  #worker: ModelWorker | undefined;
  #restarts = 0;
  #disposing: Promise<void> | undefined;

  constructor(entry: WorkerEntry, spec: WorkerModelSpec, model: string, options: WorkerInstanceOptions, worker: ModelWorker, info: LoadedModelInfo) {
    this.#entry = entry;
    this.#spec = spec;
    this.#model = model;
    this.#runTimeoutMs = options.runTimeoutMs;
    this.#logger = options.logger ?? noopLogger;
    this.#worker = worker;
    this.#info = info;
  }

  get signature(): ModelSignature {
    return this.#info.signature;
  }
  get metadata(): Readonly<Record<string, string>> {
    return this.#info.metadata;
  }
  get memoryBytes(): number {
    return this.#info.memoryBytes;
  }
  get device(): Device {
    return this.#info.device;
  }
  get batchable(): boolean {
    return this.#info.batchable;
  }
  get restarts(): number {
    return this.#restarts;
  }
  get disposed(): boolean {
    return this.#disposing !== undefined;
  }

  /** Called by a worker that died on its own: replace it now so the model keeps serving. */
  onDeath(dead: ModelWorker, cause: InferoxError): void {
    if (this.#worker !== dead || this.disposed) return;
    this.#logger.warn('model worker died; replacing it', { model: this.#model, cause: cause.message, restarts: this.#restarts + 1 });
    void dead.close();
    this.#replace();
  }

  #replace(): ModelWorker {
    this.#restarts += 1;
    const worker: ModelWorker = new ModelWorker(this.#entry, this.#spec, this.#model, (cause) => this.onDeath(worker, cause));
    this.#worker = worker;
    worker.ready.then(
      (info) => {
        this.#info = info;
        this.#logger.info('model worker replaced', { model: this.#model, restarts: this.#restarts });
      },
      (error: unknown) => {
        if (this.#worker === worker) this.#worker = undefined;
        if (!this.disposed) this.#logger.error('replacement model worker failed to load', { model: this.#model, cause: (error as Error).message });
      },
    );
    return worker;
  }

  run(feeds: TensorMap, context: WorkerRunContext = {}): Promise<Record<string, Tensor>> {
    try {
      this.#throwIfDisposed();
      throwIfAborted(context.signal, `run of model ${this.#model}`);
    } catch (error) {
      return Promise.reject(error);
    }
    const worker = this.#worker?.alive ? this.#worker : this.#replace();
    // A loaded worker gets the run synchronously, so runs reach it in call order.
    return worker.loaded ? this.#send(worker, feeds, context) : this.#sendWhenLoaded(worker, feeds, context);
  }

  async #sendWhenLoaded(worker: ModelWorker, feeds: TensorMap, context: WorkerRunContext): Promise<Record<string, Tensor>> {
    try {
      await worker.ready;
    } catch (error) {
      this.#throwIfDisposed();
      throw new InferoxError(ErrorCode.BACKEND_ERROR, `the worker for model ${this.#model} could not be replaced: ${(error as Error).message}`, { cause: error });
    }
    this.#throwIfDisposed();
    throwIfAborted(context.signal ?? context.stop?.signal, `run of model ${this.#model}`);
    return this.#send(worker, feeds, context);
  }

  #send(worker: ModelWorker, feeds: TensorMap, context: WorkerRunContext): Promise<Record<string, Tensor>> {
    const options: ModelWorkerRunOptions = {
      signal: context.signal,
      stop: context.stop,
      transferFeeds: context.transferFeeds === true,
      validated: context.validated === true,
      timeoutMs: this.#runTimeoutMs,
    };
    return worker.run(feeds, options);
  }

  dispose(): Promise<void> {
    this.#disposing ??= (async () => {
      const worker = this.#worker;
      this.#worker = undefined;
      await worker?.close();
    })();
    return this.#disposing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }

  #throwIfDisposed(): void {
    if (this.disposed) throw new InferoxError(ErrorCode.DISPOSED, `worker instance of model ${this.#model} was disposed`);
  }
}

function validate(spec: WorkerModelSpec, options: WorkerInstanceOptions): void {
  const backend = spec?.backend;
  for (const key of ['module', 'factory'] as const) {
    if (typeof backend?.[key] !== 'string' || backend[key].length === 0) {
      throw new InferoxError(ErrorCode.INVALID_INPUT, `worker model spec: backend.${key} must be a non-empty string, got ${JSON.stringify(backend?.[key])}`, {
        details: { field: `backend.${key}` },
      });
    }
  }
  try {
    structuredClone([backend.options, spec.source, spec.options]);
  } catch (error) {
    throw new InferoxError(ErrorCode.INVALID_INPUT, `worker model spec for ${JSON.stringify(backend.module)} cannot be sent to a worker: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const timeout = options.runTimeoutMs;
  if (timeout !== undefined && !(typeof timeout === 'number' && timeout > 0 && Number.isFinite(timeout))) {
    throw new InferoxError(ErrorCode.INVALID_INPUT, `runTimeoutMs must be a positive finite number of ms, got ${String(timeout)}`, {
      details: { runTimeoutMs: timeout },
    });
  }
}

/**
 * Starts a worker thread that imports `spec.backend.module`, creates the backend with its factory and loads the
 * model; resolves once the model is loaded. Tensors cross by transfer where possible (outputs always; feeds when
 * the caller passes `transferFeeds`). A worker that crashes or exits fails only its own in-flight runs
 * (`BACKEND_ERROR` with the cause) and is replaced; a run that hangs past `runTimeoutMs` gets `TIMEOUT` and its worker
 * is replaced too; later runs go to the replacement.
 *
 * @example
 * ```ts
 * const instance = await createWorkerInstance({
 *   backend: createOnnxBackend().factorySpec,
 *   source: 'fixtures/tiny-bert-hf/model.onnx',
 * }, { runTimeoutMs: 30_000 });
 * const outputs = await instance.run(feeds);
 * await instance.dispose();
 * ```
 * @returns an instance owned by the caller, who must dispose it.
 * @throws InferoxError `INVALID_INPUT` (bad spec or option), the load's own error (`PACKAGE_INVALID`,
 * `BACKEND_UNAVAILABLE` for a module or factory that cannot be found, ...), `BACKEND_ERROR` when the worker dies
 * while loading, `CANCELLED` when `options.signal` aborts.
 */
export async function createWorkerInstance(spec: WorkerModelSpec, options: WorkerInstanceOptions = {}): Promise<WorkerInstance> {
  validate(spec, options);
  const model = describeSource(spec.source, spec.options);
  const { signal } = options;
  throwIfAborted(signal, `loading model ${model} in a worker`);
  const entry = resolveWorkerEntry();
  const load = { backend: spec.backend, source: spec.source, ...(spec.options ? { options: spec.options } : {}) };
  let instance: WorkerModelInstance | undefined;
  const worker: ModelWorker = new ModelWorker(entry, load, model, (cause) => instance?.onDeath(worker, cause));
  const onAbort = (): void => void worker.close();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const info = await worker.ready;
    throwIfAborted(signal, `loading model ${model} in a worker`);
    instance = new WorkerModelInstance(entry, load, model, options, worker, info);
    return instance;
  } catch (error) {
    await worker.close();
    throwIfAborted(signal, `loading model ${model} in a worker`);
    throw error;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}
