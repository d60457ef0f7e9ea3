import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Logger } from '@inferox/core';
import { withFileLock } from './file-lock';

const DEAD_PID = '2147483646';

function recordingLogger(): Logger & { messages: string[] } {
  const messages: string[] = [];
  const at = (message: string): void => void messages.push(message);
  return { messages, debug: at, info: at, warn: at, error: at };
}

describe('withFileLock', () => {
  let dir: string;
  let lock: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hub-lock-'));
    lock = join(dir, 'locks', 'x.lock');
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('runs the body holding a lock file with its pid and removes it afterwards when nobody else holds it', async () => {
    const seen = await withFileLock(lock, { signal: undefined, logger: recordingLogger() }, () => readFile(lock, 'utf8'));
    expect(Number.parseInt(seen, 10)).toBe(process.pid);
    await expect(stat(lock)).rejects.toThrow();
    await expect(withFileLock(lock, { signal: undefined, logger: recordingLogger() }, () => Promise.reject(new Error('body failed')))).rejects.toThrow(
      'body failed',
    );
    await expect(stat(lock)).rejects.toThrow();
  });

  it('goes back to waiting when another process took over the same stale lock right after it did', async () => {
    await mkdir(join(dir, 'locks'), { recursive: true });
    await writeFile(lock, DEAD_PID);
    const events: string[] = [];
    const logger = recordingLogger();
    let raced = false;
    const holder = withFileLock(
      lock,
      {
        signal: undefined,
        logger,
        pollMs: 5,
        // Plays the other process: it saw the same dead owner, removed our fresh lock and wrote its own.
        onCreated: async () => {
          if (raced) return;
          raced = true;
          await rm(lock, { force: true });
          await writeFile(lock, `${process.pid}:other-process`);
        },
      },
      async () => void events.push('body'),
    );
    await vi.waitFor(() => expect(logger.messages).toContain('waiting for lock'));
    expect(events).toEqual([]);
    events.push('other released');
    await rm(lock, { force: true });
    await holder;
    expect(events).toEqual(['other released', 'body']);
    expect(logger.messages).toContain('taking over a lock left by a dead process');
  });

  it('leaves the lock file alone on release when it no longer holds its own token', async () => {
    const other = `${process.pid}:other-process`;
    await withFileLock(lock, { signal: undefined, logger: recordingLogger() }, async () => {
      await writeFile(lock, other);
    });
    expect(await readFile(lock, 'utf8')).toBe(other);
  });
});
