/**
 * @packageDocumentation
 * Hugging Face hub downloads into a cache with the layout of Python `huggingface_hub`, so caches are shared both
 * ways: {@link downloadFile}, {@link snapshotDownload}, {@link repoInfo}, {@link listFiles}, and cache management
 * ({@link scanCache}, {@link deleteRevision}, {@link pruneCache}, {@link verifyCache}). Depends on `@inferox/core`.
 */
export { downloadFile } from './download-file';
export { resolveCacheDir } from './resolve-cache-dir';
export type { RepoRef, RepoType } from './repo-ref';
export type { CacheOptions, DownloadFileOptions, DownloadProgress, HubOptions } from './hub-options';
