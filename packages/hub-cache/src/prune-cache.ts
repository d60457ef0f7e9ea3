import { InferoxError, throwIfAborted } from '@inferox/core';
import type { CachedRepo } from './cached-repo';
import { scanCache } from './scan-cache';
import { removeRevisions } from './internal/remove-revisions';

/** Options of {@link pruneCache}. */
export interface PruneCacheOptions {
  /** The size the cache must shrink to (bytes of blobs). */
  readonly maxBytes: number;
  /** @defaultValue {@link resolveCacheDir}() */
  readonly cacheDir?: string;
  readonly signal?: AbortSignal;
}

/** What {@link pruneCache} did. */
export interface PruneResult {
  readonly sizeBefore: number;
  readonly sizeAfter: number;
  readonly freedBytes: number;
  /** Evicted revisions, least recently used first. */
  readonly evicted: readonly { readonly type: CachedRepo['type']; readonly name: string; readonly commit: string }[];
}

/** Bytes of the distinct blobs used by the revisions of `repo` not in `evicting`. */
function keptSize(repo: CachedRepo, evicting: ReadonlySet<string> | undefined): number {
  const blobs = new Map<string, number>();
  for (const revision of repo.revisions) {
    if (evicting?.has(revision.commit)) continue;
    for (const file of revision.files) blobs.set(file.blobPath, file.size);
  }
  return [...blobs.values()].reduce((sum, size) => sum + size, 0);
}

/**
 * Shrinks the cache to at most `maxBytes` by evicting whole revisions, least recently used first (by the latest
 * access of their blobs). A blob still used by a kept revision is never deleted.
 *
 * @param options - `maxBytes`, `cacheDir`, `signal`.
 * @returns sizes before and after, and the evicted revisions.
 * @throws InferoxError `INVALID_INPUT` for a negative or non-finite `maxBytes`; `CANCELLED`.
 * @example
 * ```ts
 * await pruneCache({ maxBytes: 10 * 2 ** 30 });
 * ```
 */
export async function pruneCache(options: PruneCacheOptions): Promise<PruneResult> {
  if (!Number.isFinite(options.maxBytes) || options.maxBytes < 0) {
    throw new InferoxError('INVALID_INPUT', `maxBytes ${options.maxBytes} is not a non-negative number of bytes`, { details: { maxBytes: options.maxBytes } });
  }
  const scan = await scanCache(options.cacheDir, options);
  const candidates = scan.repos
    .flatMap((repo) => repo.revisions.map((revision) => ({ repo, revision })))
    .sort((a, b) => a.revision.lastAccessed.getTime() - b.revision.lastAccessed.getTime());
  const evicting = new Map<CachedRepo, Set<string>>();
  const evicted: { type: CachedRepo['type']; name: string; commit: string }[] = [];
  let size = scan.size;
  for (const { repo, revision } of candidates) {
    if (size <= options.maxBytes) break;
    const set = evicting.get(repo) ?? new Set<string>();
    evicting.set(repo, set);
    set.add(revision.commit);
    size = scan.repos.reduce((sum, r) => sum + keptSize(r, evicting.get(r)), 0);
    evicted.push({ type: repo.type, name: repo.name, commit: revision.commit });
  }
  let freed = 0;
  for (const [repo, commits] of evicting) {
    throwIfAborted(options.signal, 'cache prune');
    freed += await removeRevisions(repo, commits);
  }
  return { sizeBefore: scan.size, sizeAfter: scan.size - freed, freedBytes: freed, evicted };
}
