import { InferoxError } from '@inferox/core';
import { HUB_LIMITS, type HubOptions } from './hub-options';
import type { RepoRef } from './repo-ref';
import { hubContext, limitOption } from './internal/hub-context';
import { getHubJson } from './internal/hub-json';
import { normalizeRepo, repoLabel } from './internal/normalize-repo';
import { safeSegments } from './internal/safe-path';

/** One entry of {@link listFiles}. */
export interface RepoFileEntry {
  readonly type: 'file' | 'directory';
  /** `/`-separated path in the repo. */
  readonly path: string;
  /** Size in bytes (the real size for LFS files; 0 for directories). */
  readonly size: number;
  /** Git object id. */
  readonly oid: string;
  /** For LFS files: the sha256 of the content (the cache's blob name) and its size. */
  readonly lfs?: { readonly sha256: string; readonly size: number };
}

/** Options of {@link listFiles}. */
export interface ListFilesOptions extends HubOptions {
  /** A folder of the repo to list. @defaultValue the root */
  readonly path?: string;
  /** List the whole subtree, not only direct children. @defaultValue `false` */
  readonly recursive?: boolean;
  /** Most tree pages followed (`Link: rel="next"`). @defaultValue `1000` ({@link HUB_LIMITS}) */
  readonly maxPages?: number;
}

/**
 * Lists a repo's tree at a revision (`GET /api/{type}s/{id}/tree/{rev}/{path}`, following pagination). Paths the
 * hub sends that would escape a folder (`..`, absolute, backslashes) are refused.
 *
 * @param repo - `'org/name'`, `'datasets/org/name'` or `{ type, name }`.
 * @param options - revision, folder, recursion, token, endpoint, retries, timeout, signal.
 * @returns files and folders, in the hub's order.
 * @throws InferoxError `HUB_ERROR` for error statuses, unsafe or malformed entries, and when `offline`.
 */
export async function listFiles(repo: RepoRef, options: ListFilesOptions = {}): Promise<RepoFileEntry[]> {
  const id = normalizeRepo(repo);
  const revision = options.revision ?? 'main';
  safeSegments(revision, 'revision', 'INVALID_INPUT');
  const folder = options.path ? safeSegments(options.path, 'folder path', 'INVALID_INPUT').map(encodeURIComponent).join('/') : '';
  const ctx = await hubContext(options);
  const label = repoLabel(id);
  if (ctx.offline) throw new InferoxError('HUB_ERROR', `offline: cannot list the files of repo ${label}`, { details: { repo: label } });
  const status = { repo: label, revision, endpoint: ctx.endpoint, tokenSent: ctx.token !== undefined, ...(options.path ? { path: options.path } : {}) };
  let url: string | undefined =
    `${ctx.endpoint}/api/${id.type}s/${id.name}/tree/${encodeURIComponent(revision)}${folder ? `/${folder}` : ''}?recursive=${options.recursive === true}&expand=false`;
  const maxPages = limitOption('maxPages', options.maxPages, HUB_LIMITS.maxTreePages);
  const entries: RepoFileEntry[] = [];
  const seen = new Set<string>();
  while (url) {
    if (seen.has(url)) {
      throw new InferoxError('HUB_ERROR', `hub tree of repo ${label} links back to a page already read (${url.slice(0, 200)})`, { details: { url } });
    }
    if (seen.size >= maxPages) {
      throw new InferoxError('HUB_ERROR', `hub tree of repo ${label} has more than ${maxPages} pages (maxPages)`, { details: { url, limit: 'maxPages', max: maxPages } });
    }
    seen.add(url);
    const page: { body: unknown; next: string | undefined } = await getHubJson(ctx, url, status);
    if (!Array.isArray(page.body)) throw new InferoxError('HUB_ERROR', `hub tree of repo ${label} is not a list`, { details: { url } });
    for (const item of page.body as unknown[]) {
      const raw = (typeof item === 'object' && item !== null ? item : {}) as Record<string, unknown>;
      const path = raw.path;
      if (typeof path !== 'string' || (raw.type !== 'file' && raw.type !== 'directory')) {
        throw new InferoxError('HUB_ERROR', `hub tree of repo ${label} has a malformed entry ${String(JSON.stringify(item)).slice(0, 200)}`, { details: { url } });
      }
      safeSegments(path, `path sent by the hub for repo ${label}`, 'HUB_ERROR');
      const lfs = raw.lfs as { oid?: unknown; size?: unknown } | undefined;
      entries.push({
        type: raw.type,
        path,
        size: typeof raw.size === 'number' ? raw.size : 0,
        oid: typeof raw.oid === 'string' ? raw.oid : '',
        ...(lfs && typeof lfs.oid === 'string' ? { lfs: { sha256: lfs.oid, size: Number(lfs.size) } } : {}),
      });
    }
    url = page.next;
  }
  return entries;
}
