import type { Dirent } from 'node:fs';
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { basename, join, sep } from 'node:path';
import type { CachedFile, CachedRepo, CachedRevision } from '../cached-repo';
import type { RepoType } from '../repo-ref';

const TYPES: Readonly<Record<string, RepoType>> = { models: 'model', datasets: 'dataset', spaces: 'space' };

async function entries(path: string): Promise<Dirent[]> {
  return readdir(path, { withFileTypes: true }).catch(() => []);
}

async function walk(root: string, prefix: string[], out: string[][]): Promise<void> {
  for (const entry of await entries(join(root, ...prefix))) {
    if (entry.isDirectory()) await walk(root, [...prefix, entry.name], out);
    else out.push([...prefix, entry.name]);
  }
}

/** Parses `models--org--name` into a type and name, or `undefined` for other folders. */
export function parseRepoFolder(folder: string): { type: RepoType; name: string } | undefined {
  const [kind = '', ...parts] = folder.split('--');
  const type = TYPES[kind];
  if (!type || parts.length === 0 || parts.length > 2 || parts.some((p) => p === '')) return undefined;
  return { type, name: parts.join('/') };
}

/** Scans one repo folder; problems are appended to `warnings`. */
export async function scanRepo(repoPath: string, warnings: string[]): Promise<CachedRepo | undefined> {
  const id = parseRepoFolder(basename(repoPath));
  if (!id) {
    warnings.push(`${repoPath} is not a hub cache repo folder`);
    return undefined;
  }
  const refNames: string[][] = [];
  await walk(join(repoPath, 'refs'), [], refNames);
  const refsByCommit = new Map<string, string[]>();
  for (const ref of refNames) {
    const commit = (await readFile(join(repoPath, 'refs', ...ref), 'utf8').catch(() => '')).trim();
    refsByCommit.set(commit, [...(refsByCommit.get(commit) ?? []), ref.join('/')]);
  }
  const repoReal = await realpath(repoPath).catch(() => repoPath);
  const blobs = new Map<string, { size: number; atimeMs: number; mtimeMs: number }>();
  const revisions: CachedRevision[] = [];
  for (const entry of await entries(join(repoPath, 'snapshots'))) {
    if (!entry.isDirectory()) continue;
    const revisionPath = join(repoPath, 'snapshots', entry.name);
    const relPaths: string[][] = [];
    await walk(revisionPath, [], relPaths);
    const files: CachedFile[] = [];
    const used = new Set<string>();
    for (const rel of relPaths) {
      const filePath = join(revisionPath, ...rel);
      const blobPath = await realpath(filePath).catch(() => undefined);
      const info = blobPath ? await stat(blobPath).catch(() => undefined) : undefined;
      if (!blobPath || !info) {
        warnings.push(`${filePath} points at a missing blob`);
        continue;
      }
      if (!blobPath.startsWith(repoReal + sep) || !info.isFile()) {
        warnings.push(`${filePath} points outside its repo folder or at something that is not a file (${blobPath}); ignored`);
        continue;
      }
      blobs.set(blobPath, { size: info.size, atimeMs: info.atimeMs, mtimeMs: info.mtimeMs });
      used.add(blobPath);
      files.push({ path: rel.join('/'), filePath, blobPath, size: info.size, lastAccessed: info.atime, lastModified: info.mtime });
    }
    const own = [...used].map((b) => blobs.get(b) as { size: number; atimeMs: number; mtimeMs: number });
    const folderInfo = await stat(revisionPath);
    revisions.push({
      commit: entry.name,
      refs: refsByCommit.get(entry.name) ?? [],
      path: revisionPath,
      size: own.reduce((sum, b) => sum + b.size, 0),
      files,
      // Blob times only: listing a snapshot folder may itself bump the folder's atime.
      lastAccessed: new Date(own.length > 0 ? Math.max(...own.map((b) => b.atimeMs)) : folderInfo.mtimeMs),
      lastModified: new Date(own.length > 0 ? Math.max(...own.map((b) => b.mtimeMs)) : folderInfo.mtimeMs),
    });
    refsByCommit.delete(entry.name);
  }
  for (const [commit, refs] of refsByCommit) warnings.push(`${repoPath}: refs ${refs.join(', ')} point at ${commit}, which has no snapshot`);
  const all = [...blobs.values()];
  return {
    ...id,
    path: repoPath,
    size: all.reduce((sum, b) => sum + b.size, 0),
    fileCount: blobs.size,
    revisions,
    lastAccessed: new Date(Math.max(0, ...revisions.map((r) => r.lastAccessed.getTime()))),
    lastModified: new Date(Math.max(0, ...revisions.map((r) => r.lastModified.getTime()))),
  };
}
