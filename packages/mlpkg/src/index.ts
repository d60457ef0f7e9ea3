/**
 * @packageDocumentation
 * A verified model package format (format version 1) that serves several backends: {@link packModel} a Hugging Face
 * checkpoint, {@link verifyPackage} it, {@link openPackage} it for serialisable load specs, {@link loadIntoEngine} on the
 * backends chosen at load time. Depends on `@inferox/core` and `@inferox/hub-cache`.
 */
export { MLPKG_FORMAT_VERSION } from './format-version';
export { ARCHITECTURE_FAMILIES, architectureFamilyOf } from './architecture-family';
export type { ArchitectureFamily } from './architecture-family';
export { packageFileSchema, packageMetadataSchema } from './package-metadata';
export type { PackageFile, PackageMetadata } from './package-metadata';
export { backendEntrySchema, backendVariantSchema, packageModelInfoSchema } from './package-model-info';
export type { BackendEntry, BackendVariant, PackageModelInfo } from './package-model-info';
export type { BackendLoadSpecs, LoadSpec } from './load-spec';
export { packModel } from './pack-model';
export type { PackOptions, PackProgress } from './pack-model';
export type { ExternalLinks } from './internal/source-links';
export { verifyPackage } from './verify-package';
export type { VerifiedPackage } from './verify-package';
export { openPackage } from './open-package';
export type { OpenOptions, OpenedPackage } from './open-package';
export { selectLoadSpec } from './select-load-spec';
export { loadIntoEngine } from './load-into-engine';
export type { BackendChoice, EngineLoader, EngineReplicaSpec, LoadIntoEngineOptions } from './load-into-engine';
export { PACK_FROM_HUB_FILES, packFromHub } from './pack-from-hub';
export type { PackFromHubOptions } from './pack-from-hub';
