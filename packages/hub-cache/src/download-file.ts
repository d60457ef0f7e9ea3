import { utimes, mkdir, writeFile, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { InferoxError, throwIfAborted } from '@inferox/core';
import type { DownloadFileOptions, DownloadProgress } from './hub-options';
import type { RepoRef } from './repo-ref';
import { resolveCacheDir } from './resolve-cache-dir';
import {
  blobFile,
  COMMIT_SHA,
  ensureRepoDirs,
  exists,
  linkSnapshotFile,
  lockFile,
  noExistFile,
  readRef,
  snapshotFile,
  storageDir,
  writeRef,
} from './internal/cache-layout';
import { downloadBlob } from './internal/download-blob';
import { withFileLock } from './internal/file-lock';
import { hubContext, isOffline, resolveEndpoint, type HubContext } from './internal/hub-context';
import { hubFetch } from './internal/hub-fetch';
import { InFlight } from './internal/in-flight';
import { normalizeRepo, repoLabel, resolvePrefix, type RepoId } from './internal/normalize-repo';
import { withRetries } from './internal/retry';
import { safeSegments } from './internal/safe-path';
import { statusError } from './internal/status-error';

const inFlight = new InFlight<string, DownloadProgress>();
/** What names a blob: a git blob sha1 (files stored in git) or a sha256 (LFS files), lower-case hex. */
const ETAG_HASH = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

/**
 * Downloads one file of a hub repo into the cache (the layout of Python `huggingface_hub`) unless it is there
 * already, and returns the path of its snapshot entry (`snapshots/<commit>/<path>`, a symlink to `blobs/<etag>`).
 *
 * A file cached for a branch is served through `refs/<branch>` without touching the network. Downloads stream to
 * `blobs/<etag>.incomplete`, resume with `Range`, and are checked against size and hash before they are renamed
 * into place. Concurrent calls for one file share one download; other processes wait on a lock under `.locks/`.
 *
 * @param repo - `'org/name'`, `'datasets/org/name'` or `{ type, name }`.
 * @param path - the file's path in the repo, `/`-separated (`onnx/model.onnx`).
 * @param options - revision, token, cache folder, endpoint, retries, timeout, progress, signal.
 * @returns the absolute path of the cached file.
 * @throws InferoxError `INVALID_INPUT` for a repo id, path or revision that would escape the cache; `HUB_ERROR`
 *   for 401/403 (private or gated), 404 (repo, revision or file), a corrupt download, or a file missing offline;
 *   `TIMEOUT` when retries of a timed-out request run out; `CANCELLED` when `signal` aborts.
 * @example
 * ```ts
 * const config = await downloadFile('org/tiny-bert', 'config.json', { revision: 'main' });
 * ```
 */
export async function downloadFile(repo: RepoRef, path: string, options: DownloadFileOptions = {}): Promise<string> {
  const id = normalizeRepo(repo);
  const segments = safeSegments(path, 'file path', 'INVALID_INPUT');
  const revision = options.revision ?? 'main';
  safeSegments(revision, 'revision', 'INVALID_INPUT');
  throwIfAborted(options.signal, `download of ${path}`);
  const key = JSON.stringify([resolveCacheDir(options), id, revision, path, isOffline(options), resolveEndpoint(options), options.token ?? null]);
  return inFlight.run(key, options.signal, options.onProgress, async (signal, progress) => {
    const ctx = await hubContext({ ...options, signal });
    return fetchFile(ctx, id, path, segments, revision, progress);
  });
}

async function touchBlob(pointer: string): Promise<void> {
  // Record the access for LRU pruning (many mounts use relatime, so atime alone is not reliable).
  const info = await stat(pointer).catch(() => undefined);
  if (info) await utimes(pointer, new Date(), info.mtime).catch(() => undefined);
}

async function fetchFile(
  ctx: HubContext,
  id: RepoId,
  path: string,
  segments: readonly string[],
  revision: string,
  progress: (progress: DownloadProgress) => void,
): Promise<string> {
  const storage = storageDir(ctx.cacheDir, id);
  const label = repoLabel(id);
  const knownCommit = COMMIT_SHA.test(revision) ? revision : await readRef(storage, revision);
  if (knownCommit) {
    const pointer = snapshotFile(storage, knownCommit, segments);
    if (await exists(pointer)) {
      await touchBlob(pointer);
      return pointer;
    }
    if (await exists(noExistFile(storage, knownCommit, segments))) {
      throw new InferoxError('HUB_ERROR', `file ${path} was not found in hub repo ${label} at revision ${revision} (cached as absent at commit ${knownCommit})`, {
        details: { repo: label, revision, path, commit: knownCommit },
      });
    }
  }
  if (ctx.offline) {
    throw new InferoxError(
      'HUB_ERROR',
      `offline: file ${path} of hub repo ${label} at revision ${revision} is not in the cache ${ctx.cacheDir}${knownCommit ? ` (revision resolved to ${knownCommit})` : ''}`,
      { details: { repo: label, revision, path, cacheDir: ctx.cacheDir } },
    );
  }

  const encodedPath = segments.map(encodeURIComponent).join('/');
  const url = `${ctx.endpoint}/${resolvePrefix(id)}${id.name}/resolve/${encodeURIComponent(revision)}/${encodedPath}`;
  const status = { repo: label, revision, path, endpoint: ctx.endpoint, tokenSent: ctx.token !== undefined };
  const head = await withRetries(ctx, `HEAD ${url}`, async () => {
    const opened = await hubFetch(ctx, url, { method: 'HEAD', headers: { 'accept-encoding': 'identity' }, redirects: 'same-origin' });
    opened.done();
    return opened;
  });
  const response = head.response;
  const commit = response.headers.get('x-repo-commit') ?? undefined;
  if (response.status >= 400) {
    if (response.status === 404 && response.headers.get('x-error-code') === 'EntryNotFound' && commit && COMMIT_SHA.test(commit)) {
      const marker = noExistFile(storage, commit, segments);
      await mkdir(dirname(marker), { recursive: true });
      await writeFile(marker, '');
      if (revision !== commit) await writeRef(storage, revision, commit);
    }
    throw statusError(response, { ...status, url: head.url });
  }
  const etag = (response.headers.get('x-linked-etag') ?? response.headers.get('etag') ?? '').replace(/^W\//, '').replace(/"/g, '');
  // A redirect's own Content-Length is the length of the redirect body, not of the file.
  const sizeText = response.headers.get('x-linked-size') ?? (response.status < 300 ? response.headers.get('content-length') : null);
  const size = sizeText === null ? undefined : Number(sizeText);
  if (!commit || !COMMIT_SHA.test(commit) || !ETAG_HASH.test(etag) || (size !== undefined && (!Number.isSafeInteger(size) || size < 0))) {
    throw new InferoxError(
      'HUB_ERROR',
      `hub answer for ${path} of ${label} lacks a valid X-Repo-Commit (${JSON.stringify(String(commit).slice(0, 80))}), ETag (${JSON.stringify(etag.slice(0, 80))}: a git sha1 or sha256 is expected) or size (${JSON.stringify(String(sizeText).slice(0, 40))})`,
      { details: { ...status, commit: commit?.slice(0, 80), etag: etag.slice(0, 80) } },
    );
  }
  if (size !== undefined && size > ctx.maxDownloadBytes) {
    throw new InferoxError('HUB_ERROR', `file ${path} of ${label} is announced as ${size} bytes, over the limit of ${ctx.maxDownloadBytes} (maxDownloadBytes)`, {
      details: { ...status, size, limit: 'maxDownloadBytes', max: ctx.maxDownloadBytes },
    });
  }
  const location = response.headers.get('location');
  const downloadUrl = response.status >= 300 && location ? new URL(location, head.url).href : head.url;

  await ensureRepoDirs(storage);
  if (revision !== commit) await writeRef(storage, revision, commit);
  const pointer = snapshotFile(storage, commit, segments);
  if (await exists(pointer)) return pointer;
  const blob = blobFile(storage, etag);
  if (!(await exists(blob))) {
    await withFileLock(lockFile(ctx.cacheDir, id, etag), { signal: ctx.signal, logger: ctx.logger }, async () => {
      if (await exists(blob)) return;
      await downloadBlob(ctx, {
        url: downloadUrl,
        blobPath: blob,
        etag,
        size,
        status,
        onProgress: (downloadedBytes, totalBytes) => progress({ path, downloadedBytes, totalBytes }),
      });
    });
  }
  await linkSnapshotFile(blob, pointer);
  return pointer;
}
