import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { throwIfAborted } from '@inferox/core';
import type { CachedRepo, CacheScan } from './cached-repo';
import { resolveCacheDir } from './resolve-cache-dir';
import { scanRepo } from './internal/scan-repo';

/**
 * Scans a hub cache (ours or one written by Python `huggingface_hub` / `@huggingface/hub`): repos, revisions, the
 * files of each revision (nested paths included), sizes and last access. A missing cache folder scans as empty.
 *
 * @param cacheDir - the cache folder. @defaultValue {@link resolveCacheDir}()
 * @param options - `signal`.
 * @returns the repos found and warnings for anything that is not a valid cached repo.
 * @throws InferoxError `CANCELLED` when `signal` aborts.
 * @example
 * ```ts
 * const { size, repos } = await scanCache();
 * ```
 */
export async function scanCache(cacheDir?: string, options: { readonly signal?: AbortSignal } = {}): Promise<CacheScan> {
  const root = resolveCacheDir({ cacheDir });
  const warnings: string[] = [];
  const repos: CachedRepo[] = [];
  const folders = await readdir(root, { withFileTypes: true }).catch(() => []);
  for (const folder of folders) {
    throwIfAborted(options.signal, 'cache scan');
    if (!folder.isDirectory() || folder.name.startsWith('.')) continue;
    const repo = await scanRepo(join(root, folder.name), warnings);
    if (repo) repos.push(repo);
  }
  repos.sort((a, b) => (a.path < b.path ? -1 : 1));
  return { cacheDir: root, size: repos.reduce((sum, r) => sum + r.size, 0), repos, warnings };
}
