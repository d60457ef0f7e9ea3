import type { SignalOptions } from '@inferox/core';
import { guardAbort } from './internal/guard-abort';
import { readPackage } from './internal/read-package';
import type { PackageModelInfo } from './package-model-info';
import type { PackageMetadata } from './package-metadata';

/** A package that passed {@link verifyPackage}. */
export interface VerifiedPackage {
  /** The package folder, resolved (real path). */
  readonly dir: string;
  readonly metadata: PackageMetadata;
  readonly modelInfo: PackageModelInfo;
}

/**
 * Verifies a package folder: both manifests are valid JSON under the size limit and match the format-1 schema,
 * every path follows the path rules, every listed file exists inside the package with its size and sha256, no
 * file is unlisted, and no symbolic link leaves the package.
 *
 * @param dir - the package folder.
 * @returns the validated manifests.
 * @throws InferoxError `PACKAGE_INVALID` whose message names every bad path (`details.problems`:
 * `{ path, problem }[]`), including a format version newer than this library reads; `CANCELLED` on abort.
 * @example
 * ```ts
 * const { metadata } = await verifyPackage('./packages/tiny-bert');
 * ```
 */
export async function verifyPackage(dir: string, options: SignalOptions = {}): Promise<VerifiedPackage> {
  const { signal } = options;
  const read = await guardAbort(() => readPackage(dir, true, signal), signal, `verify ${dir}`, 'PACKAGE_INVALID');
  return { dir: read.root, metadata: read.metadata, modelInfo: read.modelInfo };
}
