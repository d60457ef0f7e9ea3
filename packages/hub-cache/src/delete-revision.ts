import { InferoxError, throwIfAborted } from '@inferox/core';
import type { CacheOptions } from './hub-options';
import type { RepoRef } from './repo-ref';
import { resolveCacheDir } from './resolve-cache-dir';
import { COMMIT_SHA, readRef, storageDir } from './internal/cache-layout';
import { normalizeRepo, repoLabel } from './internal/normalize-repo';
import { removeRevisions } from './internal/remove-revisions';
import { scanRepo } from './internal/scan-repo';

/**
 * Deletes one cached revision of a repo: its snapshot, the refs pointing at it, and the blobs no other cached
 * revision uses (shared blobs stay). The repo folder goes with its last revision.
 *
 * @param repo - `'org/name'`, `'datasets/org/name'` or `{ type, name }`.
 * @param revision - a commit sha or a cached ref (`main`).
 * @param options - `cacheDir`, `signal`.
 * @returns the bytes freed.
 * @throws InferoxError `HUB_ERROR` when the revision is not cached; `INVALID_INPUT`; `CANCELLED`.
 */
export async function deleteRevision(repo: RepoRef, revision: string, options: CacheOptions = {}): Promise<{ freedBytes: number }> {
  const id = normalizeRepo(repo);
  const storage = storageDir(resolveCacheDir(options), id);
  throwIfAborted(options.signal, 'delete revision');
  const commit = COMMIT_SHA.test(revision) ? revision : await readRef(storage, revision);
  const scanned = await scanRepo(storage, []);
  if (!commit || !scanned?.revisions.some((r) => r.commit === commit)) {
    throw new InferoxError('HUB_ERROR', `revision ${revision} of hub repo ${repoLabel(id)} is not in the cache ${storage}`, {
      details: { repo: repoLabel(id), revision, storage },
    });
  }
  return { freedBytes: await removeRevisions(scanned, new Set([commit])) };
}
