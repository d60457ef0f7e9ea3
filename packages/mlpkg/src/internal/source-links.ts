import type { Dirent } from 'node:fs';
import { lstat, readdir, realpath } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { ErrorCode, InferoxError } from '@inferox/core';

/** What `packModel` does with a link in the source folder that resolves outside it. */
export type ExternalLinks = 'refuse' | 'follow';

/** Entries looked at by the pre-check; past it, each copied file is still checked on its own. */
const MAX_ENTRIES = 10_000;

const shown = (path: string): string => JSON.stringify(path.length > 200 ? `${path.slice(0, 200)}…` : path);

/** Whether `path` is `root` or inside it (both real paths). */
export function isInside(root: string, path: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);
}

/**
 * Checks that a source file, once links are resolved, stays inside `realRoot` (unless `policy` is `'follow'`).
 * The message names the link and never the target's content.
 *
 * @throws InferoxError `PACKAGE_INVALID` for a link that leads nowhere or (with `'refuse'`) outside the source.
 */
export async function checkSourceFile(realRoot: string, sourceDir: string, file: string, policy: ExternalLinks): Promise<void> {
  const label = relative(sourceDir, file) || file;
  const target = await realpath(file).catch(async (error: NodeJS.ErrnoException) => {
    // A file that is simply missing or unreadable is reported by whoever reads it, with its system error.
    if (!(await lstat(file).then((s) => s.isSymbolicLink(), () => false))) return undefined;
    throw new InferoxError(ErrorCode.PACKAGE_INVALID, `source file ${shown(label)} is a link that leads nowhere (${error.code ?? error.message})`, {
      cause: error,
      details: { path: label },
    });
  });
  if (target === undefined) return;
  if (policy === 'refuse' && !isInside(realRoot, target)) {
    throw new InferoxError(
      ErrorCode.PACKAGE_INVALID,
      `source file ${shown(label)} is a link to outside the source folder; refusing to pack it (pass externalLinks: 'follow', or --follow-external-links on the cli, to copy what it points at)`,
      { details: { path: label } },
    );
  }
}

/**
 * Looks at every link in the source folder (not descending into dot-folders such as `.git`, nor through linked
 * folders) before anything in it is read, so a `config.json` linked to a private file is refused before its content
 * could reach an error message.
 *
 * @returns the source folder's real path.
 * @throws InferoxError `PACKAGE_INVALID` naming the first link that leads nowhere or outside the source.
 */
export async function checkSourceLinks(sourceDir: string, policy: ExternalLinks): Promise<string | undefined> {
  const realRoot = await realpath(sourceDir).catch(() => undefined);
  if (realRoot === undefined) return undefined; // the checkpoint reader reports a missing source
  const pending = [sourceDir];
  let seen = 0;
  while (pending.length > 0 && seen < MAX_ENTRIES) {
    const dir = pending.pop()!;
    const entries: Dirent[] = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      if (++seen > MAX_ENTRIES) break;
      const path = join(dir, entry.name);
      if (entry.isSymbolicLink()) await checkSourceFile(realRoot, sourceDir, path, policy);
      else if (entry.isDirectory() && !entry.name.startsWith('.')) pending.push(path);
    }
  }
  return realRoot;
}
