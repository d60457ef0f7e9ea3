import { copyFile, lstat, mkdir, readFile, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import type { RepoId } from './normalize-repo';
import { safeSegments } from './safe-path';

/** A full commit sha. */
export const COMMIT_SHA = /^[0-9a-f]{40}$/;

/** `models--org--name`, `datasets--org--name`, `spaces--org--name`. */
export function repoFolderName(repo: RepoId): string {
  return [`${repo.type}s`, ...repo.name.split('/')].join('--');
}

/** The repo's folder in the cache. */
export function storageDir(cacheDir: string, repo: RepoId): string {
  return join(cacheDir, repoFolderName(repo));
}

/** `blobs/<etag>`. */
export function blobFile(storage: string, etag: string): string {
  return join(storage, 'blobs', etag);
}

/** `snapshots/<commit>/<path>`. */
export function snapshotFile(storage: string, commit: string, segments: readonly string[]): string {
  return join(storage, 'snapshots', commit, ...segments);
}

/** `.no_exist/<commit>/<path>`: a marker that the file is absent at that commit. */
export function noExistFile(storage: string, commit: string, segments: readonly string[]): string {
  return join(storage, '.no_exist', commit, ...segments);
}

/** `.locks/<repo folder>/<etag>.lock`, as Python huggingface_hub names it. */
export function lockFile(cacheDir: string, repo: RepoId, etag: string): string {
  return join(cacheDir, '.locks', repoFolderName(repo), `${etag}.lock`);
}

/** Whether `path` exists, following symlinks (a dangling snapshot link counts as missing). */
export async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** The commit `refs/<ref>` points at, if the ref is cached. */
export async function readRef(storage: string, ref: string): Promise<string | undefined> {
  const text = await readFile(join(storage, 'refs', ...safeSegments(ref, 'revision', 'INVALID_INPUT')), 'utf8').catch(() => undefined);
  const commit = text?.trim();
  return commit && COMMIT_SHA.test(commit) ? commit : undefined;
}

/** Writes `refs/<ref>` (no trailing newline, like huggingface_hub) atomically. */
export async function writeRef(storage: string, ref: string, commit: string): Promise<void> {
  const path = join(storage, 'refs', ...safeSegments(ref, 'revision', 'INVALID_INPUT'));
  if ((await readFile(path, 'utf8').catch(() => undefined)) === commit) return;
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  await writeFile(temporary, commit);
  await rename(temporary, path);
}

/** Creates `blobs/`, `snapshots/` and `refs/` (readers such as `@huggingface/hub` expect all three). */
export async function ensureRepoDirs(storage: string): Promise<void> {
  await Promise.all(['blobs', 'snapshots', 'refs'].map((name) => mkdir(join(storage, name), { recursive: true })));
}

/**
 * Points `pointer` at `blob` with a relative symlink (so the cache can move), or copies it where the file system
 * has no symlinks.
 */
export async function linkSnapshotFile(blob: string, pointer: string): Promise<void> {
  await mkdir(dirname(pointer), { recursive: true });
  if (await lstat(pointer).then(() => true, () => false)) await rm(pointer, { force: true });
  try {
    await symlink(relative(dirname(pointer), blob), pointer);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return;
    await copyFile(blob, pointer);
  }
}
