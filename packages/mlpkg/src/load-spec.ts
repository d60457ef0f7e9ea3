import type { LoadModelOptions, ModelFormat } from '@inferox/core';

/**
 * How to load a package on one backend: structured-cloneable, so it can cross a worker boundary or be written to a
 * file. `source` is a core `ModelSource` (`{ path, format }`) with an absolute path; `backend.loadModel(source,
 * options)` or an engine replica `{ backend, source, options }` takes it as is.
 */
export interface LoadSpec {
  /** The backend's name (`onnx`, `tfjs`). */
  readonly backend: string;
  /** Which variant of the package this is (`graph`: a serialized graph; `weights`: built from weights/). */
  readonly variant: string;
  readonly source: { readonly path: string; readonly format: ModelFormat };
  /** Load options for the backend (the model's name). */
  readonly options: LoadModelOptions;
}

/** A backend's load specs: the default one and every variant by name. */
export interface BackendLoadSpecs {
  readonly default: LoadSpec;
  readonly variants: Readonly<Record<string, LoadSpec>>;
}
