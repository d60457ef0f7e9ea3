import { join } from 'node:path';
import type { SignalOptions } from '@inferox/core';
import { guardAbort } from './internal/guard-abort';
import { readPackage } from './internal/read-package';
import type { BackendLoadSpecs, LoadSpec } from './load-spec';
import type { PackageModelInfo } from './package-model-info';
import type { PackageMetadata } from './package-metadata';

/** Options for {@link openPackage}. */
export interface OpenOptions extends SignalOptions {
  /**
   * Hash every file and refuse unlisted files first (as {@link verifyPackage}). When false, manifests, paths, presence
   * and sizes are still checked. @defaultValue true
   */
  readonly verify?: boolean;
}

/** An opened package: its typed manifests and, per backend, serialisable load specs. */
export interface OpenedPackage {
  /** The package folder (real path). */
  readonly dir: string;
  readonly metadata: PackageMetadata;
  readonly modelInfo: PackageModelInfo;
  /** Whether every file was hashed and checked on open. */
  readonly verified: boolean;
  /** Load specs by backend name, for each backend in `modelInfo.supported_backends`. */
  readonly backends: Readonly<Record<string, BackendLoadSpecs>>;
}

/**
 * Opens a package: validates it (fully with `verify`, the default) and builds a load spec for every variant of
 * every supported backend. Nothing is loaded; pick a backend at load time.
 *
 * @param dir - the package folder.
 * @throws InferoxError `PACKAGE_INVALID` naming every bad path; `CANCELLED` on abort.
 * @example
 * ```ts
 * const pkg = await openPackage('./tiny-bert.mlpkg');
 * const handle = await onnx.loadModel(pkg.backends.onnx.variants.weights.source);
 * ```
 */
export async function openPackage(dir: string, options: OpenOptions = {}): Promise<OpenedPackage> {
  const { signal, verify = true } = options;
  const read = await guardAbort(() => readPackage(dir, verify, signal), signal, `open ${dir}`, 'PACKAGE_INVALID');
  const backends: Record<string, BackendLoadSpecs> = {};
  for (const backend of read.modelInfo.supported_backends) {
    const entry = read.modelInfo.backends[backend]!;
    const variants: Record<string, LoadSpec> = {};
    for (const variant of entry.variants) {
      variants[variant.name] = {
        backend,
        variant: variant.name,
        source: { path: join(read.root, ...variant.path.split('/')), format: variant.format },
        options: { name: read.metadata.name },
      };
    }
    backends[backend] = { default: variants[entry.default_variant]!, variants };
  }
  return { dir: read.root, metadata: read.metadata, modelInfo: read.modelInfo, verified: verify, backends };
}
