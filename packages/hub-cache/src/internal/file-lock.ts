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

/**
 * Runs `body` holding an exclusive lock file (created with `O_EXCL`, holding the owner's pid), so that of several
 * processes (or concurrent calls in one process) one works while the others wait. A lock left by a dead process,
 * or an empty one older than `orphanAfterMs` (as Python's filelock leaves behind), is taken over.
 */
export async function withFileLock<T>(
  path: string,
  options: { readonly signal: AbortSignal | undefined; readonly logger: Logger; readonly pollMs?: number; readonly orphanAfterMs?: number },
  body: () => Promise<T>,
): Promise<T> {
  await mkdir(dirname(path), { recursive: true });
  let logged = false;
  for (;;) {
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number.parseInt(await readFile(path, 'utf8').catch(() => ''), 10);
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
      await sleep(options.pollMs ?? 50, options.signal);
    }
  }
  try {
    return await body();
  } finally {
    await rm(path, { force: true });
  }
}
