import type { LoadModelOptions, ModelSource, SignalOptions } from '@inferox/core';
import { openPackage } from './open-package';
import { selectLoadSpec } from './select-load-spec';

/**
 * One replica as the engine's `load(name, { replicas })` takes it.
 *
 * @typeParam TOptions - the load options of the engine's backends.
 */
export interface EngineReplicaSpec<TOptions extends LoadModelOptions = LoadModelOptions> {
  readonly backend: string;
  readonly source: ModelSource;
  /**
   * Always set by {@link loadIntoEngine} (the model name at least); optional as the engine's `ReplicaSpec` has it, so
   * `TOptions` is inferred from an `Engine<T>`.
   */
  readonly options?: TOptions;
}

/**
 * What {@link loadIntoEngine} needs of an engine: its `load` method (the `@inferox/engine` Engine has it). Declared
 * structurally so this package does not depend on the engine.
 *
 * @typeParam TOptions - the load options of the engine's backends (an `Engine<T>` is an `EngineLoader<ModelInfo, T>`).
 */
export interface EngineLoader<R = unknown, TOptions extends LoadModelOptions = LoadModelOptions> {
  load(name: string, spec: { readonly replicas: readonly EngineReplicaSpec<TOptions>[] } & Readonly<Record<string, unknown>>, options?: SignalOptions): Promise<R>;
}

/**
 * A backend to place a replica on: its name, or its name with a variant and extra load options (any option of the
 * engine's backends; one the chosen backend does not know is refused by it with `INVALID_INPUT`).
 */
export type BackendChoice<TOptions extends LoadModelOptions = LoadModelOptions> =
  | string
  | { readonly backend: string; readonly variant?: string; readonly options?: TOptions };

/** Options for {@link loadIntoEngine}. */
export interface LoadIntoEngineOptions<TOptions extends LoadModelOptions = LoadModelOptions> extends SignalOptions {
  /** The name to register the model under. */
  readonly name: string;
  /** One replica per entry, in preference order. @defaultValue every supported backend, default variant each */
  readonly backends?: readonly BackendChoice<TOptions>[];
  /** Verify every file before loading (see `open`). @defaultValue true */
  readonly verify?: boolean;
  /** Further engine model-spec fields (`batching`, `version`, `maxQueueSize`, ...), passed through. */
  readonly spec?: Readonly<Record<string, unknown>>;
}

/**
 * Opens a package and loads it into an engine with one replica per chosen backend: the backend (and variant) is
 * chosen here, at load time, not when packing.
 *
 * @param engine - anything with the engine's `load(name, spec, options)` method.
 * @param dir - the package folder.
 * @returns what `engine.load` returns (the engine's model info).
 * @throws InferoxError `PACKAGE_INVALID` (see `open`), `INVALID_INPUT` (a backend or variant the package does not
 * offer), and whatever `engine.load` throws.
 * @example
 * ```ts
 * await loadIntoEngine(engine, './tiny-bert.mlpkg', { name: 'bert', backends: ['onnx', { backend: 'tfjs' }] });
 * ```
 */
export async function loadIntoEngine<R, TOptions extends LoadModelOptions = LoadModelOptions>(
  engine: EngineLoader<R, TOptions>,
  dir: string,
  options: LoadIntoEngineOptions<NoInfer<TOptions>>,
): Promise<R> {
  const { signal } = options;
  const pkg = await openPackage(dir, { verify: options.verify ?? true, ...(signal ? { signal } : {}) });
  const choices = options.backends ?? pkg.modelInfo.supported_backends;
  const replicas = choices.map((choice): EngineReplicaSpec<TOptions> => {
    const { backend, variant, options: extra } = typeof choice === 'string' ? { backend: choice, variant: undefined, options: undefined } : choice;
    const spec = selectLoadSpec(pkg, backend, variant);
    // The package's own options are common ones (name), which every member of TOptions accepts.
    return { backend, source: spec.source, options: { ...spec.options, name: options.name, ...extra } as TOptions };
  });
  return engine.load(options.name, { ...options.spec, replicas }, signal ? { signal } : undefined);
}
