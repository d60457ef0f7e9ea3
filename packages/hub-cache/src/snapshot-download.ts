import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { InferoxError, isInferoxError, noopLogger, throwIfAborted } from '@inferox/core';
import { downloadFile } from './download-file';
import type { DownloadFileOptions } from './hub-options';
import type { RepoRef } from './repo-ref';
import { repoInfo, type RepoInfo } from './repo-info';
import { resolveCacheDir } from './resolve-cache-dir';
import { COMMIT_SHA, ensureRepoDirs, exists, readRef, storageDir, writeRef } from './internal/cache-layout';
import { selectPath } from './internal/fnmatch';
import { isOffline } from './internal/hub-context';
import { normalizeRepo, repoLabel } from './internal/normalize-repo';
import { safeSegments } from './internal/safe-path';

/** Options of {@link snapshotDownload}. */
export interface SnapshotDownloadOptions extends DownloadFileOptions {
  /** Only files matching one of these patterns (Python `fnmatch`: `*.json`, `onnx/*`, `onnx/`). */
  readonly allow?: readonly string[];
  /** Skip files matching any of these patterns. */
  readonly ignore?: readonly string[];
  /** Files downloaded at once. @defaultValue `8` */
  readonly concurrency?: number;
}

/**
 * Downloads the files of a repo at a revision (filtered by `allow`/`ignore`) into the cache and returns the
 * snapshot folder `snapshots/<commit>`. Offline, or when the hub cannot be reached, it returns the cached snapshot
 * of the revision (a branch resolves through `refs/`). The first file that fails cancels the downloads still
 * running and its error is the one thrown.
 *
 * @param repo - `'org/name'`, `'datasets/org/name'` or `{ type, name }`.
 * @param options - revision, patterns, concurrency and every {@link downloadFile} option.
 * @returns the absolute path of the snapshot folder.
 * @throws InferoxError `HUB_ERROR` for hub errors, unsafe paths sent by the hub, or a snapshot missing offline;
 *   `INVALID_INPUT`; `CANCELLED`.
 * @example
 * ```ts
 * const folder = await snapshotDownload('org/tiny-bert', { allow: ['*.json', '*.safetensors'] });
 * ```
 */
export async function snapshotDownload(repo: RepoRef, options: SnapshotDownloadOptions = {}): Promise<string> {
  const id = normalizeRepo(repo);
  const label = repoLabel(id);
  const revision = options.revision ?? 'main';
  safeSegments(revision, 'revision', 'INVALID_INPUT');
  const storage = storageDir(resolveCacheDir(options), id);
  const cachedFolder = async (): Promise<string | undefined> => {
    const commit = COMMIT_SHA.test(revision) ? revision : await readRef(storage, revision);
    const folder = commit ? join(storage, 'snapshots', commit) : undefined;
    return folder && (await exists(folder)) ? folder : undefined;
  };
  if (isOffline(options)) {
    const folder = await cachedFolder();
    if (folder) return folder;
    throw new InferoxError('HUB_ERROR', `offline: no cached snapshot of hub repo ${label} at revision ${revision} in ${storage}`, {
      details: { repo: label, revision, storage },
    });
  }
  let info: RepoInfo;
  try {
    info = await repoInfo(id, options);
  } catch (error) {
    // Like huggingface_hub: when the hub cannot be reached (no HTTP answer), a cached snapshot of the revision is
    // better than nothing.
    const unreachable = isInferoxError(error) && (error.code === 'TIMEOUT' || (error.code === 'HUB_ERROR' && error.details.status === undefined));
    const folder = unreachable ? await cachedFolder() : undefined;
    if (!folder) throw error;
    (options.logger ?? noopLogger).warn('hub unreachable, using the cached snapshot', { repo: label, revision, folder, reason: (error as Error).message });
    return folder;
  }
  for (const path of info.files) safeSegments(path, `path sent by the hub for repo ${label}`, 'HUB_ERROR');
  await ensureRepoDirs(storage);
  if (revision !== info.sha) await writeRef(storage, revision, info.sha);
  const selected = info.files.filter((path) => selectPath(path, options.allow, options.ignore));
  const queue = [...selected];
  // On the first failure the files still downloading are cancelled through `stop`, so the caller hears of it at
  // once; their CANCELLED errors are not what went wrong, hence only the first failure is kept.
  const stop = new AbortController();
  const signal = AbortSignal.any([options.signal, stop.signal].filter((s): s is AbortSignal => s !== undefined));
  let failed: { readonly error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    for (let path = queue.shift(); path !== undefined; path = queue.shift()) {
      try {
        throwIfAborted(options.signal, `snapshot download of ${label}`);
        await downloadFile(id, path, { ...options, revision: info.sha, signal });
      } catch (error) {
        queue.length = 0;
        if (!failed) {
          failed = { error };
          stop.abort(error);
        }
        return;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency ?? 8, selected.length)) }, worker));
  if (failed) throw failed.error;
  const folder = join(storage, 'snapshots', info.sha);
  await mkdir(folder, { recursive: true });
  return folder;
}
