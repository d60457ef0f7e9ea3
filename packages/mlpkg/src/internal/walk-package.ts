import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { throwIfAborted } from '@inferox/core';
import type { ProblemList } from './problems';

/** One file found in a package folder. */
export interface FoundFile {
  /** Package-relative, `/`-separated. */
  readonly path: string;
  /** The absolute path. */
  readonly absolute: string;
  /** Whether it is a symbolic link (to a regular file inside the package). */
  readonly symlink: boolean;
}

/**
 * Lists every file under `root` (a realpath). Symbolic links are followed only when they resolve to a regular file
 * inside the package; a link leaving the package, a link to a folder and anything that is neither a file nor a
 * folder is reported to `problems` with its path.
 */
export async function walkPackage(root: string, problems: ProblemList, signal?: AbortSignal): Promise<FoundFile[]> {
  const found: FoundFile[] = [];
  const visit = async (dir: string): Promise<void> => {
    throwIfAborted(signal, 'package walk');
    const entries = await readdir(dir, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const absolute = join(dir, entry.name);
      const path = relative(root, absolute).split(sep).join('/');
      if (entry.isDirectory()) {
        await visit(absolute);
      } else if (entry.isFile()) {
        found.push({ path, absolute, symlink: false });
      } else if (entry.isSymbolicLink()) {
        const problem = await symlinkProblem(root, absolute);
        if (problem) problems.add(path, problem);
        else found.push({ path, absolute, symlink: true });
      } else {
        problems.add(path, 'is neither a regular file nor a folder');
      }
    }
  };
  await visit(root);
  return found;
}

/** @returns why the symlink at `absolute` is refused, or undefined when it is a link to a file inside `root`. */
export async function symlinkProblem(root: string, absolute: string): Promise<string | undefined> {
  let target: string;
  try {
    target = await realpath(absolute);
  } catch {
    return 'is a dangling symbolic link';
  }
  if (!isInside(root, target)) return `is a symbolic link leaving the package (to ${target})`;
  const info = await stat(target);
  if (!info.isFile()) return 'is a symbolic link to something other than a regular file';
  return undefined;
}

/**
 * Checks that the file at package-relative `path` exists, is a regular file (or a link to one) and stays inside
 * `root` once every link on the way is resolved.
 *
 * @returns why it is refused, or undefined.
 */
export async function fileProblem(root: string, path: string): Promise<string | undefined> {
  const absolute = join(root, ...path.split('/'));
  let target: string;
  try {
    await lstat(absolute);
    target = await realpath(absolute);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    return code === 'ENOENT' || code === 'ENOTDIR' ? 'is missing' : `cannot be read (${String(code)})`;
  }
  if (!isInside(root, target)) return `resolves outside the package (to ${target})`;
  const info = await stat(target);
  if (!info.isFile()) return 'is not a regular file';
  return undefined;
}

function isInside(root: string, target: string): boolean {
  return target === root || target.startsWith(root.endsWith(sep) ? root : root + sep);
}
