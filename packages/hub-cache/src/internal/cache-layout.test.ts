import { lstat, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type * as FsPromises from 'node:fs/promises';
import { linkSnapshotFile } from './cache-layout';

// A file system without symlinks (FAT, some Windows setups): every symlink call fails.
vi.mock('node:fs/promises', async (importOriginal) => {
  const original = await importOriginal<typeof FsPromises>();
  return { ...original, symlink: vi.fn(async () => Promise.reject(Object.assign(new Error('operation not permitted'), { code: 'EPERM' }))) };
});

describe('linkSnapshotFile', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hub-layout-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('copies the blob into the snapshot when the file system refuses symlinks', async () => {
    const blob = join(dir, 'blobs', 'abc');
    await mkdir(join(dir, 'blobs'));
    await writeFile(blob, 'content');
    const pointer = join(dir, 'snapshots', 'c', 'nested', 'file.txt');
    await linkSnapshotFile(blob, pointer);
    await linkSnapshotFile(blob, pointer);
    expect((await lstat(pointer)).isSymbolicLink()).toBe(false);
    expect(await readFile(pointer, 'utf8')).toBe('content');
  });
});
