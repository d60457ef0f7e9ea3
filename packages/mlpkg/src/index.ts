/**
 * @packageDocumentation
 * A verified model package format (format version 1) that serves several backends: {@link pack} a Hugging Face
 * checkpoint, {@link verify} it, {@link open} it for serialisable load specs, {@link loadIntoEngine} on the
 * backends chosen at load time. Depends on `@inferox/core` and `@inferox/hub-cache`.
 */
export { MLPKG_FORMAT_VERSION } from './format-version';
export { ARCHITECTURE_FAMILIES, architectureFamilyOf } from './architecture-family';
export type { ArchitectureFamily } from './architecture-family';
export { packageFileSchema, packageMetadataSchema } from './package-metadata';
export type { PackageFile, PackageMetadata } from './package-metadata';
export { backendEntrySchema, backendVariantSchema, packageModelInfoSchema } from './model-info';
export type { BackendEntry, BackendVariant, PackageModelInfo } from './model-info';
export type { BackendLoadSpecs, LoadSpec } from './load-spec';
export { pack } from './pack';
export type { PackOptions, PackProgress } from './pack';
export { verify } from './verify';
export type { VerifiedPackage } from './verify';
export { open } from './open-package';
export type { OpenOptions, OpenedPackage } from './open-package';
export { selectLoadSpec } from './select-load-spec';
export { loadIntoEngine } from './load-into-engine';
export type { BackendChoice, EngineLoader, EngineReplicaSpec, LoadIntoEngineOptions } from './load-into-engine';
export { PACK_FROM_HUB_FILES, packFromHub } from './pack-from-hub';
export type { PackFromHubOptions } from './pack-from-hub';
