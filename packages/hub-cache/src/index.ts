/**
 * @packageDocumentation
 * Hugging Face hub downloads into a cache with the layout of Python `huggingface_hub`, so caches are shared both
 * ways: {@link downloadFile}, {@link snapshotDownload}, {@link repoInfo}, {@link listFiles}, and cache management
 * ({@link scanCache}, {@link deleteRevision}, {@link pruneCache}, {@link verifyCache}). Depends on `@inferox/core`.
 */
export { downloadFile } from './download-file';
export { snapshotDownload } from './snapshot-download';
export type { SnapshotDownloadOptions } from './snapshot-download';
export { repoInfo } from './repo-info';
export type { RepoInfo } from './repo-info';
export { listFiles } from './list-files';
export type { ListFilesOptions, RepoFileEntry } from './list-files';
export { resolveCacheDir } from './resolve-cache-dir';
export { scanCache } from './scan-cache';
export type { CachedFile, CachedRepo, CachedRevision, CacheScan } from './cached-repo';
export { deleteRevision } from './delete-revision';
export { pruneCache } from './prune-cache';
export type { PruneCacheOptions, PruneResult } from './prune-cache';
export { verifyCache } from './verify-cache';
export type { CorruptBlob, VerifyResult } from './verify-cache';
export type { RepoRef, RepoType } from './repo-ref';
export { HUB_LIMITS } from './hub-options';
export type { CacheOptions, DownloadFileOptions, DownloadProgress, HubOptions } from './hub-options';
