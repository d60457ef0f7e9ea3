import { realpath, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { CachedRepo } from '../cached-repo';

/**
 * Removes the given revisions of a scanned repo: their snapshot folders, the refs pointing at them, their
 * `.no_exist` markers and every blob no kept revision uses; the repo folder goes when no revision is left.
 *
 * @returns bytes freed (blob sizes).
 */
export async function removeRevisions(repo: CachedRepo, commits: ReadonlySet<string>): Promise<number> {
  const kept = repo.revisions.filter((r) => !commits.has(r.commit));
  const keptBlobs = new Set(kept.flatMap((r) => r.files.map((f) => f.blobPath)));
  // Only files under this repo's own blobs/ folder are ever deleted: a snapshot entry linking elsewhere (outside the
  // cache, or into another repo) loses its link with its snapshot folder, never its target.
  const blobsRoot = await realpath(join(repo.path, 'blobs')).catch(() => undefined);
  const doomed = new Map<string, number>();
  for (const revision of repo.revisions) {
    if (!commits.has(revision.commit)) continue;
    for (const file of revision.files) {
      if (!keptBlobs.has(file.blobPath) && blobsRoot !== undefined && dirname(file.blobPath) === blobsRoot) doomed.set(file.blobPath, file.size);
    }
  }
  let freed = 0;
  for (const [blob, size] of doomed) {
    if (await stat(blob).then(() => true, () => false)) freed += size;
  }
  if (kept.length === 0) {
    await rm(repo.path, { recursive: true, force: true });
    return freed;
  }
  for (const revision of repo.revisions) {
    if (!commits.has(revision.commit)) continue;
    await rm(revision.path, { recursive: true, force: true });
    await rm(join(repo.path, '.no_exist', revision.commit), { recursive: true, force: true });
    for (const ref of revision.refs) await rm(join(repo.path, 'refs', ...ref.split('/')), { force: true });
  }
  for (const blob of doomed.keys()) await rm(blob, { force: true });
  return freed;
}
