import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Logger } from '@inferox/core';
import { sleep } from './sleep';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Creates the lock file exclusively with `token` in it; `false` when it exists already. */
async function create(path: string, token: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(path, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    await handle.writeFile(token);
  } finally {
    await handle.close();
  }
  return true;
}

/**
 * Runs `body` holding an exclusive lock file (created with `O_EXCL`, holding the owner's pid and a random nonce), so
 * that of several processes (or concurrent calls in one process) one works while the others wait. A lock left by a
 * dead process, or an empty one older than `orphanAfterMs` (as Python's filelock leaves behind), is taken over.
 *
 * Two processes can decide to take over the same stale lock at once: A removes and recreates it, then B's removal
 * deletes A's new lock. So after creating the lock its content is read back, and only a lock holding our own token
 * counts as ours; otherwise we wait again. (B's removal can still land after A's read-back: the window is narrowed,
 * not closed; no portable compare-and-delete exists for files.) On release the file is removed only if it still
 * holds our token.
 *
 * @param options.onCreated - called after the lock file is written and before it is read back (tests use it to play
 *   a competing process).
 */
export async function withFileLock<T>(
  path: string,
  options: {
    readonly signal: AbortSignal | undefined;
    readonly logger: Logger;
    readonly pollMs?: number;
    readonly orphanAfterMs?: number;
    readonly onCreated?: () => Promise<void>;
  },
  body: () => Promise<T>,
): Promise<T> {
  await mkdir(dirname(path), { recursive: true });
  const token = `${process.pid}:${randomBytes(8).toString('hex')}`;
  const content = (): Promise<string> => readFile(path, 'utf8').catch(() => '');
  let logged = false;
  for (;;) {
    if (await create(path, token)) {
      await options.onCreated?.();
      if ((await content()) === token) break;
      options.logger.debug('lost the lock to a process taking it over at the same time', { lock: path });
    } else {
      const owner = Number.parseInt(await content(), 10);
      const hasOwner = Number.isInteger(owner) && owner > 0;
      // Without a pid the file is either being created right now or was left behind by another tool (Python's
      // filelock leaves empty lock files): once it is older than a moment, nobody is about to write a pid into it.
      const ageMs = Date.now() - ((await stat(path).catch(() => undefined))?.mtimeMs ?? Date.now());
      if ((hasOwner && !alive(owner)) || (!hasOwner && ageMs > (options.orphanAfterMs ?? 2000))) {
        options.logger.warn('taking over a lock left by a dead process', { lock: path, pid: hasOwner ? owner : undefined });
        await rm(path, { force: true });
        continue;
      }
      if (!logged) options.logger.debug('waiting for lock', { lock: path, pid: owner });
      logged = true;
    }
    await sleep(options.pollMs ?? 50, options.signal);
  }
  try {
    return await body();
  } finally {
    if ((await content()) === token) await rm(path, { force: true });
  }
}
