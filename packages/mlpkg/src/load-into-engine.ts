import type { LoadModelOptions, ModelSource, SignalOptions } from '@inferox/core';
import { openPackage } from './open-package';
import { selectLoadSpec } from './select-load-spec';

/** One replica as the engine's `load(name, { replicas })` takes it. */
export interface EngineReplicaSpec {
  readonly backend: string;
  readonly source: ModelSource;
  readonly options: LoadModelOptions;
}

/**
 * What {@link loadIntoEngine} needs of an engine: its `load` method (the `@inferox/engine` Engine has it). Declared
 * structurally so this package does not depend on the engine.
 */
export interface EngineLoader<R = unknown> {
  load(name: string, spec: { readonly replicas: readonly EngineReplicaSpec[] } & Readonly<Record<string, unknown>>, options?: SignalOptions): Promise<R>;
}

/** A backend to place a replica on: its name, or its name with a variant and extra load options. */
export type BackendChoice = string | { readonly backend: string; readonly variant?: string; readonly options?: LoadModelOptions };

/** Options for {@link loadIntoEngine}. */
export interface LoadIntoEngineOptions extends SignalOptions {
  /** The name to register the model under. */
  readonly name: string;
  /** One replica per entry, in preference order. @defaultValue every supported backend, default variant each */
  readonly backends?: readonly BackendChoice[];
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
export async function loadIntoEngine<R>(engine: EngineLoader<R>, dir: string, options: LoadIntoEngineOptions): Promise<R> {
  const { signal } = options;
  const pkg = await openPackage(dir, { verify: options.verify ?? true, ...(signal ? { signal } : {}) });
  const choices = options.backends ?? pkg.modelInfo.supported_backends;
  const replicas = choices.map((choice): EngineReplicaSpec => {
    const { backend, variant, options: extra } = typeof choice === 'string' ? { backend: choice, variant: undefined, options: undefined } : choice;
    const spec = selectLoadSpec(pkg, backend, variant);
    return { backend, source: spec.source, options: { ...spec.options, name: options.name, ...extra } };
  });
  return engine.load(options.name, { ...options.spec, replicas }, signal ? { signal } : undefined);
}
