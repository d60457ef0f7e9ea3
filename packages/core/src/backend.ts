import type { Device } from './device';
import type { ModelHandle } from './model-handle';

/**
 * What to load. A path may be a model file (`model.onnx`), a folder (a Hugging Face checkpoint with `config.json`, a
 * TF.js folder with `model.json`) or a TF.js `model.json` file; bytes hold a model file's contents. Everything here
 * is structured-cloneable so a worker thread can load the same source.
 */
export type ModelSource =
  | string
  | { readonly path: string; readonly format?: ModelFormat }
  | { readonly bytes: Uint8Array; readonly format?: ModelFormat; readonly name?: string };

/** Source formats backends understand; a backend detects the format when none is given. */
export type ModelFormat = 'onnx' | 'hf-checkpoint' | 'tfjs-graph' | 'tfjs-layers' | (string & {});

/**
 * Options every backend's `loadModel` takes. A backend with options of its own declares them in an interface that
 * extends this one (`OnnxLoadModelOptions`) and is a `Backend<ThatInterface>`; no other key is accepted: a mistyped
 * option is a compile error, and for JavaScript callers an `INVALID_INPUT` naming it (see
 * {@link checkLoadModelOptions}).
 */
export interface LoadModelOptions {
  /** The name the handle reports (default: derived from the source). */
  readonly name?: string;
  /** A device to place the model on; the backend refuses one it cannot use with `DEVICE_ERROR`. */
  readonly device?: string;
  /**
   * How many CPU threads this copy of the model may compute with, an integer from 1 up. A backend sizes the thread
   * pools it would choose itself within it; thread counts its own options give win. The engine gives each of a
   * model's worker instances its share of the cores (`availableParallelism() / count`, at least 1) unless the spec's
   * `options` say otherwise, so that instances × threads does not exceed the cores. Unset: the backend's own choice.
   */
  readonly cpuThreads?: number;
}

/** Why a candidate (runtime, execution provider) was not used. */
export interface InitAttempt {
  /** The candidate tried (`cuda`, `node-gpu`, `wasm`, ...). */
  readonly candidate: string;
  /** Why it was not used: an InferoxError whose `cause` is the original failure. */
  readonly cause: unknown;
}

/** What a backend reports once initialised. */
export interface BackendInfo {
  readonly name: string;
  /** The active runtime or provider (`cpu`, `cuda`, `wasm`, `node`, ...). */
  readonly runtime: string;
  readonly devices: readonly Device[];
  /** Every earlier candidate that was tried and not used, in order. */
  readonly attempts: readonly InitAttempt[];
  readonly version?: string;
}

/**
 * How to create the same backend elsewhere (a worker thread): the module to import, the factory it exports and
 * structured-cloneable options.
 */
export interface BackendFactorySpec {
  /**
   * The module a worker imports, resolved where the backend package is installed: an absolute `file:` URL of the
   * backend's own entry (computed from its `import.meta.url`), so the engine never resolves a backend by name.
   */
  readonly module: string;
  /** The name of the factory function the module exports (`createOnnxBackend`). */
  readonly factory: string;
  readonly options: unknown;
  /**
   * Whether a worker thread may be terminated while a run of this backend is in progress: true for runtimes made of
   * JavaScript or WebAssembly; false (the default) for native addons such as onnxruntime-node, which abort the whole
   * process when their thread is terminated under a run. The engine never terminates a non-interruptible worker
   * mid-run: it lets it finish and exit. @defaultValue false
   */
  readonly interruptible?: boolean;
}

/** Options with an AbortSignal, taken last by every async public function. */
export interface SignalOptions {
  readonly signal?: AbortSignal;
}

/**
 * A runtime that loads and runs models (onnxruntime-node, TensorFlow.js, ...). Backends have no side effect on
 * import; they are created by a factory and handed to the engine.
 *
 * @typeParam TOptions - what `loadModel` accepts: {@link LoadModelOptions} and the backend's own options, nothing
 * else. `Backend` alone accepts the common options only, and every `Backend<T>` is one.
 */
export interface Backend<TOptions extends LoadModelOptions = LoadModelOptions> extends AsyncDisposable {
  /** Stable name used for routing (`onnx`, `tfjs`). */
  readonly name: string;
  /** How to recreate this backend in a worker thread, when it supports that. */
  readonly factorySpec?: BackendFactorySpec;

  /** Whether the backend can be used here (its runtime is installed and initialises). Never throws. */
  isAvailable(options?: SignalOptions): Promise<boolean>;

  /**
   * Initialises the runtime once; later calls return the same promise (a failure is kept, with its cause).
   *
   * @throws InferoxError `BACKEND_UNAVAILABLE` with every attempt in `details.attempts`.
   */
  init(options?: SignalOptions): Promise<BackendInfo>;

  /** The devices this backend can run on (initialises first). */
  devices(options?: SignalOptions): Promise<readonly Device[]>;

  /**
   * Loads a model.
   *
   * @returns a handle owned by the caller, who must dispose it.
   * @throws InferoxError `PACKAGE_INVALID` (malformed source, naming the file), `INVALID_INPUT` (bad option,
   * naming it; an unknown option, naming it and the known ones), `BACKEND_UNAVAILABLE`, `BACKEND_ERROR`, `CANCELLED`.
   */
  loadModel(source: ModelSource, options?: TOptions, context?: SignalOptions): Promise<ModelHandle>;

  /** Disposes every model this backend loaded and releases the runtime. Idempotent. */
  dispose(): Promise<void>;
}

/**
 * The `loadModel` options of a backend type: `LoadModelOptionsOf<OnnxBackend>` is `OnnxLoadModelOptions`; for a
 * union of backends, the union of their options.
 */
export type LoadModelOptionsOf<B> = B extends Backend<infer O> ? O : never;
