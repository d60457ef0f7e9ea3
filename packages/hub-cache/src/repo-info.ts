import { InferoxError } from '@inferox/core';
import type { HubOptions } from './hub-options';
import type { RepoRef, RepoType } from './repo-ref';
import { hubContext } from './internal/hub-context';
import { getHubJson } from './internal/hub-json';
import { normalizeRepo, repoLabel } from './internal/normalize-repo';
import { safeSegments } from './internal/safe-path';

/** What {@link repoInfo} returns. */
export interface RepoInfo {
  /** `org/name`. */
  readonly id: string;
  readonly type: RepoType;
  /** The commit the requested revision resolves to. */
  readonly sha: string;
  readonly private: boolean;
  /** `false`, `'auto'` or `'manual'`. */
  readonly gated: false | string;
  /** Every file path in the repo at that commit. */
  readonly files: readonly string[];
  /** ISO date of the last change, when the hub reports it. */
  readonly lastModified: string | undefined;
}

/**
 * Asks the hub about a repo at a revision (`GET /api/{type}s/{id}/revision/{rev}`).
 *
 * @param repo - `'org/name'`, `'datasets/org/name'` or `{ type, name }`.
 * @param options - revision, token, endpoint, retries, timeout, signal.
 * @returns the commit sha, visibility and file list.
 * @throws InferoxError `HUB_ERROR` for 401/403/404 or a malformed answer, and when `offline`; `CANCELLED`.
 */
export async function repoInfo(repo: RepoRef, options: HubOptions = {}): Promise<RepoInfo> {
  const id = normalizeRepo(repo);
  const revision = options.revision ?? 'main';
  safeSegments(revision, 'revision', 'INVALID_INPUT');
  const ctx = await hubContext(options);
  const label = repoLabel(id);
  if (ctx.offline) throw new InferoxError('HUB_ERROR', `offline: cannot ask the hub about repo ${label}`, { details: { repo: label } });
  const url = `${ctx.endpoint}/api/${id.type}s/${id.name}/revision/${encodeURIComponent(revision)}`;
  const { body } = await getHubJson(ctx, url, { repo: label, revision, endpoint: ctx.endpoint, tokenSent: ctx.token !== undefined });
  const data = body as { sha?: unknown; private?: unknown; gated?: unknown; siblings?: unknown; lastModified?: unknown };
  if (typeof data !== 'object' || data === null || typeof data.sha !== 'string' || !/^[0-9a-f]{40}$/.test(data.sha)) {
    throw new InferoxError('HUB_ERROR', `hub answer for repo ${label} at revision ${revision} has no valid commit sha`, { details: { url } });
  }
  const siblings = Array.isArray(data.siblings) ? (data.siblings as ({ rfilename?: unknown } | null)[]) : [];
  return {
    id: id.name,
    type: id.type,
    sha: data.sha,
    private: data.private === true,
    gated: typeof data.gated === 'string' ? data.gated : false,
    files: siblings.map((s) => (typeof s === 'object' && s !== null ? s.rfilename : undefined)).filter((f): f is string => typeof f === 'string'),
    lastModified: typeof data.lastModified === 'string' ? data.lastModified : undefined,
  };
}
