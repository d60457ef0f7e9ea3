import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { throwIfAborted } from '@inferox/core';
import type { CacheOptions } from './hub-options';
import type { RepoRef } from './repo-ref';
import { resolveCacheDir } from './resolve-cache-dir';
import { storageDir } from './internal/cache-layout';
import { etagKind, hashFile } from './internal/hash-file';
import { normalizeRepo } from './internal/normalize-repo';
import { scanRepo } from './internal/scan-repo';

/** A blob whose content no longer matches its name. */
export interface CorruptBlob {
  readonly blobPath: string;
  /** The etag (sha256 or git sha1) the blob is named by. */
  readonly expected: string;
  readonly actual: string;
  /** Snapshot entries (`/`-separated repo paths, prefixed by their commit) that use it. */
  readonly usedBy: readonly string[];
}

/** What {@link verifyCache} returns. */
export interface VerifyResult {
  /** Blobs re-hashed. */
  readonly checked: number;
  /** Blobs whose name is not a known hash (xet or other etags), checked for nothing. */
  readonly skipped: number;
  readonly corrupt: readonly CorruptBlob[];
}

/**
 * Re-hashes every blob of a cached repo (sha256 for LFS blobs, git sha1 for others) and reports the corrupt ones.
 * It changes nothing: delete the revision (or the blob) and download again to repair.
 *
 * @param repo - `'org/name'`, `'datasets/org/name'` or `{ type, name }`.
 * @param options - `cacheDir`, `signal`.
 * @returns counts and the corrupt blobs with the snapshot entries using them.
 * @throws InferoxError `INVALID_INPUT` for a bad repo id; `CANCELLED`.
 */
export async function verifyCache(repo: RepoRef, options: CacheOptions = {}): Promise<VerifyResult> {
  const storage = storageDir(resolveCacheDir(options), normalizeRepo(repo));
  const scanned = await scanRepo(storage, []);
  const names = await readdir(join(storage, 'blobs')).catch(() => []);
  let checked = 0;
  let skipped = 0;
  const corrupt: CorruptBlob[] = [];
  for (const name of names.sort()) {
    throwIfAborted(options.signal, 'cache verify');
    if (name.endsWith('.incomplete')) continue;
    const kind = etagKind(name);
    const blobPath = join(storage, 'blobs', name);
    // A FIFO would block the read forever and a link would hash something outside the cache: only regular files
    // are hashed.
    if (!(await lstat(blobPath).then((s) => s.isFile(), () => false))) {
      corrupt.push({ blobPath, expected: name, actual: '(not a regular file)', usedBy: [] });
      continue;
    }
    const actual = await hashFile(blobPath, kind, options.signal);
    if (actual === undefined) {
      skipped += 1;
      continue;
    }
    checked += 1;
    if (actual === name) continue;
    const usedBy = (scanned?.revisions ?? []).flatMap((r) => r.files.filter((f) => f.blobPath === blobPath).map((f) => `${r.commit}/${f.path}`));
    corrupt.push({ blobPath, expected: name, actual, usedBy });
  }
  return { checked, skipped, corrupt };
}
